import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { Offer, OfferShopResult } from '../../../src/contracts/airline/index.ts';
import { dayAfterToday } from '../../unit/airline/airline-test-support.ts';

/** Helpers for tests that drive the reference airline over real HTTP. */

export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

export async function call<T = Record<string, unknown>>(baseUrl: string, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const answer = await request(`${baseUrl}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: answer.statusCode, body: (await answer.body.json()) as T };
}

export const ADULT = [{ id: 'A1', type: 'ADT' }];
export const FLIGHT_DAY = 20;
export const FLIGHT_DATE = dayAfterToday(FLIGHT_DAY);

/** Direct LHR→FRA offers for one adult on FLIGHT_DATE (flights XR101, XR103, XR105). */
export async function shopLhrFra(baseUrl: string): Promise<OfferShopResult> {
  const answer = await call<OfferShopResult>(baseUrl, 'POST', '/v1/offer.shop', {
    journeys: [{ origin: 'LHR', destination: 'FRA', date: FLIGHT_DATE }], passengers: ADULT, directOnly: true, fareFamilies: ['ECOFLEX'],
  });
  if (answer.status !== 200) throw new Error(`shop failed: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** The offer of the shop answer that flies flight `flightNumber`. */
export function offerOn(result: OfferShopResult, flightNumber: string): Offer {
  const segment = result.segments.find((s) => s.flightNumber === flightNumber);
  const journey = result.journeys.find((j) => segment && j.segmentIds.includes(segment.segmentId));
  const offer = result.offers.find((o) => journey && o.journeyIds.includes(journey.journeyId));
  if (!offer) throw new Error(`no offer on XR${flightNumber}`);
  return offer;
}

export async function holdOrder(baseUrl: string, offer: Offer, orderId: string): Promise<Answer> {
  const answer = await call(baseUrl, 'POST', '/v1/inventory.hold', {
    requestKey: `${orderId}:hold`, orderId, offerId: offer.offerId, passengers: ADULT,
    flights: offer.offerItems.map((item, n) => ({ itemId: `OI${n + 1}`, offerItemId: item.offerItemId })),
  });
  if (answer.status !== 200) throw new Error(`hold failed: ${JSON.stringify(answer.body)}`);
  return answer;
}

export interface ReceivedEvent {
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A loopback HTTP server standing in for the gateway's event route; it answers 503 to its first `failFirst` requests. */
export async function startEventReceiver(failFirst: number): Promise<{ url: string; received: ReceivedEvent[]; close(): Promise<void> }> {
  const received: ReceivedEvent[] = [];
  let seen = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen += 1;
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      res.statusCode = seen <= failFirst ? 503 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(seen <= failFirst ? { error: 'busy' } : { changeId: 'ok', orders: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1/airline/events`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
