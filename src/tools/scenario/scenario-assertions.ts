import type { ScenarioResponse } from './read-response.ts';
import type { Template } from './render-template.ts';
import { selectNodes, selectValues, type ResponsePath } from './response-path.ts';
import type { AssertionFailure, StepExpectations } from './scenario-types.ts';

/**
 * The checks a step's `expect:` may hold. Each is a small definition in one table, like ajv's
 * keywords: adding a check means adding an entry, not editing the runner.
 */

/** What a check may look at: the answer, the step's variables, and the XSD engine. */
export interface AssertionContext {
  readonly response: ScenarioResponse;
  /** Renders an expected value with the variables of the step. */
  readonly render: (template: Template) => string;
  /** Renders a `matches` pattern, its values escaped to match literally. */
  readonly renderPattern: (template: Template) => string;
  /** Problems of the response against its message XSD; empty when valid. */
  readonly validateXsd: (response: ScenarioResponse) => string[];
}

interface AssertionDefinition<K extends keyof StepExpectations> {
  readonly keyword: K;
  /** Whether the check reads the parsed document (and so cannot run on a body that is not XML). */
  readonly needsDocument: boolean;
  check(value: NonNullable<StepExpectations[K]>, context: AssertionContext): AssertionFailure[];
}

const MAX_EXCERPT_CHARS = 600;
const MAX_EXCERPT_LINES = 8;
const MAX_VALUES_SHOWN = 5;

/** The first lines of a text, shortened: enough to recognise an answer in a report. */
export function excerptOf(text: string): string {
  const lines = text.trim().split(/\r?\n/).slice(0, MAX_EXCERPT_LINES);
  let excerpt = lines.join('\n');
  if (excerpt.length > MAX_EXCERPT_CHARS) excerpt = `${excerpt.slice(0, MAX_EXCERPT_CHARS)}…`;
  else if (lines.length < text.trim().split(/\r?\n/).length) excerpt += '\n…';
  return excerpt;
}

function quote(value: string): string {
  return `'${value.length > 120 ? `${value.slice(0, 120)}…` : value}'`;
}

function listing(values: readonly string[]): string {
  const shown = values.slice(0, MAX_VALUES_SHOWN).map(quote).join(', ');
  return values.length > MAX_VALUES_SHOWN ? `${shown} and ${values.length - MAX_VALUES_SHOWN} more` : shown;
}

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function field(node: unknown, name: string): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const value = (node as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as Record<string, unknown>)['#text'] === 'string') {
    return (value as Record<string, unknown>)['#text'] as string;
  }
  return undefined;
}

/** The NDC errors an answer carries: 21.3+ `Error` elements and 17.2 `Errors/Error`, one line each. */
export function describeNdcErrors(document: Record<string, unknown>): string[] {
  const modern = asList(document.Error).map((error) => [field(error, 'Code'), field(error, 'TypeCode'), field(error, 'DescText') ?? field(error, 'TagText')]);
  const legacy = asList(document.Errors).flatMap((errors) => asList((errors as Record<string, unknown> | null)?.Error))
    .map((error) => [field(error, '@Code'), field(error, '@Status') ?? field(error, '@Type') ?? field(error, '@ShortText'), typeof error === 'string' ? error : field(error, '#text')]);
  return [...modern, ...legacy].map((parts) => parts.filter((part) => part !== undefined && part !== '').join(' '));
}

/** Shows where a path stops matching: the longest prefix that selects something, and what is there instead. */
function describeMiss(document: Record<string, unknown>, path: ResponsePath): string {
  for (let length = path.steps.length - 1; length >= 0; length -= 1) {
    const prefix = { source: path.steps.slice(0, length).map((s) => (s.index === undefined ? s.name : `${s.name}[${s.index}]`)).join('.'), steps: path.steps.slice(0, length) };
    const nodes = selectNodes(document, prefix);
    if (nodes.length === 0) continue;
    const children = new Set<string>();
    for (const node of nodes) {
      if (node !== null && typeof node === 'object' && !Array.isArray(node)) for (const key of Object.keys(node)) children.add(key);
    }
    const missing = path.steps[length];
    const where = length === 0 ? 'the root element' : `'${prefix.source}'`;
    const has = children.size === 0 ? 'holds only text' : `holds ${[...children].slice(0, 12).join(', ')}${children.size > 12 ? ', …' : ''}`;
    const count = nodes.length > 1 ? ` (${nodes.length} elements)` : '';
    return `${where}${count} ${has}${missing ? `; no ${missing.name}${missing.index === undefined ? '' : `[${missing.index}]`} there` : ''}`;
  }
  return 'the document is empty';
}

function notFound(assertion: string, document: Record<string, unknown>, path: ResponsePath, what: string): AssertionFailure {
  return { assertion, message: `${path.source} ${what}`, excerpt: describeMiss(document, path) };
}

const status: AssertionDefinition<'status'> = {
  keyword: 'status',
  needsDocument: false,
  check(expected, { response }) {
    if (expected.includes(response.status)) return [];
    const errors = response.document ? describeNdcErrors(response.document) : [];
    return [{
      assertion: 'status',
      message: `expected HTTP ${expected.join(' or ')}, got ${response.status}`,
      excerpt: errors.length > 0 ? errors.join('\n') : excerptOf(response.text),
    }];
  },
};

const root: AssertionDefinition<'root'> = {
  keyword: 'root',
  needsDocument: true,
  check(expected, { response }) {
    if (response.rootName === expected) return [];
    return [{ assertion: 'root', message: `expected the root element ${expected}, got ${response.rootName ?? 'none'}`, excerpt: excerptOf(response.text) }];
  },
};

const xsdValid: AssertionDefinition<'xsdValid'> = {
  keyword: 'xsdValid',
  needsDocument: true,
  check(_expected, context) {
    const issues = context.validateXsd(context.response);
    if (issues.length === 0) return [];
    return [{
      assertion: 'xsdValid',
      message: `${context.response.rootName ?? 'the response'} (${context.response.version}) is not valid against its XSD: ${issues.length} problem${issues.length === 1 ? '' : 's'}`,
      excerpt: issues.slice(0, MAX_VALUES_SHOWN).join('\n'),
    }];
  },
};

const noErrors: AssertionDefinition<'noErrors'> = {
  keyword: 'noErrors',
  needsDocument: true,
  check(_expected, { response }) {
    const errors = describeNdcErrors(response.document ?? {});
    if (errors.length === 0) return [];
    return [{ assertion: 'noErrors', message: `the response carries ${errors.length} NDC error${errors.length === 1 ? '' : 's'}`, excerpt: errors.join('\n') }];
  },
};

const exists: AssertionDefinition<'exists'> = {
  keyword: 'exists',
  needsDocument: true,
  check(entries, { response }) {
    const document = response.document ?? {};
    return entries.flatMap(({ path, present }) => {
      const nodes = selectNodes(document, path);
      if (present && nodes.length === 0) return [notFound(`exists ${path.source}`, document, path, 'selects nothing')];
      if (!present && nodes.length > 0) {
        const { values } = selectValues(document, path);
        return [{ assertion: `exists ${path.source}: false`, message: `${path.source} selects ${nodes.length} element${nodes.length === 1 ? '' : 's'}`, ...(values.length > 0 ? { excerpt: listing(values) } : {}) }];
      }
      return [];
    });
  },
};

const equals: AssertionDefinition<'equals'> = {
  keyword: 'equals',
  needsDocument: true,
  check(entries, { response, render }) {
    const document = response.document ?? {};
    return entries.flatMap(({ path, expected }) => {
      const assertion = `equals ${path.source}`;
      const { values, complex, nodes } = selectValues(document, path);
      if (Array.isArray(expected)) {
        const want = (expected as readonly Template[]).map(render);
        if (complex > 0) return [{ assertion, message: `${path.source} selects ${complex} element${complex === 1 ? '' : 's'} with child elements, not values` }];
        if (want.length === values.length && want.every((value, i) => value === values[i])) return [];
        return [{ assertion, message: `expected [${listing(want)}], got [${listing(values)}]` }];
      }
      const want = render(expected as Template);
      if (nodes === 0) return [notFound(assertion, document, path, 'selects nothing')];
      const got = values[0];
      if (got === undefined) return [{ assertion, message: `${path.source} selects an element with child elements, not a value` }];
      if (got === want) return [];
      return [{ assertion, message: `expected ${quote(want)}, got ${quote(got)}`, ...(values.length > 1 ? { excerpt: `all values: ${listing(values)}` } : {}) }];
    });
  },
};

const matches: AssertionDefinition<'matches'> = {
  keyword: 'matches',
  needsDocument: true,
  check(entries, { response, renderPattern }) {
    const document = response.document ?? {};
    return entries.flatMap(({ path, pattern: template }) => {
      const assertion = `matches ${path.source}`;
      const pattern = new RegExp(renderPattern(template));
      const { values, complex, nodes } = selectValues(document, path);
      if (nodes === 0) return [notFound(assertion, document, path, 'selects nothing')];
      if (complex > 0) return [{ assertion, message: `${path.source} selects ${complex} element${complex === 1 ? '' : 's'} with child elements, not values` }];
      const misses = values.filter((value) => !pattern.test(value));
      if (misses.length === 0) return [];
      return [{ assertion, message: `${misses.length} of ${values.length} value${values.length === 1 ? '' : 's'} do${values.length === 1 && misses.length === 1 ? 'es' : ''} not match /${pattern.source}/`, excerpt: listing(misses) }];
    });
  },
};

const count: AssertionDefinition<'count'> = {
  keyword: 'count',
  needsDocument: true,
  check(entries, { response }) {
    const document = response.document ?? {};
    return entries.flatMap(({ path, range }) => {
      const found = selectNodes(document, path).length;
      if (found >= range.min && found <= range.max) return [];
      const want = range.min === range.max ? String(range.min)
        : range.max === Number.POSITIVE_INFINITY ? `at least ${range.min}`
          : range.min === 0 ? `at most ${range.max}` : `${range.min} to ${range.max}`;
      return [{ assertion: `count ${path.source}`, message: `expected ${want}, got ${found}`, ...(found === 0 ? { excerpt: describeMiss(document, path) } : {}) }];
    });
  },
};

/** Every check, in the order they run and are reported. */
export const ASSERTIONS = Object.freeze([status, root, xsdValid, noErrors, exists, equals, matches, count]) as readonly AssertionDefinition<keyof StepExpectations>[];

/**
 * Runs every check a step asks for. When the body is not an NDC document, the checks that read
 * it give way to one failure saying so; the HTTP status is still judged.
 */
export function checkExpectations(expect: StepExpectations, context: AssertionContext): AssertionFailure[] {
  const failures: AssertionFailure[] = [];
  let reportedUnparsed = false;
  for (const definition of ASSERTIONS) {
    const value = expect[definition.keyword];
    if (value === undefined) continue;
    if (definition.needsDocument && context.response.document === undefined) {
      if (!reportedUnparsed) {
        failures.push({ assertion: 'response', message: `the answer is not an NDC document: ${context.response.parseError ?? 'unknown reason'}`, excerpt: excerptOf(context.response.text) });
        reportedUnparsed = true;
      }
      continue;
    }
    failures.push(...definition.check(value as never, context));
  }
  return failures;
}
