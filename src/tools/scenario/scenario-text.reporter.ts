import { relative } from 'node:path';
import type { ScenarioResult, ScenarioRunReport, StepResult } from './scenario-types.ts';

/**
 * The report for a person at a terminal: per scenario, one line per step with ✓ or ✗, under a
 * failing step each failed check and a short excerpt of the evidence, then a summary.
 */

const MARK: Readonly<Record<StepResult['status'] | ScenarioResult['status'], string>> = {
  passed: '✓',
  failed: '✗',
  error: '✗',
  skipped: '-',
};

/** Failed checks listed per step. */
const MAX_FAILURES_SHOWN = 6;

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => `${prefix}${line}`);
}

function formatStep(step: StepResult): string[] {
  const answer = step.httpStatus === undefined ? '' : `  ${step.httpStatus}${step.responseRoot ? ` ${step.responseRoot}` : ''}`;
  const lines = [`    ${MARK[step.status]} ${step.name}${answer}  (${step.status === 'skipped' ? 'skipped' : seconds(step.durationMs)})`];
  if (step.status === 'error' && step.error) lines.push(`        error: ${step.error}`);
  if (step.status === 'skipped' && step.error) lines.push(`        ${step.error}`);
  for (const failure of step.failures.slice(0, MAX_FAILURES_SHOWN)) {
    lines.push(`        ${failure.assertion}: ${failure.message}`);
    if (failure.excerpt) lines.push(...indent(failure.excerpt, '          | '));
  }
  const more = step.failures.length - MAX_FAILURES_SHOWN;
  // The first failures say what went wrong; the rest usually follow from them (the JUnit report lists all).
  if (more > 0) lines.push(`        … and ${more} more failed check${more === 1 ? '' : 's'}`);
  return lines;
}

function formatScenario(scenario: ScenarioResult, cwd: string): string[] {
  const file = relative(cwd, scenario.file) || scenario.file;
  return [
    `${MARK[scenario.status]} ${scenario.name}  [${scenario.version}, ${file}]  ${seconds(scenario.durationMs)}`,
    ...scenario.steps.flatMap(formatStep),
  ];
}

/** The one-line summary, also printed on its own when the report goes to a file. */
export function formatScenarioSummary(report: ScenarioRunReport): string {
  const s = report.summary;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(s.scenarios, 'scenario')}: ${s.scenariosPassed} passed, ${s.scenarios - s.scenariosPassed} failed; `
    + `${plural(s.steps, 'step')}: ${s.passed} passed, ${s.failed} failed, ${plural(s.errors, 'error')}, ${s.skipped} skipped `
    + `(${report.url}; ${(s.durationMs / 1000).toFixed(1)} s)`;
}

export function formatScenarioTextReport(report: ScenarioRunReport, cwd: string = process.cwd()): string {
  const lines = report.scenarios.flatMap((scenario) => [...formatScenario(scenario, cwd), '']);
  lines.push(formatScenarioSummary(report));
  return `${lines.join('\n')}\n`;
}
