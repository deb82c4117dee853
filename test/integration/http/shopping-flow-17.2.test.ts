import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../../src/xml/index.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { xmllintText } from '../../support/xmllint.ts';
import { asList, attr, dayFromToday, refs, soap11, text, unwrapSoap11, type Doc } from '../../support/ndc-doc.ts';

/**
 * NDC 17.2 shopping end to end through the gateway and the reference airline: a hand-written
 * AirShoppingRQ (plain and in a SOAP 1.1 envelope), then OfferPriceRQ for an offer it returned,
 * for one of its items, and for an offer that does not exist.
 */

/** The reference airline's fare families, whose refund condition the offers carry. */
const FARE_FAMILIES = (JSON.parse(readFileSync('fixtures/fares/fare-families.json', 'utf8')) as { fareFamilies: { code: string; refundable: boolean }[] }).fareFamilies;


type Message = 'AirShoppingRS' | 'OfferPriceRS';

/** Travel dates, fixed once so that every request and check of the run agrees on them. */
const OUTBOUND = dayFromToday(45);
const INBOUND = dayFromToday(52);

const HEADER = `
  <Document>
    <Name>NORDLYS REISER NDC</Name>
    <ReferenceVersion>1.0</ReferenceVersion>
  </Document>
  <Party>
    <Sender>
      <TravelAgencySender>
        <Name>Nordlys Reiser Oslo</Name>
        <IATA_Number>76312340</IATA_Number>
        <AgencyID>NORDLYS-OSL</AgencyID>
      </TravelAgencySender>
    </Sender>
  </Party>`;

const FAMILY = `
      <Passenger PassengerID="PAX1"><PTC>ADT</PTC><InfantRef>PAX4</InfantRef></Passenger>
      <Passenger PassengerID="PAX2"><PTC>ADT</PTC></Passenger>
      <Passenger PassengerID="PAX3"><PTC>CHD</PTC><Age>8</Age></Passenger>
      <Passenger PassengerID="PAX4"><PTC>INF</PTC></Passenger>`;

function airShoppingRq(options: { passengers?: string; currency?: string } = {}): string {
  const parameters = options.currency
    ? `\n  <Parameters><CurrCodes><FiledInCurrency><CurrCode>${options.currency}</CurrCode></FiledInCurrency></CurrCodes></Parameters>`
    : '';
  const dataLists = options.passengers === '' ? '' : `\n  <DataLists>\n    <PassengerList>${options.passengers ?? FAMILY}\n    </PassengerList>\n  </DataLists>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<AirShoppingRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2" TransactionIdentifier="NORDLYS-0001">${HEADER}${parameters}
  <CoreQuery>
    <OriginDestinations>
      <OriginDestination OriginDestinationKey="OD1">
        <Departure><AirportCode>LHR</AirportCode><Date>${OUTBOUND}</Date></Departure>
        <Arrival><AirportCode>JFK</AirportCode></Arrival>
      </OriginDestination>
      <OriginDestination OriginDestinationKey="OD2">
        <Departure><AirportCode>JFK</AirportCode><Date>${INBOUND}</Date></Departure>
        <Arrival><AirportCode>LHR</AirportCode></Arrival>
      </OriginDestination>
    </OriginDestinations>
  </CoreQuery>
  <Preference>
    <CabinPreferences>
      <CabinType><Code>5</Code><Definition>Economy</Definition></CabinType>
    </CabinPreferences>
  </Preference>${dataLists}
</AirShoppingRQ>`;
}

interface Selection {
  offerId: string;
  owner: string;
  responseId: string;
  items: { id: string; paxRefs: string }[];
}

function offerPriceRq(selection: Selection, passengers: string = FAMILY, currency?: string): string {
  const items = selection.items
    .map((item) => `\n      <OfferItem OfferItemID="${item.id}">\n        <PassengerRefs>${item.paxRefs}</PassengerRefs>\n      </OfferItem>`)
    .join('');
  const parameters = currency ? `\n  <Parameters><CurrCodes><FiledInCurrency><CurrCode>${currency}</CurrCode></FiledInCurrency></CurrCodes></Parameters>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<OfferPriceRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2">${HEADER}${parameters}
  <Query>
    <Offer OfferID="${selection.offerId}" Owner="${selection.owner}" ResponseID="${selection.responseId}">${items}
    </Offer>
  </Query>
  <DataLists>
    <PassengerList>${passengers}
    </PassengerList>
  </DataLists>
</OfferPriceRQ>`;
}

/** An amount element (`<Total Code="USD">12.30</Total>`) in minor units, checking its currency. */
function cents(element: unknown, currency: string): number {
  expect(attr(element as Doc, 'Code')).toBe(currency);
  const value = text(element);
  expect(value).toMatch(/^\d+\.\d{2}$/);
  return Math.round(Number(value) * 100);
}

/** Checks a 17.2 price block (TotalAmount or Total, BaseAmount, Taxes with breakdown): base + taxes = total, taxes = sum of the breakdown. */
function checkPrice(price: Doc, total: unknown, currency: string): number {
  const totalCents = cents(total, currency);
  const taxes = cents(price.Taxes.Total, currency);
  const breakdown = asList(price.Taxes.Breakdown?.Tax).map((tax) => {
    expect(text(tax.TaxCode)).toMatch(/^[A-Z0-9]{2}$/);
    return cents(tax.Amount, currency);
  });
  expect(breakdown.reduce((a, b) => a + b, 0)).toBe(taxes);
  if (price.BaseAmount !== undefined) expect(cents(price.BaseAmount, currency) + taxes).toBe(totalCents);
  return totalCents;
}

describe('NDC 17.2 AirShopping and OfferPrice through the gateway', () => {
  let gw: RunningGateway;
  let shopping: Doc;

  /** Posts, checks the answer is an XSD-valid RS (by the gateway's validator and by xmllint) and returns it parsed. */
  async function post(message: Message, body: string, soap = false): Promise<{ doc: Doc; xml: string; status: number }> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, soap ? soap11(body) : body, soap ? { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '""' } : {});
    if (soap) expect(answer.headers.get('content-type')).toMatch(/^text\/xml/);
    const xml = soap ? unwrapSoap11(answer.text) : answer.text;
    expect(xml, answer.text.slice(0, 2000)).toMatch(new RegExp(`<${message}\\b`));
    expect(gw.gateway.deps.schemas.get('17.2', message).validate(xml), xml.slice(0, 3000)).toEqual([]);
    const lint = xmllintText(schemaFileOf('17.2', message), xml);
    expect(lint.valid, lint.output).toBe(true);
    const doc = parseXml(xml, { model: gw.gateway.deps.models.get('17.2', message) }).document as Doc;
    return { doc, xml, status: answer.status };
  }

  function offersOf(doc: Doc): Doc[] {
    return asList(doc.OffersGroup.AirlineOffers).flatMap((group) => asList(group.Offer));
  }

  /** What an OfferPriceRQ sends back for an offer of the AirShoppingRS: its ids and each item's passengers. */
  function selectionOf(doc: Doc, offer: Doc): Selection {
    return {
      offerId: attr(offer, 'OfferID')!,
      owner: attr(offer, 'Owner')!,
      responseId: text(doc.ShoppingResponseID.ResponseID)!,
      items: asList(offer.OfferItem).map((item) => ({ id: attr(item, 'OfferItemID')!, paxRefs: refs(asList(item.Service)[0]!.PassengerRefs).join(' ') })),
    };
  }

  /** The checks every offer of both RS messages passes; returns the offer total in minor units. */
  function checkOffer(doc: Doc, offer: Doc, currency: string, passengerIds: string[]): number {
    const lists = doc.DataLists as Doc;
    const flightKeys = new Set(asList(lists.FlightList.Flight).map((f) => attr(f, 'FlightKey')));
    const priceClasses = new Set(asList(lists.PriceClassList.PriceClass).map((p) => attr(p, 'PriceClassID')));
    const baggage = new Set(asList(lists.BaggageAllowanceList.BaggageAllowance).map((b) => attr(b, 'BaggageAllowanceID')));

    expect(attr(offer, 'Owner')).toBe('XR');
    expect(Date.parse(attr(offer.TimeLimits.OfferExpiration, 'DateTime')!)).toBeGreaterThan(Date.now());
    const flights = asList(offer.FlightsOverview.FlightRef);
    expect(flights).toHaveLength(2);
    for (const flight of flights) {
      expect(flightKeys).toContain(text(flight));
      expect(priceClasses).toContain(attr(flight, 'PriceClassRef'));
    }
    // The offer's fare family conditions; one fare component per flight, on that flight's segments.
    const family = FARE_FAMILIES.find((f) => `PC-${f.code}` === text(offer.FlightsOverview.ItineraryPriceClassRef))!;
    expect(attr(offer.Penalty, 'RefundableInd')).toBe(String(family.refundable));
    const flightSegments = new Map(asList(lists.FlightList.Flight).map((f) => [attr(f, 'FlightKey'), refs(f.SegmentReferences).join(' ')]));
    const offerSegments = flights.map((f) => flightSegments.get(text(f))).sort();

    const items = asList(offer.OfferItem);
    const covered = items.flatMap((item) => {
      const service = asList(item.Service)[0]!;
      expect(refs(service.FlightRefs)).toEqual(flights.map((f) => text(f)));
      const paxRefs = refs(service.PassengerRefs);
      const fare = asList(item.FareDetail)[0]!;
      expect(refs(fare.PassengerRefs)).toEqual(paxRefs);
      const component = asList(fare.FareComponent)[0]!;
      expect(asList(fare.FareComponent).map((c) => refs(c.SegmentRefs).join(' ')).sort()).toEqual(offerSegments);
      expect(priceClasses).toContain(text(component.PriceClassRef));
      expect(text(component.FareBasis.FareBasisCode.Code)).toMatch(/^[A-Z0-9]+$/);
      expect(text(component.FareBasis.CabinType.CabinTypeCode)).toBe('5');
      // The item's price is the one-passenger price times its passengers.
      const itemTotal = checkPrice(item.TotalPriceDetail, item.TotalPriceDetail.TotalAmount.SimpleCurrencyPrice, currency);
      const unit = checkPrice(fare.Price, fare.Price.TotalAmount.SimpleCurrencyPrice, currency);
      expect(Math.abs(itemTotal - unit * paxRefs.length)).toBeLessThanOrEqual(paxRefs.length);
      return paxRefs.map((id) => ({ id, item: attr(item, 'OfferItemID') }));
    });
    // Every passenger is in exactly one item, and the offer total is the sum of the items.
    expect(covered.map((c) => c.id).sort()).toEqual([...passengerIds].sort());
    const total = checkPrice(offer.TotalPrice.DetailCurrencyPrice, offer.TotalPrice.DetailCurrencyPrice.Total, currency);
    const sum = items.reduce((acc, item) => acc + cents(item.TotalPriceDetail.TotalAmount.SimpleCurrencyPrice, currency), 0);
    expect(sum).toBe(total);
    for (const allowance of asList(offer.BaggageAllowance)) expect(baggage).toContain(text(allowance.BaggageAllowanceRef));
    return total;
  }

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '17.2', NDC_DEFAULT_VERSION: '17.2' });
    const { doc, status } = await post('AirShoppingRS', airShoppingRq({ currency: 'USD' }));
    expect(status).toBe(200);
    shopping = doc;
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('shops a round trip for 2 ADT + 1 CHD + 1 INF: offers per fare family with one item per passenger type, in the currency asked for', () => {
    expect(shopping.Success).toBeDefined();
    expect(shopping.Errors).toBeUndefined();
    expect(attr(shopping, 'Version')).toBe('17.2');
    expect(text(shopping.ShoppingResponseID.ResponseID)).toMatch(/\S/);

    const passengers = asList(shopping.DataLists.PassengerList.Passenger);
    expect(passengers.map((p) => [attr(p, 'PassengerID'), text(p.PTC)])).toEqual([['PAX1', 'ADT'], ['PAX2', 'ADT'], ['PAX3', 'CHD'], ['PAX4', 'INF']]);
    expect(text(asList(shopping.OffersGroup.AirlineOffers)[0]!.AirlineOfferSnapshot.PassengerQuantity)).toBe('4');

    const offers = offersOf(shopping);
    expect(offers.length).toBeGreaterThan(1);
    expect(new Set(offers.map((o) => attr(o, 'OfferID'))).size).toBe(offers.length);
    for (const offer of offers) {
      checkOffer(shopping, offer, 'USD', ['PAX1', 'PAX2', 'PAX3', 'PAX4']);
      const priced = asList(offer.Parameters.PTC_Priced).map((p) => [text(p.Priced), attr(p.Priced, 'Quantity')]);
      expect(priced).toEqual([['ADT', '2'], ['CHD', '1'], ['INF', '1']]);
    }
    // Economy fare families, each described once.
    const classes = asList(shopping.DataLists.PriceClassList.PriceClass);
    expect(classes.map((c) => text(c.Code))).toEqual(expect.arrayContaining(['ECOLIGHT', 'ECOCLASSIC', 'ECOFLEX']));
  });

  it('lists the flights of the offers: outbound from LHR on the requested day, inbound from JFK a week later', () => {
    const lists = shopping.DataLists as Doc;
    const segments = new Map(asList(lists.FlightSegmentList.FlightSegment).map((s) => [attr(s, 'SegmentKey'), s]));
    const flights = new Map(asList(lists.FlightList.Flight).map((f) => [attr(f, 'FlightKey'), f]));
    for (const offer of offersOf(shopping)) {
      const [outbound, inbound] = asList(offer.FlightsOverview.FlightRef).map((ref) => flights.get(text(ref))!);
      for (const [flight, from, to, date] of [[outbound, 'LHR', 'JFK', OUTBOUND], [inbound, 'JFK', 'LHR', INBOUND]] as const) {
        const legs = refs(flight!.SegmentReferences).map((key) => segments.get(key)!);
        expect(legs.length).toBeGreaterThan(0);
        expect(text(legs[0]!.Departure.AirportCode)).toBe(from);
        expect(text(legs[0]!.Departure.Date)).toBe(date);
        expect(text(legs[legs.length - 1]!.Arrival.AirportCode)).toBe(to);
        for (const leg of legs) {
          expect(text(leg.MarketingCarrier.AirlineID)).toBe('XR');
          expect(text(leg.FlightDetail.FlightDuration.Value)).toMatch(/^PT(\d+H)?(\d+M)?$/);
        }
        expect(text(flight!.Journey.Time)).toMatch(/^PT/);
      }
    }
    const ods = asList(lists.OriginDestinationList.OriginDestination);
    expect(ods.map((od) => text(od.FlightReferences)).sort()).toEqual([...flights.keys()].sort());
  });

  it('answers an AirShoppingRQ sent in a SOAP 1.1 envelope inside a SOAP 1.1 envelope, priced in the default currency', async () => {
    const { doc, status } = await post('AirShoppingRS', airShoppingRq(), true);
    expect(status).toBe(200);
    expect(doc.Errors).toBeUndefined();
    const offers = offersOf(doc);
    expect(offers.length).toBeGreaterThan(0);
    expect(text(doc.ShoppingResponseID.ResponseID)).not.toBe(text(shopping.ShoppingResponseID.ResponseID));
    for (const offer of offers) checkOffer(doc, offer, gw.config.currency, ['PAX1', 'PAX2', 'PAX3', 'PAX4']);
  });

  it('prices the first offer at the total it was shopped for', async () => {
    const offer = offersOf(shopping)[0]!;
    const shoppedTotal = checkOffer(shopping, offer, 'USD', ['PAX1', 'PAX2', 'PAX3', 'PAX4']);
    const selection = selectionOf(shopping, offer);
    expect(selection.items).toHaveLength(3);

    const { doc, status } = await post('OfferPriceRS', offerPriceRq(selection));
    expect(status).toBe(200);
    expect(doc.Errors).toBeUndefined();
    expect(doc.Warnings, 'the price did not change').toBeUndefined();
    expect(text(doc.ShoppingResponseID.ResponseID)).toBe(selection.responseId);
    const priced = doc.PricedOffer as Doc;
    expect(attr(priced, 'OfferID')).toBe(selection.offerId);
    expect(asList(priced.OfferItem).map((i) => attr(i, 'OfferItemID'))).toEqual(selection.items.map((i) => i.id));
    expect(checkOffer(doc, priced, 'USD', ['PAX1', 'PAX2', 'PAX3', 'PAX4'])).toBe(shoppedTotal);
    expect(asList(doc.DataLists.PassengerList.Passenger)).toHaveLength(4);
  });

  it('prices one item of an offer, sent in a SOAP 1.1 envelope, for its passengers only', async () => {
    const offer = offersOf(shopping)[1]!;
    const selection = selectionOf(shopping, offer);
    const adults = selection.items.find((i) => i.paxRefs === 'PAX1 PAX2')!;
    expect(adults).toBeDefined();
    const shoppedItem = asList(offer.OfferItem).find((i) => attr(i, 'OfferItemID') === adults.id)!;
    const shoppedCents = cents(shoppedItem.TotalPriceDetail.TotalAmount.SimpleCurrencyPrice, 'USD');

    const adultsOnly = `
      <Passenger PassengerID="PAX1"><PTC>ADT</PTC></Passenger>
      <Passenger PassengerID="PAX2"><PTC>ADT</PTC></Passenger>`;
    const { doc, status } = await post('OfferPriceRS', offerPriceRq({ ...selection, items: [adults] }, adultsOnly), true);
    expect(status).toBe(200);
    expect(doc.Errors).toBeUndefined();
    const priced = doc.PricedOffer as Doc;
    expect(attr(priced, 'OfferID')).toBe(selection.offerId);
    expect(asList(priced.OfferItem).map((i) => attr(i, 'OfferItemID'))).toEqual([adults.id]);
    expect(asList(doc.DataLists.PassengerList.Passenger).map((p) => attr(p, 'PassengerID'))).toEqual(['PAX1', 'PAX2']);
    expect(checkOffer(doc, priced, 'USD', ['PAX1', 'PAX2'])).toBe(shoppedCents);
  });

  it('answers an unknown OfferID with a valid OfferPriceRS carrying OFFER_NOT_FOUND', async () => {
    const { doc, status, xml } = await post('OfferPriceRS', offerPriceRq({
      offerId: 'SRNOSUCHOFFER-OF1', owner: 'XR', responseId: 'SRNOSUCHOFFER', items: [{ id: 'SRNOSUCHOFFER-OF1-1', paxRefs: 'PAX1 PAX2' }],
    }));
    expect(status).toBe(200);
    expect(doc.Success).toBeUndefined();
    expect(doc.PricedOffer).toBeUndefined();
    const errors = asList(doc.Errors.Error);
    expect(errors.map((e) => attr(e, 'Status'))).toEqual(['OFFER_NOT_FOUND']);
    expect(errors.map((e) => attr(e, 'Code'))).toEqual(['720']);
    expect(xml).toContain('SRNOSUCHOFFER-OF1');
  });

  it('refuses a schema-valid AirShoppingRQ without passengers in the RS, naming the missing element', async () => {
    const { doc, status } = await post('AirShoppingRS', airShoppingRq({ passengers: '' }));
    expect(status).toBe(200);
    const errors = asList(doc.Errors.Error);
    expect(errors.map((e) => attr(e, 'Status'))).toEqual(['UNPROCESSABLE_REQUEST']);
    expect(errors.map((e) => attr(e, 'Tag'))).toEqual(['/AirShoppingRQ/DataLists/PassengerList/Passenger']);
  });
});
