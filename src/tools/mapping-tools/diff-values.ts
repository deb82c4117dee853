/** One place where an actual value differs from the expected one. */
export interface ValueDifference {
  /** `/journeys/0/origin` (JSON) or `/IATA_AirShoppingRS/Response/OffersGroup/CarrierOffers[1]/Offer[2]/OfferID` (XML). */
  readonly path: string;
  readonly kind: 'changed' | 'missing' | 'unexpected';
  readonly expected?: unknown;
  readonly actual?: unknown;
}

/** How paths are written: JSON pointers for commands, XPath with 1-based indexes for parsed XML. */
export type DiffPathStyle = 'json' | 'xml';

export interface DiffOptions {
  readonly style?: DiffPathStyle;
  /** Path prefix, e.g. `/IATA_AirShoppingRS`. */
  readonly root?: string;
  /** Stop after this many differences: the first few are what an author fixes first. @defaultValue 20 */
  readonly limit?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Lists where two JSON-like values differ, in document order, the way a fixture author reads them.
 * Like vitest's `toEqual`, a property holding `undefined` counts as absent.
 */
export function diffValues(expected: unknown, actual: unknown, options: DiffOptions = {}): ValueDifference[] {
  const style = options.style ?? 'json';
  const limit = options.limit ?? 20;
  const out: ValueDifference[] = [];

  const visit = (want: unknown, got: unknown, path: string): void => {
    if (out.length >= limit) return;
    if (Object.is(want, got)) return;
    if (Array.isArray(want) && Array.isArray(got)) {
      const length = Math.max(want.length, got.length);
      for (let i = 0; i < length && out.length < limit; i += 1) {
        const at = style === 'xml' ? `${path}[${i + 1}]` : `${path}/${i}`;
        if (i >= got.length) out.push({ path: at, kind: 'missing', expected: want[i] });
        else if (i >= want.length) out.push({ path: at, kind: 'unexpected', actual: got[i] });
        else visit(want[i], got[i], at);
      }
      return;
    }
    if (isRecord(want) && isRecord(got)) {
      const keys = [...Object.keys(want), ...Object.keys(got).filter((key) => !Object.prototype.hasOwnProperty.call(want, key))];
      for (const key of keys) {
        if (out.length >= limit) return;
        const a = want[key];
        const b = got[key];
        const at = `${path}/${style === 'json' ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key}`;
        if (a === undefined && b === undefined) continue;
        if (b === undefined) out.push({ path: at, kind: 'missing', expected: a });
        else if (a === undefined) out.push({ path: at, kind: 'unexpected', actual: b });
        else visit(a, b, at);
      }
      return;
    }
    // An XML element that repeats once in one document and is a single value in the other is still the same content.
    if (style === 'xml' && Array.isArray(want) !== Array.isArray(got)) {
      const listA = Array.isArray(want) ? want : [want];
      const listB = Array.isArray(got) ? got : [got];
      if (listA.length === 1 && listB.length === 1) {
        visit(listA[0], listB[0], path);
        return;
      }
    }
    out.push({ path, kind: 'changed', expected: want, actual: got });
  };

  visit(expected, actual, options.root ?? '');
  return out;
}

/** Shows a value in one short line: texts quoted, objects and lists abbreviated. */
export function describeDiffValue(value: unknown, width = 60): string {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** `path: expected X, got Y` / `path: missing (expected X)` / `path: unexpected Y`. */
export function formatDifference(difference: ValueDifference): string {
  const path = difference.path || '/';
  switch (difference.kind) {
    case 'changed':
      return `${path}: expected ${describeDiffValue(difference.expected)}, got ${describeDiffValue(difference.actual)}`;
    case 'missing':
      return `${path}: missing (expected ${describeDiffValue(difference.expected)})`;
    case 'unexpected':
      return `${path}: unexpected ${describeDiffValue(difference.actual)}`;
  }
}
