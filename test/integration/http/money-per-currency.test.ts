import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currencyDecimals } from '../../../src/money/index.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { expectAmountsInCurrency, expectJsonAmounts, expectPricesAddUp } from '../../support/money-checks.ts';
import { unexpectedRuleFindings } from '../../support/response-rules.ts';
import { asList, attr, dayFromToday, message213, refs, text, type Doc } from '../../support/ndc-doc.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * Amounts carry their currency's ISO 4217 decimals end to end: JPY none, EUR two, KWD three.
 * For each, through NDC 21.3 and 17.2: AirShoppingRQ asking for the currency → OfferPriceRQ →
 * OrderCreateRQ paid by card in it → OrderRetrieveRQ. Every amount of every answer is written with
 * exactly the currency's decimals, base + taxes = total and the tax breakdown adds up to the
 * taxes, in whole minor units; the order costs what the offer was priced at. Through the REST
 * APIs: a journey searching in the currency, pricing, paying and confirming (journey API), and an
 * order created and read by the ONE Order API; JSON numbers cannot keep trailing zeros, so there
 * every amount has at most the currency's decimals and base + taxes = total.
 */

const CURRENCIES = ['JPY', 'EUR', 'KWD'] as const;
const APPROVED_CARD = '4111111111111111';
const OUTBOUND = dayFromToday(41);
const INBOUND = dayFromToday(48);
const PAX = [
  { id: 'PAX1', ptc: 'ADT', given: 'Aiko', surname: 'Sato', birthdate: '1984-02-10', gender213: 'F', gender172: 'Female' },
  { id: 'PAX2', ptc: 'CHD', given: 'Ren', surname: 'Sato', birthdate: '2016-06-01', gender213: 'M', gender172: 'Male' },
];

interface Answer { readonly xml: string; readonly doc: Doc }

// ---- 21.3 -------------------------------------------------------------------------------------

function odCriteria213(origin: string, destination: string, date: string): string {
  return `<c:OriginDestCriteria>
        <c:DestArrivalCriteria><c:IATA_LocationCode>${destination}</c:IATA_LocationCode></c:DestArrivalCriteria>
        <c:OriginDepCriteria><c:Date>${date}</c:Date><c:IATA_LocationCode>${origin}</c:IATA_LocationCode></c:OriginDepCriteria>
      </c:OriginDestCriteria>`;
}

function airShopping213(currency: string): string {
  return message213('IATA_AirShoppingRQ', `
    <c:FlightRequest><c:FlightRequestOriginDestinationsCriteria>
      ${odCriteria213('LHR', 'FRA', OUTBOUND)}${odCriteria213('FRA', 'LHR', INBOUND)}
    </c:FlightRequestOriginDestinationsCriteria></c:FlightRequest>
    <c:PaxList>${PAX.map((p) => `<c:Pax><c:PaxID>${p.id}</c:PaxID><c:PTC>${p.ptc}</c:PTC></c:Pax>`).join('')}</c:PaxList>
    <c:ResponseParameters><c:CurParameter><c:CurCode>${currency}</c:CurCode></c:CurParameter></c:ResponseParameters>`);
}

interface Selection213 { readonly offerId: string; readonly items: readonly { id: string; paxIds: readonly string[] }[] }

function selected213(selection: Selection213): string {
  return selection.items.map((item) =>
    `<c:SelectedOfferItem><c:OfferItemRefID>${item.id}</c:OfferItemRefID>${item.paxIds.map((p) => `<c:PaxRefID>${p}</c:PaxRefID>`).join('')}</c:SelectedOfferItem>`).join('');
}

function offerPrice213(selection: Selection213): string {
  return message213('IATA_OfferPriceRQ', `
    <c:PricedOffer><c:SelectedOfferList>
      <c:SelectedOffer><c:OfferRefID>${selection.offerId}</c:OfferRefID><c:OwnerCode>XR</c:OwnerCode>${selected213(selection)}</c:SelectedOffer>
    </c:SelectedOfferList></c:PricedOffer>`);
}

function orderCreate213(selection: Selection213, total: string, currency: string): string {
  const pax = PAX.map((p) => `
      <c:Pax>${p.id === 'PAX1' ? '<c:ContactInfoRefID>CTC1</c:ContactInfoRefID>' : ''}
        <c:Individual><c:Birthdate>${p.birthdate}</c:Birthdate><c:GenderCode>${p.gender213}</c:GenderCode><c:GivenName>${p.given}</c:GivenName><c:Surname>${p.surname}</c:Surname></c:Individual>
        <c:PaxID>${p.id}</c:PaxID><c:PTC>${p.ptc}</c:PTC>
      </c:Pax>`).join('');
  return message213('IATA_OrderCreateRQ', `
    <c:CreateOrder><c:AcceptSelectedQuotedOfferList><c:SelectedPricedOffer>
      <c:OfferRefID>${selection.offerId}</c:OfferRefID><c:OwnerCode>XR</c:OwnerCode>${selected213(selection)}
      <c:TotalOfferPriceAmount CurCode="${currency}">${total}</c:TotalOfferPriceAmount>
    </c:SelectedPricedOffer></c:AcceptSelectedQuotedOfferList></c:CreateOrder>
    <c:DataLists>
      <c:ContactInfoList><c:ContactInfo><c:ContactInfoID>CTC1</c:ContactInfoID>
        <c:EmailAddress><c:EmailAddressText>aiko.sato@example.com</c:EmailAddressText></c:EmailAddress>
      </c:ContactInfo></c:ContactInfoList>
      <c:PaxList>${pax}</c:PaxList>
    </c:DataLists>
    <c:PaymentFunctions><c:PaymentProcessingDetails>
      <c:Amount CurCode="${currency}">${total}</c:Amount>
      <c:PaymentMethod><c:PaymentCard>
        <c:CardHolderName>AIKO SATO</c:CardHolderName><c:CardNumber>${APPROVED_CARD}</c:CardNumber>
        <c:CardSecurityCode>123</c:CardSecurityCode><c:ExpirationDate>1235</c:ExpirationDate>
      </c:PaymentCard></c:PaymentMethod>
    </c:PaymentProcessingDetails></c:PaymentFunctions>`, `money-${randomUUID()}`);
}

function orderRetrieve213(orderId: string): string {
  return message213('IATA_OrderRetrieveRQ', `
    <c:OrderValidationFilterCriteria><c:OrderFilterCriteria><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>XR</c:OwnerCode></c:OrderFilterCriteria></c:OrderValidationFilterCriteria>`);
}

// ---- 17.2 -------------------------------------------------------------------------------------

const NS_172 = 'http://www.iata.org/IATA/EDIST/2017.2';

function message172(root: string, body: string, echoToken?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${NS_172}" Version="17.2"${echoToken ? ` EchoToken="${echoToken}"` : ''}>
  <Document><Name>MONEY TEST</Name><ReferenceVersion>1.0</ReferenceVersion></Document>
  <Party><Sender><TravelAgencySender><Name>Sakura Travel</Name><IATA_Number>23498762</IATA_Number><AgencyID>SAKURA</AgencyID></TravelAgencySender></Sender></Party>${body}
</${root}>`;
}

const PASSENGERS_172 = `<PassengerList>${PAX.map((p) => `<Passenger PassengerID="${p.id}"><PTC>${p.ptc}</PTC></Passenger>`).join('')}</PassengerList>`;

function airShopping172(currency: string): string {
  return message172('AirShoppingRQ', `
  <Parameters><CurrCodes><FiledInCurrency><CurrCode>${currency}</CurrCode></FiledInCurrency></CurrCodes></Parameters>
  <CoreQuery><OriginDestinations>
    <OriginDestination OriginDestinationKey="OD1"><Departure><AirportCode>LHR</AirportCode><Date>${OUTBOUND}</Date></Departure><Arrival><AirportCode>FRA</AirportCode></Arrival></OriginDestination>
    <OriginDestination OriginDestinationKey="OD2"><Departure><AirportCode>FRA</AirportCode><Date>${INBOUND}</Date></Departure><Arrival><AirportCode>LHR</AirportCode></Arrival></OriginDestination>
  </OriginDestinations></CoreQuery>
  <DataLists>${PASSENGERS_172}</DataLists>`);
}

interface Selection172 { readonly offerId: string; readonly responseId: string; readonly items: readonly { id: string; paxRefs: string }[] }

function offerItems172(selection: Selection172): string {
  return selection.items.map((item) => `<OfferItem OfferItemID="${item.id}"><PassengerRefs>${item.paxRefs}</PassengerRefs></OfferItem>`).join('');
}

function offerPrice172(selection: Selection172): string {
  return message172('OfferPriceRQ', `
  <Query><Offer OfferID="${selection.offerId}" Owner="XR" ResponseID="${selection.responseId}">${offerItems172(selection)}</Offer></Query>
  <DataLists>${PASSENGERS_172}</DataLists>`);
}

function orderCreate172(selection: Selection172, total: string, currency: string): string {
  const passengers = PAX.map((p) => `
        <Passenger PassengerID="${p.id}"><PTC>${p.ptc}</PTC>
          <Individual><Birthdate>${p.birthdate}</Birthdate><Gender>${p.gender172}</Gender><GivenName>${p.given}</GivenName><Surname>${p.surname}</Surname></Individual>${p.id === 'PAX1' ? '<ContactInfoRef>CTC1</ContactInfoRef>' : ''}
        </Passenger>`).join('');
  return message172('OrderCreateRQ', `
  <Query>
    <Order><Offer OfferID="${selection.offerId}" Owner="XR" ResponseID="${selection.responseId}">
      <TotalOfferPrice Code="${currency}">${total}</TotalOfferPrice>${offerItems172(selection)}
    </Offer></Order>
    <Payments><Payment><Type>CC</Type>
      <Method><PaymentCard><CardNumber>${APPROVED_CARD}</CardNumber><SeriesCode>123</SeriesCode><CardHolderName>AIKO SATO</CardHolderName>
        <EffectiveExpireDate><Expiration>1235</Expiration></EffectiveExpireDate></PaymentCard></Method>
      <Amount Code="${currency}">${total}</Amount>
    </Payment></Payments>
    <DataLists>
      <PassengerList>${passengers}</PassengerList>
      <ContactList><ContactInformation ContactID="CTC1"><ContactProvided><EmailAddress><EmailAddressValue>aiko.sato@example.com</EmailAddressValue></EmailAddress></ContactProvided></ContactInformation></ContactList>
    </DataLists>
  </Query>`, `money-${randomUUID()}`);
}

function orderRetrieve172(orderId: string): string {
  return message172('OrderRetrieveRQ', `<Query><Filters><OrderID Owner="XR">${orderId}</OrderID></Filters></Query>`);
}

// ---- the flows --------------------------------------------------------------------------------

describe('money with its currency\'s decimals, end to end', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '17.2,21.3' });
  }, 120_000);
  afterAll(async () => {
    await gw?.close();
  });

  /** Posts, checks the answer against the RS XSD (our validator and xmllint), refuses NDC errors, and checks its money. */
  async function send(version: '17.2' | '21.3', body: string, response: string, currency: string): Promise<Answer> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, body);
    expectValidAnswer(gw, version, response, answer.text);
    const doc = parseXml(answer.text, { model: gw.gateway.deps.models.get(version, response) }).document as Doc;
    expect(version === '21.3' ? doc.Error : doc.Errors, answer.text.slice(0, 3000)).toBeUndefined();
    expect(answer.status).toBe(200);
    expectAmountsInCurrency(answer.text, currency);
    // The business rules (currency-decimals among them) hold for the answer in every currency.
    expect(unexpectedRuleFindings(version, answer.text)).toEqual([]);
    expect(expectPricesAddUp(doc, currency), `prices checked in ${response}`).toBeGreaterThan(0);
    return { xml: answer.text, doc };
  }

  describe.each(CURRENCIES)('NDC 21.3 in %s', (currency) => {
    const decimals = currencyDecimals(currency);
    let selection: Selection213;
    let total: string;
    let orderId: string;

    it(`shops with every amount written with ${decimals} decimals`, async () => {
      const { doc } = await send('21.3', airShopping213(currency), 'AirShoppingRS', currency);
      const offer = asList<Doc>(asList<Doc>(doc.Response.OffersGroup.CarrierOffers)[0]?.Offer)[0]!;
      expect(offer).toBeDefined();
      selection = {
        offerId: offer.OfferID,
        items: asList<Doc>(offer.OfferItem).map((item) => ({ id: item.OfferItemID, paxIds: [...new Set(asList<Doc>(item.Service).flatMap((s) => asList<string>(s.PaxRefID)))] })),
      };
    });

    it('prices the offer in the currency it was shopped in', async () => {
      const { doc } = await send('21.3', offerPrice213(selection), 'OfferPriceRS', currency);
      total = text(doc.Response.PricedOffer.TotalPrice.TotalAmount)!;
      expect(doc.Response.PricedOffer.TotalPrice.TotalAmount['@CurCode']).toBe(currency);
    });

    it('creates an order paid in the currency, costing what the offer was priced at', async () => {
      const { doc } = await send('21.3', orderCreate213(selection, total, currency), 'OrderViewRS', currency);
      const order = asList<Doc>(doc.Response.Order)[0]!;
      orderId = order.OrderID;
      expect(text(order.TotalPrice.TotalAmount)).toBe(total);
      expect(text(asList<Doc>(doc.PaymentFunctions)[0]?.PaymentProcessingSummary.Amount)).toBe(total);
    });

    it('retrieves the order with the same amounts', async () => {
      const { doc } = await send('21.3', orderRetrieve213(orderId), 'OrderViewRS', currency);
      expect(text(asList<Doc>(doc.Response.Order)[0]!.TotalPrice.TotalAmount)).toBe(total);
    });
  });

  describe.each(CURRENCIES)('NDC 17.2 in %s', (currency) => {
    const decimals = currencyDecimals(currency);
    let selection: Selection172;
    let total: string;
    let orderId: string;

    it(`shops with every amount written with ${decimals} decimals`, async () => {
      const { doc } = await send('17.2', airShopping172(currency), 'AirShoppingRS', currency);
      const offer = asList<Doc>(doc.OffersGroup.AirlineOffers).flatMap((group) => asList<Doc>(group.Offer))[0];
      expect(offer).toBeDefined();
      selection = {
        offerId: attr(offer, 'OfferID')!,
        responseId: text(doc.ShoppingResponseID.ResponseID)!,
        items: asList<Doc>(offer!.OfferItem).map((item) => ({ id: attr(item, 'OfferItemID')!, paxRefs: refs(asList<Doc>(item.Service)[0]!.PassengerRefs).join(' ') })),
      };
    });

    it('prices the offer in the currency it was shopped in', async () => {
      const { doc } = await send('17.2', offerPrice172(selection), 'OfferPriceRS', currency);
      total = text(doc.PricedOffer.TotalPrice.DetailCurrencyPrice.Total)!;
      expect(attr(doc.PricedOffer.TotalPrice.DetailCurrencyPrice.Total, 'Code')).toBe(currency);
    });

    it('creates an order paid in the currency, costing what the offer was priced at', async () => {
      const { doc } = await send('17.2', orderCreate172(selection, total, currency), 'OrderViewRS', currency);
      const order = asList<Doc>(doc.Response.Order)[0]!;
      orderId = attr(order, 'OrderID')!;
      expect(text(order.TotalOrderPrice.DetailCurrencyPrice.Total)).toBe(total);
    });

    it('retrieves the order with the same amounts', async () => {
      const { doc } = await send('17.2', orderRetrieve172(orderId), 'OrderViewRS', currency);
      expect(text(asList<Doc>(doc.Response.Order)[0]!.TotalOrderPrice.DetailCurrencyPrice.Total)).toBe(total);
    });
  });

  /** A JSON call to the REST APIs as the demo client; the answer body parsed. */
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const response = await fetch(`${gw.url}${path}`, {
      method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : JSON.parse(text) };
  }

  describe.each(CURRENCIES)('REST in %s', (currency) => {
    const card = { number: APPROVED_CARD, expiry: '12/35', cvv: '123', holderName: 'AIKO SATO' };

    it('shops, prices, pays and confirms a journey in the currency', async () => {
      const started = await call('POST', '/api/v1/journey/shopping/init', { channel: 'web' });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      const j = { journeyId: started.body.journeyId, resumeToken: started.body.resumeToken };
      const step = async (method: string, path: string, body: object = {}) => {
        const answer = await call(method, `/api/v1/journey${path}`, { ...j, ...body });
        expect(answer.status, JSON.stringify(answer.body).slice(0, 2000)).toBe(200);
        return answer.body;
      };
      const searched = await step('POST', '/shopping/search', { origin: 'LHR', destination: 'FRA', date: OUTBOUND, returnDate: INBOUND, passengers: { adults: 1, children: 1 }, currency });
      expect(searched.page.offers.length).toBeGreaterThan(0);
      expect(expectJsonAmounts(searched, currency)).toBeGreaterThan(0);
      const offer = searched.page.offers[0];
      const priced = await step('POST', '/booking/start', { offerId: offer.offerId });
      expect(priced.priced).toMatchObject({ offerId: offer.offerId, currency, total: offer.total });
      expectJsonAmounts(priced, currency);
      await step('PUT', '/booking/customer', {
        passengers: [
          { givenName: 'Aiko', surname: 'Sato', birthdate: '1984-02-10', gender: 'FEMALE' },
          { givenName: 'Ren', surname: 'Sato', birthdate: '2016-06-01' },
        ],
        contact: { email: 'aiko.sato@example.com', phone: { countryDialingCode: '+81', number: '3 1234 5678' } },
      });
      const paid = await step('POST', '/booking/payment', { card });
      const confirmed = await step('POST', '/booking/confirm');
      expect(confirmed.orderId).toBe(paid.orderId);
      const order = await call('GET', `/api/v1/one-order/${encodeURIComponent(confirmed.orderId)}`);
      expect(order.status, JSON.stringify(order.body).slice(0, 2000)).toBe(200);
      expect(expectJsonAmounts(order.body, currency)).toBeGreaterThan(0);
      expect(order.body.order.totalPrice).toMatchObject({ total: offer.total, currency });
    });

    it('creates and reads an order through the ONE Order API in the currency', async () => {
      const shop = await send('21.3', airShopping213(currency), 'AirShoppingRS', currency);
      const offer = asList<Doc>(asList<Doc>(shop.doc.Response.OffersGroup.CarrierOffers)[0]?.Offer)[0]!;
      const shopped = Number(text(offer.TotalPrice.TotalAmount));
      const created = await call('POST', '/api/v1/one-order/create', {
        offerId: offer.OfferID,
        offerItemIds: asList<Doc>(offer.OfferItem).map((item) => item.OfferItemID),
        passengers: PAX.map((p) => ({ paxId: p.id, ptc: p.ptc, givenName: p.given, surname: p.surname })),
        payment: { card },
      }, { 'idempotency-key': `money-${randomUUID()}` });
      expect(created.status, JSON.stringify(created.body).slice(0, 2000)).toBe(201);
      expect(expectJsonAmounts(created.body, currency)).toBeGreaterThan(0);
      expect(created.body.order.totalPrice).toMatchObject({ total: shopped, currency });
      const read = await call('GET', `/api/v1/one-order/${encodeURIComponent(created.body.order.orderId)}`);
      expect(read.status).toBe(200);
      expectJsonAmounts(read.body, currency);
      expect(read.body.order.totalPrice).toEqual(created.body.order.totalPrice);
    });
  });
});
