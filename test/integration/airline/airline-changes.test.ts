import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCommandValidator } from '../../../src/commands/command-validator.ts';
import { COMMAND_SCHEMAS_PATH } from '../../../src/contracts/schema-folders.ts';
import { createReferenceAirline, type ReferenceAirline } from '../../../src/reference/airline/index.ts';
import type { OfferShopResult } from '../../../src/contracts/airline/index.ts';
import type { AirlineChangeEvent } from '../../../src/reference/airline/inventory-flight-change.ts';
import { TODAY } from '../../unit/airline/airline-test-support.ts';
import { call, FLIGHT_DATE, holdOrder, offerOn, shopLhrFra, startEventReceiver, waitFor } from './airline-support.ts';

const EVENTS_KEY = 'airline-events-key-XR';
const segmentOf = (flightNumber: string): string => `SEG-XR${flightNumber}-${FLIGHT_DATE.replaceAll('-', '')}`;

interface ChangeAnswer {
  changeId: string;
  kind: string;
  orderIds: string[];
  flight: { segmentId: string; before: { departure: string; arrival: string; aircraft: string }; after: { departure: string; arrival: string; aircraft: string }; cancelled: boolean };
  event?: AirlineChangeEvent;
  delivery: { status: string; attempts: number } | null;
}

let shifted: ChangeAnswer['flight'] | undefined;
let shoppedBefore: OfferShopResult;
let airline: ReferenceAirline;
let url: string;
let receiver: Awaited<ReturnType<typeof startEventReceiver>>;
const validator = loadCommandValidator(COMMAND_SCHEMAS_PATH);

beforeAll(async () => {
  // The gateway stand-in is busy once, so the first event needs a retry.
  receiver = await startEventReceiver(1);
  airline = createReferenceAirline({
    designator: 'XR', name: 'Reference Air', now: () => TODAY, eventsUrl: receiver.url, eventsKey: EVENTS_KEY, eventRetryBaseMs: 50, eventAttempts: 4,
  });
  url = (await airline.listen(0, '127.0.0.1')).url;

  const shop = await shopLhrFra(url);
  shoppedBefore = shop;
  const onA = offerOn(shop, '101');
  const onB = offerOn(shop, '103');
  for (const orderId of ['A1', 'A2', 'A3', 'A4']) await holdOrder(url, onA, orderId);
  await holdOrder(url, onB, 'B1');
  // A2 is ticketed (still on the flight); A4 was cancelled (no longer on it).
  expect((await call(url, 'POST', '/v1/inventory.issue', { orderId: 'A2', requestKey: 'A2:issue' })).status).toBe(200);
  expect((await call(url, 'POST', '/v1/inventory.cancel', { orderId: 'A4', requestKey: 'A4:cancel' })).status).toBe(200);
});

afterAll(async () => {
  await airline.close();
  await receiver.close();
});

describe('airline-initiated changes', () => {
  it('a schedule change names exactly the orders holding or ticketed on the flight, and the event reaches the gateway with its key after a retry', async () => {
    const answer = await call<ChangeAnswer>(url, 'POST', '/admin/flights/change', {
      flightNumber: 'XR101', date: FLIGHT_DATE, kind: 'SCHEDULE_CHANGE', shiftMinutes: 90, reason: 'Slot moved by the airport',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.orderIds).toEqual(['A1', 'A2', 'A3']);
    const event = answer.body.event as AirlineChangeEvent;
    expect(() => validator.validateCommand('order.airline-change', event)).not.toThrow();
    expect(event).toMatchObject({
      owner: 'XR', kind: 'SCHEDULE_CHANGE', reason: 'Slot moved by the airport', defaultAction: 'ACCEPT',
      orders: [{ orderId: 'A1' }, { orderId: 'A2' }, { orderId: 'A3' }],
      segments: [{ segmentId: segmentOf('101'), carrier: 'XR', flightNumber: '101', departureDate: FLIGHT_DATE, departure: `${FLIGHT_DATE}T09:10:00`, cancelled: false, aircraft: '320' }],
    });
    expect(answer.body.flight.before.departure).toBe(`${FLIGHT_DATE}T07:40:00`);
    shifted = answer.body.flight;
    expect(Date.parse(`${shifted.after.arrival}Z`) - Date.parse(`${shifted.before.arrival}Z`)).toBe(90 * 60_000);
    expect(Date.parse(event.actionTimeLimit)).toBeGreaterThan(TODAY.getTime());
    // The first attempt met a 503; the retry goes on in the background.
    expect(answer.body.delivery).toMatchObject({ status: 'PENDING', attempts: 1 });
    await waitFor(() => receiver.received.length === 2);
    for (const received of receiver.received) {
      expect(received.headers.authorization).toBe(`Bearer ${EVENTS_KEY}`);
      expect(received.body).toEqual(event);
    }
    await waitFor(async () => {
      const listed = await call<{ events: { changeId: string; status: string; attempts: number }[] }>(url, 'GET', '/admin/events');
      return listed.body.events.some((e) => e.changeId === event.changeId && e.status === 'DELIVERED' && e.attempts === 2);
    });
  });

  it('later shopping shows the new times', async () => {
    const shop = await shopLhrFra(url);
    const segment = shop.segments.find((s) => s.segmentId === segmentOf('101'));
    expect(segment?.departure).toBe(`${FLIGHT_DATE}T09:10:00`);
    expect(segment?.arrival).toBe(shifted?.after.arrival);
  });

  it('a cancellation names its one order, defaults to CANCEL, and the flight is no longer sold', async () => {
    const before = receiver.received.length;
    const answer = await call<ChangeAnswer>(url, 'POST', '/admin/flights/change', { segmentId: segmentOf('103'), kind: 'CANCELLATION', reason: 'Crew shortage' });
    expect(answer.status).toBe(200);
    expect(answer.body.orderIds).toEqual(['B1']);
    expect(answer.body.event).toMatchObject({ kind: 'CANCELLATION', defaultAction: 'CANCEL', orders: [{ orderId: 'B1' }], segments: [{ segmentId: segmentOf('103'), cancelled: true }] });
    expect(() => validator.validateCommand('order.airline-change', answer.body.event)).not.toThrow();
    expect(answer.body.delivery).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    expect(receiver.received.length).toBe(before + 1);

    const shop = await shopLhrFra(url);
    expect(shop.segments.map((s) => s.flightNumber)).not.toContain('103');
    expect(shop.segments.map((s) => s.flightNumber)).toContain('101');
    const again = await call<{ error: { code: string } }>(url, 'POST', '/admin/flights/change', { segmentId: segmentOf('103'), kind: 'CANCELLATION' });
    expect(again.status).toBe(422);
    // An offer shopped before the cancellation can no longer be held.
    const offer = offerOn(shoppedBefore, '103');
    const late = await call<{ error: { code: string } }>(url, 'POST', '/v1/inventory.hold', {
      requestKey: 'B2:hold', orderId: 'B2', offerId: offer.offerId, passengers: [{ id: 'A1', type: 'ADT' }],
      flights: offer.offerItems.map((item, n) => ({ itemId: `OI${n + 1}`, offerItemId: item.offerItemId })),
    });
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('NO_AVAILABILITY');
  });

  it('a change hitting no booking changes the schedule and sends nothing', async () => {
    const before = receiver.received.length;
    const answer = await call<ChangeAnswer>(url, 'POST', '/admin/flights/change', { carrier: 'XR', flightNumber: '105', date: FLIGHT_DATE, kind: 'EQUIPMENT_CHANGE', aircraft: '32Q' });
    expect(answer.status).toBe(200);
    expect(answer.body.orderIds).toEqual([]);
    expect(answer.body.event).toBeUndefined();
    expect(answer.body.delivery).toBeNull();
    expect(answer.body.flight.after.aircraft).toBe('32Q');
    const shop = await shopLhrFra(url);
    expect(shop.segments.find((s) => s.flightNumber === '105')?.aircraft).toBe('32Q');
    expect(receiver.received.length).toBe(before);
  });

  it('refuses a change that breaks its schema, names no flight that flies, or an unknown aircraft', async () => {
    expect((await call(url, 'POST', '/admin/flights/change', { flightNumber: '101', kind: 'SCHEDULE_CHANGE', shiftMinutes: 10 })).status).toBe(400);
    expect((await call(url, 'POST', '/admin/flights/change', { flightNumber: '0', date: FLIGHT_DATE, kind: 'CANCELLATION' })).status).toBe(422);
    expect((await call(url, 'POST', '/admin/flights/change', { flightNumber: '101', date: FLIGHT_DATE, kind: 'EQUIPMENT_CHANGE', aircraft: 'ZZZ' })).status).toBe(422);
    expect((await call(url, 'POST', '/admin/flights/change', { flightNumber: '101', date: FLIGHT_DATE, kind: 'SCHEDULE_CHANGE', carrier: 'LH', shiftMinutes: 5 })).status).toBe(422);
  });
});

describe('bookings listing', () => {
  it('GET /admin/bookings lists every order the airline holds, with its items and the tickets issued', async () => {
    const answer = await call<{ bookings: { orderId: string; items: { status: string }[]; documents: { type: string; status: string; paxId: string }[] }[] }>(url, 'GET', '/admin/bookings');
    expect(answer.status).toBe(200);
    const byOrder = new Map(answer.body.bookings.map((b) => [b.orderId, b]));
    expect([...byOrder.keys()]).toEqual(expect.arrayContaining(['A1', 'A2', 'A3', 'A4', 'B1']));
    expect(byOrder.get('A1')!.items.map((i) => i.status)).toEqual(['HELD']);
    expect(byOrder.get('A1')!.documents).toEqual([]);
    expect(byOrder.get('A2')!.items.map((i) => i.status)).toEqual(['ISSUED']);
    expect(byOrder.get('A2')!.documents.map((d) => [d.type, d.status, d.paxId])).toEqual([['ET', 'ISSUED', 'A1']]);
    expect(byOrder.get('A4')!.items.map((i) => i.status)).not.toContain('HELD');
  });
});

describe('admin key', () => {
  it('with AIRLINE_ADMIN_KEY set the admin routes need it as a bearer key', async () => {
    const guarded = createReferenceAirline({ designator: 'XR', name: 'Reference Air', now: () => TODAY, adminKey: 'admin-key-123456' });
    const { url: guardedUrl } = await guarded.listen(0, '127.0.0.1');
    try {
      const body = { flightNumber: '105', date: FLIGHT_DATE, kind: 'SCHEDULE_CHANGE', shiftMinutes: 15 };
      expect((await call(guardedUrl, 'POST', '/admin/flights/change', body)).status).toBe(401);
      expect((await call(guardedUrl, 'GET', '/admin/events', undefined, { authorization: 'Bearer wrong-key-123456' })).status).toBe(401);
      expect((await call(guardedUrl, 'GET', '/admin/bookings')).status).toBe(401);
      expect((await call(guardedUrl, 'GET', '/admin/bookings', undefined, { authorization: 'Bearer admin-key-123456' })).status).toBe(200);
      expect((await call(guardedUrl, 'POST', '/admin/flights/change', body, { authorization: 'Bearer admin-key-123456' })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
