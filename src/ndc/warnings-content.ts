import type { ErrorDetail } from '../errors/index.ts';
import type { SchemaModel } from '../xml/index.ts';

/** A warning the gateway adds to an RS: a code (a business rule's id) and where in the request it applies. */
export interface WarningEntry extends ErrorDetail {
  readonly code: string;
}

/** 17.2 `Warning/@Type` takes an IATA/OTA warning type of at most three characters: 3 is "business rule". */
const WARNING_TYPE_172 = '3';

/** NDC allows at most 99 warnings in 17.2; the same cap keeps 21.3+ answers bounded. */
const MAX_WARNINGS = 99;

function describe(entry: WarningEntry): string {
  const where = [entry.line !== undefined ? `line ${entry.line}` : '', entry.column !== undefined ? `column ${entry.column}` : ''].filter(Boolean).join(', ');
  return `${entry.message}${where ? ` (${where})` : ''}`;
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Where an RS of a model carries warnings: 17.2 `Warnings/Warning` below the root, 21.3 and later
 * `Response/Warning`. Undefined for an RS with no place for them: every version's Acknowledgement
 * (OrderChangeNotif) and OrderHistoryRS of 21.3, 24.4 and 26.1.
 */
export function warningPlace(model: SchemaModel): 'Warnings' | 'Response' | undefined {
  if (model.root.child('Warnings')?.childOrder.includes('Warning')) return 'Warnings';
  if (model.root.child('Response')?.childOrder.includes('Warning')) return 'Response';
  return undefined;
}

/**
 * The content of an RS with `entries` added after the warnings it already holds (an aggregator's
 * airline that timed out, say), in the parsed-object shape the schema-aware builder takes. This
 * is the one place where the gateway fills in NDC `Warning` elements of its own. The rule id goes
 * where each version keeps a warning's code: `TypeCode` in 21.3+, `@ShortText` in 17.2 (whose
 * `@Code` takes PADIS codes of three characters). Returns undefined when the RS has no place for
 * warnings (see {@link warningPlace}).
 */
export function addWarningsContent(model: SchemaModel, content: Record<string, unknown>, entries: readonly WarningEntry[]): Record<string, unknown> | undefined {
  const place = warningPlace(model);
  if (place === undefined) return undefined;
  const added = entries.slice(0, MAX_WARNINGS);
  if (place === 'Warnings') {
    const holder = (content.Warnings ?? {}) as Record<string, unknown>;
    const warnings = [...asList(holder.Warning), ...added.map((entry) => ({
      '#text': describe(entry),
      '@Type': WARNING_TYPE_172,
      '@ShortText': entry.code,
      ...(entry.path ? { '@Tag': entry.path } : {}),
    }))].slice(0, MAX_WARNINGS);
    return { ...content, Warnings: { ...holder, Warning: warnings } };
  }
  const response = (content.Response ?? {}) as Record<string, unknown>;
  const warnings = [...asList(response.Warning), ...added.map((entry) => ({
    DescText: describe(entry),
    LangCode: 'EN',
    ...(entry.path ? { TagText: entry.path } : {}),
    TypeCode: entry.code,
  }))];
  return { ...content, Response: { ...response, Warning: warnings } };
}
