import { dirname } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import { describeVerdicts } from '../../conformance/compare-engines.ts';
import type { ConformanceReport, FileResult } from '../../conformance/conformance-types.ts';
import type { XsdIssue } from '../../xsd/xsd-types.ts';

/**
 * The report for CI servers: JUnit XML with one testsuite per message (`21.3 AirShoppingRQ`), or
 * per folder for files whose message is unknown, and one testcase per file. An invalid file is a
 * `<failure>` listing its issues; a file that got no verdict (not NDC, no schema) is an `<error>`.
 */

/** Characters XML 1.0 cannot carry, even escaped; engine messages may quote them from a document. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  processEntities: true,
  suppressEmptyNode: true,
  format: true,
  indentBy: '  ',
});

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

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
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'ndc-gateway validate',
      '@_tests': summary.files,
      '@_failures': summary.invalid,
      '@_errors': summary.errors,
      '@_time': seconds(summary.durationMs),
      testsuite,
    },
  };
  return builder.build(document) as string;
}
