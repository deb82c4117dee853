import { existsSync } from 'node:fs';
import { createXsdResponseValidator, type XsdResponseValidator } from '../mapping-tools/xsd-response-validator.ts';
import type { XsdEngineName } from '../../xsd/index.ts';
import { postFlightChange, type FlightChangeBody } from '../airline-admin/airline-admin-client.ts';
import { createResponseReader, type ResponseReader, type ScenarioResponse } from './read-response.ts';
import { renderTemplate, TemplateRenderError, type RenderContext, type Template } from './render-template.ts';
import { selectValues } from './response-path.ts';
import { checkExpectations, excerptOf } from './scenario-assertions.ts';
import type {
  AssertionFailure, CaptureSpec, Scenario, ScenarioResult, ScenarioRunReport, ScenarioStep, ScenarioSuite, ScenarioValue, StepResult,
} from './scenario-types.ts';

/** Options of {@link runScenarioSuites}. */
export interface RunScenariosOptions {
  /** Base URL of the gateway, e.g. `http://127.0.0.1:8080`; each step's path is appended. */
  readonly url: string;
  /** Sent with every request, over the scenario's and step's own (e.g. `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Schema packages as `<version>/<files>`, for `xsdValid` and for parsing with schema models. */
  readonly schemaPath: string;
  /** Engine for `xsdValid`; the gateway's own, so a scenario judges answers as the gateway does. */
  readonly xsdEngine: XsdEngineName;
  /** Deadline of one request. @defaultValue 30000 */
  readonly timeoutMs?: number;
  /** Clock for `{{date+N}}` and `{{datetime}}`. @defaultValue the system clock */
  readonly now?: () => Date;
  /** Base URL of the reference airline, for `airlineChange` steps. */
  readonly airlineUrl?: string;
  /** Bearer key of the airline's admin routes (AIRLINE_ADMIN_KEY), when it has one. */
  readonly airlineAdminKey?: string;
  /** Called after each step, e.g. for progress output. */
  readonly onStep?: (scenario: Scenario, result: StepResult) => void;
}

/** Default of {@link RunScenariosOptions.timeoutMs}. */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

interface RunState {
  readonly options: RunScenariosOptions;
  readonly reader: ResponseReader;
  xsd: XsdResponseValidator | undefined;
}

/** Header names compared case-insensitively; a later layer replaces an earlier one. */
function mergeHeaders(...layers: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  for (const layer of layers) for (const [name, value] of Object.entries(layer)) merged.set(name.toLowerCase(), [name, value]);
  return Object.fromEntries([...merged.values()]);
}

function renderAll(templates: Readonly<Record<string, Template>>, context: RenderContext): Record<string, string> {
  return Object.fromEntries(Object.entries(templates).map(([name, template]) => [name, renderTemplate(template, context, 'text')]));
}

function renderVars(vars: readonly (readonly [string, Template])[], into: Map<string, ScenarioValue>, now: () => Date): void {
  for (const [name, template] of vars) into.set(name, renderTemplate(template, { vars: into, now }, 'text'));
}

function capture(spec: CaptureSpec, response: ScenarioResponse): { value: ScenarioValue } | { failure: AssertionFailure } {
  const { values, complex, nodes } = selectValues(response.document ?? {}, spec.path);
  const assertion = `capture ${spec.name}`;
  if (nodes === 0) return { failure: { assertion, message: `${spec.path.source} selects nothing, so '${spec.name}' cannot be captured` } };
  if (values.length === 0) return { failure: { assertion, message: `${spec.path.source} selects ${complex} element${complex === 1 ? '' : 's'} with child elements, not values` } };
  switch (spec.mode) {
    case 'one':
      return { value: values[0] as string };
    case 'all':
      return { value: Object.freeze(values) };
    case 'join':
      return { value: values.join(spec.separator) };
  }
}

function validateXsd(state: RunState, response: ScenarioResponse): string[] {
  if (response.xml === undefined) return ['the response is not XML'];
  if (response.schemaFile === undefined) return [`no schema for ${response.rootName ?? 'the root element'} in NDC ${response.version}`];
  if (!existsSync(response.schemaFile)) return [`the schema ${response.schemaFile} is not installed (schema path ${state.options.schemaPath})`];
  if (!state.xsd) throw new Error('the XSD validator was not created before the run');
  return state.xsd.validate(response.xml, response.schemaFile);
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

function describeFetchError(error: unknown, url: string, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer from ${url} within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `POST ${url} failed: ${error instanceof Error ? error.message : String(error)}${cause}`;
}

/** A JSON answer (the airline's admin routes) as the assertions see it: its fields are the document's paths. */
function jsonResponse(answer: { status: number; contentType: string; text: string }, version: string): ScenarioResponse {
  try {
    const document = JSON.parse(answer.text) as unknown;
    if (document !== null && typeof document === 'object' && !Array.isArray(document)) return { ...answer, version, document: document as Record<string, unknown> };
  } catch {
    // Reported below as the parse error.
  }
  return { ...answer, version, parseError: 'the answer is not a JSON object' };
}

/** An `airlineChange` step: the change is made at the reference airline, whose JSON answer is judged. */
async function changeAtAirline(state: RunState, scenario: Scenario, step: ScenarioStep, context: RenderContext): Promise<ScenarioResponse | string> {
  const { options } = state;
  if (options.airlineUrl === undefined) return 'an airlineChange step needs the reference airline\'s URL (--airline-url)';
  const fields: Record<string, string | number> = Object.fromEntries((step.airlineChange ?? []).map(([field, template]) => [field, renderTemplate(template, context, 'text')]));
  if (fields.shiftMinutes !== undefined) fields.shiftMinutes = Number(fields.shiftMinutes);
  const timeoutMs = options.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  try {
    const answer = await postFlightChange(options.airlineUrl, fields as unknown as FlightChangeBody, { timeoutMs, ...(options.airlineAdminKey !== undefined ? { adminKey: options.airlineAdminKey } : {}) });
    return jsonResponse(answer, scenario.version);
  } catch (error) {
    return describeFetchError(error, `${options.airlineUrl}/admin/flights/change`, timeoutMs);
  }
}

async function runStep(state: RunState, scenario: Scenario, step: ScenarioStep, vars: Map<string, ScenarioValue>): Promise<StepResult> {
  const started = performance.now();
  const { options } = state;
  const now = options.now ?? ((): Date => new Date());
  const base = { name: step.name, request: step.request };
  const elapsed = (): number => Math.round(performance.now() - started);
  const stepVars = new Map(vars);
  let body: string;
  let headers: Record<string, string>;
  let airlineAnswer: ScenarioResponse | string | undefined;
  try {
    renderVars(step.vars, stepVars, now);
    if (step.airlineChange) airlineAnswer = await changeAtAirline(state, scenario, step, { vars: stepVars, now });
    const context: RenderContext = { vars: stepVars, now };
    body = renderTemplate(step.template, context, 'xml');
    headers = mergeHeaders(
      { 'Content-Type': 'application/xml; charset=utf-8', 'NDC-Version': scenario.version },
      renderAll(scenario.headers, context),
      renderAll(step.headers, context),
      options.headers ?? {},
    );
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    return { ...base, status: 'error', durationMs: elapsed(), failures: [], error: error.message, captured: {} };
  }

  let response: ScenarioResponse;
  if (typeof airlineAnswer === 'string') return { ...base, status: 'error', durationMs: elapsed(), failures: [], error: airlineAnswer, captured: {} };
  if (airlineAnswer) {
    response = airlineAnswer;
  } else {
    const url = `${options.url.replace(/\/+$/, '')}${step.path}`;
    const timeoutMs = options.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    let answer;
    try {
      answer = await post(url, body, headers, timeoutMs);
    } catch (error) {
      return { ...base, status: 'error', durationMs: elapsed(), failures: [], error: describeFetchError(error, url, timeoutMs), captured: {} };
    }
    response = state.reader.read(answer, scenario.version);
  }
  const facts = { httpStatus: response.status, ...(response.rootName === undefined ? {} : { responseRoot: response.rootName }) };

  if (step.expect.xsdValid && !state.xsd) state.xsd = await createXsdResponseValidator(options.xsdEngine);
  const failures: AssertionFailure[] = checkExpectations(step.expect, {
    response,
    render: (template) => renderTemplate(template, { vars: stepVars, now }, 'text'),
    renderPattern: (template) => renderTemplate(template, { vars: stepVars, now }, 'regex'),
    validateXsd: (r) => validateXsd(state, r),
  });
  const captured: Record<string, ScenarioValue> = {};
  // After a failed check the rest of the scenario is skipped; what could not be captured would only be noise.
  if (step.captures.length > 0 && failures.length === 0) {
    if (response.document === undefined) {
      failures.push({ assertion: 'capture', message: `the answer is not an NDC document: ${response.parseError ?? 'unknown reason'}`, excerpt: excerptOf(response.text) });
    } else {
      for (const spec of step.captures) {
        const outcome = capture(spec, response);
        if ('failure' in outcome) failures.push(outcome.failure);
        else captured[spec.name] = outcome.value;
      }
    }
  }
  if (failures.length === 0) for (const [name, value] of Object.entries(captured)) vars.set(name, value);
  return { ...base, status: failures.length === 0 ? 'passed' : 'failed', durationMs: elapsed(), ...facts, failures, captured };
}

async function runScenario(state: RunState, suite: ScenarioSuite, scenario: Scenario): Promise<ScenarioResult> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const vars = new Map<string, ScenarioValue>();
  const steps: StepResult[] = [];
  let blocker: string | undefined;
  try {
    renderVars(scenario.vars, vars, state.options.now ?? ((): Date => new Date()));
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    blocker = `the scenario's vars cannot be rendered: ${error.message}`;
  }
  for (const step of scenario.steps) {
    let result: StepResult;
    if (blocker !== undefined) {
      result = { name: step.name, request: step.request, status: 'skipped', durationMs: 0, failures: [], error: blocker, captured: {} };
    } else {
      result = await runStep(state, scenario, step, vars);
      // Later steps use what this one captures; after a failure they would only fail for that reason.
      if (result.status !== 'passed') blocker = `step '${step.name}' did not pass`;
    }
    steps.push(result);
    state.options.onStep?.(scenario, result);
  }
  const status = steps.some((s) => s.status === 'failed') ? 'failed' : steps.some((s) => s.status === 'error') ? 'error' : 'passed';
  return {
    suite: suite.name,
    name: scenario.name,
    file: scenario.file,
    version: scenario.version,
    status,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    steps,
  };
}

/**
 * Runs suites against a running gateway, scenario after scenario and step after step (a step uses
 * what the one before captured). A step that does not pass skips the rest of its scenario; the
 * other scenarios still run. Never throws for what a gateway answers: that is in the report.
 */
export async function runScenarioSuites(suites: readonly ScenarioSuite[], options: RunScenariosOptions): Promise<ScenarioRunReport> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const state: RunState = { options, reader: createResponseReader(options.schemaPath), xsd: undefined };
  const scenarios: ScenarioResult[] = [];
  try {
    for (const suite of suites) {
      for (const scenario of suite.scenarios) scenarios.push(await runScenario(state, suite, scenario));
    }
  } finally {
    state.xsd?.dispose();
  }
  const steps = scenarios.flatMap((s) => s.steps);
  const countOf = (status: StepResult['status']): number => steps.filter((s) => s.status === status).length;
  return {
    url: options.url,
    startedAt,
    scenarios,
    summary: {
      scenarios: scenarios.length,
      scenariosPassed: scenarios.filter((s) => s.status === 'passed').length,
      steps: steps.length,
      passed: countOf('passed'),
      failed: countOf('failed'),
      errors: countOf('error'),
      skipped: countOf('skipped'),
      durationMs: Math.round(performance.now() - started),
    },
  };
}

/** 0 when every step passed, 1 otherwise (a failure, an error or a skipped step). */
export function exitCodeOfRun(report: ScenarioRunReport): 0 | 1 {
  const { summary } = report;
  return summary.failed + summary.errors + summary.skipped === 0 ? 0 : 1;
}
