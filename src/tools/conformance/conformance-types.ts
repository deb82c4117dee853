import type { RuleFinding } from '../../rules/rule-types.ts';
import type { XsdIssue } from '../../xsd/xsd-types.ts';

/**
 * What a conformance run produces: plain data, so that every report format (text, JSON, JUnit)
 * and every caller reads the same thing.
 */

/** Engines a conformance run can use. `libxml2` is libxml2 compiled to WebAssembly (libxml2-wasm). */
export type ConformanceEngineName = 'libxml2' | 'libxmljs2' | 'xerces';

export const CONFORMANCE_ENGINES: readonly ConformanceEngineName[] = Object.freeze(['libxml2', 'libxmljs2', 'xerces']);

/** Where a file's version came from. */
export type VersionSource = 'namespace' | 'payload' | 'default' | 'option';

/**
 * Why a file got no verdict. The first three are the document's fault; the others mean the schema
 * side is missing or broken, which a run reports as a setup error (exit 2).
 */
export type FileErrorCode = 'UNREADABLE' | 'NOT_XML' | 'NOT_NDC' | 'NO_SCHEMA' | 'SCHEMA_ERROR' | 'ENGINE_ERROR';

export const SETUP_ERROR_CODES: ReadonlySet<FileErrorCode> = new Set<FileErrorCode>(['NO_SCHEMA', 'SCHEMA_ERROR', 'ENGINE_ERROR']);

export interface FileError {
  readonly code: FileErrorCode;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** One engine's verdict on one file; `error` instead of issues when the engine could not judge it. */
export interface EngineVerdict {
  readonly engine: ConformanceEngineName;
  readonly valid: boolean;
  readonly issues: readonly XsdIssue[];
  readonly durationMs: number;
  readonly error?: FileError;
}

export type FileStatus = 'valid' | 'invalid' | 'error';

/**
 * The business rules' verdict on one file (`validate --rules`): findings with rule id, line and
 * column, or `error` when the rules could not read the file (not well-formed XML).
 */
export interface RulesVerdict {
  readonly findings: readonly RuleFinding[];
  readonly durationMs: number;
  readonly error?: FileError;
}

export interface FileResult {
  /** As found: relative to the working directory when below it. */
  readonly file: string;
  readonly status: FileStatus;
  /** Root element as written, without prefix, e.g. `IATA_AirShoppingRQ`. */
  readonly rootName?: string;
  readonly namespace?: string;
  /** Version-neutral message name, e.g. `AirShoppingRQ`. */
  readonly message?: string;
  readonly version?: string;
  readonly versionSource?: VersionSource;
  /** The XSD the file was validated against. */
  readonly schemaFile?: string;
  /** Set when the file got no verdict (not NDC, no schema, …), or an engine could not judge it. */
  readonly error?: FileError;
  readonly verdicts: readonly EngineVerdict[];
  /** Engines judged the file differently (one valid, another invalid). */
  readonly disagreement: boolean;
  /** Present when the run checked the business rules. A finding of severity `error` makes the file invalid; warnings do not. */
  readonly rules?: RulesVerdict;
}

/** Findings of one rule over a run. */
export interface RuleSummary {
  readonly ruleId: string;
  readonly errors: number;
  readonly warnings: number;
  /** Files with at least one finding of the rule. */
  readonly files: number;
}

export interface ConformanceSummary {
  readonly files: number;
  readonly valid: number;
  readonly invalid: number;
  readonly errors: number;
  /** Files whose errors are about the schema side (no schema, schema does not compile, engine down). */
  readonly setupErrors: number;
  readonly disagreements: number;
  readonly durationMs: number;
  /** Per rule, in rule id order, every rule in force listed (zero counts included); present when the run checked the rules. */
  readonly rules?: readonly RuleSummary[];
}

export interface ConformanceReport {
  readonly schemaPath: string;
  /** Empty with `--rules-only`: no XSD engine ran. */
  readonly engines: readonly ConformanceEngineName[];
  /** Ids of the rules in force, when the run checked the rules. */
  readonly rules?: readonly string[];
  readonly startedAt: string;
  readonly files: readonly FileResult[];
  readonly summary: ConformanceSummary;
}
