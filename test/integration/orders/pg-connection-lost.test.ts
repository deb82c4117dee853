import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.ts';
import { createPgOrderStore, type OrderStore } from '../../../src/orders/index.ts';
import type { SqlSession } from '../../../src/orders/sql-database.ts';
import { TEST_DATABASE_URL } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * Regression: PostgreSQL restarted under load (the fault harness's postgres-restart) ended the
 * gateway process. A connection the server closes while the order store holds it for a
 * transaction emits 'error' on a client the pool no longer listens to, and Node ends the process
 * on an unhandled 'error' event. The server ending a session is what a fast shutdown does to
 * every session; pg_terminate_backend does the same to one.
 */
describe('PostgreSQL order store when the server ends a connection in a transaction', () => {
  const schema = `test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  let store: OrderStore;

  beforeAll(async () => {
    await admin.connect();
    store = createPgOrderStore({ connectionString: TEST_DATABASE_URL, schema, logger: createLogger('silent'), poolSize: 2 });
  });

  afterAll(async () => {
    await store.close();
    await admin.end();
  });

  async function backendPid(tx: SqlSession): Promise<number> {
    return (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  }

  async function terminate(pid: number): Promise<void> {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor(async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0);
  }

  it('fails the transaction whose statement was running, and keeps serving', async () => {
    const { database } = await store.sql();
    let pid: number | undefined;
    const transaction = database.transaction(async (tx) => {
      pid = await backendPid(tx);
      await tx.query('SELECT pg_sleep(30)');
    });
    transaction.catch(() => undefined);
    await waitFor(() => pid !== undefined);
    await waitFor(async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'`, [pid])).rowCount === 1);
    await terminate(pid!);
    await expect(transaction).rejects.toThrow();
    expect((await database.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('fails the transaction whose connection was lost between two statements, and keeps serving', async () => {
    const { database } = await store.sql();
    const transaction = database.transaction(async (tx) => {
      // Nothing runs on the connection while it is ended: the client emits 'error' with no query to fail.
      await terminate(await backendPid(tx));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await tx.query('SELECT 1');
    });
    await expect(transaction).rejects.toThrow();
    expect((await database.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
