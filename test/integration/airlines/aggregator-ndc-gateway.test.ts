import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { airShopping213, message213, asList, dayFromToday, type Doc } from '../../support/ndc-doc.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * An aggregator whose AIRLINES_FILE names an `ndc` airline, XB (another gateway instance, spoken to
 * in 21.3 through the NDC connector), and the embedded reference airline XR: the gateway builds the
 * NDC connector with its own XSD engine, fans AirShopping out to both kinds and merges them.
 */
async function send(xml: string, response: string): Promise<{ text: string; doc: Doc }> {
  const answer = await postXml(`${aggregator.url}/api/v1/ndc`, xml);
  expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
  expectValidAnswer(aggregator, '21.3', response, answer.text);
  const doc = parseXml(answer.text, { model: aggregator.gateway.deps.models.get('21.3', response) }).document as Doc;
  expect(doc.Error, answer.text.slice(0, 2000)).toBeUndefined();
  return { text: answer.text, doc };
}

let bravo: RunningGateway;
let aggregator: RunningGateway;
let folder: string;

beforeAll(async () => {
  bravo = await startGateway({ AIRLINE_DESIGNATOR: 'XB', AIRLINE_NAME: 'Bravo Air', NDC_VERSIONS: '21.3' });
  folder = mkdtempSync(join(tmpdir(), 'aggregator-ndc-'));
  const file = join(folder, 'airlines.yaml');
  writeFileSync(file, `airlines:
  - { designator: XR, name: Reference Air, kind: reference }
  - designator: XB
    name: Bravo Air
    kind: ndc
    url: '${bravo.url}/api/v1/ndc'
    version: '21.3'
    timeoutMs: 8000
    agency: { id: AGG1, name: Aggregator }
`);
  aggregator = await startGateway({ NDC_VERSIONS: '21.3', AIRLINES_FILE: file });
}, 120_000);

afterAll(async () => {
  await aggregator?.close();
  await bravo?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('aggregator over an NDC airline and a reference airline', () => {
  it('answers one AirShoppingRS with the offers of both, XSD-valid', async () => {
    const answer = await postXml(`${aggregator.url}/api/v1/ndc`, airShopping213('LHR', 'JFK', dayFromToday(50)));
    expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
    expectValidAnswer(aggregator, '21.3', 'AirShoppingRS', answer.text);
    const doc = parseXml(answer.text, { model: aggregator.gateway.deps.models.get('21.3', 'AirShoppingRS') }).document as Doc;
    expect(doc.Error, answer.text.slice(0, 2000)).toBeUndefined();
    const offers = asList<Doc>(doc.Response.OffersGroup.CarrierOffers).flatMap((c) => asList<Doc>(c.Offer));
    expect(new Set(offers.map((o) => o.OwnerCode))).toEqual(new Set(['XB', 'XR']));
    const metrics = await (await fetch(`${aggregator.url}/api/v1/monitoring/metrics`, { headers: { 'x-api-key': 'demo-key' } })).text();
    expect(metrics).toMatch(/ndc_airline_requests_total\{airline="XB",command="offer.shop",outcome="ok"\} 1/);
  });

  it('prices and holds an XB offer at XB: the order keeps XB\'s order id and booking reference and shows them', async () => {
    const { doc } = await send(airShopping213('LHR', 'JFK', dayFromToday(52)), 'AirShoppingRS');
    const offer = asList<Doc>(doc.Response.OffersGroup.CarrierOffers).flatMap((c) => asList<Doc>(c.Offer)).find((o) => o.OwnerCode === 'XB')!;
    const items = asList<Doc>(offer.OfferItem).map((i) => `<c:SelectedOfferItem><c:OfferItemRefID>${i.OfferItemID}</c:OfferItemRefID><c:PaxRefID>PAX1</c:PaxRefID></c:SelectedOfferItem>`).join('');
    const priced = await send(message213('IATA_OfferPriceRQ', `
      <c:DataLists><c:PaxList><c:Pax><c:PaxID>PAX1</c:PaxID><c:PTC>ADT</c:PTC></c:Pax></c:PaxList></c:DataLists>
      <c:PricedOffer><c:SelectedOfferList><c:SelectedOffer><c:OfferRefID>${offer.OfferID}</c:OfferRefID><c:OwnerCode>XB</c:OwnerCode>${items}</c:SelectedOffer></c:SelectedOfferList></c:PricedOffer>`), 'OfferPriceRS');
    expect(priced.doc.Response.PricedOffer.OwnerCode).toBe('XB');
    const total = priced.doc.Response.PricedOffer.TotalPrice.TotalAmount['#text'] as string;

    const created = await send(message213('IATA_OrderCreateRQ', `
      <c:CreateOrder><c:AcceptSelectedQuotedOfferList><c:SelectedPricedOffer>
        <c:OfferRefID>${offer.OfferID}</c:OfferRefID><c:OwnerCode>XB</c:OwnerCode>${items}
        <c:TotalOfferPriceAmount CurCode="EUR">${total}</c:TotalOfferPriceAmount>
      </c:SelectedPricedOffer></c:AcceptSelectedQuotedOfferList></c:CreateOrder>
      <c:DataLists><c:PaxList><c:Pax>
        <c:Individual><c:Birthdate>1985-04-12</c:Birthdate><c:GenderCode>F</c:GenderCode><c:GivenName>Anna</c:GivenName><c:Surname>Muller</c:Surname></c:Individual>
        <c:PaxID>PAX1</c:PaxID><c:PTC>ADT</c:PTC>
      </c:Pax></c:PaxList></c:DataLists>`, `create-${randomUUID()}`), 'OrderViewRS');
    const order = asList<Doc>(created.doc.Response.Order)[0]!;
    expect(order.OwnerCode).toBe('XB');
    const view = await (await fetch(`${aggregator.url}/api/v1/one-order/${order.OrderID}`, { headers: { 'x-api-key': 'demo-key' } })).json() as { order: { airline?: { owner: string; orderId: string; bookingReference?: string } } };
    expect(view.order.airline?.owner).toBe('XB');
    // The hold went to XB as an OrderCreateRQ: XB's own order holds the seats at its airline; XR holds nothing.
    expect(bravo.airline.inventory.booking({ orderId: view.order.airline!.orderId })).toBeDefined();
    expect(() => aggregator.airline.inventory.booking({ orderId: order.OrderID })).toThrow();
    expect(view.order.airline?.bookingReference).toMatch(/^[A-Z0-9]{6}$/);
    const refs = asList<Doc>(asList<Doc>(asList<Doc>(order.OrderItem)[0]!.Service)[0]!.BookingRef);
    expect(refs.map((r) => [r.BookingID, r.BookingEntity?.Carrier?.AirlineDesigCode])).toContainEqual([view.order.airline!.bookingReference, 'XB']);
  });
});
