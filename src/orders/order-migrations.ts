import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log/logger.ts';
import { quoteSchema, type SqlDatabase } from './sql-database.ts';

export interface Migration {
  /** The number the file name starts with; migrations run in this order, each once. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Reads `migrations/NNNN_name.sql`, in version order. */
export function loadMigrations(folder: string = MIGRATIONS_FOLDER): Migration[] {
  return readdirSync(folder)
    .map((file) => /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ version: Number(match[1]), name: match[2] ?? '', sql: readFileSync(`${folder}/${match[0]}`, 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Brings the schema up to date in one transaction. The transaction-scoped advisory lock makes
 * processes that start together wait for each other (without it, two could both see a migration
 * as pending and the second would fail half-way); the lock ends with the transaction, so a crash
 * cannot leave it held. DDL is transactional in PostgreSQL: a failed migration leaves nothing behind.
 * @returns the versions applied now (empty when the schema was up to date).
 */
export async function applyMigrations(database: SqlDatabase, schema: string, logger: Logger, migrations: readonly Migration[] = loadMigrations()): Promise<number[]> {
  const quoted = quoteSchema(schema);
  const applied = await database.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ndc-gateway/order-store/${schema}`]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoted}; SET LOCAL search_path TO ${quoted};
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const now: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      now.push(migration.version);
    }
    return now;
  });
  if (applied.length > 0) logger.info({ schema, migrations: applied }, 'order store migrated');
  return applied;
}
