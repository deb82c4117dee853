import { expect } from 'vitest';
import type { FaultReport } from '../../scripts/faults/types.ts';

/**
 * What every fault promises once its run converged: each answered OrderCreate has exactly one
 * order, captured once and ticketed once; nothing was made for a request refused or never
 * answered; every request converged to a final answer (and, for a fault that promises it, no
 * request failed at all). The reconciliation's problem lines are the failure message.
 */
export function expectConverged(report: FaultReport, injections: number): void {
  const { reconciliation } = report;
  const why = reconciliation.problems.slice(0, 30).join('\n') || JSON.stringify(report);
  expect(report.injections).toBe(injections);
  expect(report.ordersExpected, 'orders were booked under the fault').toBeGreaterThan(0);
  expect(reconciliation.duplicates, why).toBe(0);
  expect(reconciliation.missing, why).toBe(0);
  expect(reconciliation.orphans, why).toBe(0);
  expect(report.ordersFound, why).toBe(report.ordersExpected);
  expect(report.failedRequests, why).toBe(0);
}
