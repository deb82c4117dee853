import type { XsdIssue } from '../xsd-types.ts';
import { buildElementPath, scanStartTags, type StartTagIndex } from '../xml-tag-scanner.ts';

/**
 * Turns what xsd-schema-validator hands back from Xerces into the issues every engine reports.
 * Its helper prints `[error] <text> (<line>:<column>)` per problem, and the library may glue
 * several of those into one string; Xerces' position is just past the tag where it noticed the
 * problem (a start tag, or the parent's end tag for a missing child), so the issue is moved to the
 * start tag of that element, as the libxml2 engines report it, and given its path.
 */

/** One line of the helper's output. */
export interface XercesMessage {
  readonly level: 'warning' | 'error' | 'fatal';
  readonly text: string;
  readonly line?: number;
  readonly column?: number;
}

const MESSAGE = /\[(warning|error|fatal)\] ([\s\S]*?)(?=\[(?:warning|error|fatal)\] |$)/g;
const POSITION = /\s*\((-?\d+):(-?\d+)\)\s*$/;

/** Splits and parses the helper's lines; a trailing position becomes line and column. */
export function parseXercesMessages(lines: readonly string[]): XercesMessage[] {
  const parsed: XercesMessage[] = [];
  for (const line of lines) {
    for (const match of line.matchAll(MESSAGE)) {
      const level = match[1] as XercesMessage['level'];
      const body = (match[2] ?? '').trim();
      const position = POSITION.exec(body);
      if (!position) {
        parsed.push({ level, text: body });
        continue;
      }
      const text = body.slice(0, position.index).trim();
      const lineNo = Number(position[1]);
      const column = Number(position[2]);
      parsed.push({ level, text, ...(lineNo > 0 ? { line: lineNo } : {}), ...(column > 0 ? { column } : {}) });
    }
  }
  // A fatal parse error is printed twice: once with its position, once more without it.
  return parsed.filter((m, i) => m.line !== undefined || !parsed.some((other, j) => j !== i && other.line !== undefined && other.text === m.text));
}

/** `'{"http://ns":PrefLevel}'` → `'PrefLevel'`, `'{"ns":A, "ns":B}'` → `'A, B'`: Xerces' qualified names without URIs. */
export function cleanXercesMessage(text: string): string {
  return text
    .replace(/\{((?:"[^"]*":[^,{}]+(?:,\s*)?)+)\}/g, (_all, names: string) => names.replace(/"[^"]*":/g, ''))
    .trim();
}

function lineStartsOf(source: string): number[] {
  const starts = [source.charCodeAt(0) === 0xfeff ? 1 : 0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Slot of the last start tag that begins before `offset`, or -1. */
function lastStartBefore(index: StartTagIndex, offset: number): number {
  let lo = 0;
  let hi = index.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((index.startOffsets[mid] ?? 0) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The element whose tag ends just before `offset`: for an end tag, the element it closes. */
function elementAt(index: StartTagIndex, source: string, offset: number): number | undefined {
  const gt = source.lastIndexOf('>', offset - 1);
  if (gt === -1) return undefined;
  const lt = source.lastIndexOf('<', gt);
  if (lt === -1) return undefined;
  let slot = lastStartBefore(index, lt + 1);
  if (source.charCodeAt(lt + 1) === 0x2f /* / */) {
    const name = source.slice(lt + 2, gt).trim();
    while (slot !== -1 && index.qnames[slot] !== name) slot = index.parents[slot] ?? -1;
  }
  return slot === -1 ? undefined : slot;
}

/**
 * Issues for a document from the helper's messages, capped at `maxErrors`. `source` is only read
 * when a message carries a position.
 */
export function locateXercesIssues(messages: readonly XercesMessage[], source: () => string, maxErrors: number): XsdIssue[] {
  let text: string | undefined;
  let index: StartTagIndex | undefined;
  let lineStarts: number[] | undefined;
  const issues: XsdIssue[] = [];
  for (const item of messages.slice(0, maxErrors)) {
    const message = cleanXercesMessage(item.text);
    if (item.line === undefined) {
      issues.push({ message });
      continue;
    }
    text ??= source();
    index ??= scanStartTags(text);
    lineStarts ??= lineStartsOf(text);
    const lineStart = lineStarts[item.line - 1];
    const slot = lineStart === undefined || item.column === undefined ? undefined : elementAt(index, text, lineStart + item.column - 1);
    if (slot === undefined || item.level === 'fatal') {
      // a well-formedness error points at a character, not at an element
      issues.push(item.column === undefined ? { message, line: item.line } : { message, line: item.line, column: item.column });
      continue;
    }
    issues.push({
      message,
      line: index.startLines[slot] ?? item.line,
      column: index.columns[slot] ?? 1,
      path: buildElementPath(index, slot),
    });
  }
  return issues;
}
