import { beforeAll, describe, it } from 'vitest';
import { runFault } from '../../scripts/faults/run-fault.ts';
import { workerKill } from '../../scripts/faults/worker-faults.ts';
import { buildDist } from '../support/build-dist.ts';
import { expectConverged } from './expect-converged.ts';

/**
 * A worker process SIGKILLed at random moments under load, five times (the CI form of
 * `npm run faults -- --fault worker-kill --times 100`): the other worker takes over its jobs as
 * stalled, sellers retry answers they lost with their key, and in the end every answered
 * OrderCreate has exactly one order, captured and ticketed once.
 */

const INJECTIONS = 5;

beforeAll(async () => {
  await buildDist();
}, 180_000);

describe('worker-kill', () => {
  it('a worker SIGKILLed five times under load: every answered OrderCreate has exactly one order, captured and ticketed once, and none is lost', async () => {
    const report = await runFault(workerKill, { times: INJECTIONS, seed: 12 });
    expectConverged(report, INJECTIONS);
  }, 600_000);
});
