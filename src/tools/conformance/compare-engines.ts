import type { EngineVerdict } from './conformance-types.ts';

/**
 * A second engine is only worth running if its differences are seen: a file is flagged when one
 * engine accepts it and another rejects it. Engines that could not judge the file do not count.
 */
export function findDisagreement(verdicts: readonly EngineVerdict[]): boolean {
  const judged = verdicts.filter((v) => v.error === undefined);
  return judged.some((v) => v.valid) && judged.some((v) => !v.valid);
}

/** `libxml2 valid, xerces invalid (3 issues)`: who said what, for every report format. */
export function describeVerdicts(verdicts: readonly EngineVerdict[]): string {
  return verdicts
    .map((v) => {
      if (v.error !== undefined) return `${v.engine} error`;
      if (v.valid) return `${v.engine} valid`;
      return `${v.engine} invalid (${v.issues.length} issue${v.issues.length === 1 ? '' : 's'})`;
    })
    .join(', ');
}
