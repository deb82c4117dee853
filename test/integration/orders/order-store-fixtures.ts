import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import { createLogger } from '../../../src/log/logger.ts';
import { createPgliteOrderStore, createPgOrderStore, type OrderStore, type PersonalDataCipher } from '../../../src/orders/index.ts';

/** The real PostgreSQL of the project machines (trust auth). */
export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export const silentLogger = createLogger('silent');

/** One database per test file; each store on it gets its own schema. */
export interface StoreHarness {
  /** A store on the shared database, in `schema`. */
  open(schema: string, options?: StoreOptions): OrderStore;
  /** Runs SQL directly, as an operator with full rights would. */
  sql<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  dropSchema(schema: string): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  readonly idempotencyLeaseMs?: number;
  readonly resealIntervalMs?: number;
  readonly personalData?: PersonalDataCipher;
}

export type HarnessFactory = () => Promise<StoreHarness>;

/** A schema name no other run uses: `test_<random>`. */
export function uniqueSchema(): string {
  return `test_${randomBytes(6).toString('hex')}`;
}

export const startPgHarness: HarnessFactory = async () => {
  const admin = new Pool({ connectionString: DATABASE_URL, max: 2 });
  return {
    open: (schema, options = {}) => createPgOrderStore({ connectionString: DATABASE_URL, schema, logger: silentLogger, poolSize: 24, ...options }),
    sql: async (text, params = []) => (await admin.query(text, params)).rows,
    dropSchema: async (schema) => { await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); },
    close: () => admin.end(),
  };
};

/** PGlite takes seconds to open, so one in-memory instance serves the whole file. */
export const startPgliteHarness: HarnessFactory = async () => {
  const db = await PGlite.create();
  return {
    open: (schema, options = {}) => createPgliteOrderStore({ database: db, schema, logger: silentLogger, ...options }),
    sql: async (text, params = []) => (await db.query(text, params)).rows as never[],
    dropSchema: async (schema) => { await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); },
    close: () => db.close(),
  };
};

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
