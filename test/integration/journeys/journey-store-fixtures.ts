import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { JourneyState } from '../../../src/journeys/journey-states.ts';
import type { JourneyRecord, JourneyStore } from '../../../src/journeys/journey-store.ts';
import { createMemoryJourneyStore } from '../../../src/journeys/memory-journey-store.ts';
import { createRedisJourneyStore } from '../../../src/journeys/redis-journey-store.ts';
import { REDIS_URL } from '../../support/paths.ts';

/** A journey as the journey service keeps it, with a search of `offers` offers. */
export function buildJourneyRecord(overrides: Partial<JourneyRecord> = {}, offers = 3): JourneyRecord {
  const at = new Date().toISOString();
  return {
    journeyId: randomUUID(),
    resumeTokenHash: 'a'.repeat(64),
    clientId: 'web-shop',
    channel: 'web',
    state: 'Shopping',
    version: 1,
    createdAt: at,
    updatedAt: at,
    enteredStateAt: at,
    history: [{ from: 'Journey_Init', to: 'Shopping', channel: 'web', at }],
    variants: { 'exp-1': 'B' },
    data: {
      search: { origin: 'FRA', destination: 'JFK', date: '2027-03-01', passengers: [{ type: 'ADT' }, { type: 'CHD' }], cabin: 'Y' },
      offers: Array.from({ length: offers }, (_, i) => ({ offerId: `OF-${i}`, total: 400 + i, currency: 'EUR', stops: i % 2 })),
    },
    ...overrides,
  };
}

/** The record one step on: the next version, in `state`. */
export function advanceJourneyRecord(record: JourneyRecord, state: JourneyState = 'Offer_Selection'): JourneyRecord {
  const at = new Date().toISOString();
  return {
    ...record,
    state,
    version: record.version + 1,
    updatedAt: at,
    enteredStateAt: at,
    history: [...record.history, { from: record.state, to: state, channel: 'mobile', at }],
  };
}

export interface StoreHarnessOptions {
  readonly idleMs: number;
  readonly finalRetentionMs: number;
  readonly idleGraceMs: number;
}

/** One adapter under test. */
export interface StoreHarness {
  readonly store: JourneyStore;
  /** Another store on the same data, as a second gateway process would open it (the same store in process). */
  openSibling(): JourneyStore;
  /** Closes every store opened and removes what they wrote. */
  close(): Promise<void>;
}

export type StoreHarnessFactory = (options: StoreHarnessOptions) => Promise<StoreHarness>;

export const startMemoryStoreHarness: StoreHarnessFactory = async (options) => {
  const store = createMemoryJourneyStore({ ...options, prefix: 'unused' });
  return { store, openSibling: () => store, close: () => store.close() };
};

/** Removes every key under `prefix` (a test's own), with SCAN so a shared server is not blocked. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

export const startRedisStoreHarness: StoreHarnessFactory = async (options) => {
  const prefix = `test-${randomUUID()}:journey`;
  const open = (): JourneyStore => createRedisJourneyStore({ ...options, prefix, redisUrl: REDIS_URL });
  const stores = [open()];
  return {
    store: stores[0] as JourneyStore,
    openSibling() {
      const store = open();
      stores.push(store);
      return store;
    },
    async close() {
      await Promise.all(stores.map((store) => store.close()));
      await deleteRedisKeys(prefix);
    },
  };
};
