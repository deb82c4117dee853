import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { createGatewayMetrics } from '../../../src/metrics/gateway-metrics.ts';
import { checkRequestRules, type RuleCheckedRequest } from '../../../src/pipeline/request-rules.ts';
import type { RuleChecker, RuleFinding } from '../../../src/rules/index.ts';

/** A checker that finds what it is given, and counts its runs. */
function checkerFinding(findings: RuleFinding[]): RuleChecker & { runs: number } {
  const checker = { rules: [], runs: 0, check: () => findings, checkParsed: () => { checker.runs += 1; return findings; } };
  return checker;
}

const request = { parsed: { rootName: 'IATA_AirShoppingRQ', document: {} }, xml: '<x/>', version: '21.3', message: 'AirShoppingRQ' } as unknown as RuleCheckedRequest;
const error: RuleFinding = { ruleId: 'infant-with-adult', severity: 'error', message: 'infant PAX2 names no adult', path: '/IATA_AirShoppingRQ/Request/PaxList/Pax[2]', line: 8, column: 5 };
const warning: RuleFinding = { ruleId: 'timestamp-utc', severity: 'warning', message: 'not UTC', path: '/IATA_AirShoppingRQ/PayloadAttributes/Timestamp' };

describe('checkRequestRules', () => {
  const metrics = createGatewayMetrics(async () => ({}));

  it('off: runs no rule', () => {
    const checker = checkerFinding([error]);
    expect(checkRequestRules(checker, 'off', request, metrics)).toEqual([]);
    expect(checker.runs).toBe(0);
  });

  it('warn: every finding becomes a warning with its rule id, path, line and column', () => {
    expect(checkRequestRules(checkerFinding([error, warning]), 'warn', request, metrics)).toEqual([
      { code: 'infant-with-adult', message: 'infant PAX2 names no adult', path: '/IATA_AirShoppingRQ/Request/PaxList/Pax[2]', line: 8, column: 5 },
      { code: 'timestamp-utc', message: 'not UTC', path: '/IATA_AirShoppingRQ/PayloadAttributes/Timestamp' },
    ]);
  });

  it('refuse: an error finding refuses with BUSINESS_RULE_VIOLATION, one detail per error naming its rule', () => {
    let thrown: unknown;
    try {
      checkRequestRules(checkerFinding([error, warning]), 'refuse', request, metrics);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    const refusal = thrown as GatewayError;
    expect(refusal.code).toBe('BUSINESS_RULE_VIOLATION');
    expect(refusal.definition.httpStatus).toBe(200);
    expect(refusal.details).toEqual([{ message: 'infant-with-adult: infant PAX2 names no adult', path: error.path, line: 8, column: 5 }]);
  });

  it('refuse: findings of severity warning alone are served as warnings', () => {
    expect(checkRequestRules(checkerFinding([warning]), 'refuse', request, metrics).map((w) => w.code)).toEqual(['timestamp-utc']);
  });
});
