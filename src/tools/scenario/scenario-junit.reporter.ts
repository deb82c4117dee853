import { basename, extname, relative } from 'node:path';
import { buildJunitXml, seconds, xmlText } from '../cli/reporters/junit-xml.ts';
import type { ScenarioResult, ScenarioRunReport, StepResult } from './scenario-types.ts';

/**
 * The report for CI servers: JUnit XML with one testsuite per scenario and one testcase per step.
 * A check that did not hold is a `<failure>` listing every failed check with its excerpt; a step
 * that could not be judged (no answer, a variable not set) is an `<error>`; a step after one that
 * did not pass is `<skipped>`. It is written with the `validate` JUnit report's builder and
 * escaping (cli/reporters/junit-xml.ts).
 */

/** `scenario.<suite folder>.<scenario file without extension>`: CI tools group testcases by it. */
function classname(scenario: ScenarioResult): string {
  return `scenario.${scenario.suite}.${basename(scenario.file, extname(scenario.file))}`;
}

function buildTestcase(step: StepResult, scenario: ScenarioResult): Record<string, unknown> {
  const testcase: Record<string, unknown> = {
    '@_name': xmlText(step.name),
    '@_classname': xmlText(classname(scenario)),
    '@_time': seconds(step.durationMs),
  };
  if (step.status === 'failed') {
    const first = step.failures[0];
    const details = step.failures.map((f) => `${f.assertion}: ${f.message}${f.excerpt ? `\n${f.excerpt.split('\n').map((l) => `  | ${l}`).join('\n')}` : ''}`);
    testcase.failure = {
      '@_type': first?.assertion.split(' ')[0] ?? 'assertion',
      '@_message': xmlText(first ? `${first.assertion}: ${first.message}` : 'failed'),
      '#text': xmlText(details.join('\n')),
    };
  } else if (step.status === 'error') {
    testcase.error = { '@_type': 'step-error', '@_message': xmlText(step.error ?? 'error'), '#text': xmlText(step.error ?? 'error') };
  } else if (step.status === 'skipped') {
    // An element with only attributes: suppressEmptyNode writes it as <skipped message="…"/>.
    testcase.skipped = { '@_message': xmlText(step.error ?? 'skipped') };
  }
  const out = [`POST ${step.request}`];
  if (step.httpStatus !== undefined) out.push(`HTTP ${step.httpStatus}${step.responseRoot ? ` ${step.responseRoot}` : ''}`);
  for (const [name, value] of Object.entries(step.captured)) out.push(`captured ${name} = ${typeof value === 'string' ? value : `[${value.join(', ')}]`}`);
  testcase['system-out'] = xmlText(out.join('\n'));
  return testcase;
}

function countOf(steps: readonly StepResult[], status: StepResult['status']): number {
  return steps.filter((s) => s.status === status).length;
}

export function formatScenarioJunitReport(report: ScenarioRunReport, cwd: string = process.cwd()): string {
  const testsuite = report.scenarios.map((scenario) => ({
    '@_name': xmlText(scenario.name),
    '@_tests': scenario.steps.length,
    '@_failures': countOf(scenario.steps, 'failed'),
    '@_errors': countOf(scenario.steps, 'error'),
    '@_skipped': countOf(scenario.steps, 'skipped'),
    '@_time': seconds(scenario.durationMs),
    '@_timestamp': scenario.startedAt,
    '@_file': xmlText(relative(cwd, scenario.file) || scenario.file),
    properties: {
      property: [
        { '@_name': 'suite', '@_value': xmlText(scenario.suite) },
        { '@_name': 'ndcVersion', '@_value': scenario.version },
        { '@_name': 'url', '@_value': xmlText(report.url) },
      ],
    },
    testcase: scenario.steps.map((step) => buildTestcase(step, scenario)),
  }));
  const { summary } = report;
  return buildJunitXml(
    {
      name: 'ndc-gateway scenario run',
      tests: summary.steps,
      failures: summary.failed,
      errors: summary.errors,
      skipped: summary.skipped,
      durationMs: summary.durationMs,
    },
    testsuite,
  );
}
