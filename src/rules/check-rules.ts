import type { ParsedXml, SchemaModel } from '../xml/index.ts';
import { CHECKS } from './checks/index.ts';
import { buildDocumentNodes } from './document-nodes.ts';
import type { CheckContext, RuleDefinition, RuleFinding } from './rule-types.ts';

/** Whether a rule applies to a message of a version (`*RQ`, `*RS` and `Order*RQ` style patterns allowed). */
export function ruleApplies(rule: RuleDefinition, version: string, message: string): boolean {
  if (rule.versions && !rule.versions.includes(version)) return false;
  if (!rule.messages) return true;
  return rule.messages.some((pattern) => {
    if (!pattern.includes('*')) return pattern === message;
    const [head = '', tail = ''] = pattern.split('*');
    return message.startsWith(head) && message.endsWith(tail) && message.length >= head.length + tail.length;
  });
}

/** What {@link checkRules} runs over: the parsed message, what it is, and its schema model when there is one. */
export interface RuleTarget {
  readonly parsed: ParsedXml;
  readonly version: string;
  /** Version-neutral message name, e.g. `OrderCreateRQ`. */
  readonly message: string;
  readonly model?: SchemaModel;
}

/**
 * Runs the rules that apply to the message over its parsed document, in one walk to build the
 * nodes and one pass per rule. Findings carry paths; {@link locateFindings} adds lines and columns.
 * @throws Error naming the rule when a rule names a check the registry lacks
 */
export function checkRules(rules: readonly RuleDefinition[], target: RuleTarget): RuleFinding[] {
  const applicable = rules.filter((rule) => ruleApplies(rule, target.version, target.message));
  if (applicable.length === 0) return [];
  const { root, nodes } = buildDocumentNodes(target.parsed, target.model);
  const findings: RuleFinding[] = [];
  for (const rule of applicable) {
    const check = CHECKS[rule.check];
    if (!check) throw new Error(`rule ${rule.id} names the check '${rule.check}', which does not exist`);
    const context: CheckContext = {
      version: target.version,
      message: target.message,
      root,
      nodes,
      model: target.model,
      report(node, detail, attribute) {
        findings.push({
          ruleId: rule.id,
          severity: rule.severity,
          message: detail ?? rule.message,
          path: attribute === undefined ? node.path : `${node.path}/@${attribute}`,
        });
      },
    };
    check(context, rule.options ?? {});
  }
  return findings;
}
