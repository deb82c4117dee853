import { describe, it, expect } from 'vitest';
import { createOfferStore, verifyOffer, type StoredAlaCarteOffer } from '../../../src/reference/airline/index.ts';
import { countCollectionSteps } from '../../support/count-collection-steps.ts';
import { codeOf } from './airline-test-support.ts';

function offer(offerId: string, expiresAt: number): StoredAlaCarteOffer {
  return {
    kind: 'alacarte', offerId, owner: 'XR', createdAt: 0, expiresAt, currency: 'EUR',
    passengers: [{ id: 'A1', type: 'ADT' }, { id: 'C1', type: 'CHD' }], offerItemIds: [`${offerId}-1`, `${offerId}-2`],
    parentOfferId: 'P', segmentIds: ['S1'],
  };
}

/** Work done by the store, counted: clock reads and reads of any offer's expiry. */
interface Counted {
  now: number;
  clockReads: number;
  expiryReads: number;
}

function countingClock(counted: Counted): () => Date {
  return () => {
    counted.clockReads += 1;
    return new Date(counted.now);
  };
}

/** An offer whose expiry counts how often the store looks at it. */
function watchedOffer(offerId: string, expiresAt: number, counted: Counted): StoredAlaCarteOffer {
  const plain = offer(offerId, expiresAt);
  return Object.defineProperty(plain, 'expiresAt', {
    get() {
      counted.expiryReads += 1;
      return expiresAt;
    },
  });
}

describe('offer store', () => {
  it('verifies a live offer and its selection', () => {
    const store = createOfferStore({ sweepIntervalMs: 0 });
    store.save(offer('O1', 10_000));
    const found = verifyOffer(store, 'O1', { now: new Date(5_000), offerItemIds: ['O1-2'], passengers: [{ id: 'C1', type: 'CHD' }] });
    expect(found.offerId).toBe('O1');
  });

  it('tells unknown, expired and mismatched offers apart', () => {
    const store = createOfferStore({ sweepIntervalMs: 0 });
    store.save(offer('O1', 10_000));
    expect(codeOf(() => verifyOffer(store, 'nope', { now: new Date(0) }))).toBe('OFFER_NOT_FOUND');
    expect(codeOf(() => verifyOffer(store, 'O1', { now: new Date(10_000) }))).toBe('OFFER_EXPIRED');
    expect(codeOf(() => verifyOffer(store, 'O1', { now: new Date(0), offerItemIds: ['O2-1'] }))).toBe('INVALID_BUSINESS_DATA');
    expect(codeOf(() => verifyOffer(store, 'O1', { now: new Date(0), passengers: [{ id: 'X9', type: 'ADT' }] }))).toBe('INVALID_BUSINESS_DATA');
    expect(codeOf(() => verifyOffer(store, 'O1', { now: new Date(0), passengers: [{ id: 'C1', type: 'ADT' }] }))).toBe('INVALID_BUSINESS_DATA');
  });

  it('keeps expired offers for the retention period, then sweeps them', () => {
    let now = 0;
    const store = createOfferStore({ sweepIntervalMs: 0, retainExpiredMs: 1_000, now: () => new Date(now) });
    store.save(offer('O1', 100));
    store.save(offer('O2', 5_000));
    now = 900;
    expect(store.sweep()).toBe(0);
    expect(codeOf(() => verifyOffer(store, 'O1', { now: new Date(now) }))).toBe('OFFER_EXPIRED');
    now = 1_200;
    expect(store.sweep()).toBe(1);
    expect(store.get('O1')).toBeUndefined();
    expect(store.get('O2')).toBeDefined();
  });

  it('stays within its bound by dropping the oldest offers', () => {
    const store = createOfferStore({ sweepIntervalMs: 0, maxEntries: 3 });
    for (const id of ['O1', 'O2', 'O3', 'O4']) store.save(offer(id, Number.MAX_SAFE_INTEGER));
    expect(store.size).toBe(3);
    expect(store.get('O1')).toBeUndefined();
    expect(store.get('O4')).toBeDefined();
    store.save(offer('O2', Number.MAX_SAFE_INTEGER));
    store.save(offer('O5', Number.MAX_SAFE_INTEGER));
    expect(store.get('O2')).toBeDefined();
    expect(store.get('O3')).toBeUndefined();
  });

  it('keeps an expired offer within its retention through later saves, so it is still reported as expired', () => {
    let now = 0;
    const store = createOfferStore({ sweepIntervalMs: 0, retainExpiredMs: 1_000, now: () => new Date(now) });
    store.save(offer('O1', 100));
    now = 1_050;
    for (let i = 2; i <= 10; i += 1) store.save(offer(`O${i}`, now + 100));
    expect(store.size).toBe(10);
    expect(codeOf(() => verifyOffer(store, 'O1', { now: new Date(now) }))).toBe('OFFER_EXPIRED');
    now = 1_101;
    store.save(offer('O11', now + 100));
    expect(store.get('O1')).toBeUndefined();
    expect(codeOf(() => verifyOffer(store, 'O1', { now: new Date(now) }))).toBe('OFFER_NOT_FOUND');
    expect(store.size).toBe(10);
  });

  it('moves a saved-again (repriced) offer to the newest end, so it is evicted last', () => {
    const store = createOfferStore({ sweepIntervalMs: 0, maxEntries: 3 });
    for (const id of ['O1', 'O2', 'O3']) store.save(offer(id, Number.MAX_SAFE_INTEGER));
    store.save(offer('O1', Number.MAX_SAFE_INTEGER));
    store.save(offer('O4', Number.MAX_SAFE_INTEGER));
    store.save(offer('O5', Number.MAX_SAFE_INTEGER));
    expect(['O1', 'O2', 'O3', 'O4', 'O5'].filter((id) => store.get(id))).toEqual(['O1', 'O4', 'O5']);
  });

  it('holds its default bound of 50,000 and drops the oldest beyond it', () => {
    const store = createOfferStore({ sweepIntervalMs: 0, now: () => new Date(0) });
    for (let i = 0; i < 50_010; i += 1) store.save(offer(`O${i}`, 1_000));
    expect(store.size).toBe(50_000);
    expect(store.get('O9')).toBeUndefined();
    expect(store.get('O10')).toBeDefined();
    expect(store.get('O50009')).toBeDefined();
  });

  it('offer store save does not scan when full', () => {
    const counted: Counted = { now: 0, clockReads: 0, expiryReads: 0 };
    const store = createOfferStore({ sweepIntervalMs: 0, now: countingClock(counted) });
    for (let i = 0; i < 50_000; i += 1) store.save(watchedOffer(`O${i}`, 60_000, counted));
    expect(store.size).toBe(50_000);

    // Full and nothing expired: the save looks at the oldest offer once, whatever the size.
    counted.clockReads = 0;
    counted.expiryReads = 0;
    expect(countCollectionSteps(() => store.save(watchedOffer('N1', 60_000, counted)))).toBe(0);
    expect(store.size).toBe(50_000);
    expect(counted.clockReads).toBe(1);
    expect(counted.expiryReads).toBeLessThanOrEqual(2);

    // Everything expired beyond the retention: a save drops them all once, and the next save is cheap again.
    counted.now = 60_000 + 3_600_001;
    counted.expiryReads = 0;
    store.save(watchedOffer('N2', counted.now + 60_000, counted));
    expect(store.size).toBe(1);
    expect(counted.expiryReads).toBeLessThanOrEqual(50_002);
    counted.expiryReads = 0;
    store.save(watchedOffer('N3', counted.now + 60_000, counted));
    expect(counted.expiryReads).toBeLessThanOrEqual(2);
  });

  it('sweeps only the expired offers at the old end', () => {
    const counted: Counted = { now: 0, clockReads: 0, expiryReads: 0 };
    const store = createOfferStore({ sweepIntervalMs: 0, retainExpiredMs: 0, now: countingClock(counted) });
    for (let i = 0; i < 1_000; i += 1) store.save(watchedOffer(`O${i}`, 1_000 + i, counted));
    counted.now = 1_010;
    counted.expiryReads = 0;
    expect(store.sweep()).toBe(10);
    expect(counted.expiryReads).toBe(11);
    counted.expiryReads = 0;
    expect(store.sweep()).toBe(0);
    expect(counted.expiryReads).toBe(1);
  });

  it('drops a shorter-lived offer saved after a longer-lived one together with it, or by the bound', () => {
    let now = 0;
    const store = createOfferStore({ sweepIntervalMs: 0, retainExpiredMs: 1_000, maxEntries: 3, now: () => new Date(now) });
    store.save(offer('LONG', 10_000));
    store.save(offer('SHORT', 100));
    now = 1_101;
    expect(store.sweep()).toBe(0);
    expect(codeOf(() => verifyOffer(store, 'SHORT', { now: new Date(now) }))).toBe('OFFER_EXPIRED');
    now = 11_001;
    expect(store.sweep()).toBe(2);

    store.save(offer('LONG', 100_000));
    store.save(offer('S1', 100));
    store.save(offer('S2', 100));
    store.save(offer('S3', 100));
    expect(store.size).toBe(3);
    expect(store.get('LONG')).toBeUndefined();
  });
});

