import { describe, expect, it } from 'vitest';
import { createAirlineContext, type AirlineContext } from '../../../src/reference/airline/airline-context.ts';
import type { Offer } from '../../../src/contracts/airline/index.ts';
import { createInventory, type Inventory, type InventoryOptions } from '../../../src/reference/airline/inventory.handler.ts';
import { shopOffers } from '../../../src/reference/airline/offer-shop.handler.ts';
import { createOfferStore } from '../../../src/reference/airline/offer-store.ts';
import { countCollectionSteps } from '../../support/count-collection-steps.ts';
import { codeOf, dayAfterToday, TODAY } from './airline-test-support.ts';

const ADULT = [{ id: 'A1', type: 'ADT' }];

interface Airline {
  readonly ctx: AirlineContext;
  readonly inventory: Inventory;
  advance(ms: number): void;
}

function airline(options: InventoryOptions = {}): Airline {
  let clock = TODAY.getTime();
  const now = (): Date => new Date(clock);
  const ctx = createAirlineContext({ designator: 'XR', store: createOfferStore({ sweepIntervalMs: 0, now }), now });
  return { ctx, inventory: createInventory(ctx, options), advance: (ms) => { clock += ms; } };
}

/** One-way offers for one adult, a day apart, so that many orders do not fill one flight. */
function offersOn(ctx: AirlineContext, days: readonly number[]): Offer[] {
  return days.map((day) => {
    const offer = shopOffers({ journeys: [{ origin: 'LHR', destination: 'FRA', date: dayAfterToday(day) }], passengers: ADULT, directOnly: true, fareFamilies: ['ECOFLEX'] }, ctx).offers[0];
    if (!offer) throw new Error(`no offer ${day} days out`);
    return offer;
  });
}

function holdOrder(inventory: Inventory, offer: Offer, orderId: string) {
  return inventory.hold({
    requestKey: `${orderId}:hold`, orderId, offerId: offer.offerId, passengers: ADULT,
    flights: offer.offerItems.map((item, n) => ({ itemId: `OI${n + 1}`, offerItemId: item.offerItemId })),
  });
}

function heldAndSold(inventory: Inventory, offer: Offer): [number, number] {
  const segment = inventory.availability({ offerId: offer.offerId }).segments[0];
  return [segment?.held ?? -1, segment?.sold ?? -1];
}

describe('inventory bounds', () => {
  it('inventory commands do not walk the holds of every order', () => {
    const { ctx, inventory } = airline();
    const offers = offersOn(ctx, [20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    const probe = offers[0] as Offer;
    const stepsAt = (orders: number): number => {
      for (let n = 0; n < orders; n += 1) holdOrder(inventory, offers[n % offers.length] as Offer, `O${orders}-${n}`);
      return countCollectionSteps(() => inventory.availability({ offerId: probe.offerId }));
    };
    const few = stepsAt(10);
    const many = stepsAt(400);
    expect(many).toBe(few);
    expect(many).toBeLessThanOrEqual(2);
  });

  it('releases holds by their own time limit, whatever order they were made in', () => {
    const { ctx, inventory, advance } = airline({ holdTtlSeconds: 86_400 });
    const [far] = offersOn(ctx, [30]);
    const today = shopOffers({ journeys: [{ origin: 'LHR', destination: 'FRA', date: dayAfterToday(0) }], passengers: ADULT, directOnly: true }, ctx).offers.at(-1);
    if (!far || !today) throw new Error('no offers');
    const farHold = holdOrder(inventory, far, 'FAR');
    const soonHold = holdOrder(inventory, today, 'SOON');
    const soonLimit = Date.parse(soonHold.expiresAt);
    expect(soonLimit).toBeLessThan(Date.parse(farHold.expiresAt));

    advance(soonLimit - TODAY.getTime() - 1);
    expect(heldAndSold(inventory, today)).toEqual([1, 0]);
    advance(1);
    expect(heldAndSold(inventory, today)).toEqual([0, 0]);
    expect(heldAndSold(inventory, far)).toEqual([1, 0]);
    expect(inventory.issue({ orderId: 'FAR', requestKey: 'FAR:issue' }).issued).toEqual(['OI1']);
    expect(codeOf(() => inventory.issue({ orderId: 'SOON', requestKey: 'SOON:issue', itemIds: ['OI1'] }))).toBe('ORDER_NOT_CHANGEABLE');
  });

  it('keeps at most its bound of bookings: the oldest is forgotten, what it held is released, what it bought stays sold', () => {
    const { ctx, inventory } = airline({ maxBookings: 2 });
    const [first, second, third] = offersOn(ctx, [40, 41, 42]);
    if (!first || !second || !third) throw new Error('no offers');
    holdOrder(inventory, first, 'O1');
    inventory.issue({ orderId: 'O1', requestKey: 'O1:issue' });
    holdOrder(inventory, second, 'O2');
    expect(heldAndSold(inventory, first)).toEqual([0, 1]);

    holdOrder(inventory, third, 'O3');
    expect(codeOf(() => inventory.booking({ orderId: 'O1' }))).toBe('ORDER_NOT_FOUND');
    expect(heldAndSold(inventory, first)).toEqual([0, 1]);
    expect(inventory.booking({ orderId: 'O3' }).items).toHaveLength(1);

    holdOrder(inventory, first, 'O4');
    expect(codeOf(() => inventory.booking({ orderId: 'O2' }))).toBe('ORDER_NOT_FOUND');
    expect(heldAndSold(inventory, second)).toEqual([0, 0]);
    expect(inventory.release({ orderId: 'O2', requestKey: 'O2:hold' }).released).toEqual([]);
  });

  it('keeps at most its bound of cancel answers for replays, the oldest forgotten first', () => {
    const { inventory } = airline({ maxBookings: 2 });
    for (const orderId of ['X1', 'X2', 'X3']) inventory.cancel({ orderId, requestKey: `${orderId}:cancel` });
    expect(inventory.cancel({ orderId: 'X3', requestKey: 'X3:cancel' }).replayed).toBe(true);
    expect(inventory.cancel({ orderId: 'X1', requestKey: 'X1:cancel' }).replayed).toBe(false);
  });
});
