/**
 * How the engine sees values. Absent means: not there, null, empty text or an empty list.
 * Absent values are never written to the output; that is how `key omitted` is implemented.
 */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * An element that carries attributes is parsed as `{ '@Attr': …, '#text': … }`. Where a rule
 * reads a value, it means the text, so the text is taken (elementwise for lists).
 */
export function textOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((entry) => {
      const text = textOfElement(entry);
      if (text !== entry) changed = true;
      return text;
    });
    return changed ? out : value;
  }
  return textOfElement(value);
}

function textOfElement(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, '#text')) {
    return (value as Record<string, unknown>)['#text'];
  }
  return value;
}

/** Compares a read value with a literal from a mapping file; `1` in YAML equals '1' in XML. */
export function isSameValue(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  const scalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  return scalar(actual) && scalar(expected) && String(actual) === String(expected);
}
