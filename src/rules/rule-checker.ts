import { join } from 'node:path';
import { NDC_VERSIONS } from '../ndc/ndc-versions.ts';
import { loadSchemaModel, parseXml, type ParsedXml, type SchemaModel } from '../xml/index.ts';
import { checkRules } from './check-rules.ts';
import { locateFindings } from './locate-findings.ts';
import { configureRules } from './rules-config.ts';
import { RULES } from './rule-set.ts';
import type { RuleDefinition, RuleFinding, RulesConfig } from './rule-types.ts';

/** Where the checker gets a message's schema model; undefined when there is none. */
export type SchemaModelSource = (version: string, message: string) => SchemaModel | undefined;

/** Options of {@link createRuleChecker}. */
export interface RuleCheckerOptions {
  /** Schema packages as `<schemaPath>/<version>/<message>.xsd`; used when `models` is not given. */
  readonly schemaPath?: string;
  /** Models the caller already holds (the gateway's); preferred over `schemaPath`. */
  readonly models?: SchemaModelSource;
  /** The rule set. @defaultValue RULES */
  readonly rules?: readonly RuleDefinition[];
}

/** A message to check from its bytes. */
export interface RuleCheckInput {
  readonly xml: Buffer | string;
  readonly version: string;
  /** Version-neutral message name, e.g. `AirShoppingRQ`. */
  readonly message: string;
}

/** A message already parsed (with its schema model, so repeated elements are arrays). */
export interface ParsedRuleCheckInput {
  readonly parsed: ParsedXml;
  readonly version: string;
  readonly message: string;
  /** The model the document was parsed with; else the checker's own, if any. */
  readonly model?: SchemaModel;
  /** The text the document came from; with it, findings get line and column. */
  readonly source?: Buffer | string;
}

/** Runs a configured rule set over messages. */
export interface RuleChecker {
  /** The rules in force: configuration applied. */
  readonly rules: readonly RuleDefinition[];
  /**
   * Parses and checks a message; findings carry line and column.
   * @throws GatewayError when the text is not well-formed XML
   */
  check(input: RuleCheckInput): RuleFinding[];
  /** Checks a document parsed already; no second parse. Line and column only when `source` is given. */
  checkParsed(input: ParsedRuleCheckInput): RuleFinding[];
}

function modelsFromSchemaPath(schemaPath: string): SchemaModelSource {
  const cache = new Map<string, SchemaModel | undefined>();
  return (version, message) => {
    const key = `${version}/${message}`;
    if (cache.has(key)) return cache.get(key);
    const info = NDC_VERSIONS[version];
    let model: SchemaModel | undefined;
    if (info) {
      try {
        model = loadSchemaModel(join(schemaPath, version, info.schemaFile(info.rootName(message))));
      } catch {
        // No package or a schema the model cannot read: the rules run on the document alone.
        model = undefined;
      }
    }
    cache.set(key, model);
    return model;
  };
}

function byPosition(a: RuleFinding, b: RuleFinding): number {
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0) || a.ruleId.localeCompare(b.ruleId);
}

/**
 * A checker for the rule set (by default {@link RULES}) as `config` leaves it. Schema models come
 * from `options.models` or are loaded once per message from `options.schemaPath`; without either,
 * checks that need the schema (17.2 xs:IDREF) find nothing and the others read the document alone.
 */
export function createRuleChecker(config: RulesConfig = {}, options: RuleCheckerOptions = {}): RuleChecker {
  const rules = configureRules(options.rules ?? RULES, config);
  const models = options.models ?? (options.schemaPath === undefined ? () => undefined : modelsFromSchemaPath(options.schemaPath));
  const checkParsed = (input: ParsedRuleCheckInput): RuleFinding[] => {
    const model = input.model ?? models(input.version, input.message);
    const findings = checkRules(rules, {
      parsed: input.parsed, version: input.version, message: input.message, ...(model ? { model } : {}),
    });
    if (findings.length === 0 || input.source === undefined) return findings;
    const text = typeof input.source === 'string' ? input.source : input.source.toString('utf8');
    return locateFindings(findings, text).sort(byPosition);
  };
  return Object.freeze({
    rules,
    checkParsed,
    check(input: RuleCheckInput): RuleFinding[] {
      const model = models(input.version, input.message);
      const usable = model && NDC_VERSIONS[input.version]?.rootName(input.message) === model.rootName ? model : undefined;
      const parsed = parseXml(input.xml, usable ? { model: usable } : {});
      return checkParsed({ parsed, version: input.version, message: input.message, source: input.xml, ...(usable ? { model: usable } : {}) });
    },
  });
}
