import type { ParsedSource, SourcePointer } from '../../mapping/mapping-source.ts';
import type { LintCode, LintIssue, LintSeverity } from './lint-issue.ts';

/** One finding as a checker sees it: where in the file (by pointer) and what is wrong. */
export interface LintFinding {
  readonly pointer: SourcePointer;
  readonly code: LintCode;
  readonly message: string;
  /** @defaultValue 'error' */
  readonly severity?: LintSeverity;
  readonly suggestions?: readonly string[];
  /** Point at the key of the last pointer step rather than its value (an output key in a response map). */
  readonly key?: boolean;
  /** The place in the message the finding is about. */
  readonly at?: string;
  /** The scalar at the pointer and the offset of the bad part in it, so the column lands on the bad segment. */
  readonly within?: { readonly text: string; readonly offset: number };
}

/** Collects findings of one file, turning pointers into lines and columns. */
export interface LintReporter {
  report(finding: LintFinding): void;
  readonly issues: LintIssue[];
}

/**
 * Creates a reporter for one parsed file, checked against some NDC versions. The loader locates a
 * value by its node; the reporter moves the column on to the bad segment of a path (`Request.PaxLst.Pax`
 * points at `PaxLst`), which is what an author scanning a long path needs.
 */
export function createLintReporter(source: ParsedSource, text: string, versions: readonly string[]): LintReporter {
  const lines = text.split(/\r?\n/);
  const issues: LintIssue[] = [];
  return {
    issues,
    report(finding) {
      const located = source.issue(finding.pointer, finding.message, { key: finding.key === true });
      let column = located.column;
      if (finding.within && located.line !== undefined && located.column !== undefined) {
        const lineText = lines[located.line - 1] ?? '';
        let start = located.column - 1;
        if (lineText[start] === "'" || lineText[start] === '"') start += 1;
        if (lineText.startsWith(finding.within.text, start)) column = start + 1 + finding.within.offset;
      }
      issues.push({
        ...located,
        ...(column === undefined ? {} : { column }),
        severity: finding.severity ?? 'error',
        code: finding.code,
        ...(versions.length > 0 ? { versions } : {}),
        ...(finding.suggestions && finding.suggestions.length > 0 ? { suggestions: finding.suggestions } : {}),
        ...(finding.at === undefined ? {} : { at: finding.at }),
      });
    },
  };
}
