import { GatewayError, type ErrorDetail } from '../errors/index.ts';
import type { AuditEntry, AuditQuery } from '../orders/index.ts';

/**
 * The audit trail over REST: `GET /audit` (a client's rows) and `GET /{id}/audit` (an order's).
 * A client reads the rows it caused itself; an operator (admin) reads anybody's.
 */

/** The time and paging filters of an audit query, from the query string. */
export type AuditFilter = Pick<AuditQuery, 'from' | 'to' | 'after' | 'limit'>;

/** What an audit route answers: the rows, oldest first, and where the next page starts when this one is full. */
export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  /** Pass as `after` for the next page; absent when this page is the last. */
  readonly next?: number;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
export const DEFAULT_AUDIT_PAGE = 100;
export const MAX_AUDIT_PAGE = 1000;

/**
 * Reads `from`, `to` (ISO 8601 instants), `after` (an entry id) and `limit` (1–1000); any other
 * parameter but those in `allowed` is refused, so a misspelt filter never widens the answer.
 */
export function auditFilterOf(query: Readonly<Record<string, unknown>>, allowed: readonly string[] = []): AuditFilter {
  const problems: ErrorDetail[] = [];
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    problems.push({ message: `${name} is given more than once`, path: name });
    return undefined;
  };
  const instant = (name: string): string | undefined => {
    const value = text(name);
    if (value !== undefined && (!INSTANT.test(value) || Number.isNaN(Date.parse(value)))) problems.push({ message: `${name} must be an ISO 8601 instant with a zone, e.g. 2025-01-31T00:00:00Z`, path: name });
    return value;
  };
  const whole = (name: string, min: number, max: number): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const n = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
    if (!(n >= min && n <= max)) problems.push({ message: `${name} must be a whole number from ${min} to ${max}`, path: name });
    return n;
  };
  for (const name of Object.keys(query)) {
    if (!['from', 'to', 'after', 'limit', ...allowed].includes(name)) problems.push({ message: `unknown parameter ${name}`, path: name });
  }
  const from = instant('from');
  const to = instant('to');
  const after = whole('after', 0, Number.MAX_SAFE_INTEGER);
  const limit = whole('limit', 1, MAX_AUDIT_PAGE);
  if (problems.length > 0) throw new GatewayError('INVALID_COMMAND', 'The audit query is malformed', problems);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(after !== undefined ? { after } : {}), limit: limit ?? DEFAULT_AUDIT_PAGE };
}

export function toAuditPage(entries: readonly AuditEntry[], limit: number): AuditPage {
  const last = entries[entries.length - 1];
  return entries.length === limit && last ? { entries, next: last.id } : { entries };
}
