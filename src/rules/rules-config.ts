import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ConfigError } from '../config/config-error.ts';
import { formatLoadIssue, type MappingLoadIssue } from '../mapping/mapping-error.ts';
import { parseSource, validateSource } from '../mapping/mapping-source.ts';
import { RULES } from './rule-set.ts';
import type { RuleDefinition, RulesConfig } from './rule-types.ts';

/** A rules configuration file that cannot be used: every problem as `file:line:column: message`. */
export class RulesConfigError extends ConfigError {
  override name = 'RulesConfigError';
  readonly issues: readonly MappingLoadIssue[];

  constructor(issues: readonly MappingLoadIssue[]) {
    super(`The rules configuration is invalid:\n${issues.map(formatLoadIssue).join('\n')}`);
    this.issues = issues;
  }
}

/** Ids of the rules of the set, each once. */
export const RULE_IDS: readonly string[] = Object.freeze([...new Set(RULES.map((rule) => rule.id))]);

/** JSON Schema of a rules configuration file: `rules: { <rule id>: off | warning | error }`; rule ids are checked apart, to name the unknown one where it stands. */
export const RULES_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rules: {
      type: 'object',
      additionalProperties: { enum: ['off', 'warning', 'error'] },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile<RulesConfig>(RULES_CONFIG_SCHEMA);

/**
 * Parses a rules configuration (YAML or JSON) and checks it against {@link RULES_CONFIG_SCHEMA}.
 * @throws RulesConfigError naming file, line and column of every problem
 */
export function parseRulesConfig(text: string, file: string): RulesConfig {
  const source = parseSource(text, file);
  if (source.issues.length > 0) throw new RulesConfigError(source.issues);
  const value = source.value ?? {};
  const issues = validate(value) ? [] : validateSource(source, validate);
  const settings = (value as { rules?: unknown }).rules;
  if (typeof settings === 'object' && settings !== null) {
    for (const id of Object.keys(settings)) {
      if (!RULE_IDS.includes(id)) issues.push(source.issue(['rules', id], `no rule is called '${id}' (rules: ${RULE_IDS.join(', ')})`, { key: true }));
    }
  }
  if (issues.length > 0 || !validate(value)) {
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    throw new RulesConfigError(issues.length > 0 ? issues : [{ file, message: 'does not match the rules configuration schema' }]);
  }
  return Object.freeze({ ...(value.rules ? { rules: Object.freeze({ ...value.rules }) } : {}) });
}

/** Reads and checks a rules configuration file. @throws RulesConfigError */
export function loadRulesConfig(file: string): RulesConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RulesConfigError([{ file, message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  return parseRulesConfig(text, file);
}

/** The rules as a configuration leaves them: rules turned off dropped, severities replaced. */
export function configureRules(rules: readonly RuleDefinition[], config: RulesConfig = {}): readonly RuleDefinition[] {
  const settings = config.rules ?? {};
  return Object.freeze(rules.flatMap((rule) => {
    const setting = settings[rule.id];
    if (setting === undefined) return [rule];
    if (setting === 'off') return [];
    return [{ ...rule, severity: setting }];
  }));
}
