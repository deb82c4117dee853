import type { MappingLoadIssue } from '../../mapping/index.ts';

/** How bad a finding is: errors fail `mapping lint` (exit 1), warnings are printed only. */
export type LintSeverity = 'error' | 'warning';

/**
 * Stable codes of lint findings, so CI rules and editors can filter on them:
 * - `load`: the mapping loader refused the file (YAML syntax, JSON Schema, unknown transform or code table, bad path syntax)
 * - `file-name`: not a `<Message>.request|response.yaml`, `version.yaml` or code-table file
 * - `version`: the NDC version of the file cannot be told, or is not one the gateway knows
 * - `message-schema`: the version's schema package has no XSD for the message
 * - `unknown-element`, `unknown-attribute`, `no-text`: a path or output key the message XSD does not allow there
 * - `not-repeated`: an index or an `each` on an element that occurs at most once
 * - `bad-parent`: `^.` climbs above the outermost scope
 * - `unknown-command`: no `schemas/commands/<command>.json` + `.result.json` pair
 * - `wrong-message`: the response `message:` is not the response of the request in that version
 */
export type LintCode =
  | 'load' | 'file-name' | 'version' | 'message-schema'
  | 'unknown-element' | 'unknown-attribute' | 'no-text' | 'not-repeated' | 'bad-parent'
  | 'unknown-command' | 'wrong-message';

/** One finding, located like a loader error (`file:line:column`) so editors and CI logs link to it. */
export interface LintIssue extends MappingLoadIssue {
  readonly severity: LintSeverity;
  readonly code: LintCode;
  /** NDC versions whose XSD the finding was made against (an inherited file is checked for each version using it). */
  readonly versions?: readonly string[];
  /** Closest allowed names, for a misspelt element or attribute. */
  readonly suggestions?: readonly string[];
  /** The place in the message the finding is about, XPath style (`/IATA_AirShoppingRQ/Request/PaxList`). */
  readonly at?: string;
}

/** `file:line:column: error [code] message (NDC 21.3, 24.4; at /IATA_AirShoppingRQ/Request)`. */
export function formatLintIssue(issue: LintIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  const notes = [
    ...(issue.versions && issue.versions.length > 0 ? [`NDC ${issue.versions.join(', ')}`] : []),
    ...(issue.at ? [`at ${issue.at}`] : []),
  ];
  return `${where}: ${issue.severity} [${issue.code}] ${issue.message}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

/** Orders findings by file, then position, so the output reads top to bottom like the file. */
export function compareLintIssues(a: LintIssue, b: LintIssue): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.message.localeCompare(b.message);
}

/**
 * Joins findings that differ only by the version they were made against, or by the place a shared
 * YAML anchor was reused at: an inherited file with one typo is reported once, naming every version
 * it breaks, and a typo inside an `&anchor` once, at the first place it is used.
 */
export function mergeLintIssues(issues: readonly LintIssue[]): LintIssue[] {
  const byKey = new Map<string, LintIssue>();
  for (const issue of issues) {
    const key = `${issue.file}\u0000${issue.line ?? ''}\u0000${issue.column ?? ''}\u0000${issue.code}\u0000${issue.message}`;
    const earlier = byKey.get(key);
    if (!earlier) {
      byKey.set(key, issue);
      continue;
    }
    const versions = [...new Set([...(earlier.versions ?? []), ...(issue.versions ?? [])])];
    byKey.set(key, { ...earlier, ...(versions.length > 0 ? { versions } : {}) });
  }
  return [...byKey.values()].sort(compareLintIssues);
}
