import { beforeAll, describe, it } from 'vitest';
import { runFault } from '../../scripts/faults/run-fault.ts';
import { gatewayKill } from '../../scripts/faults/worker-faults.ts';
import { buildDist } from '../support/build-dist.ts';
import { expectConverged } from './expect-converged.ts';

/**
 * A gateway process SIGKILLed with requests in flight, five times, with two gateways behind the
 * balancer (the CI form of `npm run faults -- --fault gateway-kill --times 100`): traffic goes on
 * through the other gateway, sellers retry answers they lost with their key, and in the end every
 * answered OrderCreate has exactly one order, captured and ticketed once.
 */

const INJECTIONS = 5;

beforeAll(async () => {
  await buildDist();
}, 180_000);

describe('gateway-kill', () => {
  it('a gateway SIGKILLed five times under load: every answered OrderCreate has exactly one order, captured and ticketed once, and none is lost', async () => {
    const report = await runFault(gatewayKill, { times: INJECTIONS, seed: 12 });
    expectConverged(report, INJECTIONS);
  }, 900_000);
});
