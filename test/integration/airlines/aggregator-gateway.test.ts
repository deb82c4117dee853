import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../src/auth/client-registry.ts';
import { createReferenceAirline, type ReferenceAirline } from '../../../src/reference/airline/index.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { airShopping213, message213, asList, dayFromToday, errorCodeOf, type Doc } from '../../support/ndc-doc.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * Aggregator mode through the whole gateway: AIRLINES_FILE names XA, a reference airline of its own
 * network, and XR, the embedded reference airline. AirShopping answers offers of both; OfferPrice
 * and OrderCreate name the owner and reach it; the order view and the ONE Order API name it.
 */
interface Selection { readonly offerId: string; readonly owner: string; readonly itemIds: readonly string[] }

const selected = (s: Selection): string => s.itemIds.map((id) => `<c:SelectedOfferItem><c:OfferItemRefID>${id}</c:OfferItemRefID><c:PaxRefID>PAX1</c:PaxRefID></c:SelectedOfferItem>`).join('');

const offerPriceRq = (s: Selection): string => message213('IATA_OfferPriceRQ', `
  <c:DataLists><c:PaxList><c:Pax><c:PaxID>PAX1</c:PaxID><c:PTC>ADT</c:PTC></c:Pax></c:PaxList></c:DataLists>
  <c:PricedOffer><c:SelectedOfferList><c:SelectedOffer><c:OfferRefID>${s.offerId}</c:OfferRefID><c:OwnerCode>${s.owner}</c:OwnerCode>${selected(s)}</c:SelectedOffer></c:SelectedOfferList></c:PricedOffer>`);

const orderCreateRq = (s: Selection, total: string): string => message213('IATA_OrderCreateRQ', `
  <c:CreateOrder><c:AcceptSelectedQuotedOfferList><c:SelectedPricedOffer>
    <c:OfferRefID>${s.offerId}</c:OfferRefID><c:OwnerCode>${s.owner}</c:OwnerCode>${selected(s)}
    <c:TotalOfferPriceAmount CurCode="EUR">${total}</c:TotalOfferPriceAmount>
  </c:SelectedPricedOffer></c:AcceptSelectedQuotedOfferList></c:CreateOrder>
  <c:DataLists><c:PaxList><c:Pax>
    <c:Individual><c:Birthdate>1985-04-12</c:Birthdate><c:GenderCode>F</c:GenderCode><c:GivenName>Anna</c:GivenName><c:Surname>Muller</c:Surname></c:Individual>
    <c:PaxID>PAX1</c:PaxID><c:PTC>ADT</c:PTC>
  </c:Pax></c:PaxList></c:DataLists>`, `create-${randomUUID()}`);

let gw: RunningGateway;
let alpha: ReferenceAirline;
let folder: string;
let ndcUrl: string;

async function send(xml: string, response: string): Promise<{ text: string; doc: Doc }> {
  const answer = await postXml(ndcUrl, xml);
  expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
  expectValidAnswer(gw, '21.3', response, answer.text);
  return { text: answer.text, doc: parseXml(answer.text, { model: gw.gateway.deps.models.get('21.3', response) }).document as Doc };
}

beforeAll(async () => {
  alpha = createReferenceAirline({ designator: 'XA', name: 'Alpha Air', network: { hubs: ['CDG', 'JFK'] } });
  const { url } = await alpha.listen(0, '127.0.0.1');
  folder = mkdtempSync(join(tmpdir(), 'aggregator-'));
  const file = join(folder, 'airlines.yaml');
  // XR first: a command without owner goes to XR, so reaching XA proves the owner was routed.
  writeFileSync(file, `airlines:
  - { designator: XR, name: Reference Air, kind: reference }
  - { designator: XA, name: Alpha Air, kind: reference, url: '${url}' }
`);
  gw = await startGateway({ NDC_VERSIONS: '21.3', AIRLINES_FILE: file });
  ndcUrl = `${gw.url}/api/v1/ndc`;
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await alpha?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('aggregator mode through the gateway (21.3)', () => {
  let selection: Selection;

  it('shops both airlines: offers of XA and XR in one AirShoppingRS, cheapest first', async () => {
    const { doc, text } = await send(airShopping213('LHR', 'JFK', dayFromToday(45)), 'AirShoppingRS');
    expect(doc.Error, text.slice(0, 2000)).toBeUndefined();
    const offers = asList<Doc>(doc.Response.OffersGroup.CarrierOffers).flatMap((c) => asList<Doc>(c.Offer));
    expect(new Set(offers.map((o) => o.OwnerCode))).toEqual(new Set(['XA', 'XR']));
    const totals = offers.map((o) => Number(o.TotalPrice.TotalAmount['#text']));
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    const offer = offers.find((o) => o.OwnerCode === 'XA')!;
    selection = { offerId: offer.OfferID, owner: 'XA', itemIds: asList<Doc>(offer.OfferItem).map((i) => i.OfferItemID) };
  });

  it('prices and books the offer at its owner, and the order names the owner', async () => {
    const priced = await send(offerPriceRq(selection), 'OfferPriceRS');
    expect(priced.doc.Error, priced.text.slice(0, 2000)).toBeUndefined();
    expect(priced.doc.Response.PricedOffer.OwnerCode).toBe('XA');
    const total = priced.doc.Response.PricedOffer.TotalPrice.TotalAmount['#text'] as string;

    const created = await send(orderCreateRq(selection, total), 'OrderViewRS');
    expect(created.doc.Error, created.text.slice(0, 2000)).toBeUndefined();
    const order = asList<Doc>(created.doc.Response.Order)[0]!;
    expect(order.OwnerCode).toBe('XA');
    expect(asList<Doc>(order.OrderItem).every((item) => item.OwnerCode === 'XA')).toBe(true);
    // XA holds the seats: its inventory knows the order, the embedded XR does not.
    expect(alpha.inventory.booking({ orderId: order.OrderID })).toBeDefined();
    expect(() => gw.airline.inventory.booking({ orderId: order.OrderID })).toThrow();

    const api = await fetch(`${gw.url}/api/v1/one-order/${order.OrderID}`);
    expect(api.status).toBe(200);
    const view = await api.json() as { order: { airline?: { owner: string; orderId: string } } };
    expect(view.order.airline).toEqual({ owner: 'XA', orderId: order.OrderID });
  });

  it('refuses an owner the file does not name with AIRLINE_UNKNOWN, as an NDC Error', async () => {
    const answer = await postXml(ndcUrl, offerPriceRq({ ...selection, owner: 'ZZ' }));
    expect(answer.status).toBe(200);
    expectValidAnswer(gw, '21.3', 'OfferPriceRS', answer.text);
    expect(errorCodeOf(answer.text)).toBe('AIRLINE_UNKNOWN');
  });

  it('prices a journey\'s offer at its owner through the Journey API', async () => {
    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> => {
      const response = await fetch(`${gw.url}/api/v1/journey${path}`, {
        method, headers: { 'x-api-key': DEMO_API_KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: await response.json() };
    };
    const init = (await call('POST', '/shopping/init', { channel: 'web' })).body as { journeyId: string; resumeToken: string };
    const j = { journeyId: init.journeyId, resumeToken: init.resumeToken };
    const searched = await call('POST', '/shopping/search', { ...j, origin: 'LHR', destination: 'JFK', date: dayFromToday(46), passengers: { adults: 1 } });
    expect(searched.status, JSON.stringify(searched.body).slice(0, 500)).toBe(200);
    const offers = await call('GET', `/shopping/offers?journeyId=${encodeURIComponent(j.journeyId)}&limit=100`, undefined, { 'journey-resume-token': j.resumeToken });
    const xa = (offers.body.offers as { offerId: string; owner?: string }[]).find((o) => o.owner === 'XA');
    expect(xa, JSON.stringify(offers.body).slice(0, 500)).toBeDefined();
    const started = await call('POST', '/booking/start', { ...j, offerId: xa!.offerId });
    expect(started.status, JSON.stringify(started.body).slice(0, 500)).toBe(200);
    expect(started.body.priced.offerId).toBe(xa!.offerId);
  });

  it('reports each airline in readiness and metrics', async () => {
    const readiness = await fetch(`${gw.url}/api/v1/monitoring/ready`, { headers: { 'x-api-key': DEMO_API_KEY } });
    const ready = await readiness.json() as { checks: Record<string, { ok: boolean; detail: Record<string, { reachable: boolean }> }> };
    expect(readiness.status, JSON.stringify(ready)).toBe(200);
    expect(ready.checks.airlines?.ok).toBe(true);
    expect(ready.checks.airlines?.detail.XA?.reachable).toBe(true);
    expect(ready.checks.airlines?.detail.XR?.reachable).toBe(true);
    const metrics = await (await fetch(`${gw.url}/api/v1/monitoring/metrics`, { headers: { 'x-api-key': DEMO_API_KEY } })).text();
    expect(metrics).toMatch(/ndc_airline_requests_total\{airline="XA",command="inventory.hold",outcome="ok"\} 1/);
    expect(metrics).toMatch(/ndc_airline_breaker_state\{airline="XR"\} 0/);
  });
});
