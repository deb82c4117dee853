import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.ts';
import { createInProcessJourneyEventStream } from '../../../src/journeys/in-process-journey-event-stream.ts';
import type { JourneyEvent, JourneyEventConsumer, JourneyEventStream } from '../../../src/journeys/journey-event.ts';
import { createJourneyService } from '../../../src/journeys/journey-service.ts';
import type { JourneyStore } from '../../../src/journeys/journey-store.ts';
import { createMemoryJourneyStore } from '../../../src/journeys/memory-journey-store.ts';
import { createNdcJourneyTracker, type TrackedRequest } from '../../../src/journeys/ndc-journey-tracker.ts';
import type { NdcAnswer } from '../../../src/pipeline/ndc-pipeline.ts';
import type { PipelineDeps } from '../../../src/pipeline/ndc-pipeline.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * The NDC tracker over the in-process store and stream, fed with answers as the pipeline gives
 * them: holds paid later, declines up to abandonment, cancellations, other clients' offers.
 */

const logger = createLogger('silent');

function order(orderId: string, paid: boolean): Record<string, unknown> {
  return {
    order: {
      orderId, bookingReference: 'ABC123', amountDue: paid ? 0 : 120,
      passengers: [{ paxId: 'PAX1', ptc: 'ADT' }, { paxId: 'PAX2', ptc: 'ADT' }],
      documents: paid ? [{ type: 'ET', number: '1234567890123', paxId: 'PAX1', status: 'ISSUED' }, { type: 'ET', number: '1234567890124', paxId: 'PAX2', status: 'ISSUED' }] : [],
    },
  };
}

const SHOP = {
  shoppingResponseId: 'SHOP-1', offers: [{ offerId: 'OFFER-1' }, { offerId: 'OFFER-2' }],
  passengers: [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'ADT' }], segments: [{ departure: '2030-05-01T08:00' }],
};

let counter = 0;
function request(message: string, name: string, payload: Record<string, unknown>, outcome = 'ok', result?: unknown, clientId = 'seller'): TrackedRequest {
  counter += 1;
  const answer: NdcAnswer = {
    status: 200, body: Buffer.alloc(0), contentType: 'application/xml', message, version: '21.3', outcome,
    command: { name, payload, ...(result !== undefined ? { result } : {}) },
  };
  return { answer, clientId, correlationId: `c-${counter}`, durationMs: 12 };
}

describe('NDC journey tracker', () => {
  let store: JourneyStore;
  let stream: JourneyEventStream;
  let consumer: JourneyEventConsumer;
  let events: JourneyEvent[];
  let tracker: ReturnType<typeof createNdcJourneyTracker>;

  beforeEach(() => {
    store = createMemoryJourneyStore({ idleMs: 60_000, finalRetentionMs: 60_000, prefix: 'test' });
    stream = createInProcessJourneyEventStream();
    events = [];
    consumer = stream.consume('test', 'test', async (batch) => {
      events.push(...batch);
    });
    // Tracking writes and publishes only; it runs no command.
    const journeys = createJourneyService({ deps: {} as PipelineDeps, store, events: stream, logger, maxPaymentRetries: 3 });
    tracker = createNdcJourneyTracker({ journeys, store, logger, maxPaymentRetries: 3 });
  });

  afterEach(async () => {
    await consumer.stop();
    await stream.close();
    await store.close();
  });

  async function journeyOf(offerId: string) {
    const id = await store.journeyOfOffer(offerId);
    expect(id).toBeDefined();
    return (await store.get(id!))!;
  }

  it('opens a journey on a shop, and completes it when a hold is paid by OrderChangeRQ', async () => {
    await tracker.track(request('AirShoppingRQ', 'offer.shop', {}, 'ok', SHOP));
    expect((await journeyOf('SHOP-1')).state).toBe('Shopping');
    await tracker.track(request('OrderCreateRQ', 'order.create', { offerId: 'OFFER-2' }, 'ok', order('ORD-1', false)));
    const held = await journeyOf('OFFER-2');
    expect(held.state).toBe('Customer_Data');
    expect(held.data).toMatchObject({ orderId: 'ORD-1' });
    await tracker.track(request('OrderChangeRQ', 'order.change', { orderId: 'ORD-1', payment: { card: { token: 't' } } }, 'ok', order('ORD-1', true)));
    const done = await journeyOf('ORD-1');
    expect(done.history.map((h) => h.to)).toEqual([
      'Shopping', 'Offer_Selection', 'Booking_Start', 'Customer_Data', 'Payment_Process', 'Order_Confirmation', 'Ticket_Generation', 'Journey_Complete',
    ]);
    expect(done.history.every((h) => h.channel === 'ndc')).toBe(true);
    await waitFor(() => events.length >= 12);
    expect(events.filter((e) => e.type === 'ndc_message').map((e) => e.message)).toEqual(['AirShoppingRQ', 'OrderCreateRQ', 'OrderChangeRQ']);
    expect(events.find((e) => e.to === 'Journey_Complete')).toMatchObject({ orderId: 'ORD-1', partySize: 2, clientId: 'seller' });
  });

  it('counts declines, and abandons at the third', async () => {
    await tracker.track(request('AirShoppingRQ', 'offer.shop', {}, 'ok', SHOP));
    await tracker.track(request('OfferPriceRQ', 'offer.price', { offerId: 'OFFER-1' }, 'ok', { offers: [{ offerId: 'OFFER-1' }] }));
    expect((await journeyOf('OFFER-1')).state).toBe('Booking_Start');
    for (const attempt of [1, 2, 3]) {
      await tracker.track(request('OrderCreateRQ', 'order.create', { offerId: 'OFFER-1', payment: {} }, 'PAYMENT_DECLINED'));
      const journey = await journeyOf('OFFER-1');
      expect(journey.data).toMatchObject({ paymentFailures: attempt });
      expect(journey.state).toBe(attempt < 3 ? 'Payment_Retry' : 'Journey_Abandoned');
    }
    expect((await journeyOf('OFFER-1')).history.at(-1)).toMatchObject({ from: 'Payment_Retry', reason: 'payment_retries_exhausted' });
  });

  it('stops at Offer_Selection when pricing fails, and abandons on a cancellation', async () => {
    await tracker.track(request('AirShoppingRQ', 'offer.shop', {}, 'ok', SHOP));
    await tracker.track(request('OfferPriceRQ', 'offer.price', { offerId: 'OFFER-1' }, 'OFFER_EXPIRED'));
    expect((await journeyOf('OFFER-1')).state).toBe('Offer_Selection');
    await tracker.track(request('OrderCreateRQ', 'order.create', { offerId: 'OFFER-2' }, 'ok', order('ORD-2', false)));
    await tracker.track(request('OrderCancelRQ', 'order.cancel', { orderId: 'ORD-2' }, 'ok', {}));
    expect((await journeyOf('ORD-2')).history.at(-1)).toMatchObject({ to: 'Journey_Abandoned', reason: 'exit' });
  });

  it('leaves alone another client\'s offers, failed shops, and messages that refer to no journey', async () => {
    await tracker.track(request('AirShoppingRQ', 'offer.shop', {}, 'NO_AVAILABILITY'));
    expect(await store.count()).toBe(0);
    await tracker.track(request('AirShoppingRQ', 'offer.shop', {}, 'ok', SHOP));
    await tracker.track(request('OfferPriceRQ', 'offer.price', { offerId: 'OFFER-1' }, 'ok', { offers: [{ offerId: 'OFFER-1' }] }, 'intruder'));
    await tracker.track(request('OfferPriceRQ', 'offer.price', { offerId: 'UNKNOWN' }, 'ok', { offers: [{ offerId: 'UNKNOWN' }] }));
    expect((await journeyOf('OFFER-1')).state).toBe('Shopping');
    await waitFor(() => events.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.map((e) => e.message ?? e.to)).toEqual(['Journey_Init', 'Shopping', 'AirShoppingRQ']);
  });
});
