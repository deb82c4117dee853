import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.ts';
import { createLazyOrderStore } from '../../../src/orders/index.ts';
import type { OrderStore } from '../../../src/orders/index.ts';
import { waitFor } from '../../support/wait-for.ts';

/** Stores whose migrate fails the first `failures` times (as PostgreSQL that is not up yet would), counting what was opened and closed. */
function flakyStores(failures: number): { open: () => OrderStore; opened: number; closed: number; migrated: number } {
  const counts = { opened: 0, closed: 0, migrated: 0 };
  const open = (): OrderStore => {
    counts.opened += 1;
    const attempt = counts.opened;
    return {
      async migrate() {
        if (attempt <= failures) throw new Error(`connect ECONNREFUSED (attempt ${attempt})`);
        counts.migrated += 1;
      },
      async get(orderId: string) { return { orderId } as never; },
      async purgeExpiredKeys() { return 7; },
      async close() { counts.closed += 1; },
    } as unknown as OrderStore;
  };
  return Object.assign(counts, { open });
}

describe('createLazyOrderStore', () => {
  it('opens and migrates on start(), before any order arrives', async () => {
    const stores = flakyStores(0);
    const store = createLazyOrderStore(stores.open);
    expect(store.opening()).toEqual({ open: false, failedAttempts: 0 });
    await store.start();
    expect(store.opening()).toEqual({ open: true, failedAttempts: 0 });
    expect(stores.migrated).toBe(1);
    await store.get('ORD1', 'demo');
    expect(stores.opened).toBe(1);
    await store.close();
    expect(stores.closed).toBe(1);
  });

  it('retries a failed open in the background until it opens, and says why meanwhile', async () => {
    const stores = flakyStores(3);
    const store = createLazyOrderStore(stores.open, { retryMs: 5 });
    await store.start();
    expect(store.opening()).toEqual({ open: false, failedAttempts: 1, lastError: 'connect ECONNREFUSED (attempt 1)' });
    await waitFor(() => store.opening().open);
    expect(store.opening()).toEqual({ open: true, failedAttempts: 0 });
    expect(stores).toMatchObject({ opened: 4, migrated: 1, closed: 3 });
    expect(await store.get('ORD1', 'demo')).toEqual({ orderId: 'ORD1' });
    await store.close();
  });

  it('never keeps a failure as the answer: a call waiting for the next attempt fails with the last error, a later one works', async () => {
    const stores = flakyStores(1);
    const store = createLazyOrderStore(stores.open, { retryMs: 60_000 });
    await store.start();
    await expect(store.get('ORD1', 'demo')).rejects.toThrow('connect ECONNREFUSED (attempt 1)');
    expect(stores.opened).toBe(1);
    await store.close();

    const lazy = createLazyOrderStore(flakyStores(1).open, { retryMs: 5 });
    await expect(lazy.get('ORD1', 'demo')).rejects.toThrow('attempt 1');
    await waitFor(() => lazy.opening().open);
    expect(await lazy.get('ORD1', 'demo')).toEqual({ orderId: 'ORD1' });
    await lazy.close();
  });

  it('backs off: each wait doubles up to the longest, and each failure is logged with it', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('warn', new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        callback();
      },
    }));
    const stores = flakyStores(Number.POSITIVE_INFINITY);
    const store = createLazyOrderStore(stores.open, { retryMs: 5, maxRetryMs: 20, logger });
    await store.start();
    await waitFor(() => lines.length === 4);
    await store.close();
    expect(lines.map((line) => [line.msg, line.failedAttempts, line.retryInMs])).toEqual([
      ['order store did not open; trying again', 1, 5],
      ['order store did not open; trying again', 2, 10],
      ['order store did not open; trying again', 3, 20],
      ['order store did not open; trying again', 4, 20],
    ]);
  });

  it('stops retrying once closed, and closes nothing it did not open', async () => {
    const stores = flakyStores(Number.POSITIVE_INFINITY);
    const store = createLazyOrderStore(stores.open, { retryMs: 5 });
    await store.start();
    await store.close();
    const attempts = stores.opened;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stores.opened).toBe(attempts);
    expect(await store.purgeExpiredKeys(10)).toBe(0);
    await expect(store.get('ORD1', 'demo')).rejects.toThrow('closed');
  });
});
