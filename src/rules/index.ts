export type { CheckContext, CheckFunction, DocNode, RuleDefinition, RuleFinding, RuleSeverity, RulesConfig } from './rule-types.ts';
export { RULES, OFFERS_AND_ORDERS_VERSIONS } from './rule-set.ts';
export { CHECKS } from './checks/index.ts';
export { checkRules, ruleApplies, type RuleTarget } from './check-rules.ts';
export { locateFindings } from './locate-findings.ts';
export { configureRules, loadRulesConfig, parseRulesConfig, RULE_IDS, RULES_CONFIG_SCHEMA, RulesConfigError } from './rules-config.ts';
export {
  createRuleChecker, type ParsedRuleCheckInput, type RuleChecker, type RuleCheckerOptions, type RuleCheckInput, type SchemaModelSource,
} from './rule-checker.ts';
