import { buildElementPath, scanStartTags } from '../xsd/xml-tag-scanner.ts';
import type { RuleFinding } from './rule-types.ts';

/**
 * Adds line and column to findings by scanning the start tags of the source once. Only called
 * when there are findings, so a message that passes every rule costs no scan.
 */
export function locateFindings(findings: readonly RuleFinding[], source: string): RuleFinding[] {
  const index = scanStartTags(source);
  const slots = new Map<string, number>();
  for (let slot = 0; slot < index.count; slot++) {
    const path = buildElementPath(index, slot);
    if (!slots.has(path)) slots.set(path, slot);
  }
  return findings.map((finding) => {
    const at = finding.path.indexOf('/@');
    const slot = slots.get(at < 0 ? finding.path : finding.path.slice(0, at));
    if (slot === undefined) return finding;
    return { ...finding, line: index.startLines[slot] as number, column: index.columns[slot] as number };
  });
}
