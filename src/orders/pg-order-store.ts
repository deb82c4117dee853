import { Pool, type PoolClient } from 'pg';
import type { Logger } from '../log/logger.ts';
import type { OrderStore } from './order-store.ts';
import type { PersonalDataCipher } from './personal-data-cipher.ts';
import type { SqlDatabase, SqlSession, SqlStatement } from './sql-database.ts';
import { createSqlOrderStore } from './sql-order-store.ts';

export interface PgOrderStoreOptions {
  /** postgresql://user@host:port/database */
  readonly connectionString: string;
  /** Schema holding the order tables; created by `migrate`. */
  readonly schema: string;
  readonly logger: Logger;
  /**
   * Connections in the pool. Each write holds one for a single statement (changes are
   * computed outside transactions), so a small pool serves many concurrent requests.
   * @defaultValue 16
   */
  readonly poolSize?: number;
  /** @defaultValue 60000 — see SqlOrderStoreOptions.idempotencyLeaseMs */
  readonly idempotencyLeaseMs?: number;
  /** @defaultValue 60000 — see SqlOrderStoreOptions.resealIntervalMs */
  readonly resealIntervalMs?: number;
  /** @defaultValue the development key — see SqlOrderStoreOptions.personalData */
  readonly personalData?: PersonalDataCipher;
}

function sessionOf(client: Pool | PoolClient): SqlSession {
  return {
    async query<Row>(statement: string | SqlStatement, params: readonly unknown[] = []) {
      const values = params as unknown[];
      const result = await client.query(typeof statement === 'string' ? { text: statement, values } : { ...statement, values });
      return { rows: result.rows as Row[] };
    },
    async exec(script: string) {
      await client.query(script);
    },
  };
}

/** node-postgres as a SqlDatabase: a pool for single statements, one checked-out client per transaction. */
function wrapPool(pool: Pool): SqlDatabase {
  return {
    ...sessionOf(pool),
    async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      // The pool stops listening to a client it hands out: a connection the server ends during the
      // transaction (a restart) would throw from an unhandled 'error' event and end the process.
      const onError = (error: Error): void => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(sessionOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is destroyed rather than reused.
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * The order store on PostgreSQL. Commits are durable (synchronous_commit is forced on for the
 * store's connections), since an order that was confirmed to a client must survive a crash.
 */
export function createPgOrderStore(options: PgOrderStoreOptions): OrderStore {
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 16,
    application_name: 'ndc-gateway-order-store',
    options: '-c synchronous_commit=on',
  });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.logger.warn({ err: error }, 'order store connection lost'));
  return createSqlOrderStore({
    database: wrapPool(pool),
    schema: options.schema,
    logger: options.logger,
    ...(options.idempotencyLeaseMs === undefined ? {} : { idempotencyLeaseMs: options.idempotencyLeaseMs }),
    ...(options.resealIntervalMs === undefined ? {} : { resealIntervalMs: options.resealIntervalMs }),
    ...(options.personalData === undefined ? {} : { personalData: options.personalData }),
  });
}
