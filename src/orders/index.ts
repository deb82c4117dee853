import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import type { OrderStore } from './order-store.ts';
import { createPgOrderStore } from './pg-order-store.ts';
import { createPgliteOrderStore } from './pglite-order-store.ts';
import { createPersonalDataCipher, DEVELOPMENT_KEY, type PersonalDataCipher } from './personal-data-cipher.ts';

export * from './one-order.ts';
export * from './one-order-rules.ts';
export { ONE_ORDER_SCHEMA, MASKED_CARD_NUMBER_PATTERN, validateOrderRecord, assertValidOrderRecord } from './one-order.schema.ts';
export { BOOKING_REFERENCE_PATTERN, generateBookingReference, normaliseBookingReference } from './booking-reference.ts';
export * from './order-store.ts';
export * from './audit-trail.ts';
export * from './order-notices.ts';
export { erasePassengers, type ErasureOptions } from './passenger-erasure.ts';
export { createPersonalDataCipher, DEVELOPMENT_KEY, PersonalDataKeyError, type PersonalDataCipher, type PersonalDataKey } from './personal-data-cipher.ts';
export { createPgOrderStore, type PgOrderStoreOptions } from './pg-order-store.ts';
export { createPgliteOrderStore, type PgliteOrderStoreOptions } from './pglite-order-store.ts';

/** The cipher of PERSONAL_DATA_KEYS; without them the published development key, said so in the log. */
export function createConfiguredCipher(config: Pick<Config, 'personalDataKeys'>, logger: Logger): PersonalDataCipher {
  if (config.personalDataKeys === undefined) {
    logger.warn({ keyId: DEVELOPMENT_KEY.id }, 'PERSONAL_DATA_KEYS is unset: contacts and identity documents are sealed with the published development key');
    return createPersonalDataCipher([DEVELOPMENT_KEY]);
  }
  return createPersonalDataCipher(config.personalDataKeys.map(({ id, key }) => ({ id, key: Buffer.from(key, 'base64') })));
}

/**
 * Picks the adapter from the configuration: PostgreSQL when DATABASE_URL is set, else the
 * embedded PGlite store in DATA_DIR. Call `migrate()` once at start-up before serving.
 */
export function createOrderStore(
  config: Pick<Config, 'databaseUrl' | 'databaseSchema' | 'dataDir' | 'personalDataKeys'> & Partial<Pick<Config, 'idempotencyLeaseMs'>>,
  logger: Logger,
): OrderStore {
  const personalData = createConfiguredCipher(config, logger);
  const lease = config.idempotencyLeaseMs === undefined ? {} : { idempotencyLeaseMs: config.idempotencyLeaseMs };
  if (config.databaseUrl !== undefined) {
    return createPgOrderStore({ connectionString: config.databaseUrl, schema: config.databaseSchema, logger, personalData, ...lease });
  }
  return createPgliteOrderStore({ dataDir: config.dataDir, schema: config.databaseSchema, logger, personalData, ...lease });
}
export { createLazyOrderStore, type LazyOrderStore, type LazyOrderStoreOptions, type OrderStoreOpening } from './lazy-order-store.ts';
export { quoteSchema, type SqlDatabase, type SqlSession } from './sql-database.ts';
