import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { MappingLoadIssue } from './mapping-error.ts';

export type SourcePointer = readonly (string | number)[];

/** A YAML or JSON file parsed with positions, so that any later problem can be given a line and column. */
export interface ParsedSource {
  readonly file: string;
  /** The plain value; undefined when the text did not parse. */
  readonly value: unknown;
  /** Problems found so far (syntax, schema). */
  readonly issues: readonly MappingLoadIssue[];
  /** Locates a value by pointer; `key: true` points at the key of the last step instead of its value. */
  locate(pointer: SourcePointer, options?: { key?: boolean }): { line: number; column: number } | undefined;
  /** Builds a located issue. */
  issue(pointer: SourcePointer, message: string, options?: { key?: boolean }): MappingLoadIssue;
}

function toPointer(segments: SourcePointer): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function scalarKey(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

/** Explains an ajv error in the words of a mapping author. */
function explain(error: ErrorObject): { pointer: string[]; message: string; key: boolean } {
  const pointer = fromPointer(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { pointer: [...pointer, String(params.additionalProperty)], message: `'${String(params.additionalProperty)}' is not allowed here`, key: true };
    case 'required':
      return { pointer, message: `'${String(params.missingProperty)}' is missing`, key: false };
    case 'false schema':
      return { pointer, message: `'${pointer[pointer.length - 1] ?? ''}' is not allowed here`, key: true };
    case 'enum':
      return { pointer, message: `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`, key: false };
    case 'type':
      return { pointer, message: `must be ${String(params.type).replace(/,/g, ', ').replace(/, (\w+)$/, ' or $1')}`, key: false };
    default:
      return { pointer, message: error.message ?? error.keyword, key: false };
  }
}

/** Parses YAML (JSON is a subset) keeping positions; YAML merge keys (`<<`) are allowed. */
export function parseSource(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const locate: ParsedSource['locate'] = (pointer, options = {}) => {
    let node: unknown = doc.contents;
    let best: { range?: unknown } | undefined = node as { range?: unknown };
    for (let i = 0; i < pointer.length; i += 1) {
      if (isAlias(node)) node = node.resolve(doc);
      const segment = pointer[i];
      let next: unknown;
      let keyNode: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => scalarKey(p.key) === String(segment));
        if (!pair) break;
        keyNode = pair.key;
        next = pair.value ?? pair.key;
      } else if (isSeq(node)) {
        next = node.items[Number(segment)];
      }
      if (next === undefined || next === null) break;
      const last = i === pointer.length - 1;
      best = (last && options.key && keyNode ? keyNode : next) as { range?: unknown };
      node = next;
    }
    const range = (best as Node | undefined)?.range;
    return range ? position(range[0]) : undefined;
  };

  const issue: ParsedSource['issue'] = (pointer, message, options) => {
    const at = locate(pointer, options);
    return { file, message, pointer: toPointer(pointer), ...(at ? { line: at.line, column: at.column } : {}) };
  };

  const issues: MappingLoadIssue[] = [];
  // After the first syntax error the parser mostly reports its consequences; the first one is what to fix.
  const syntax = doc.errors[0];
  if (syntax) {
    const at = position(syntax.pos[0]);
    let message = `YAML syntax: ${syntax.message.split('\n')[0] ?? syntax.code}`;
    if (/flow-seq-start|flow map/i.test(message)) message += " (inside { … } write paths with [n] in quotes: path: 'Pax[0].PTC')";
    if (doc.errors.length > 1) message += ` (${doc.errors.length - 1} more errors follow from it)`;
    issues.push({ file, message, line: at.line, column: at.column });
  }
  let value: unknown;
  if (issues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      issues.push({ file, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { file, value, issues, locate, issue };
}

/** Checks a parsed source against a compiled schema; returns located, de-duplicated issues in file order. */
export function validateSource(source: ParsedSource, validate: ValidateFunction): MappingLoadIssue[] {
  if (validate(source.value)) return [];
  const seen = new Set<string>();
  const issues: MappingLoadIssue[] = [];
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'if') continue;
    const { pointer, message, key } = explain(error);
    const located = source.issue(pointer, message, { key });
    const id = `${located.pointer ?? ''}|${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(located);
  }
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
