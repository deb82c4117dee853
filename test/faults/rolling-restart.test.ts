import { describe, expect, it } from 'vitest';
import { rollingRestart } from '../../scripts/faults/rolling-restart.ts';
import { runFault } from '../../scripts/faults/run-fault.ts';
import { buildDist } from '../support/build-dist.ts';

/**
 * The rolling restart's CI form: two gateway processes behind the balancer, each stopped with
 * SIGTERM and started again in turn, five times, under the sellers' load. The promise is the
 * strongest of the harness: not one request fails (no 5xx, no lost answer, so no retry was even
 * needed), and every answered OrderCreate has exactly one order, capture and set of tickets.
 */
describe('fault: rolling-restart', () => {
  it('fails no request across 5 rolling restarts and reconciles every order', async () => {
    await buildDist();
    const lines: string[] = [];
    const report = await runFault(rollingRestart, { times: 5, log: (line) => lines.push(line) });
    const shown = `${lines.join('\n')}\n${JSON.stringify(report, null, 2)}`;

    expect(report.injections, shown).toBe(5);
    expect(report.failedRequests, shown).toBe(0);
    expect(report.lostAnswers, shown).toBe(0);
    expect(report.ordersExpected, shown).toBeGreaterThan(0);
    expect(report.ordersFound, shown).toBe(report.ordersExpected);
    expect(report.duplicates, shown).toBe(0);
    expect(report.reconciliation.missing, shown).toBe(0);
    expect(report.reconciliation.orphans, shown).toBe(0);
    expect(report.reconciliation.problems, shown).toEqual([]);
  }, 900_000);
});
