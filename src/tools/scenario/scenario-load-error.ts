/** One problem in a scenario file or request template, located for its author. */
export interface ScenarioLoadIssue {
  readonly file: string;
  readonly message: string;
  /** 1-based; absent when the problem concerns the file or the folder as a whole. */
  readonly line?: number;
  readonly column?: number;
}

/** `file:line:column: message`, the form editors and CI logs link to. */
export function formatScenarioIssue(issue: ScenarioLoadIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.message}`;
}

/**
 * Thrown when a suite cannot be loaded; lists every problem of every file, so an author fixes
 * them in one pass. The CLI exits 2 on it: nothing was run.
 */
export class ScenarioLoadError extends Error {
  readonly issues: readonly ScenarioLoadIssue[];

  constructor(issues: readonly ScenarioLoadIssue[]) {
    super(`Invalid scenario suite:\n${issues.map(formatScenarioIssue).join('\n')}`);
    this.name = 'ScenarioLoadError';
    this.issues = issues;
  }
}
