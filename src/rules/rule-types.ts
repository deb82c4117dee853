import type { ElementInfo, SchemaModel } from '../xml/index.ts';

/** How much a finding matters; `off` in a configuration turns a rule off. */
export type RuleSeverity = 'error' | 'warning';

/** One rule of the set: plain data, the check is named, not coded here (like an ajv keyword). */
export interface RuleDefinition {
  /** Stable kebab-case id, used in configurations, reports and the NDC Warning/Error a gateway sends. */
  readonly id: string;
  readonly severity: RuleSeverity;
  /** What the rule asks for, one sentence; findings add the detail. */
  readonly message: string;
  /** NDC versions the rule applies to; absent: every version. */
  readonly versions?: readonly string[];
  /**
   * Version-neutral messages the rule applies to (`OrderCreateRQ`); `*RQ` and `*RS` match every
   * request or response. Absent: every message.
   */
  readonly messages?: readonly string[];
  /** Name of the check in the registry. */
  readonly check: string;
  /** Options handed to the check, e.g. which element holds the ordinal. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** One rule violated at one place of one message. */
export interface RuleFinding {
  readonly ruleId: string;
  readonly severity: RuleSeverity;
  readonly message: string;
  /** Element path as the XSD issues give it: `/IATA_OrderCreateRQ/Request/DataLists/PaxList/Pax[2]/PaxRefID`. */
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
}

/** A configuration file's word on the rules, the way linters take it. */
export interface RulesConfig {
  readonly rules?: Readonly<Record<string, 'off' | RuleSeverity>>;
}

/** One element of the parsed document, with its path and schema declaration when the model knows it. */
export interface DocNode {
  /** Local name. */
  readonly name: string;
  readonly path: string;
  readonly parent: DocNode | undefined;
  /** Character content, trimmed; '' when there is none. */
  readonly text: string;
  /** Attributes by local name (`xsi:` ones keep their prefix). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Child elements in document order of first appearance per name (the parser groups same names). */
  readonly children: readonly DocNode[];
  /** The schema's declaration of this element; absent without a model or for elements the schema does not know. */
  readonly info: ElementInfo | undefined;
}

/** What a check sees: the message as nodes, where it comes from, and a way to report. */
export interface CheckContext {
  readonly version: string;
  /** Version-neutral message name, e.g. `OrderCreateRQ`. */
  readonly message: string;
  readonly root: DocNode;
  /** Every element in document order (root first). */
  readonly nodes: readonly DocNode[];
  readonly model: SchemaModel | undefined;
  /** Reports a finding at a node, or at one of its attributes; `detail` replaces the rule's message. */
  report(node: DocNode, detail?: string, attribute?: string): void;
}

/** A named check; `options` are the rule's. */
export type CheckFunction = (context: CheckContext, options: Readonly<Record<string, unknown>>) => void;
