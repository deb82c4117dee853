import type { RulesMode } from '../config/config.ts';
import { GatewayError } from '../errors/index.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { WarningEntry } from '../ndc/warnings-content.ts';
import type { RuleChecker, RuleFinding } from '../rules/index.ts';
import type { ParsedXml, SchemaModel } from '../xml/index.ts';

/** A request that passed its XSD, parsed with its model: what the business rules read. */
export interface RuleCheckedRequest {
  readonly parsed: ParsedXml;
  readonly model: SchemaModel;
  /** The text it was parsed from, so findings get line and column (read only when there are findings). */
  readonly xml: string;
  readonly version: string;
  /** Version-neutral message name, e.g. `AirShoppingRQ`. */
  readonly message: string;
}

function toWarning(finding: RuleFinding): WarningEntry {
  return {
    code: finding.ruleId,
    message: finding.message,
    ...(finding.path ? { path: finding.path } : {}),
    ...(finding.line !== undefined ? { line: finding.line } : {}),
    ...(finding.column !== undefined ? { column: finding.column } : {}),
  };
}

/**
 * Runs the business rules over a request the XSD accepted, on the document already parsed (no
 * second parse). `off` runs nothing. `refuse` throws BUSINESS_RULE_VIOLATION when a finding has
 * severity `error`, one error detail per finding, each naming its rule. Otherwise the findings come
 * back as warnings for the RS.
 * @throws GatewayError BUSINESS_RULE_VIOLATION
 */
export function checkRequestRules(checker: RuleChecker, mode: RulesMode, request: RuleCheckedRequest, metrics: GatewayMetrics): WarningEntry[] {
  if (mode === 'off') return [];
  const { version, message } = request;
  const findings = checker.checkParsed({ parsed: request.parsed, model: request.model, source: request.xml, version, message });
  if (findings.length === 0) return [];
  const refused = mode === 'refuse' && findings.some((finding) => finding.severity === 'error');
  for (const finding of findings) metrics.countRuleFinding({ rule: finding.ruleId, message, version, action: refused ? 'refuse' : 'warn' });
  if (refused) {
    const details = findings.filter((finding) => finding.severity === 'error').map((finding) => {
      const { code, ...detail } = toWarning(finding);
      return { ...detail, message: `${code}: ${detail.message}` };
    });
    throw new GatewayError('BUSINESS_RULE_VIOLATION', undefined, details);
  }
  return findings.map(toWarning);
}
