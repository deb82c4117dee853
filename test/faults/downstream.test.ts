import { beforeAll, describe, expect, it } from 'vitest';
import { airlineDown, airlineSlow, answerProblem, FAST_MS, paymentDown, paymentSlow } from '../../scripts/faults/downstream-faults.ts';
import { runFault } from '../../scripts/faults/run-fault.ts';
import type { AnswerRecord } from '../../scripts/faults/types.ts';
import { buildDist } from '../support/build-dist.ts';
import { expectConverged } from './expect-converged.ts';

/**
 * The airline and the payment service slowed beyond the gateway's timeout, or refusing and
 * dropping connections, five times each under load (the CI form of
 * `npm run faults -- --fault <name> --times 100`). Each injection itself fails the run when the
 * breaker does not open, when sellers get slow answers while it is open, a 500, no answer, or a
 * code with the wrong HTTP status, or when it does not close once the service is back. Then every
 * answered OrderCreate has exactly one order, captured and ticketed once: an order whose capture
 * or ticketing was cut by the fault is finished by the seller's retry with its key.
 */

const INJECTIONS = 5;

describe('what a seller may get while a downstream is away', () => {
  const answer = (status: number, errorCode?: string): AnswerRecord => ({ at: 0, message: 'OrderCreateRQ', status, ms: 10, ...(errorCode ? { errorCode } : {}) });

  it('takes the errors the gateway documents for it, with their HTTP status, and successes', () => {
    expect(answerProblem(answer(502, 'DOWNSTREAM_UNAVAILABLE'))).toBeUndefined();
    expect(answerProblem(answer(504, 'DEADLINE_EXCEEDED'))).toBeUndefined();
    expect(answerProblem(answer(409, 'REQUEST_IN_PROGRESS'))).toBeUndefined();
    expect(answerProblem(answer(200, 'OFFER_EXPIRED'))).toBeUndefined();
    expect(answerProblem(answer(200))).toBeUndefined();
    expect(FAST_MS).toBeLessThan(3000);
  });

  it('flags no answer, a 500, a wrong status for the code, an undocumented code and an answer without <Errors>', () => {
    expect(answerProblem(answer(0))).toMatch(/no answer/);
    expect(answerProblem(answer(500, 'INTERNAL_ERROR'))).toMatch(/INTERNAL_ERROR is no answer/);
    expect(answerProblem(answer(500, 'DOWNSTREAM_UNAVAILABLE'))).toMatch(/not 502/);
    expect(answerProblem(answer(502, '911'))).toMatch(/not in the error table/);
    expect(answerProblem(answer(502))).toMatch(/without an NDC <Errors>/);
  });
});

describe('downstream faults under load', () => {
  beforeAll(async () => {
    await buildDist();
  }, 180_000);

  // Six minutes each: a payment fault takes longest, since only OrderCreate needs the payment service, so its breaker sees fewer calls and opens later.
  it.each([
    ['the airline slowed beyond the timeout', airlineSlow],
    ['the airline refusing and dropping connections', airlineDown],
    ['the payment service slowed beyond the timeout', paymentSlow],
    ['the payment service refusing and dropping connections', paymentDown],
  ])('%s five times: the breaker opens, answers fast errors, closes again, and every answered OrderCreate has exactly one order', async (_fault, definition) => {
    const report = await runFault(definition, { times: INJECTIONS, seed: 7 });
    expectConverged(report, INJECTIONS);
  }, 360_000);
});
