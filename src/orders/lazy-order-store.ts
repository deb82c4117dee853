import type { Logger } from '../log/logger.ts';
import type { OrderStore } from './order-store.ts';

/** Where opening the store stands, for the readiness probe. */
export interface OrderStoreOpening {
  /** Open and migrated. */
  readonly open: boolean;
  /** Attempts that failed since the last success. */
  readonly failedAttempts: number;
  /** Why the last attempt failed, while the store is not open. */
  readonly lastError?: string;
}

/** An order store that opens itself: at start-up through `start()`, else on first use. */
export interface LazyOrderStore extends OrderStore {
  /**
   * Starts opening and migrating now, retrying with back-off until it is open or closed.
   * Resolves once the first attempt has settled, opened or not; never rejects.
   */
  start(): Promise<void>;
  opening(): OrderStoreOpening;
}

export interface LazyOrderStoreOptions {
  readonly logger?: Logger;
  /** Wait before the first retry after a failed open; doubled after each failure. @defaultValue 500 */
  readonly retryMs?: number;
  /** Longest wait between two attempts. @defaultValue 30000 */
  readonly maxRetryMs?: number;
}

/**
 * An order store that opens and migrates once, before serving (`start()`), or on the first order
 * command when nobody started it. Opening the embedded PGlite store takes seconds, and PostgreSQL
 * may not be up yet when the gateway starts: a failed open is retried with back-off, never kept
 * as the answer. While it waits for the next attempt, calls fail at once with the last error
 * instead of waiting behind it.
 */
export function createLazyOrderStore(open: () => OrderStore, options: LazyOrderStoreOptions = {}): LazyOrderStore {
  const { logger } = options;
  const retryMs = options.retryMs ?? 500;
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  let opened: OrderStore | undefined;
  let attempt: Promise<OrderStore> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let lastError: unknown;
  let failedAttempts = 0;
  let closed = false;

  const tryOpen = (): Promise<OrderStore> => {
    attempt ??= (async () => {
      const candidate = open();
      try {
        await candidate.migrate();
      } catch (error) {
        await candidate.close().catch(() => undefined);
        throw error;
      }
      if (closed) {
        await candidate.close();
        throw new Error('The order store was closed while it opened');
      }
      return candidate;
    })().then((store) => {
      opened = store;
      if (failedAttempts > 0) logger?.info({ failedAttempts }, 'order store open');
      failedAttempts = 0;
      lastError = undefined;
      return store;
    }, (error: unknown) => {
      attempt = undefined;
      if (closed) throw error;
      lastError = error;
      failedAttempts += 1;
      const waitMs = Math.min(maxRetryMs, retryMs * 2 ** (failedAttempts - 1));
      logger?.warn({ err: error, failedAttempts, retryInMs: waitMs }, 'order store did not open; trying again');
      retry = setTimeout(() => {
        retry = undefined;
        if (!closed) tryOpen().catch(() => undefined);
      }, waitMs);
      retry.unref();
      throw error;
    });
    return attempt;
  };

  const store = async (): Promise<OrderStore> => {
    if (opened) return opened;
    if (closed) throw new Error('The order store is closed');
    // Waiting for the next attempt: answer now with why the last one failed.
    if (retry && !attempt) throw lastError;
    return tryOpen();
  };

  return {
    async start() {
      if (!opened && !closed && !retry) await tryOpen().catch(() => undefined);
    },
    opening() {
      return {
        open: opened !== undefined,
        failedAttempts,
        ...(opened === undefined && lastError !== undefined ? { lastError: lastError instanceof Error ? lastError.message : String(lastError) } : {}),
      };
    },
    async migrate() { await store(); },
    async create(order, options) { return (await store()).create(order, options); },
    async get(orderId, owner) { return (await store()).get(orderId, owner); },
    async findByBookingReference(reference, owner) { return (await store()).findByBookingReference(reference, owner); },
    async update(orderId, owner, expectedVersion, change, event, options) { return (await store()).update(orderId, owner, expectedVersion, change, event, options); },
    async updateFrom(current, change, event, options) { return (await store()).updateFrom(current, change, event, options); },
    async list(owner, filter) { return (await store()).list(owner, filter); },
    async history(orderId, owner) { return (await store()).history(orderId, owner); },
    async claim(key, owner, requestHash, ttlMs, orderId) { return (await store()).claim(key, owner, requestHash, ttlMs, orderId); },
    async complete(key, response, orderId) { return (await store()).complete(key, response, orderId); },
    async release(key) { return (await store()).release(key); },
    // A store this process never opened has nothing of this process's to purge.
    async purgeExpiredKeys(limit) { return opened ? opened.purgeExpiredKeys(limit) : 0; },
    // Likewise no holds it could see expire.
    async expiredHolds(before, limit) { return opened ? opened.expiredHolds(before, limit) : []; },
    async ownerOf(orderId) { return (await store()).ownerOf(orderId); },
    async recordAudit(entry) { return (await store()).recordAudit(entry); },
    async auditTrail(query) { return (await store()).auditTrail(query); },
    async resealPersonalData(limit) { return (await store()).resealPersonalData(limit); },
    async sql() { return (await store()).sql(); },
    async close() {
      closed = true;
      clearTimeout(retry);
      retry = undefined;
      await attempt?.catch(() => undefined);
      await opened?.close();
      opened = undefined;
    },
  };
}
