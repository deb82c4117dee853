import { beforeAll, describe, it } from 'vitest';
import { redisRestart } from '../../scripts/faults/data-faults.ts';
import { runFault } from '../../scripts/faults/run-fault.ts';
import { buildDist } from '../support/build-dist.ts';
import { expectConverged } from './expect-converged.ts';

/**
 * Redis restarted under load five times, in turn as a clean stop (SIGTERM) and a crash (SIGKILL; every
 * write is in the append-only file before Redis answers): BullMQ and ioredis reconnect, jobs in flight
 * finish or are taken over as stalled, sellers retry answers they lost with their key. The CI form of
 * `npm run faults -- --fault redis-restart --times 100`; the fault itself fails the run when a gateway
 * or worker process did not outlive a restart.
 */

const INJECTIONS = 5;

beforeAll(async () => {
  await buildDist();
}, 180_000);

describe('redis-restart', () => {
  it('Redis restarted five times under load: every process stays up, every answered OrderCreate has exactly one order, captured and ticketed once, and none is lost', async () => {
    const report = await runFault(redisRestart, { times: INJECTIONS, seed: 21 });
    expectConverged(report, INJECTIONS);
  }, 300_000);
});
