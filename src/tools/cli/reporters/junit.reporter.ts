import { dirname } from 'node:path';
import { describeVerdicts } from '../../conformance/compare-engines.ts';
import type { ConformanceReport, FileResult } from '../../conformance/conformance-types.ts';
import type { XsdIssue } from '../../../xsd/xsd-types.ts';
import { buildJunitXml, seconds, xmlText } from './junit-xml.ts';

/**
 * The report for CI servers: JUnit XML with one testsuite per message (`21.3 AirShoppingRQ`), or
 * per folder for files whose message is unknown, and one testcase per file. An invalid file is a
 * `<failure>` listing its issues; a file that got no verdict (not NDC, no schema) is an `<error>`.
 */

function suiteName(result: FileResult): string {
  return result.version && result.message ? `${result.version} ${result.message}` : dirname(result.file);
}

function issueLine(issue: XsdIssue, engine: string | undefined): string {
  const where = issue.line === undefined ? '' : `${issue.line}:${issue.column ?? '-'} `;
  return `${engine ? `[${engine}] ` : ''}${where}${issue.path ? `${issue.path} ` : ''}${issue.message}`;
}

function buildTestcase(result: FileResult, many: boolean): Record<string, unknown> {
  const time = result.verdicts.reduce((sum, v) => sum + v.durationMs, 0);
  const testcase: Record<string, unknown> = {
    '@_name': xmlText(result.file),
    '@_classname': xmlText(result.version && result.message ? `ndc.${result.version}.${result.message}` : 'ndc.unrecognised'),
    '@_time': seconds(time),
  };
  if (result.status === 'error' && result.error) {
    const where = result.error.line === undefined ? '' : ` (${result.error.line}:${result.error.column ?? '-'})`;
    testcase.error = { '@_type': result.error.code, '@_message': xmlText(result.error.message), '#text': xmlText(`${result.error.code}: ${result.error.message}${where}`) };
  } else if (result.status === 'invalid') {
    const issues = result.verdicts.flatMap((v) => v.issues.map((issue) => issueLine(issue, many ? v.engine : undefined)));
    const first = issues[0] ?? 'invalid';
    testcase.failure = {
      '@_type': result.disagreement ? 'engines-disagree' : 'xsd-invalid',
      '@_message': xmlText(result.disagreement ? `Engines disagree: ${describeVerdicts(result.verdicts)}` : first),
      '#text': xmlText(issues.join('\n')),
    };
  }
  if (many) testcase['system-out'] = xmlText(`engines: ${describeVerdicts(result.verdicts)}`);
  return testcase;
}

export function formatJunitReport(report: ConformanceReport): string {
  const many = report.engines.length > 1;
  const suites = new Map<string, FileResult[]>();
  for (const result of report.files) {
    const name = suiteName(result);
    const list = suites.get(name);
    if (list) list.push(result);
    else suites.set(name, [result]);
  }
  const testsuite = [...suites].map(([name, results]) => ({
    '@_name': xmlText(name),
    '@_tests': results.length,
    '@_failures': results.filter((r) => r.status === 'invalid').length,
    '@_errors': results.filter((r) => r.status === 'error').length,
    '@_skipped': 0,
    '@_time': seconds(results.reduce((sum, r) => sum + r.verdicts.reduce((s, v) => s + v.durationMs, 0), 0)),
    '@_timestamp': report.startedAt,
    testcase: results.map((r) => buildTestcase(r, many)),
  }));
  const { summary } = report;
  return buildJunitXml(
    { name: 'ndc-gateway validate', tests: summary.files, failures: summary.invalid, errors: summary.errors, durationMs: summary.durationMs },
    testsuite,
  );
}
