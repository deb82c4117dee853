import { expect } from 'vitest';
import { dayFromToday } from './ndc-doc.ts';

/**
 * Shared steps of the airline-change tests: an offer from the reference airline (its own JSON API,
 * as the gateway's workers call it), an order booked through the ONE Order API, and the airline's
 * change event posted to `/api/v1/airline/events`.
 */

export const APPROVED_CARD = '4111111111111111';

export interface ShoppedOffer {
  readonly offerId: string;
  readonly offerItemIds: readonly string[];
}

/** An offer of fare family `fareFamily` (ECOLIGHT: not refundable) for one adult, one way, `days` from today. */
export async function shopOffer(airlineUrl: string, route: { origin: string; destination: string }, days: number, fareFamily = 'ECOLIGHT'): Promise<ShoppedOffer> {
  const response = await fetch(`${airlineUrl}/v1/offer.shop`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ journeys: [{ ...route, date: dayFromToday(days) }], passengers: [{ id: 'PAX1', type: 'ADT' }], fareFamilies: [fareFamily], directOnly: true }),
  });
  const body = await response.json() as { offers: { offerId: string; offerItems: { offerItemId: string }[] }[] };
  expect(response.status, JSON.stringify(body).slice(0, 500)).toBe(200);
  const offer = body.offers[0]!;
  return { offerId: offer.offerId, offerItemIds: offer.offerItems.map((i) => i.offerItemId) };
}

export interface BookedOrder {
  readonly orderId: string;
  readonly version: number;
  readonly total: number;
  readonly segments: readonly { segmentId: string; carrier: string; flightNumber: string; departure: string; arrival: string; aircraft: string }[];
  readonly itemIds: readonly string[];
}

/** Books and pays `offer` for PAX1 through the ONE Order API with `key`. */
export async function bookOrder(gatewayUrl: string, key: string, offer: ShoppedOffer, idempotencyKey: string): Promise<BookedOrder> {
  const response = await fetch(`${gatewayUrl}/api/v1/one-order/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'idempotency-key': idempotencyKey },
    body: JSON.stringify({
      offerId: offer.offerId, offerItemIds: offer.offerItemIds,
      passengers: [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Ines', surname: 'Moreau' }],
      payment: { card: { number: APPROVED_CARD, expiry: '12/30', cvv: '123', holderName: 'INES MOREAU' } },
    }),
  });
  const body = await response.json() as { order: { orderId: string; version: number; totalPrice: { total: number }; segments: BookedOrder['segments']; items: { orderItemId: string }[] } };
  expect(response.status, JSON.stringify(body).slice(0, 800)).toBe(201);
  return { orderId: body.order.orderId, version: body.order.version, total: body.order.totalPrice.total, segments: body.order.segments, itemIds: body.order.items.map((i) => i.orderItemId) };
}

/** Posts an airline event (the `order.airline-change` command without idempotency key) with `key`. */
export async function postAirlineEvent(gatewayUrl: string, key: string, event: object): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gatewayUrl}/api/v1/airline/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(event) });
  return { status: response.status, body: await response.json() };
}

/** GETs an order through the ONE Order API. */
export async function getOrder(gatewayUrl: string, key: string, orderId: string): Promise<any> {
  const response = await fetch(`${gatewayUrl}/api/v1/one-order/${encodeURIComponent(orderId)}`, { headers: { 'x-api-key': key } });
  const body = await response.json() as { order: unknown };
  expect(response.status, JSON.stringify(body).slice(0, 500)).toBe(200);
  return body.order;
}

/** A local date-time `minutes` later, YYYY-MM-DDTHH:MM:SS (the clock of the airport does not matter here). */
export function laterLocal(time: string, minutes: number): string {
  return new Date(Date.parse(`${time}Z`) + minutes * 60_000).toISOString().slice(0, 19);
}

/** What the reference airline's admin route answers to a flight change. */
export interface FlightChangeAnswer {
  readonly changeId: string;
  readonly orderIds: readonly string[];
  readonly delivery: { readonly status: string; readonly attempts: number; readonly lastStatus?: number } | null;
  readonly [key: string]: unknown;
}

/** Changes a flight at the reference airline (`POST /admin/flights/change`, loopback caller). */
export async function changeFlight(airlineUrl: string, change: object): Promise<FlightChangeAnswer> {
  const response = await fetch(`${airlineUrl}/admin/flights/change`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) });
  const body = await response.json() as FlightChangeAnswer;
  expect(response.status, JSON.stringify(body).slice(0, 800)).toBe(200);
  return body;
}
