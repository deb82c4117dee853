import type { RootElement, ValidateOptions, XsdIssue } from './xsd-types.ts';
import { buildElementPath, findStartTagsOnLine, matchesNodeXPath, scanStartTags, type StartTagIndex } from './xml-tag-scanner.ts';

/**
 * What both engines share once libxml2 has spoken: readable messages, a column and an element
 * path for each issue, and the cap on how many issues one document may produce.
 */

/** Issues reported for one document when the caller does not say. */
export const DEFAULT_MAX_ERRORS = 50;

/** Reported when the parser gives no detail, which libxml2 does for an empty document. */
export const EMPTY_DOCUMENT_MESSAGE = 'The document is empty or has no root element';

/** An issue as an engine reports it, before it is cleaned and located. */
export interface RawXsdIssue {
  readonly message: string;
  /** 1-based; 0 or absent when unknown. */
  readonly line?: number;
  /** 1-based; 0 or absent when unknown (libxml2 gives none for validation errors). */
  readonly column?: number;
  /** libxml2's node path (`xmlGetNodePath` form), used to tell apart same-name elements on one line. */
  readonly nodeXPath?: string;
}

// `{http://ns}Name` → `Name`; only braces holding a URI (with ':'), so facet sets like {'A', 'B'} stay.
const CLARK_NAME = /\{[^{}\s']*:[^{}\s']*\}(?=[A-Za-z_])/g;
const ELEMENT_IN_MESSAGE = /^Element '([^']+)'/;

/** Strips namespace URIs from qualified names and trailing newlines, keeping libxml2's wording. */
export function cleanXsdMessage(message: string): string {
  return message.replace(CLARK_NAME, '').trim();
}

/** Local name of the element a libxml2 message is about (`Element '{ns}PrefLevel': ...` → `PrefLevel`). */
export function extractElementName(message: string): string | undefined {
  const match = ELEMENT_IN_MESSAGE.exec(message);
  if (!match) return undefined;
  const name = (match[1] as string).replace(/^\{[^}]*\}/, '');
  return name.slice(name.indexOf(':') + 1);
}

function describeNamespace(namespace: string): string {
  return namespace === '' ? 'no namespace' : `namespace '${namespace}'`;
}

/**
 * The issue of a document whose root element is not `expected`, or undefined when it is. A schema
 * that holds several messages accepts any of their roots, so each message checks its own first.
 * `line` is where the engine found the root (the locator adds column and path from it).
 */
export function checkRootElement(actual: RootElement, expected: RootElement, line: number): RawXsdIssue | undefined {
  if (actual.name === expected.name && actual.namespace === expected.namespace) return undefined;
  const other = actual.name === expected.name ? `, not in ${describeNamespace(actual.namespace)}` : '';
  return {
    message: `Element '${actual.name}': This element is not expected as the root element. Expected is '${expected.name}' in ${describeNamespace(expected.namespace)}${other}.`,
    line,
  };
}

/** The cap to apply: the caller's `maxErrors` if it is a positive integer, else {@link DEFAULT_MAX_ERRORS}. */
export function resolveMaxErrors(options?: ValidateOptions): number {
  const max = options?.maxErrors;
  return max !== undefined && Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_ERRORS;
}

function columnOfFirstText(source: string, line: number): number | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = source.indexOf('\n', start);
    if (nl === -1) return undefined;
    start = nl + 1;
  }
  const end = source.indexOf('\n', start);
  const match = /[^ \t\r\n]/.exec(source.slice(start, end === -1 ? undefined : end));
  return match ? match.index + 1 : 1;
}

const VALUE_IN_MESSAGE = /The value '([^']*)'/;
const ATTRIBUTE_IN_MESSAGE = /^Element '[^']+', attribute '([^']+)'/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Several same-name elements on one line (minified XML) and no node path from the engine: when the
 * message quotes the offending value, prefer the element whose text or attribute holds it.
 */
function pickByQuotedValue(index: StartTagIndex, source: string, message: string, candidates: readonly number[]): number | undefined {
  const value = VALUE_IN_MESSAGE.exec(message)?.[1];
  if (value === undefined) return undefined;
  const attribute = ATTRIBUTE_IN_MESSAGE.exec(message)?.[1];
  const attributePattern = attribute === undefined
    ? undefined
    : new RegExp(`\\s(?:[\\w.-]+:)?${escapeRegExp(attribute.replace(/^\{[^}]*\}/, ''))}\\s*=\\s*(["'])${escapeRegExp(value)}\\1`);
  return candidates.find((i) => {
    const start = index.startOffsets[i] ?? 0;
    const content = index.contentOffsets[i] ?? start;
    if (attributePattern) return attributePattern.test(source.slice(start, content));
    const next = source.indexOf('<', content);
    return source.slice(content, next === -1 ? undefined : next).trim() === value.trim();
  });
}

function pickStartTag(index: StartTagIndex, source: string, raw: RawXsdIssue, line: number): number | undefined {
  const name = extractElementName(raw.message);
  let candidates = findStartTagsOnLine(index, line);
  if (name !== undefined) candidates = candidates.filter((i) => index.localNames[i] === name);
  if (raw.nodeXPath !== undefined) {
    const xpath = raw.nodeXPath;
    const exact = candidates.filter((i) => matchesNodeXPath(index, i, xpath));
    if (exact.length > 0) return exact[0];
    if (candidates.length === 0) {
      // the line did not lead to a tag (e.g. a document with odd line ends): find the node by its path alone
      for (let i = 0; i < index.count; i++) if (matchesNodeXPath(index, i, xpath)) return i;
    }
  }
  if (candidates.length > 1) return pickByQuotedValue(index, source, raw.message, candidates) ?? candidates[0];
  return candidates[0];
}

/**
 * Cleans the first `maxErrors` issues and fills in column and path where the engine gave none.
 * Line and column then point at the `<` of the element's start tag (libxml2 itself reports the line
 * where the start tag ends). `source` is only called, and the document only scanned, when needed.
 */
export function locateIssues(raw: readonly RawXsdIssue[], source: () => string, maxErrors: number): XsdIssue[] {
  let text: string | undefined;
  let index: StartTagIndex | undefined;
  const issues: XsdIssue[] = [];
  for (const item of raw.slice(0, maxErrors)) {
    const message = cleanXsdMessage(item.message);
    const line = item.line !== undefined && item.line > 0 ? item.line : undefined;
    const column = item.column !== undefined && item.column > 0 ? item.column : undefined;
    if (line === undefined) {
      issues.push({ message });
      continue;
    }
    if (column !== undefined) {
      issues.push({ message, line, column });
      continue;
    }
    text ??= source();
    index ??= scanStartTags(text);
    const slot = pickStartTag(index, text, item, line);
    if (slot === undefined) {
      const fallback = columnOfFirstText(text, line);
      issues.push(fallback === undefined ? { message, line } : { message, line, column: fallback });
      continue;
    }
    issues.push({
      message,
      line: index.startLines[slot] ?? line,
      column: index.columns[slot] ?? 1,
      path: buildElementPath(index, slot),
    });
  }
  return issues;
}
