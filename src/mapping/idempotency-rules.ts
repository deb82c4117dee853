import { applyMapping } from './apply-mapping.ts';
import { compileMappingSpec, type SpecPointer } from './compile-mapping.ts';
import type { MappingLoadIssue } from './mapping-error.ts';
import type { ParsedSource } from './mapping-source.ts';
import type { CodeTables, CompiledMapping, FieldMapSpec, RuleSpec } from './mapping-types.ts';
import { textOf } from './mapping-values.ts';
import type { TransformRegistry } from './transforms/index.ts';

/**
 * Where the documents of one NDC version name their sender and their own message id, as data in
 * `version.yaml` (`idempotency:`). Each is a list of ordinary mapping rules over the request
 * document, tried in order; the first that yields text wins (from a list, its first item). A
 * request mapping marked `idempotent: true` is keyed by them, so a retry gets the first answer.
 */
export interface IdempotencySpec {
  readonly description?: string;
  readonly sender: readonly RuleSpec[];
  readonly messageId: readonly RuleSpec[];
}

/** What one document says of itself. */
export interface DocumentIdentity {
  readonly sender?: string;
  readonly messageId?: string;
}

export interface IdempotencyRules {
  /** The file they come from, for error messages. */
  readonly file: string;
  read(document: Record<string, unknown>): DocumentIdentity;
}

const FIELDS = ['sender', 'messageId'] as const;

/** The first candidate's value that is text: trimmed, not empty; from a list, its first such item. */
function firstText(values: readonly unknown[]): string | undefined {
  for (const value of values) {
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = textOf(item);
      if ((typeof text === 'string' || typeof text === 'number') && String(text).trim() !== '') return String(text).trim();
    }
  }
  return undefined;
}

/**
 * Compiles the `idempotency:` section of a version file; problems are located in that file.
 * The candidates become the fields of one mapping (`sender.0`, `sender.1`, …), so the mapping
 * language and its compiler serve them unchanged.
 */
export function compileIdempotencyRules(
  spec: IdempotencySpec, source: ParsedSource, shared: { codeTables: CodeTables; transforms: TransformRegistry },
): { rules?: IdempotencyRules; issues: MappingLoadIssue[] } {
  const map: Record<string, RuleSpec> = {};
  for (const field of FIELDS) spec[field].forEach((rule, i) => { map[`${field}.${i}`] = rule; });
  const result = compileMappingSpec({ command: 'idempotency.read', map: map as FieldMapSpec }, { file: source.file, ...shared });
  if (!result.mapping) {
    const located = (pointer: SpecPointer): SpecPointer => {
      const [, key, ...rest] = pointer;
      const [field, index] = String(key).split('.');
      return ['idempotency', field ?? '', Number(index), ...rest];
    };
    return { issues: result.issues.map((issue) => source.issue(located(issue.pointer), issue.message)) };
  }
  const mapping: CompiledMapping = result.mapping;
  return {
    issues: [],
    rules: {
      file: source.file,
      read(document) {
        const values = applyMapping(mapping, document);
        const pick = (field: (typeof FIELDS)[number]): string | undefined =>
          firstText(spec[field].map((_rule, i) => values[`${field}.${i}`]));
        const sender = pick('sender');
        const messageId = pick('messageId');
        return { ...(sender === undefined ? {} : { sender }), ...(messageId === undefined ? {} : { messageId }) };
      },
    },
  };
}
