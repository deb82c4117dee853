import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { dayFromToday, type Doc } from '../../support/ndc-doc.ts';

/**
 * NDC 21.3 shopping end to end through the HTTP app and the reference airline: a hand-written
 * AirShoppingRQ for two adults, a child and an infant, then OfferPriceRQ for an offer it returned
 * (whole, and one item in another currency), the business errors the airline answers, and the
 * same requests as NDC 24.4 and 26.1, which inherit the 21.3 mappings.
 */

/** The reference airline's fare families, whose refund and change conditions the fare components carry. */
const FARE_FAMILIES = (JSON.parse(readFileSync('fixtures/fares/fare-families.json', 'utf8')) as { fareFamilies: { code: string; refundable: boolean; changeable: boolean }[] }).fareFamilies;

const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';

const OUTBOUND = dayFromToday(45);
const INBOUND = dayFromToday(52);

const DISTRIBUTION_CHAIN = `
  <DistributionChain>
    <c:DistributionChainLink>
      <c:Ordinal>1</c:Ordinal>
      <c:OrgRole>Seller</c:OrgRole>
      <c:ParticipatingOrg><c:Name>Harbour Travel</c:Name><c:OrgID>HARBOUR01</c:OrgID></c:ParticipatingOrg>
    </c:DistributionChainLink>
  </DistributionChain>`;

function payload(version: string | undefined): string {
  return version ? `\n  <PayloadAttributes><c:VersionNumber>${version}</c:VersionNumber></PayloadAttributes>` : '';
}

function odCriteria(origin: string, destination: string, date: string, cabinCode = '5'): string {
  return `
        <c:OriginDestCriteria>
          <c:CabinType><c:CabinTypeCode>${cabinCode}</c:CabinTypeCode><c:PrefLevel><c:PrefLevelCode>Required</c:PrefLevelCode></c:PrefLevel></c:CabinType>
          <c:DestArrivalCriteria><c:IATA_LocationCode>${destination}</c:IATA_LocationCode></c:DestArrivalCriteria>
          <c:OriginDepCriteria><c:Date>${date}</c:Date><c:IATA_LocationCode>${origin}</c:IATA_LocationCode></c:OriginDepCriteria>
        </c:OriginDestCriteria>`;
}

const FAMILY_PAX = [
  { id: 'PAX1', ptc: 'ADT' },
  { id: 'PAX2', ptc: 'ADT' },
  { id: 'PAX3', ptc: 'CHD' },
  // The infant names the adult it travels with, as the business rule infant-with-adult asks.
  { id: 'PAX4', ptc: 'INF', adult: 'PAX1' },
];

function paxList(pax: readonly { id: string; ptc?: string; adult?: string }[]): string {
  return `<c:PaxList>${pax.map((p) => `<c:Pax><c:PaxID>${p.id}</c:PaxID>${p.adult ? `<c:PaxRefID>${p.adult}</c:PaxRefID>` : ''}${p.ptc ? `<c:PTC>${p.ptc}</c:PTC>` : ''}</c:Pax>`).join('')}</c:PaxList>`;
}

interface ShoppingOptions {
  readonly version?: string | undefined;
  readonly journeys?: string;
  readonly pax?: readonly { id: string; ptc?: string; adult?: string }[] | null;
  readonly currency?: string;
  readonly relatedCriteria?: string;
}

function airShoppingRq(options: ShoppingOptions = {}): string {
  const journeys = options.journeys ?? `${odCriteria('LHR', 'JFK', OUTBOUND)}${odCriteria('JFK', 'LHR', INBOUND)}`;
  const pax = options.pax === null ? '' : `\n    ${paxList(options.pax ?? FAMILY_PAX)}`;
  const currency = options.currency ? `\n    <c:ResponseParameters><c:CurParameter><c:CurCode>${options.currency}</c:CurCode></c:CurParameter></c:ResponseParameters>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_AirShoppingRQ xmlns="${MESSAGE_NS}" xmlns:c="${TYPES_NS}">${DISTRIBUTION_CHAIN}${payload(options.version)}
  <Request>${options.relatedCriteria ?? ''}
    <c:FlightRequest>
      <c:FlightRequestOriginDestinationsCriteria>${journeys}
      </c:FlightRequestOriginDestinationsCriteria>
    </c:FlightRequest>${pax}${currency}
  </Request>
</IATA_AirShoppingRQ>`;
}

interface Selection {
  readonly offerId: string;
  readonly owner: string;
  readonly items: readonly { id: string; paxIds: readonly string[] }[];
}

function offerPriceRq(selection: Selection, options: { version?: string | undefined; pax?: readonly { id: string; ptc: string }[]; currency?: string } = {}): string {
  const items = selection.items.map((item) =>
    `<c:SelectedOfferItem><c:OfferItemRefID>${item.id}</c:OfferItemRefID>${item.paxIds.map((p) => `<c:PaxRefID>${p}</c:PaxRefID>`).join('')}</c:SelectedOfferItem>`).join('');
  const dataLists = options.pax ? `\n    <c:DataLists>${paxList(options.pax)}</c:DataLists>` : '';
  const currency = options.currency ? `\n    <c:ResponseParameters><c:CurParameter><c:CurCode>${options.currency}</c:CurCode></c:CurParameter></c:ResponseParameters>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_OfferPriceRQ xmlns="${MESSAGE_NS}" xmlns:c="${TYPES_NS}">${DISTRIBUTION_CHAIN}${payload(options.version)}
  <Request>${dataLists}
    <c:PricedOffer>
      <c:SelectedOfferList>
        <c:SelectedOffer>
          <c:OfferRefID>${selection.offerId}</c:OfferRefID>
          <c:OwnerCode>${selection.owner}</c:OwnerCode>${items}
        </c:SelectedOffer>
      </c:SelectedOfferList>
    </c:PricedOffer>${currency}
  </Request>
</IATA_OfferPriceRQ>`;
}

function amount(element: Doc | undefined): number {
  return Number(element?.['#text']);
}

function ids(list: readonly Doc[] | undefined, key: string): Set<string> {
  return new Set((list ?? []).map((entry) => String(entry[key])));
}

describe('NDC 21.3 shopping and pricing over HTTP', () => {
  let gw: RunningGateway;
  let url: string;

  async function send(version: string, message: string, xml: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; doc: Doc }> {
    const answer = await postXml(url, xml, headers);
    expectValidAnswer(gw, version, message, answer.text, 2000);
    const parsed = parseXml(answer.text, { model: gw.gateway.deps.models.get(version, message) });
    expect(parsed.rootName).toBe(`IATA_${message}`);
    return { status: answer.status, text: answer.text, doc: parsed.document as Doc };
  }

  function errorsOf(doc: Doc): Doc[] {
    return (doc.Error as Doc[] | undefined) ?? [];
  }

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3,24.4,26.1' });
    url = `${gw.url}/api/v1/ndc`;
  });
  afterAll(async () => {
    await gw?.close();
  });

  describe('shopping a round trip for two adults, a child and an infant, then pricing an offer', () => {
    let shop: Doc;
    let firstOffer: Doc;

    beforeAll(async () => {
      const answer = await send('21.3', 'AirShoppingRS', airShoppingRq({ version: '21.3' }));
      expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
      expect(errorsOf(answer.doc)).toEqual([]);
      shop = answer.doc.Response as Doc;
      firstOffer = shop.OffersGroup.CarrierOffers[0].Offer[0] as Doc;
    });

    it('returns offers of the airline, one offer item per passenger type, in the default currency', () => {
      const carrierOffers = shop.OffersGroup.CarrierOffers as Doc[];
      expect(carrierOffers).toHaveLength(1);
      const offers = carrierOffers[0]!.Offer as Doc[];
      expect(offers.length).toBeGreaterThan(1);
      expect(carrierOffers[0]!.CarrierOffersSummary.MatchedOfferQty).toBe(String(offers.length));
      for (const offer of offers) {
        expect(offer.OwnerCode).toBe(gw.config.airlineDesignator);
        expect(Date.parse(offer.OfferExpirationTimeLimitDateTime as string)).toBeGreaterThan(Date.now());
        const items = offer.OfferItem as Doc[];
        expect(items.map((item) => item.FareDetail[0].PaxRefID)).toEqual([['PAX1', 'PAX2'], ['PAX3'], ['PAX4']]);
        expect(new Set(items.map((item) => item.OfferItemID)).size).toBe(3);
        for (const item of items) {
          expect(item.Price.TotalAmount['@CurCode']).toBe(gw.config.currency);
          // Two journeys: one flight service per journey for the item's passengers.
          expect(item.Service).toHaveLength(2);
          expect(item.Service[0].PaxRefID).toEqual(item.FareDetail[0].PaxRefID);
        }
      }
    });

    it('adds prices up: base plus taxes, the tax breakdown, per-passenger fares and the offer total', () => {
      for (const offer of shop.OffersGroup.CarrierOffers[0].Offer as Doc[]) {
        let itemsTotal = 0;
        for (const item of offer.OfferItem as Doc[]) {
          const price = item.Price as Doc;
          const summary = price.TaxSummary[0] as Doc;
          expect(amount(price.BaseAmount) + amount(summary.TotalTaxAmount)).toBeCloseTo(amount(price.TotalAmount), 2);
          const taxes = ((summary.Tax as Doc[] | undefined) ?? []).reduce((sum, tax) => sum + amount(tax.Amount), 0);
          expect(taxes).toBeCloseTo(amount(summary.TotalTaxAmount), 2);
          const detail = item.FareDetail[0] as Doc;
          expect(amount(detail.Price.TotalAmount) * detail.PaxRefID.length).toBeCloseTo(amount(price.TotalAmount), 2);
          itemsTotal += amount(price.TotalAmount);
        }
        expect(amount(offer.TotalPrice.TotalAmount)).toBeCloseTo(itemsTotal, 2);
      }
      const [adult, child, infant] = (firstOffer.OfferItem as Doc[]).map((item) => amount(item.FareDetail[0].Price.BaseAmount));
      expect(child).toBeLessThan(adult!);
      expect(infant).toBeLessThan(child!);
    });

    it('defines in the data lists everything the offers refer to', () => {
      const lists = shop.DataLists as Doc;
      const pax = lists.PaxList.Pax as Doc[];
      expect(pax.map((p) => [p.PaxID, p.PTC])).toEqual(FAMILY_PAX.map((p) => [p.id, p.ptc]));
      const journeys = ids(lists.PaxJourneyList.PaxJourney, 'PaxJourneyID');
      const segments = ids(lists.PaxSegmentList.PaxSegment, 'PaxSegmentID');
      const marketing = ids(lists.DatedMarketingSegmentList.DatedMarketingSegment, 'DatedMarketingSegmentId');
      const operating = ids(lists.DatedOperatingSegmentList.DatedOperatingSegment, 'DatedOperatingSegmentId');
      const legs = ids(lists.DatedOperatingLegList.DatedOperatingLeg, 'DatedOperatingLegID');
      const priceClasses = ids(lists.PriceClassList.PriceClass, 'PriceClassID');
      const bags = ids(lists.BaggageAllowanceList.BaggageAllowance, 'BaggageAllowanceID');
      for (const journey of lists.PaxJourneyList.PaxJourney as Doc[]) {
        expect(journey.Duration).toMatch(/^PT\d+H(\d+M)?$|^PT\d+M$/);
        for (const segment of journey.PaxSegmentRefID as string[]) expect(segments).toContain(segment);
      }
      for (const segment of lists.PaxSegmentList.PaxSegment as Doc[]) expect(marketing).toContain(segment.DatedMarketingSegmentRefId);
      // One origin-destination per requested one (outbound, inbound), each journey in exactly one of them.
      const ods = lists.OriginDestList.OriginDest as Doc[];
      expect(ods.map((od) => `${od.OriginCode}-${od.DestCode}`).sort()).toEqual(['JFK-LHR', 'LHR-JFK']);
      expect(ods.flatMap((od) => od.PaxJourneyRefID as string[]).sort()).toEqual([...journeys].sort());
      for (const segment of lists.DatedMarketingSegmentList.DatedMarketingSegment as Doc[]) {
        expect(operating).toContain(segment.DatedOperatingSegmentRefId);
        expect(segment.CarrierDesigCode).toBe(gw.config.airlineDesignator);
      }
      for (const segment of lists.DatedOperatingSegmentList.DatedOperatingSegment as Doc[]) {
        for (const leg of segment.DatedOperatingLegRefID as string[]) expect(legs).toContain(leg);
      }
      const outbound = (lists.DatedMarketingSegmentList.DatedMarketingSegment as Doc[]).filter((s) => s.Dep.IATA_LocationCode === 'LHR');
      expect(outbound.length).toBeGreaterThan(0);
      for (const segment of outbound) expect(segment.Dep.AircraftScheduledDateTime.slice(0, 10)).toBe(OUTBOUND);
      for (const offer of shop.OffersGroup.CarrierOffers[0].Offer as Doc[]) {
        for (const overview of offer.JourneyOverview.JourneyPriceClass as Doc[]) {
          expect(journeys).toContain(overview.PaxJourneyRefID);
          expect(priceClasses).toContain(overview.PriceClassRefID);
        }
        for (const association of offer.BaggageAssociations as Doc[]) {
          for (const bag of association.BaggageAllowanceRefID as string[]) expect(bags).toContain(bag);
        }
        const offerJourneys = (offer.JourneyOverview.JourneyPriceClass as Doc[]).map((overview) => overview.PaxJourneyRefID as string);
        const journeySegments = offerJourneys.map((id) => (lists.PaxJourneyList.PaxJourney as Doc[]).find((j) => j.PaxJourneyID === id)!.PaxSegmentRefID as string[]);
        const fareFamily = (lists.PriceClassList.PriceClass as Doc[]).find((p) => p.PriceClassID === offer.JourneyOverview.PriceClassRefID)!;
        for (const item of offer.OfferItem as Doc[]) {
          expect(priceClasses).toContain(item.FareDetail[0].FareComponent[0].PriceClassRefID);
          // One fare component per journey of the offer (in the order of the journey list), on that
          // journey's segments, with the fare family's conditions.
          const components = item.FareDetail[0].FareComponent as Doc[];
          expect(components.map((c) => (c.PaxSegmentRefID as string[]).join(' ')).sort()).toEqual(journeySegments.map((j) => j.join(' ')).sort());
          const conditions = FARE_FAMILIES.find((family) => family.code === fareFamily.Code)!;
          for (const component of components) {
            expect(component.CancelRestrictions[0].AllowedModificationInd).toBe(String(conditions.refundable));
            expect(component.ChangeRestrictions[0].AllowedModificationInd).toBe(String(conditions.changeable));
          }
          for (const service of item.Service as Doc[]) {
            for (const journey of service.OfferServiceAssociation.PaxJourneyRef.PaxJourneyRefID as string[]) expect(journeys).toContain(journey);
          }
        }
      }
    });

    it('prices the first offer at the shopped total, with the same items and passengers', async () => {
      const items = (firstOffer.OfferItem as Doc[]).map((item) => ({ id: item.OfferItemID as string, paxIds: item.FareDetail[0].PaxRefID as string[] }));
      const answer = await send('21.3', 'OfferPriceRS', offerPriceRq(
        { offerId: firstOffer.OfferID, owner: firstOffer.OwnerCode, items },
        { version: '21.3', pax: FAMILY_PAX },
      ));
      expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
      expect(errorsOf(answer.doc)).toEqual([]);
      const response = answer.doc.Response as Doc;
      const priced = response.PricedOffer as Doc;
      expect(priced.OfferID).toBe(firstOffer.OfferID);
      expect(priced.OwnerCode).toBe(firstOffer.OwnerCode);
      expect((priced.OfferItem as Doc[]).map((item) => item.OfferItemID)).toEqual(items.map((item) => item.id));
      expect(priced.TotalPrice.TotalAmount).toEqual(firstOffer.TotalPrice.TotalAmount);
      expect(response.Warning).toBeUndefined();
      expect((response.DataLists.PaxList.Pax as Doc[]).map((p) => p.PaxID)).toEqual(['PAX1', 'PAX2', 'PAX3', 'PAX4']);
      expect(Date.parse(priced.OfferExpirationTimeLimitDateTime as string)).toBeGreaterThanOrEqual(Date.parse(firstOffer.OfferExpirationTimeLimitDateTime as string));
    });

    it('prices only the adults item, in the currency the request asks for', async () => {
      const adults = (firstOffer.OfferItem as Doc[])[0]!;
      const answer = await send('21.3', 'OfferPriceRS', offerPriceRq(
        { offerId: firstOffer.OfferID, owner: firstOffer.OwnerCode, items: [{ id: adults.OfferItemID, paxIds: ['PAX1', 'PAX2'] }] },
        { pax: FAMILY_PAX.slice(0, 2), currency: 'USD' },
      ));
      expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
      const response = answer.doc.Response as Doc;
      const priced = response.PricedOffer as Doc;
      expect(priced.OfferItem).toHaveLength(1);
      expect(priced.OfferItem[0].OfferItemID).toBe(adults.OfferItemID);
      expect(priced.TotalPrice.TotalAmount['@CurCode']).toBe('USD');
      expect(amount(priced.TotalPrice.TotalAmount)).toBeCloseTo(amount(priced.OfferItem[0].Price.TotalAmount), 2);
      expect(amount(priced.TotalPrice.TotalAmount)).not.toBeCloseTo(amount(adults.Price.TotalAmount), 0);
      expect((response.DataLists.PaxList.Pax as Doc[]).map((p) => p.PaxID)).toEqual(['PAX1', 'PAX2']);
    });

    it('refuses a passenger the offer was not shopped for with an INVALID_BUSINESS_DATA error', async () => {
      const answer = await send('21.3', 'OfferPriceRS', offerPriceRq(
        { offerId: firstOffer.OfferID, owner: firstOffer.OwnerCode, items: [{ id: firstOffer.OfferItem[0].OfferItemID, paxIds: ['PAX9'] }] },
        { pax: [{ id: 'PAX9', ptc: 'ADT' }] },
      ));
      expect(answer.status).toBe(200);
      expect(errorsOf(answer.doc).map((e) => e.TypeCode)).toEqual(['INVALID_BUSINESS_DATA']);
    });
  });

  it('answers an unknown offer with an OFFER_NOT_FOUND error in a valid OfferPriceRS', async () => {
    const answer = await send('21.3', 'OfferPriceRS', offerPriceRq({ offerId: 'SRNOSUCHOFFER-OF1', owner: 'XR', items: [{ id: 'SRNOSUCHOFFER-OF1-1', paxIds: ['PAX1'] }] }));
    expect(answer.status).toBe(200);
    expect(answer.doc.Response).toBeUndefined();
    const errors = errorsOf(answer.doc);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.TypeCode).toBe('OFFER_NOT_FOUND');
    expect(errors[0]!.Code).toBe('720');
  });

  it('shops one adult in the requested currency and business cabin, direct flights only', async () => {
    const direct = `
    <c:FlightRelatedCriteria>
      <c:FlightCriteria><c:FlightCharacteristicsCriteria><c:CharacteristicCode>Direct</c:CharacteristicCode><c:PrefLevel><c:PrefLevelCode>Required</c:PrefLevelCode></c:PrefLevel></c:FlightCharacteristicsCriteria></c:FlightCriteria>
    </c:FlightRelatedCriteria>`;
    const answer = await send('21.3', 'AirShoppingRS', airShoppingRq({
      journeys: odCriteria('LHR', 'DXB', OUTBOUND, '2'), pax: [{ id: 'SOLO' }], currency: 'GBP', relatedCriteria: direct,
    }));
    expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
    const response = answer.doc.Response as Doc;
    expect((response.DataLists.PaxList.Pax as Doc[]).map((p) => [p.PaxID, p.PTC])).toEqual([['SOLO', 'ADT']]);
    for (const journey of response.DataLists.PaxJourneyList.PaxJourney as Doc[]) expect(journey.PaxSegmentRefID).toHaveLength(1);
    for (const priceClass of response.DataLists.PriceClassList.PriceClass as Doc[]) expect(priceClass.CabinType[0].CabinTypeCode).toBe('2');
    for (const offer of response.OffersGroup.CarrierOffers[0].Offer as Doc[]) {
      expect(offer.OfferItem).toHaveLength(1);
      expect(offer.TotalPrice.TotalAmount['@CurCode']).toBe('GBP');
    }
  });

  it('groups the journeys from and to both London airports under the two requested origin-destinations', async () => {
    const answer = await send('21.3', 'AirShoppingRS', airShoppingRq({
      journeys: `${odCriteria('LON', 'NYC', OUTBOUND)}${odCriteria('NYC', 'LON', INBOUND)}`, pax: [{ id: 'SOLO' }],
    }));
    expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
    const lists = answer.doc.Response.DataLists as Doc;
    const departures = new Set((lists.DatedMarketingSegmentList.DatedMarketingSegment as Doc[]).map((s) => s.Dep.IATA_LocationCode));
    expect([...departures].sort()).toEqual(['JFK', 'LGW', 'LHR']);
    const ods = lists.OriginDestList.OriginDest as Doc[];
    expect(ods).toHaveLength(2);
    expect(ods.filter((od) => od.DestCode === 'JFK')).toHaveLength(1);
    expect(ods.filter((od) => od.OriginCode === 'JFK')).toHaveLength(1);
    const journeys = (lists.PaxJourneyList.PaxJourney as Doc[]).map((j) => j.PaxJourneyID as string);
    expect(ods.flatMap((od) => od.PaxJourneyRefID as string[]).sort()).toEqual(journeys.sort());
  });

  it('answers NO_AVAILABILITY when only direct flights are asked for a route that needs a connection', async () => {
    const nonStop = `
    <c:FlightRelatedCriteria>
      <c:FlightCriteria><c:FlightCharacteristicsCriteria><c:CharacteristicCode>NonStop</c:CharacteristicCode><c:PrefLevel><c:PrefLevelCode>Required</c:PrefLevelCode></c:PrefLevel></c:FlightCharacteristicsCriteria></c:FlightCriteria>
    </c:FlightRelatedCriteria>`;
    const withConnections = await send('21.3', 'AirShoppingRS', airShoppingRq({ journeys: odCriteria('AMS', 'BOS', OUTBOUND) }));
    expect(withConnections.status).toBe(200);
    expect(errorsOf(withConnections.doc)).toEqual([]);
    const directOnly = await send('21.3', 'AirShoppingRS', airShoppingRq({ journeys: odCriteria('AMS', 'BOS', OUTBOUND), relatedCriteria: nonStop }));
    expect(directOnly.status).toBe(200);
    expect(errorsOf(directOnly.doc).map((e) => e.TypeCode)).toEqual(['NO_AVAILABILITY']);
  });

  it('refuses a schema-valid request without passengers in the RS (HTTP 200), naming the PaxList', async () => {
    const answer = await send('21.3', 'AirShoppingRS', airShoppingRq({ pax: null }));
    expect(answer.status).toBe(200);
    const errors = errorsOf(answer.doc);
    expect(errors.map((e) => e.TypeCode)).toContain('UNPROCESSABLE_REQUEST');
    expect(errors.map((e) => String(e.TagText))).toContain('/IATA_AirShoppingRQ/Request/PaxList/Pax');
  });

  describe.each([
    { version: '24.4', how: 'the NDC-Version header', headers: { 'NDC-Version': '24.4' }, payloadVersion: undefined },
    { version: '26.1', how: 'PayloadAttributes/VersionNumber', headers: {}, payloadVersion: '26.1' },
  ])('NDC $version, named by $how', ({ version, headers, payloadVersion }) => {
    let offer: Doc;

    it('shops with the 21.3 mappings and answers a valid AirShoppingRS of that version', async () => {
      const answer = await send(version, 'AirShoppingRS', airShoppingRq({ version: payloadVersion }), headers);
      expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
      expect(answer.doc.PayloadAttributes.VersionNumber).toBe(version);
      const offers = answer.doc.Response.OffersGroup.CarrierOffers[0].Offer as Doc[];
      expect(offers.length).toBeGreaterThan(0);
      offer = offers[0]!;
      expect((offer.OfferItem as Doc[]).map((item) => item.FareDetail[0].PaxRefID)).toEqual([['PAX1', 'PAX2'], ['PAX3'], ['PAX4']]);
      expect((answer.doc.Response.DataLists.PaxList.Pax as Doc[]).map((p) => p.PTC)).toEqual(['ADT', 'ADT', 'CHD', 'INF']);
    });

    it('prices the offer at the shopped total in a valid OfferPriceRS of that version', async () => {
      const items = (offer.OfferItem as Doc[]).map((item) => ({ id: item.OfferItemID as string, paxIds: item.FareDetail[0].PaxRefID as string[] }));
      const answer = await send(version, 'OfferPriceRS', offerPriceRq({ offerId: offer.OfferID, owner: offer.OwnerCode, items }, { version: payloadVersion, pax: FAMILY_PAX }), headers);
      expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
      expect(answer.doc.PayloadAttributes.VersionNumber).toBe(version);
      expect(answer.doc.Response.PricedOffer.OfferID).toBe(offer.OfferID);
      expect(answer.doc.Response.PricedOffer.TotalPrice.TotalAmount).toEqual(offer.TotalPrice.TotalAmount);
    });
  });
});
