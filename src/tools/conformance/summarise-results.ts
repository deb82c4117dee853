import { SETUP_ERROR_CODES, type ConformanceSummary, type FileResult, type RuleSummary } from './conformance-types.ts';

/** Findings per rule; `ruleIds` are the rules in force, listed even when nothing broke them. */
export function summariseRules(files: readonly FileResult[], ruleIds: readonly string[]): RuleSummary[] {
  const counts = new Map<string, { errors: number; warnings: number; files: Set<string> }>();
  for (const id of ruleIds) counts.set(id, { errors: 0, warnings: 0, files: new Set() });
  for (const file of files) {
    for (const finding of file.rules?.findings ?? []) {
      let count = counts.get(finding.ruleId);
      if (!count) counts.set(finding.ruleId, (count = { errors: 0, warnings: 0, files: new Set() }));
      if (finding.severity === 'error') count.errors++;
      else count.warnings++;
      count.files.add(file.file);
    }
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([ruleId, c]) => ({ ruleId, errors: c.errors, warnings: c.warnings, files: c.files.size }));
}

/** Counts of a run; a file counts once, under its status. With `ruleIds`, a summary per rule too. */
export function summariseResults(files: readonly FileResult[], durationMs: number, ruleIds?: readonly string[]): ConformanceSummary {
  let valid = 0;
  let invalid = 0;
  let errors = 0;
  let setupErrors = 0;
  let disagreements = 0;
  for (const file of files) {
    if (file.status === 'valid') valid++;
    else if (file.status === 'invalid') invalid++;
    else errors++;
    if (file.status === 'error' && file.error && SETUP_ERROR_CODES.has(file.error.code)) setupErrors++;
    if (file.disagreement) disagreements++;
  }
  const summary = { files: files.length, valid, invalid, errors, setupErrors, disagreements, durationMs: Math.round(durationMs) };
  return ruleIds === undefined ? summary : { ...summary, rules: summariseRules(files, ruleIds) };
}
