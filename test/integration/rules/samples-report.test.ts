import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../../src/tools/conformance/conformance-types.ts';
import { run } from '../../../src/tools/cli/validate.command.ts';
import { captureIo } from '../cli/cli-io.ts';
import { FIXTURES_PATH, missingShared, SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';

/**
 * The shared samples through `validate --rules-only`, findings checked in as a report (file, line,
 * column, rule id, severity: no message text, and nothing of the samples themselves), so a change
 * in a rule shows in review as a change of this file. Regenerate it with
 * `UPDATE_RULES_REPORT=1 npx vitest run test/integration/rules/samples-report.test.ts`.
 * --rules-only, not --rules: the 18.1 and 19.2 samples have no schema package, and the rules still read them.
 */
const REPORT_FILE = join(FIXTURES_PATH, 'rules', 'samples-report.txt');
const HEADER = [
  '# Business-rule findings of the shared NDC samples (ndc-gateway validate --rules-only).',
  '# One line per finding: <version>/<file>:<line>:<column> <rule id> <severity>; files without findings say so.',
  '# Regenerate: UPDATE_RULES_REPORT=1 npx vitest run test/integration/rules/samples-report.test.ts',
];

function formatSamplesReport(report: ConformanceReport): string {
  const lines = [...HEADER];
  const files = [...report.files].sort((a, b) => a.file.localeCompare(b.file));
  for (const file of files) {
    const name = relative(SAMPLES_PATH, file.file.startsWith('/') ? file.file : join(process.cwd(), file.file)).split('\\').join('/');
    if (file.status === 'error') {
      lines.push(`${name}: ${file.error?.code ?? 'error'}`);
      continue;
    }
    const findings = file.rules?.findings ?? [];
    if (findings.length === 0) lines.push(`${name}: no findings`);
    for (const finding of findings) lines.push(`${name}:${finding.line ?? '-'}:${finding.column ?? '-'} ${finding.ruleId} ${finding.severity}`);
  }
  lines.push('', '# Per rule: errors, warnings, files');
  for (const rule of report.summary.rules ?? []) lines.push(`# ${rule.ruleId} ${rule.errors} ${rule.warnings} ${rule.files}`);
  return `${lines.join('\n')}\n`;
}

describe.skipIf(missingShared([SAMPLES_PATH, SCHEMA_PATH]).length > 0)('business rules over the shared samples', () => {
  it('finds what the checked-in report says', async () => {
    const io = captureIo(false);
    const code = await run(['--schema-path', SCHEMA_PATH, '--rules-only', '--format', 'json', SAMPLES_PATH], io);
    expect(io.stderrText()).toBe('');
    expect([0, 1]).toContain(code);
    const text = formatSamplesReport(JSON.parse(io.stdoutText()) as ConformanceReport);
    if (process.env.UPDATE_RULES_REPORT) writeFileSync(REPORT_FILE, text);
    expect(existsSync(REPORT_FILE), `${REPORT_FILE} is missing: run with UPDATE_RULES_REPORT=1`).toBe(true);
    expect(text).toBe(readFileSync(REPORT_FILE, 'utf8'));
  }, 120_000);
});
