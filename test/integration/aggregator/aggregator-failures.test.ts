import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../src/auth/index.ts';
import { DEMO_CLIENT_ENTRY } from '../../../src/auth/client-registry.ts';
import { OO_MESSAGE_NS } from '../../../src/ndc/ndc-versions.ts';
import { deriveOrderId } from '../../../src/orchestration/index.ts';
import { airShoppingRq213, offersOf213, orderCreateRq213, orderRetrieveRq213 } from '../../support/aggregator-messages.ts';
import { startAirlineProxy, type AirlineProxy } from '../../support/airline-proxy.ts';
import { createNdcChecker, type NdcChecker } from '../../support/expect-valid-answer.ts';
import { asList, dayFromToday, type Doc } from '../../support/ndc-doc.ts';
import { startAirlineNetwork, warmUpNetwork, type AirlineNetwork } from '../../support/start-airline-network.ts';
import { postXml } from '../../support/start-gateway.ts';
import { startStubServer, type StubServer } from '../../support/stub-server.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * Aggregator mode when an airline lets the seller down, three gateway processes on loopback as in
 * aggregator-flows.test.ts, with a proxy in front of airline XA that makes it slow or gone, and a
 * third airline XC (serving KEF and OSL only) that is a stub answering schema-invalid XML.
 */

const ORIGIN = 'CPH';
const DESTINATION = 'LIS';
/** XA's own deadline inside the request's (10 s). */
const XA_TIMEOUT_MS = 1500;
/** Opens after two failed calls, and stays open long enough (6 s) to be seen open before it lets a trial call through. */
const XA_BREAKER = { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 6000 };

/** The RS of each RQ the stub airline is asked, so its answers have the right root but not the right content. */
const RS_OF: Record<string, string> = {
  IATA_AirShoppingRQ: 'IATA_AirShoppingRS', IATA_OfferPriceRQ: 'IATA_OfferPriceRS', IATA_OrderCreateRQ: 'IATA_OrderViewRS', IATA_OrderRetrieveRQ: 'IATA_OrderViewRS',
  IATA_OrderChangeRQ: 'IATA_OrderViewRS', IATA_OrderCancelRQ: 'IATA_OrderCancelRS', IATA_ServiceListRQ: 'IATA_ServiceListRS', IATA_SeatAvailabilityRQ: 'IATA_SeatAvailabilityRS',
};

/** Every Warning element anywhere in an answer, as text, to look for codes and designators in. */
function warningsOf(doc: unknown): string[] {
  if (doc === null || typeof doc !== 'object') return [];
  return Object.entries(doc as Doc).flatMap(([key, value]) => (key === 'Warning' || key === 'Warnings'
    ? asList(value).map((w) => JSON.stringify(w))
    : asList(value).flatMap((child) => warningsOf(child))));
}

describe('an aggregator whose airlines are slow, down or broken', () => {
  let net: AirlineNetwork;
  let checker: NdcChecker;
  let proxy: AirlineProxy | undefined;
  let stub: StubServer;
  const brokenCalls: string[] = [];
  const date = dayFromToday(36);

  async function shop(origin = ORIGIN, destination = DESTINATION): Promise<{ doc: Doc; text: string; status: number; ms: number }> {
    const started = performance.now();
    const answer = await postXml(net.aggregator.ndcUrl, airShoppingRq213(origin, destination, date));
    const ms = performance.now() - started;
    return { doc: checker.expectValid('21.3', 'AirShoppingRS', answer.text), text: answer.text, status: answer.status, ms };
  }

  async function metrics(): Promise<string> {
    return (await fetch(`${net.aggregator.url}/api/v1/monitoring/metrics`, { headers: { authorization: `Bearer ${DEMO_API_KEY}` } })).text();
  }

  const breakerOf = async (designator: string): Promise<number | undefined> => {
    const match = new RegExp(`^ndc_airline_breaker_state\\{airline="${designator}"\\} (\\d)$`, 'm').exec(await metrics());
    return match ? Number(match[1]) : undefined;
  };

  async function readiness(): Promise<{ status: number; body: Record<string, any> }> {
    const response = await fetch(`${net.aggregator.url}/api/v1/monitoring/ready`, { headers: { authorization: `Bearer ${DEMO_API_KEY}` } });
    return { status: response.status, body: await response.json() as Record<string, any> };
  }

  beforeAll(async () => {
    stub = await startStubServer((_req, res: ServerResponse, body) => {
      const root = /<(?:\w+:)?(IATA_\w+RQ)\b/.exec(body)?.[1] ?? 'unknown';
      brokenCalls.push(root);
      res.writeHead(200, { 'content-type': 'application/xml' });
      // The right root element, content the XSD does not allow.
      res.end(`<?xml version="1.0" encoding="UTF-8"?><${RS_OF[root] ?? 'IATA_AirShoppingRS'} xmlns="${OO_MESSAGE_NS}"><Nonsense>not NDC</Nonsense></${RS_OF[root] ?? 'IATA_AirShoppingRS'}>`);
    });
    [net, checker] = await Promise.all([
      startAirlineNetwork({
        async front(designator, ndcUrl) {
          if (designator !== 'XA') return ndcUrl;
          proxy = await startAirlineProxy(new URL(ndcUrl).origin);
          return `${proxy.url}${new URL(ndcUrl).pathname}`;
        },
        entries: { XA: { timeoutMs: XA_TIMEOUT_MS, breaker: XA_BREAKER } },
        extraAirlines: [{ designator: 'XC', name: 'Broken Air', kind: 'ndc', url: `${stub.url}/ndc`, version: '21.3', serves: { airports: ['KEF', 'OSL'] }, retries: 0 }],
      }),
      createNdcChecker(['21.3']),
    ]);
    await warmUpNetwork(net, ORIGIN, DESTINATION, date);
  }, 300_000);
  afterAll(async () => {
    await net?.close();
    await proxy?.close();
    await stub?.close();
    checker?.dispose();
  });

  it('answers on time with XB\'s offers and a Warning naming XA when XA is slower than its deadline', async () => {

    proxy!.delay(8000);
    try {
      const slow = await shop();
      expect(slow.status).toBe(200);
      expect(slow.ms, 'answered within XA\'s deadline and XB\'s own time, long before XA would answer').toBeLessThan(XA_TIMEOUT_MS + 3000);
      const owners = new Set(offersOf213(slow.doc).map((o) => o.owner));
      expect(owners).toEqual(new Set(['XB']));
      const warnings = warningsOf(slow.doc);
      expect(warnings.some((w) => w.includes('AIRLINE_TIMEOUT') && w.includes('XA')), slow.text.slice(0, 3000)).toBe(true);
    } finally {
      proxy!.delay(0);
    }
  }, 60_000);

  it('answers with XB\'s offers and a Warning while XA is down, opens XA\'s breaker, and closes it once XA is back', async () => {
    // The timeout before may have opened it: start from XA answering and its breaker closed.
    await waitFor(async () => offersOf213((await shop()).doc).some((o) => o.owner === 'XA') && await breakerOf('XA') === 0, 250);
    proxy!.down(true);
    try {
      // The breaker opens once failures are half the calls of its rolling window, which still holds
      // the successful calls of the wait above: shop until it opens, each answer XB's with a Warning.
      let failed = 0;
      do {
        const answer = await shop();
        failed++;
        expect(answer.status).toBe(200);
        expect(new Set(offersOf213(answer.doc).map((o) => o.owner))).toEqual(new Set(['XB']));
        expect(warningsOf(answer.doc).some((w) => w.includes('XA')), answer.text.slice(0, 3000)).toBe(true);
      } while (await breakerOf('XA') !== 2 && failed < 40);
      expect(failed).toBeGreaterThanOrEqual(XA_BREAKER.volumeThreshold);
      expect(await breakerOf('XA')).toBe(2);
      expect(await breakerOf('XB')).toBe(0);
      // One airline down is answered around, so the aggregator stays ready and says which one is down.
      const ready = await readiness();
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ checks: { airlines: { ok: true, detail: { XA: { reachable: false, breaker: 'open' }, XB: { reachable: true } } } } });

      // Open: the aggregator no longer calls XA at all.
      const reached = proxy!.received;
      const open = await shop();
      expect(warningsOf(open.doc).some((w) => w.includes('XA'))).toBe(true);
      expect(proxy!.received).toBe(reached);
    } finally {
      proxy!.down(false);
    }

    // Back: after resetTimeoutMs the breaker lets a trial call through, and it closes.
    await waitFor(async () => {
      const answer = await shop();
      return offersOf213(answer.doc).some((o) => o.owner === 'XA');
    }, 250);
    expect(await breakerOf('XA')).toBe(0);
    await waitFor(async () => (await readiness()).body.checks.airlines.detail.XA.reachable === true, 250);
  }, 90_000);

  it('names the airline whose AirShoppingRS is not schema-valid, and still answers with the others\' offers', async () => {
    const answer = await shop('KEF', 'OSL');
    expect(brokenCalls).toContain('IATA_AirShoppingRQ');
    const owners = new Set(offersOf213(answer.doc).map((o) => o.owner));
    expect(owners.has('XC')).toBe(false);
    const warning = warningsOf(answer.doc).find((w) => w.includes('XC'));
    expect(warning, answer.text.slice(0, 3000)).toBeDefined();
    expect(warning).toMatch(/AIRLINE_FAILED|AIRLINE_RESPONSE_INVALID/);
  }, 60_000);

  it('refuses an order of the broken airline with an error naming it, and stores nothing', async () => {
    const messageId = `broken-${randomUUID()}`;
    const offer = { owner: 'XC', offerId: 'OFFER-XC-1', itemIds: ['OFFER-XC-1-1'], total: '100.00', currency: 'EUR' };
    const answer = await postXml(net.aggregator.ndcUrl, orderCreateRq213(offer, messageId));
    const doc = checker.expectValid('21.3', 'OrderViewRS', answer.text);
    const errors = asList<Doc>(doc.Error);
    expect(errors.length, answer.text.slice(0, 3000)).toBeGreaterThan(0);
    expect(JSON.stringify(errors)).toContain('XC');
    expect(JSON.stringify(errors)).toMatch(/AIRLINE_RESPONSE_INVALID|schema|XSD/i);
    expect(doc.Response).toBeUndefined();

    // The order the request would have made (its id follows from client, seller and message id) does not exist.
    const orderId = deriveOrderId(DEMO_CLIENT_ENTRY.id, `${DEMO_CLIENT_ENTRY.id}:HARBOUR01:${messageId}`);
    const record = await fetch(`${net.aggregator.url}/api/v1/one-order/${orderId}`, { headers: { 'x-api-key': DEMO_API_KEY } });
    expect(record.status).toBe(404);
    const retrieved = checker.expectValid('21.3', 'OrderViewRS', (await postXml(net.aggregator.ndcUrl, orderRetrieveRq213(orderId, 'XC'))).text);
    expect(asList<Doc>(retrieved.Error).map((e) => e.TypeCode)).toEqual(['ORDER_NOT_FOUND']);
  }, 60_000);
});
