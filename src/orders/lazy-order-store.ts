import type { OrderStore } from './order-store.ts';

/**
 * An order store that opens and migrates on first use. Opening the embedded PGlite store takes
 * seconds; a gateway that only serves shopping never pays it, and one that serves orders pays it
 * once, on the first order command (or at start-up through `migrate()`).
 */
export function createLazyOrderStore(open: () => OrderStore): OrderStore {
  let ready: Promise<OrderStore> | undefined;
  const store = (): Promise<OrderStore> => {
    ready ??= (async () => {
      const opened = open();
      await opened.migrate();
      return opened;
    })();
    return ready;
  };
  return {
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
    async purgeExpiredKeys(limit) { return ready ? (await ready).purgeExpiredKeys(limit) : 0; },
    async ownerOf(orderId) { return (await store()).ownerOf(orderId); },
    async recordAudit(entry) { return (await store()).recordAudit(entry); },
    async auditTrail(query) { return (await store()).auditTrail(query); },
    async resealPersonalData(limit) { return (await store()).resealPersonalData(limit); },
    async close() {
      if (ready) await (await ready).close();
    },
  };
}
