import { createHash } from 'node:crypto';

/**
 * A statement run often enough to be parsed and planned once per connection, then run by name.
 * The name is derived from the text, so two texts never share a name, whichever schema they use.
 */
export interface SqlStatement {
  readonly name: string;
  readonly text: string;
}

export function prepared(text: string): SqlStatement {
  return { name: `ndc_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
}

/**
 * The little a SQL order store needs from a PostgreSQL connection. node-postgres and PGlite both
 * provide it in a few lines, so both adapters run the very same SQL.
 */
export interface SqlSession {
  /** One statement with `$1`-style parameters; a driver that cannot prepare runs a prepared one as text. */
  query<Row>(statement: string | SqlStatement, params?: readonly unknown[]): Promise<{ readonly rows: Row[] }>;
  /** A script of several statements without parameters (a migration). */
  exec(script: string): Promise<void>;
}

export interface SqlDatabase extends SqlSession {
  /** Runs `work` in BEGIN … COMMIT on one connection; anything thrown rolls it back and is rethrown. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PostgreSQL SQLSTATE of an error thrown by either driver, if it carries one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Codes of Node's sockets when the server is not there or went away mid-statement. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * Whether a statement failed because the server could not be reached or ended the session
 * (a restart, a crash, too many connections), not because of the statement: the same statement
 * may well succeed a moment later. SQLSTATE class 08 (connection exception), 57P01–57P03
 * (shut down, crashed, starting up) and 53300; node-postgres's own errors when the socket closed.
 */
export function isConnectionLost(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== undefined && SOCKET_CODES.has(code)) return true;
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300';
  return error instanceof Error && /Connection terminated|not queryable/.test(error.message);
}

/** The constraint an integrity error names, if any. */
export function sqlConstraint(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quotes a schema name after checking it, since identifiers cannot be bound as parameters. */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _`);
  return `"${schema}"`;
}
