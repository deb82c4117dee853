import { describeVerdicts } from '../../conformance/compare-engines.ts';
import type { ConformanceReport, EngineVerdict, FileResult, RuleSummary } from '../../conformance/conformance-types.ts';
import type { RuleFinding } from '../../../rules/rule-types.ts';
import type { XsdIssue } from '../../../xsd/xsd-types.ts';

/**
 * The report for a person at a terminal: one line per file, its issues indented below it with
 * line:column, element path and message, then a summary.
 */

const LABEL = { valid: 'PASS', invalid: 'FAIL', error: 'ERROR' } as const;

function formatIssue(issue: XsdIssue, prefix: string): string[] {
  const where = issue.line === undefined ? '-' : `${issue.line}:${issue.column ?? '-'}`;
  const lines = [`    ${prefix}${where}${issue.path ? `  ${issue.path}` : ''}`];
  lines.push(`    ${' '.repeat(prefix.length)}  ${issue.message}`);
  return lines;
}

function formatVerdict(verdict: EngineVerdict, many: boolean): string[] {
  const prefix = many ? `[${verdict.engine}] ` : '';
  if (verdict.error) return [`    ${prefix}${verdict.error.code}: ${verdict.error.message}`];
  return verdict.issues.flatMap((issue) => formatIssue(issue, prefix));
}

function formatFinding(finding: RuleFinding): string[] {
  const where = finding.line === undefined ? '-' : `${finding.line}:${finding.column ?? '-'}`;
  return [`    ${where}  ${finding.path}`, `      ${finding.ruleId} (${finding.severity}): ${finding.message}`];
}

function formatFile(result: FileResult, many: boolean): string[] {
  const what = result.version && result.message ? `${result.version} ${result.message}` : result.rootName ?? '-';
  const lines = [`${LABEL[result.status].padEnd(6)} ${what.padEnd(32)} ${result.file}`];
  if (result.disagreement) lines.push(`    engines disagree: ${describeVerdicts(result.verdicts)}`);
  if (result.verdicts.length === 0 && result.error) {
    const where = result.error.line === undefined ? '' : ` (${result.error.line}:${result.error.column ?? '-'})`;
    lines.push(`    ${result.error.code}: ${result.error.message}${where}`);
  }
  for (const verdict of result.verdicts) lines.push(...formatVerdict(verdict, many));
  const { rules } = result;
  if (rules?.error && result.error !== rules.error) {
    const where = rules.error.line === undefined ? '' : ` (${rules.error.line}:${rules.error.column ?? '-'})`;
    lines.push(`    rules: ${rules.error.code}: ${rules.error.message}${where}`);
  }
  for (const finding of rules?.findings ?? []) lines.push(...formatFinding(finding));
  return lines;
}

/** The one-line summary, also printed on its own when the report goes to a file. */
export function formatSummary(report: ConformanceReport): string {
  const s = report.summary;
  const parts = [`${s.files} file${s.files === 1 ? '' : 's'}: ${s.valid} valid, ${s.invalid} invalid, ${s.errors} error${s.errors === 1 ? '' : 's'}`];
  if (report.engines.length > 1) parts.push(`${s.disagreements} engine disagreement${s.disagreements === 1 ? '' : 's'}`);
  if (s.rules) {
    const errors = s.rules.reduce((sum, rule) => sum + rule.errors, 0);
    const warnings = s.rules.reduce((sum, rule) => sum + rule.warnings, 0);
    parts.push(`rules: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  }
  const checks = report.engines.length > 0 ? `engines: ${report.engines.join(', ')}` : 'rules only, no XSD';
  return `${parts.join(', ')} (${checks}; ${(s.durationMs / 1000).toFixed(1)} s)`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** One line per rule in force: how often it fired, in how many files. */
export function formatRuleSummary(rules: readonly RuleSummary[]): string[] {
  const width = Math.max(...rules.map((rule) => rule.ruleId.length), 4);
  return ['Rules:', ...rules.map((rule) => `  ${rule.ruleId.padEnd(width)}  ${plural(rule.errors, 'error')}, ${plural(rule.warnings, 'warning')} in ${plural(rule.files, 'file')}`)];
}

export function formatTextReport(report: ConformanceReport): string {
  const many = report.engines.length > 1;
  const lines = report.files.flatMap((file) => formatFile(file, many));
  if (report.summary.rules) lines.push('', ...formatRuleSummary(report.summary.rules));
  lines.push('', formatSummary(report));
  return `${lines.join('\n')}\n`;
}
