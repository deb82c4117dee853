import { randomUUID } from 'node:crypto';
import type { ScenarioValue } from './scenario-types.ts';

/**
 * Placeholders of request templates, headers, vars and expected values:
 *
 *   {{offerId}}               a variable (scenario or step `vars`, or captured by an earlier step)
 *   {{paxIds}}                a list variable, joined with single spaces (the form of XML IDREFS)
 *   {{paxIds[0]}}             one entry of a list (0-based; -1 is the last)
 *   {{paxIds | join:,}}       a list joined with another separator; quote it to keep spaces: join:', '
 *   {{paxIds | wrap:c:PaxRefID}}  each entry as an element: <c:PaxRefID>PAX1</c:PaxRefID><c:PaxRefID>PAX2</c:PaxRefID>
 *   {{ids | wrap:OfferItemID Owner="XR"}}  the same, with literal attributes on each element
 *   {{paxIds | count}}        how many entries
 *   {{date}} {{date+45}} {{date-1}}  today (UTC) plus or minus N days, as YYYY-MM-DD
 *   {{datetime}}              now, as an ISO 8601 UTC date-time
 *   {{uuid}}                  a new random UUID at each occurrence
 *
 * There are no loops: repeated elements come from `wrap`, so a template stays plain XML that an
 * editor and the XSD recognise. Values put into XML templates are escaped (`&`, `<`, `>`, quotes).
 */

export type TemplateFilter =
  | { readonly kind: 'join'; readonly separator: string }
  | { readonly kind: 'wrap'; readonly element: string; readonly attributes: string }
  | { readonly kind: 'count' };

export type Placeholder =
  | { readonly kind: 'date'; readonly days: number; readonly source: string }
  | { readonly kind: 'datetime'; readonly source: string }
  | { readonly kind: 'uuid'; readonly source: string }
  | { readonly kind: 'var'; readonly name: string; readonly index: number | undefined; readonly filter: TemplateFilter | undefined; readonly source: string };

/** A compiled template: literal text and placeholders, in order. */
export interface Template {
  readonly source: string;
  readonly parts: readonly (string | Placeholder)[];
  /** Names of the variables it reads, for the load-time check that each is defined before use. */
  readonly variables: readonly string[];
}

/** A placeholder that cannot be parsed; `offset` is where it starts in the template text. */
export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** A template that cannot be rendered with the values at hand (a variable not set, an index out of range). */
export class TemplateRenderError extends Error {
  override name = 'TemplateRenderError';
}

/** Built-in names: a scenario may not define variables that they would hide. */
export const BUILT_IN_NAMES: readonly string[] = Object.freeze(['date', 'datetime', 'uuid']);

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;
const DATE = /^date(?:([+-])(\d{1,5}))?$/;
const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(-?\d+)\])?$/;
const FILTER = /^([a-z]+)(?::([\s\S]*))?$/;
/** `Name` or `p:Name`, then literal attributes such as ` Owner="XR"`. */
const WRAP = /^((?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<&]*"|'[^'<&]*'))*)$/;

/** `', '` → `, `: quotes keep spaces that the placeholder's trimming would drop. */
function unquote(text: string): string {
  const quoted = /^(['"])([\s\S]*)\1$/.exec(text);
  return quoted ? (quoted[2] ?? '') : text;
}

function parseFilter(text: string, source: string, offset: number): TemplateFilter {
  const match = FILTER.exec(text);
  const name = match?.[1];
  const argument = match?.[2];
  switch (name) {
    case 'join':
      return { kind: 'join', separator: argument === undefined ? ' ' : unquote(argument) };
    case 'wrap': {
      const wrap = WRAP.exec(argument?.trim() ?? '');
      if (!wrap || wrap[1] === undefined) {
        throw new TemplateSyntaxError(`'${source}': wrap takes an element name and optional literal attributes, e.g. {{paxIds | wrap:c:PaxRefID}} or {{ids | wrap:OfferItemID Owner="XR"}}`, offset);
      }
      return { kind: 'wrap', element: wrap[1], attributes: wrap[2] ?? '' };
    }
    case 'count':
      if (argument !== undefined) throw new TemplateSyntaxError(`'${source}': count takes no argument`, offset);
      return { kind: 'count' };
    default:
      throw new TemplateSyntaxError(`'${source}': unknown filter '${text.trim()}' (use join, wrap or count)`, offset);
  }
}

function parsePlaceholder(inner: string, source: string, offset: number): Placeholder {
  const bar = inner.indexOf('|');
  const head = (bar < 0 ? inner : inner.slice(0, bar)).trim();
  const filterText = bar < 0 ? undefined : inner.slice(bar + 1).trim();
  const date = DATE.exec(head);
  if (date || head === 'datetime' || head === 'uuid') {
    if (filterText !== undefined) throw new TemplateSyntaxError(`'${source}': ${head} takes no filter`, offset);
    if (head === 'datetime') return { kind: 'datetime', source };
    if (head === 'uuid') return { kind: 'uuid', source };
    const days = Number(date?.[2] ?? 0);
    return { kind: 'date', days: date?.[1] === '-' ? -days : days, source };
  }
  const variable = VARIABLE.exec(head);
  if (!variable || variable[1] === undefined) {
    throw new TemplateSyntaxError(`'${source}' is not a placeholder: write {{name}}, {{name[0]}}, {{name | join:SEP}}, {{date+N}}, {{datetime}} or {{uuid}}`, offset);
  }
  const filter = filterText === undefined ? undefined : parseFilter(filterText, source, offset);
  if (filter && variable[2] !== undefined) throw new TemplateSyntaxError(`'${source}': an indexed entry takes no filter`, offset);
  return { kind: 'var', name: variable[1], index: variable[2] === undefined ? undefined : Number(variable[2]), filter, source };
}

/** Compiles a template once. @throws TemplateSyntaxError at the first placeholder that is not one. */
export function compileTemplate(source: string): Template {
  const parts: (string | Placeholder)[] = [];
  const variables = new Set<string>();
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const offset = match.index;
    if (offset > last) parts.push(source.slice(last, offset));
    const placeholder = parsePlaceholder(match[1] ?? '', match[0], offset);
    if (placeholder.kind === 'var') variables.add(placeholder.name);
    parts.push(placeholder);
    last = offset + match[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  return { source, parts, variables: [...variables] };
}

/** What rendering needs: the variables so far and the clock; injectable so tests are deterministic. */
export interface RenderContext {
  readonly vars: ReadonlyMap<string, ScenarioValue>;
  readonly now: () => Date;
  readonly uuid?: () => string;
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content and attribute values alike. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

function listOf(value: ScenarioValue): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

function renderVariable(placeholder: Extract<Placeholder, { kind: 'var' }>, context: RenderContext, escape: (text: string) => string): string {
  const value = context.vars.get(placeholder.name);
  if (value === undefined) {
    const known = [...context.vars.keys()].sort();
    throw new TemplateRenderError(`${placeholder.source}: no variable '${placeholder.name}'${known.length > 0 ? ` (set: ${known.join(', ')})` : ''}`);
  }
  const list = listOf(value);
  if (placeholder.index !== undefined) {
    const entry = list[placeholder.index < 0 ? list.length + placeholder.index : placeholder.index];
    if (entry === undefined) throw new TemplateRenderError(`${placeholder.source}: '${placeholder.name}' has ${list.length} entr${list.length === 1 ? 'y' : 'ies'}`);
    return escape(entry);
  }
  const { filter } = placeholder;
  if (!filter) return escape(list.join(' '));
  switch (filter.kind) {
    case 'join':
      return escape(list.join(filter.separator));
    case 'count':
      return String(list.length);
    case 'wrap':
      return list.map((entry) => `<${filter.element}${filter.attributes}>${escape(entry)}</${filter.element}>`).join('');
  }
}

/** Escapes text so that a regular expression matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** How values are put into the rendered text: escaped for XML, as they are, or escaped for a regular expression. */
export type RenderMode = 'xml' | 'text' | 'regex';

const ESCAPES: Readonly<Record<RenderMode, (text: string) => string>> = {
  xml: escapeXml,
  text: (text) => text,
  regex: escapeRegExp,
};

/**
 * Renders a template. `xml` escapes values for an XML document; `text` leaves them as they are
 * (headers, vars, expected values); `regex` makes them match literally inside a `matches` pattern.
 * @throws TemplateRenderError when a variable is not set or an index is out of range.
 */
export function renderTemplate(template: Template, context: RenderContext, mode: RenderMode): string {
  const escape = ESCAPES[mode];
  let out = '';
  for (const part of template.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    switch (part.kind) {
      case 'date':
        out += new Date(context.now().getTime() + part.days * 86_400_000).toISOString().slice(0, 10);
        break;
      case 'datetime':
        out += context.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
        break;
      case 'uuid':
        out += (context.uuid ?? randomUUID)();
        break;
      case 'var':
        out += renderVariable(part, context, escape);
        break;
    }
  }
  return out;
}
