import { dirname } from 'node:path';
import { describeVerdicts } from '../../conformance/compare-engines.ts';
import type { ConformanceReport, FileResult } from '../../conformance/conformance-types.ts';
import type { RuleFinding } from '../../../rules/rule-types.ts';
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

function findingLine(finding: RuleFinding, file?: string): string {
  const where = finding.line === undefined ? '' : `${finding.line}:${finding.column ?? '-'} `;
  return `${file ? `${file}:` : ''}${where}${finding.path} [${finding.ruleId} ${finding.severity}] ${finding.message}`;
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
    const xsdIssues = result.verdicts.flatMap((v) => v.issues.map((issue) => issueLine(issue, many ? v.engine : undefined)));
    const ruleLines = [
      ...(result.rules?.error ? [`rules: ${result.rules.error.code}: ${result.rules.error.message}`] : []),
      ...(result.rules?.findings ?? []).map((finding) => findingLine(finding)),
    ];
    const issues = [...xsdIssues, ...ruleLines];
    const first = issues[0] ?? 'invalid';
    testcase.failure = {
      '@_type': result.disagreement ? 'engines-disagree' : xsdIssues.length > 0 ? 'xsd-invalid' : 'business-rules',
      '@_message': xmlText(result.disagreement ? `Engines disagree: ${describeVerdicts(result.verdicts)}` : first),
      '#text': xmlText(issues.join('\n')),
    };
  }
  const out: string[] = [];
  if (many) out.push(`engines: ${describeVerdicts(result.verdicts)}`);
  // warnings leave the file valid, but a reader of the CI report still sees them
  if (result.status !== 'invalid') out.push(...(result.rules?.findings ?? []).map((finding) => findingLine(finding)));
  if (out.length > 0) testcase['system-out'] = xmlText(out.join('\n'));
  return testcase;
}

/** One testcase per rule in force: failed when it found errors anywhere, with every place listed. */
function buildRulesSuite(report: ConformanceReport): Record<string, unknown> | undefined {
  const rules = report.summary.rules;
  if (!rules) return undefined;
  const testcase = rules.map((rule) => {
    const places = report.files.flatMap((file) => (file.rules?.findings ?? []).filter((f) => f.ruleId === rule.ruleId).map((f) => findingLine(f, file.file)));
    const entry: Record<string, unknown> = { '@_name': rule.ruleId, '@_classname': 'ndc.rules', '@_time': '0' };
    const counts = `${rule.errors} errors, ${rule.warnings} warnings in ${rule.files} files`;
    if (rule.errors > 0) entry.failure = { '@_type': 'business-rule', '@_message': xmlText(counts), '#text': xmlText(places.join('\n')) };
    else if (places.length > 0) entry['system-out'] = xmlText(`${counts}\n${places.join('\n')}`);
    return entry;
  });
  return {
    '@_name': 'business rules',
    '@_tests': rules.length,
    '@_failures': rules.filter((rule) => rule.errors > 0).length,
    '@_errors': 0,
    '@_skipped': 0,
    '@_time': '0',
    '@_timestamp': report.startedAt,
    testcase,
  };
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
  const rulesSuite = buildRulesSuite(report);
  if (rulesSuite) testsuite.push(rulesSuite as (typeof testsuite)[number]);
  const { summary } = report;
  const ruleTests = summary.rules?.length ?? 0;
  const ruleFailures = summary.rules?.filter((rule) => rule.errors > 0).length ?? 0;
  return buildJunitXml(
    { name: 'ndc-gateway validate', tests: summary.files + ruleTests, failures: summary.invalid + ruleFailures, errors: summary.errors, durationMs: summary.durationMs },
    testsuite,
  );
}
