import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Logger } from '../log/logger.ts';
import type { OrderStore } from './order-store.ts';
import type { PersonalDataCipher } from './personal-data-cipher.ts';
import type { SqlDatabase, SqlSession, SqlStatement } from './sql-database.ts';
import { createSqlOrderStore } from './sql-order-store.ts';

export interface PgliteOrderStoreOptions {
  /**
   * Folder of the database files, created if missing. Without it (and without `database`) the
   * store lives in memory and is gone on close.
   */
  readonly dataDir?: string;
  /**
   * An open PGlite to use instead of opening one; the caller keeps and closes it. Opening PGlite
   * takes seconds, so tests share one instance and give each store its own schema.
   */
  readonly database?: PGlite;
  /** @defaultValue 'ndc_gateway' */
  readonly schema?: string;
  readonly logger: Logger;
  /** @defaultValue 60000 — see SqlOrderStoreOptions.idempotencyLeaseMs */
  readonly idempotencyLeaseMs?: number;
  /** @defaultValue 60000 — see SqlOrderStoreOptions.resealIntervalMs */
  readonly resealIntervalMs?: number;
  /** @defaultValue the development key — see SqlOrderStoreOptions.personalData */
  readonly personalData?: PersonalDataCipher;
}

function sessionOf(db: PGlite | Transaction): SqlSession {
  return {
    async query<Row>(statement: string | SqlStatement, params: readonly unknown[] = []) {
      const result = await db.query<Row>(typeof statement === 'string' ? statement : statement.text, params as unknown[]);
      return { rows: result.rows };
    },
    async exec(script: string) {
      await db.exec(script);
    },
  };
}

/** PGlite as a SqlDatabase. PGlite runs one statement or transaction at a time, so it queues the rest. */
function wrapPglite(db: PGlite): SqlDatabase {
  return {
    ...sessionOf(db),
    transaction: (work) => db.transaction((tx) => work(sessionOf(tx))),
    close: () => db.close(),
  };
}

/** The embedded order store: PostgreSQL compiled to WASM, in a data folder, nothing to install. */
export function createPgliteOrderStore(options: PgliteOrderStoreOptions): OrderStore {
  let db = options.database;
  if (db === undefined) {
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
    db = new PGlite(options.dataDir);
  }
  return createSqlOrderStore({
    database: wrapPglite(db),
    schema: options.schema ?? 'ndc_gateway',
    logger: options.logger,
    ownsDatabase: options.database === undefined,
    ...(options.idempotencyLeaseMs === undefined ? {} : { idempotencyLeaseMs: options.idempotencyLeaseMs }),
    ...(options.resealIntervalMs === undefined ? {} : { resealIntervalMs: options.resealIntervalMs }),
    ...(options.personalData === undefined ? {} : { personalData: options.personalData }),
  });
}
