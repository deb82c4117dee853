import { beforeAll, describe, it } from 'vitest';
import { postgresRestart } from '../../scripts/faults/data-faults.ts';
import { runFault } from '../../scripts/faults/run-fault.ts';
import { buildDist } from '../support/build-dist.ts';
import { expectConverged } from './expect-converged.ts';

/**
 * PostgreSQL restarted under load five times, in turn with a fast shutdown (sessions ended) and an
 * immediate one (a crash, recovered from the WAL): the order store's pools reconnect, commands that
 * failed meanwhile are retried by sellers with their key. The CI form of `npm run faults -- --fault
 * postgres-restart --times 100`; the fault itself fails the run when a gateway or worker process did
 * not outlive a restart.
 */

const INJECTIONS = 5;

beforeAll(async () => {
  await buildDist();
}, 180_000);

describe('postgres-restart', () => {
  it('PostgreSQL restarted five times under load: every process stays up, every answered OrderCreate has exactly one order, captured and ticketed once, and none is lost', async () => {
    const report = await runFault(postgresRestart, { times: INJECTIONS, seed: 22 });
    expectConverged(report, INJECTIONS);
  }, 300_000);
});
