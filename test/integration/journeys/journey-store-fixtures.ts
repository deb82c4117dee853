import { randomUUID } from 'node:crypto';
import type { JourneyState } from '../../../src/journeys/journey-states.ts';
import type { JourneyRecord, JourneyStore } from '../../../src/journeys/journey-store.ts';
import { createMemoryJourneyStore } from '../../../src/journeys/memory-journey-store.ts';

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
