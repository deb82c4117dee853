import { describeVerdicts } from '../../conformance/compare-engines.ts';
import type { ConformanceReport, EngineVerdict, FileResult } from '../../conformance/conformance-types.ts';
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

function formatFile(result: FileResult, many: boolean): string[] {
  const what = result.version && result.message ? `${result.version} ${result.message}` : result.rootName ?? '-';
  const lines = [`${LABEL[result.status].padEnd(6)} ${what.padEnd(32)} ${result.file}`];
  if (result.disagreement) lines.push(`    engines disagree: ${describeVerdicts(result.verdicts)}`);
  if (result.verdicts.length === 0 && result.error) {
    const where = result.error.line === undefined ? '' : ` (${result.error.line}:${result.error.column ?? '-'})`;
    lines.push(`    ${result.error.code}: ${result.error.message}${where}`);
  }
  for (const verdict of result.verdicts) lines.push(...formatVerdict(verdict, many));
  return lines;
}

/** The one-line summary, also printed on its own when the report goes to a file. */
export function formatSummary(report: ConformanceReport): string {
  const s = report.summary;
  const parts = [`${s.files} file${s.files === 1 ? '' : 's'}: ${s.valid} valid, ${s.invalid} invalid, ${s.errors} error${s.errors === 1 ? '' : 's'}`];
  if (report.engines.length > 1) parts.push(`${s.disagreements} engine disagreement${s.disagreements === 1 ? '' : 's'}`);
  return `${parts.join(', ')} (engines: ${report.engines.join(', ')}; ${(s.durationMs / 1000).toFixed(1)} s)`;
}

export function formatTextReport(report: ConformanceReport): string {
  const many = report.engines.length > 1;
  const lines = report.files.flatMap((file) => formatFile(file, many));
  lines.push('', formatSummary(report));
  return `${lines.join('\n')}\n`;
}
