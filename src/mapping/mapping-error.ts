import { GatewayError, type ErrorDetail } from '../errors/index.ts';

/** Which way a mapping runs: NDC request → command, or result → NDC response. */
export type MappingDirection = 'request' | 'response';

/** One problem found while applying a mapping. */
export interface MappingIssue {
  readonly message: string;
  /** Input element the problem is about, e.g. `/IATA_AirShoppingRQ/Request/PaxList/Pax[2]/PTC`. */
  readonly path: string;
  /** Output field the rule builds, e.g. `passengers[].type`. */
  readonly field: string;
}

/**
 * Thrown by applyMapping. It is a GatewayError so that stages can let it through unchanged:
 * a request mapping fails as INVALID_COMMAND (the client did not send what the message needs),
 * a response mapping as INVALID_RESPONSE (the gateway could not build a valid answer).
 */
export class MappingError extends GatewayError {
  readonly file: string;
  readonly issues: readonly MappingIssue[];

  constructor(direction: MappingDirection, file: string, issues: readonly MappingIssue[]) {
    const details: ErrorDetail[] = issues.map((issue) => ({ message: issue.message, path: issue.path }));
    super(direction === 'request' ? 'INVALID_COMMAND' : 'INVALID_RESPONSE', undefined, details);
    this.name = 'MappingError';
    this.file = file;
    this.issues = issues;
  }
}

/** One problem in a mapping or code-table file, located for the author. */
export interface MappingLoadIssue {
  readonly file: string;
  readonly message: string;
  /** 1-based; absent when the problem concerns the file as a whole. */
  readonly line?: number;
  readonly column?: number;
  /** JSON pointer of the offending value inside the file. */
  readonly pointer?: string;
}

/** Formats a load issue as `file:line:column: message`, the form editors and CI logs link to. */
export function formatLoadIssue(issue: MappingLoadIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.message}`;
}

/** Thrown when mapping files or code tables cannot be loaded; lists every problem found. */
export class MappingLoadError extends Error {
  readonly issues: readonly MappingLoadIssue[];

  constructor(issues: readonly MappingLoadIssue[]) {
    super(`Invalid mapping files:\n${issues.map(formatLoadIssue).join('\n')}`);
    this.name = 'MappingLoadError';
    this.issues = issues;
  }
}
