import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import type { OrderStore } from './order-store.ts';
import { createPgOrderStore } from './pg-order-store.ts';
import { createPgliteOrderStore } from './pglite-order-store.ts';

export * from './one-order.ts';
export * from './one-order-rules.ts';
export { ONE_ORDER_SCHEMA, MASKED_CARD_NUMBER_PATTERN, validateOrderRecord, assertValidOrderRecord } from './one-order.schema.ts';
export { BOOKING_REFERENCE_PATTERN, generateBookingReference, normaliseBookingReference } from './booking-reference.ts';
export * from './order-store.ts';
export { createPgOrderStore, type PgOrderStoreOptions } from './pg-order-store.ts';
export { createPgliteOrderStore, type PgliteOrderStoreOptions } from './pglite-order-store.ts';

/**
 * Picks the adapter from the configuration: PostgreSQL when DATABASE_URL is set, else the
 * embedded PGlite store in DATA_DIR. Call `migrate()` once at start-up before serving.
 */
export function createOrderStore(
  config: Pick<Config, 'databaseUrl' | 'databaseSchema' | 'dataDir'>,
  logger: Logger,
): OrderStore {
  if (config.databaseUrl !== undefined) {
    return createPgOrderStore({ connectionString: config.databaseUrl, schema: config.databaseSchema, logger });
  }
  return createPgliteOrderStore({ dataDir: config.dataDir, schema: config.databaseSchema, logger });
}
export { createLazyOrderStore, type LazyOrderStore, type LazyOrderStoreOptions, type OrderStoreOpening } from './lazy-order-store.ts';
