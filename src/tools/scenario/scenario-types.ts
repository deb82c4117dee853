/**
 * The shapes of scenario suites, as loaded and checked, and of their results. Suites are data
 * (YAML files and XML templates); these types are what the runner and the reporters agree on.
 */
import type { ResponsePath } from './response-path.ts';
import type { Template } from './render-template.ts';

/** A variable's value: captured lists stay lists until a template joins them. */
export type ScenarioValue = string | readonly string[];

/** How one captured value is taken from a response. */
export interface CaptureSpec {
  readonly name: string;
  readonly path: ResponsePath;
  /** `one`: the first value; `all`: every value, as a list; `join`: every value joined with `separator`. */
  readonly mode: 'one' | 'all' | 'join';
  readonly separator: string;
}

/** A count expectation: exact when min and max are equal. */
export interface CountRange {
  readonly min: number;
  readonly max: number;
}

/** The checks of one step, each optional, already parsed (paths compiled, templates compiled). */
export interface StepExpectations {
  readonly status?: readonly number[];
  readonly root?: string;
  readonly xsdValid?: true;
  readonly noErrors?: true;
  readonly exists?: readonly { readonly path: ResponsePath; readonly present: boolean }[];
  readonly equals?: readonly { readonly path: ResponsePath; readonly expected: Template | readonly Template[] }[];
  /** The pattern is a template: placeholders are rendered escaped, so they match their value literally. */
  readonly matches?: readonly { readonly path: ResponsePath; readonly pattern: Template }[];
  readonly count?: readonly { readonly path: ResponsePath; readonly range: CountRange }[];
}

/** One request of a scenario and what its response must be. */
export interface ScenarioStep {
  readonly name: string;
  /** Template file as written in the scenario, relative to the suite folder; `airlineChange` for such a step. */
  readonly request: string;
  /**
   * Set instead of a request template: the fields of a flight change made at the reference airline
   * (`POST /admin/flights/change` on the run's airline URL), each a template.
   */
  readonly airlineChange?: readonly (readonly [string, Template])[];
  readonly template: Template;
  /** Path posted to, appended to the base URL. */
  readonly path: string;
  readonly headers: Readonly<Record<string, Template>>;
  /** Rendered in file order before the request, so a later var may use an earlier one. */
  readonly vars: readonly (readonly [string, Template])[];
  readonly captures: readonly CaptureSpec[];
  readonly expect: StepExpectations;
  /** 1-based line of the step in its file, for reports. */
  readonly line: number | undefined;
}

/** One scenario file of a suite. */
export interface Scenario {
  readonly name: string;
  readonly description?: string;
  /** Absolute path of the YAML file. */
  readonly file: string;
  /** NDC version, e.g. `21.3`. */
  readonly version: string;
  readonly headers: Readonly<Record<string, Template>>;
  readonly vars: readonly (readonly [string, Template])[];
  readonly steps: readonly ScenarioStep[];
}

/** A folder of scenario files and their request templates. */
export interface ScenarioSuite {
  /** Folder name, e.g. `shopping-21.3`. */
  readonly name: string;
  /** Absolute path of the folder. */
  readonly folder: string;
  readonly scenarios: readonly Scenario[];
}

/** Why a step did not pass: which check, what was wrong, and a short piece of the evidence. */
export interface AssertionFailure {
  /** e.g. `status`, `equals Response.PricedOffer.OfferID`, `capture offerId`. */
  readonly assertion: string;
  readonly message: string;
  /** A few lines of the response (or the values found) that show the problem. */
  readonly excerpt?: string;
}

/**
 * `passed`; `failed`: an expectation or a capture did not hold; `error`: the step could not be
 * judged (no answer, not XML, an unknown variable); `skipped`: an earlier step of the scenario did not pass.
 */
export type StepStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface StepResult {
  readonly name: string;
  readonly request: string;
  readonly status: StepStatus;
  readonly durationMs: number;
  readonly httpStatus?: number;
  /** Local name of the response root element, when the answer was XML. */
  readonly responseRoot?: string;
  readonly failures: readonly AssertionFailure[];
  /** Set when status is `error` or `skipped`. */
  readonly error?: string;
  /** Values captured by this step, for reports. */
  readonly captured: Readonly<Record<string, ScenarioValue>>;
}

export interface ScenarioResult {
  readonly suite: string;
  readonly name: string;
  readonly file: string;
  readonly version: string;
  /** `passed` when every step passed; `error` when a step errored and none failed. */
  readonly status: 'passed' | 'failed' | 'error';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly steps: readonly StepResult[];
}

export interface ScenarioRunSummary {
  readonly scenarios: number;
  readonly scenariosPassed: number;
  readonly steps: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly skipped: number;
  readonly durationMs: number;
}

/** Everything a run produced; the reporters format this and nothing else. */
export interface ScenarioRunReport {
  readonly url: string;
  readonly startedAt: string;
  readonly scenarios: readonly ScenarioResult[];
  readonly summary: ScenarioRunSummary;
}
