import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { parseSource, validateSource, type ParsedSource, type SourcePointer } from '../../mapping/mapping-source.ts';
import { locateOffset } from '../../xml/index.ts';
import { BUILT_IN_NAMES, compileTemplate, TemplateSyntaxError, type Template } from './render-template.ts';
import { parseResponsePath, ResponsePathError, type ResponsePath } from './response-path.ts';
import { ScenarioLoadError, type ScenarioLoadIssue } from './scenario-load-error.ts';
import { getScenarioValidator } from './scenario-schema.ts';
import type { CaptureSpec, CountRange, Scenario, ScenarioStep, ScenarioSuite, StepExpectations } from './scenario-types.ts';

/** Path posted to when neither the step nor the scenario names one: the gateway's NDC endpoint. */
export const DEFAULT_NDC_PATH = '/api/v1/ndc';

type Scalar = string | number | boolean;

/** A scenario file as the schema admits it. */
interface RawScenario {
  readonly name: string;
  readonly description?: string;
  readonly version: string | number;
  readonly path?: string;
  readonly headers?: Record<string, Scalar>;
  readonly vars?: Record<string, Scalar>;
  readonly steps: readonly RawStep[];
}

interface RawStep {
  readonly name: string;
  /** Exactly one of request and airlineChange (the schema says so). */
  readonly request?: string;
  readonly airlineChange?: Record<string, Scalar>;
  readonly path?: string;
  readonly headers?: Record<string, Scalar>;
  readonly vars?: Record<string, Scalar>;
  readonly capture?: Record<string, string | { path: string; all?: boolean; join?: string }>;
  readonly expect?: RawExpect;
}

interface RawExpect {
  readonly status?: number | readonly number[];
  readonly root?: string;
  readonly xsdValid?: true;
  readonly noErrors?: true;
  readonly exists?: readonly string[] | Record<string, boolean>;
  readonly equals?: Record<string, Scalar | readonly Scalar[]>;
  readonly matches?: Record<string, string>;
  readonly count?: Record<string, number | { min?: number; max?: number }>;
}

const SCENARIO_EXTENSIONS = new Set(['.yaml', '.yml']);

/** Compiles each template file once per suite, however many steps post it. */
type TemplateCache = Map<string, Template | ScenarioLoadIssue>;

/** Collects the problems of one file, each located by its pointer in the YAML. */
class FileChecker {
  readonly issues: ScenarioLoadIssue[] = [];
  constructor(readonly source: ParsedSource) {}

  add(pointer: SourcePointer, message: string, key = false): void {
    this.issues.push(this.source.issue(pointer, message, { key }));
  }

  path(pointer: SourcePointer, text: string, key: boolean): ResponsePath | undefined {
    try {
      return parseResponsePath(text);
    } catch (error) {
      if (!(error instanceof ResponsePathError)) throw error;
      this.add(pointer, error.message, key);
      return undefined;
    }
  }

  template(pointer: SourcePointer, text: string): Template | undefined {
    try {
      return compileTemplate(text);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      this.add(pointer, error.message);
      return undefined;
    }
  }

  /** Every variable a template reads must be set by then; names the ones that are not. */
  known(pointer: SourcePointer, template: Template | undefined, known: ReadonlySet<string>, what: string): void {
    for (const name of template?.variables ?? []) {
      if (!known.has(name)) {
        this.add(pointer, `${what} uses {{${name}}}, which no vars entry and no capture of an earlier step sets${known.size > 0 ? ` (set here: ${[...known].sort().join(', ')})` : ''}`);
      }
    }
  }
}

function loadTemplate(folder: string, request: string, cache: TemplateCache): Template | ScenarioLoadIssue {
  const file = resolve(folder, request);
  const cached = cache.get(file);
  if (cached) return cached;
  let result: Template | ScenarioLoadIssue;
  if (!existsSync(file) || !statSync(file).isFile()) {
    result = { file, message: `request template not found (from '${request}', relative to the suite folder ${folder})` };
  } else {
    const text = readFileSync(file, 'utf8');
    try {
      result = compileTemplate(text);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      const at = locateOffset(text, error.offset);
      result = { file, message: error.message, line: at.line, column: at.column };
    }
  }
  cache.set(file, result);
  return result;
}

function isIssue(value: Template | ScenarioLoadIssue): value is ScenarioLoadIssue {
  return 'message' in value;
}

function compileVars(check: FileChecker, pointer: SourcePointer, vars: Record<string, Scalar> | undefined, known: Set<string>): [string, Template][] {
  const compiled: [string, Template][] = [];
  for (const [name, value] of Object.entries(vars ?? {})) {
    if (BUILT_IN_NAMES.includes(name)) {
      check.add([...pointer, name], `'${name}' is a built-in placeholder; choose another variable name`, true);
      continue;
    }
    const template = check.template([...pointer, name], String(value));
    check.known([...pointer, name], template, known, `var '${name}'`);
    known.add(name);
    if (template) compiled.push([name, template]);
  }
  return compiled;
}

function compileHeaders(check: FileChecker, pointer: SourcePointer, headers: Record<string, Scalar> | undefined, known: ReadonlySet<string>): Record<string, Template> {
  const compiled: Record<string, Template> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const template = check.template([...pointer, name], String(value));
    check.known([...pointer, name], template, known, `header '${name}'`);
    if (template) compiled[name] = template;
  }
  return compiled;
}

function compileCaptures(check: FileChecker, pointer: SourcePointer, captures: RawStep['capture']): CaptureSpec[] {
  const compiled: CaptureSpec[] = [];
  for (const [name, spec] of Object.entries(captures ?? {})) {
    if (BUILT_IN_NAMES.includes(name)) {
      check.add([...pointer, name], `'${name}' is a built-in placeholder; choose another variable name`, true);
      continue;
    }
    const text = typeof spec === 'string' ? spec : spec.path;
    const path = check.path(typeof spec === 'string' ? [...pointer, name] : [...pointer, name, 'path'], text, false);
    if (!path) continue;
    if (typeof spec !== 'string' && spec.all === true && spec.join !== undefined) {
      check.add([...pointer, name, 'join'], 'write either all: true (a list) or join (one value), not both', true);
      continue;
    }
    const mode = typeof spec === 'string' ? 'one' : spec.join !== undefined ? 'join' : spec.all === true ? 'all' : 'one';
    compiled.push({ name, path, mode, separator: typeof spec === 'string' ? ' ' : spec.join ?? ' ' });
  }
  return compiled;
}

function compileExpect(check: FileChecker, pointer: SourcePointer, raw: RawExpect | undefined, known: ReadonlySet<string>): StepExpectations {
  if (!raw) return {};
  const expect: {
    -readonly [K in keyof StepExpectations]: StepExpectations[K];
  } = {};
  if (raw.status !== undefined) expect.status = typeof raw.status === 'number' ? [raw.status] : [...raw.status];
  if (raw.root !== undefined) expect.root = raw.root;
  if (raw.xsdValid) expect.xsdValid = true;
  if (raw.noErrors) expect.noErrors = true;
  if (raw.exists !== undefined) {
    const entries: [string, boolean, SourcePointer, boolean][] = Array.isArray(raw.exists)
      ? (raw.exists as readonly string[]).map((path, i) => [path, true, [...pointer, 'exists', i], false])
      : Object.entries(raw.exists as Record<string, boolean>).map(([path, present]) => [path, present, [...pointer, 'exists', path], true]);
    expect.exists = entries.flatMap(([text, present, at, key]) => {
      const path = check.path(at, text, key);
      return path ? [{ path, present }] : [];
    });
  }
  if (raw.equals !== undefined) {
    expect.equals = Object.entries(raw.equals).flatMap(([text, value]): { path: ResponsePath; expected: Template | readonly Template[] }[] => {
      const at = [...pointer, 'equals', text];
      const path = check.path(at, text, true);
      const compile = (scalar: Scalar, where: SourcePointer): Template | undefined => {
        const template = check.template(where, String(scalar));
        check.known(where, template, known, 'expected value');
        return template;
      };
      if (Array.isArray(value)) {
        const list = (value as readonly Scalar[]).map((scalar, i) => compile(scalar, [...at, i]));
        return path && list.every((t) => t !== undefined) ? [{ path, expected: list as Template[] }] : [];
      }
      const expected = compile(value as Scalar, at);
      return path && expected ? [{ path, expected }] : [];
    });
  }
  if (raw.matches !== undefined) {
    expect.matches = Object.entries(raw.matches).flatMap(([text, source]) => {
      const at = [...pointer, 'matches', text];
      const path = check.path(at, text, true);
      const pattern = check.template(at, source);
      check.known(at, pattern, known, 'pattern');
      if (pattern) {
        // Each placeholder stands for a literal value, so the pattern compiles with any stand-in.
        const probe = pattern.parts.map((part) => (typeof part === 'string' ? part : 'x')).join('');
        try {
          new RegExp(probe);
        } catch (error) {
          check.add(at, `not a regular expression: ${error instanceof Error ? error.message : String(error)}`);
          return [];
        }
      }
      return path && pattern ? [{ path, pattern }] : [];
    });
  }
  if (raw.count !== undefined) {
    expect.count = Object.entries(raw.count).flatMap(([text, value]) => {
      const at = [...pointer, 'count', text];
      const path = check.path(at, text, true);
      const range: CountRange = typeof value === 'number'
        ? { min: value, max: value }
        : { min: value.min ?? 0, max: value.max ?? Number.POSITIVE_INFINITY };
      if (range.min > range.max) check.add(at, `min ${range.min} is above max ${range.max}`);
      return path && range.min <= range.max ? [{ path, range }] : [];
    });
  }
  return expect;
}

/**
 * `version` admits 21.3 as a string and as the number YAML reads from an unquoted 21.3, so the
 * schema lists each version twice; the author needs to see each once.
 */
function withDistinctChoices(issue: ScenarioLoadIssue): ScenarioLoadIssue {
  const choices = /^must be one of: (.*)$/.exec(issue.message)?.[1];
  return choices === undefined ? issue : { ...issue, message: `must be one of: ${[...new Set(choices.split(', '))].join(', ')}` };
}

/** The version as written (`21.3` or `'21.3'`); YAML reads an unquoted 21.3 as a number. */
function versionOf(raw: string | number): string {
  return typeof raw === 'number' ? raw.toFixed(1) : raw;
}

function lineOf(source: ParsedSource, pointer: SourcePointer): number | undefined {
  return source.locate(pointer)?.line;
}

/**
 * Parses and checks one scenario file: the schema, every path, placeholder and regular expression,
 * that each request template exists and parses, and that each variable is set before it is used.
 * @throws ScenarioLoadError listing every problem, each with file and line.
 */
export function parseScenarioSource(text: string, file: string, folder: string, templates: TemplateCache = new Map()): Scenario {
  const source = parseSource(text, file);
  if (source.issues.length > 0) throw new ScenarioLoadError(source.issues);
  const schemaIssues = validateSource(source, getScenarioValidator());
  if (schemaIssues.length > 0) throw new ScenarioLoadError(schemaIssues.map(withDistinctChoices));
  const raw = source.value as RawScenario;
  const check = new FileChecker(source);

  const known = new Set<string>();
  const vars = compileVars(check, ['vars'], raw.vars, known);
  const scenarioKnown: ReadonlySet<string> = new Set(known);
  const headers = compileHeaders(check, ['headers'], raw.headers, scenarioKnown);
  const steps: ScenarioStep[] = [];
  const names = new Set<string>();
  raw.steps.forEach((step, i) => {
    const at: SourcePointer = ['steps', i];
    if (names.has(step.name)) check.add([...at, 'name'], `a step named '${step.name}' comes earlier in this scenario; step names are JUnit testcase names and must differ`);
    names.add(step.name);
    const stepKnown = new Set(known);
    const stepVars = compileVars(check, [...at, 'vars'], step.vars, stepKnown);
    const stepHeaders = compileHeaders(check, [...at, 'headers'], step.headers, stepKnown);
    const airlineChange = step.airlineChange === undefined ? undefined : Object.entries(step.airlineChange).flatMap(([field, value]): [string, Template][] => {
      const template = check.template([...at, 'airlineChange', field], String(value));
      check.known([...at, 'airlineChange', field], template, stepKnown, `airlineChange ${field}`);
      return template ? [[field, template]] : [];
    });
    const template = step.request === undefined ? compileTemplate('') : loadTemplate(folder, step.request, templates);
    if (isIssue(template)) {
      // A missing file is the step's problem (located at its `request:`); a bad placeholder is the template's.
      if (template.line === undefined) check.add([...at, 'request'], template.message);
      else check.issues.push(template);
    } else {
      check.known([...at, 'request'], template, stepKnown, `template ${step.request ?? ''}`);
    }
    const expect = compileExpect(check, [...at, 'expect'], step.expect, stepKnown);
    const captures = compileCaptures(check, [...at, 'capture'], step.capture);
    for (const capture of captures) known.add(capture.name);
    if (!isIssue(template)) {
      steps.push({
        name: step.name,
        request: step.request ?? 'airlineChange',
        ...(airlineChange ? { airlineChange } : {}),
        template,
        path: step.path ?? raw.path ?? DEFAULT_NDC_PATH,
        headers: stepHeaders,
        vars: stepVars,
        captures,
        expect,
        line: lineOf(source, at),
      });
    }
  });
  if (check.issues.length > 0) {
    const seen = new Set<string>();
    const unique = check.issues.filter((issue) => {
      const id = `${issue.file}|${issue.line ?? ''}|${issue.column ?? ''}|${issue.message}`;
      return seen.has(id) ? false : (seen.add(id), true);
    });
    throw new ScenarioLoadError(unique);
  }
  return {
    name: raw.name,
    ...(raw.description === undefined ? {} : { description: raw.description }),
    file,
    version: versionOf(raw.version),
    headers,
    vars,
    steps,
  };
}

/**
 * Loads a suite: every `.yaml`/`.yml` file directly in the folder is a scenario, in file-name
 * order; request templates may sit anywhere the scenarios point to.
 * @throws ScenarioLoadError listing every problem of every file (exit code 2 in the CLI).
 */
export function loadScenarioSuite(folder: string): ScenarioSuite {
  const root = resolve(folder);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ScenarioLoadError([{ file: root, message: 'not a folder: a suite is a folder of scenario files (.yaml) and request templates' }]);
  }
  const files = readdirSync(root)
    .filter((name) => SCENARIO_EXTENSIONS.has(extname(name).toLowerCase()) && statSync(join(root, name)).isFile())
    .sort();
  if (files.length === 0) throw new ScenarioLoadError([{ file: root, message: 'no scenario files (.yaml or .yml) in this folder' }]);
  const templates: TemplateCache = new Map();
  const scenarios: Scenario[] = [];
  const issues: ScenarioLoadIssue[] = [];
  const names = new Map<string, string>();
  for (const name of files) {
    const file = join(root, name);
    try {
      const scenario = parseScenarioSource(readFileSync(file, 'utf8'), file, root, templates);
      const other = names.get(scenario.name);
      if (other !== undefined) {
        issues.push({ file, message: `scenario name '${scenario.name}' is also the name of ${relative(root, other)}; names are JUnit testsuite names and must differ` });
      }
      names.set(scenario.name, file);
      scenarios.push(scenario);
    } catch (error) {
      if (!(error instanceof ScenarioLoadError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) {
    // A broken template shared by several scenarios is reported once.
    const seen = new Set<string>();
    throw new ScenarioLoadError(issues.filter((issue) => {
      const id = `${issue.file}|${issue.line ?? ''}|${issue.column ?? ''}|${issue.message}`;
      return seen.has(id) ? false : (seen.add(id), true);
    }));
  }
  return { name: basename(root), folder: root, scenarios };
}
