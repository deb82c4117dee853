import { describe, it, expect } from 'vitest';
import { createOfferStore, verifyOffer, type StoredAlaCarteOffer } from '../../../src/airline/index.ts';
import { GatewayError } from '../../../src/errors/index.ts';

function offer(offerId: string, expiresAt: number): StoredAlaCarteOffer {
  return {
    kind: 'alacarte', offerId, owner: 'XR', createdAt: 0, expiresAt, currency: 'EUR',
    passengers: [{ id: 'A1', type: 'ADT' }, { id: 'C1', type: 'CHD' }], offerItemIds: [`${offerId}-1`, `${offerId}-2`],
    parentOfferId: 'P', segmentIds: ['S1'],
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
  return 'none';
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
});
