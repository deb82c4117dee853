import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../../src/xml/index.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { xmllintText } from '../../support/xmllint.ts';

/**
 * OrderRules, the message added as data only (two mapping files, a command schema pair and an
 * airline endpoint), end to end in 21.3 and as inherited by 24.4 and 26.1. Offers are shopped
 * from the reference airline directly, so this flow does not depend on the AirShopping mapping.
 */

const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';
const PASSENGERS = [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'ADT' }, { id: 'PAX3', type: 'CHD' }, { id: 'PAX4', type: 'INF' }];

type Doc = Record<string, any>;

interface ShopResult {
  offers: { offerId: string; fareFamily: string; totalPrice: { base: number; currency: string } }[];
}

function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

interface RulesRequest {
  readonly offerId?: string;
  readonly orderId?: string;
  readonly currency?: string;
  readonly payloadVersion?: string;
}

function orderRulesRq(options: RulesRequest): string {
  const payload = options.payloadVersion ? `\n  <PayloadAttributes><cns:VersionNumber>${options.payloadVersion}</cns:VersionNumber></PayloadAttributes>` : '';
  const currency = options.currency ? `\n    <cns:ResponseParameters><cns:CurParameter><cns:CurCode>${options.currency}</cns:CurCode></cns:CurParameter></cns:ResponseParameters>` : '';
  const core = options.orderId
    ? `<cns:OrderStructureKey><cns:OrderID>${options.orderId}</cns:OrderID><cns:OwnerCode>XR</cns:OwnerCode></cns:OrderStructureKey>`
    : `<cns:FareRef>
        <cns:AirlineDesigCode>XR</cns:AirlineDesigCode>
        <cns:Arrival><cns:IATA_LocationCode>JFK</cns:IATA_LocationCode></cns:Arrival>
        <cns:Dep><cns:IATA_LocationCode>LHR</cns:IATA_LocationCode></cns:Dep>
        <cns:FareBasisCode>KCL</cns:FareBasisCode>${options.offerId ? `\n        <cns:FareRefText>${options.offerId}</cns:FareRefText>` : ''}
      </cns:FareRef>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_OrderRulesRQ xmlns="${MESSAGE_NS}" xmlns:cns="${TYPES_NS}">
  <DistributionChain>
    <cns:DistributionChainLink>
      <cns:Ordinal>1</cns:Ordinal>
      <cns:OrgRole>Seller</cns:OrgRole>
      <cns:ParticipatingOrg><cns:Name>Skyway Travel</cns:Name><cns:OrgID>78212345</cns:OrgID></cns:ParticipatingOrg>
    </cns:DistributionChainLink>
  </DistributionChain>${payload}
  <Request>${currency}
    <cns:RulesCoreRequest>${core}</cns:RulesCoreRequest>
  </Request>
</IATA_OrderRulesRQ>`;
}

function list<T = Doc>(value: unknown): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value as T];
}

describe('NDC OrderRules through the gateway', () => {
  let gw: RunningGateway;
  let shop: ShopResult;

  async function callAirline<T>(command: string, body: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${gw.airlineUrl}/v1/${command}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** Posts a request and checks what every answer must be: an OrderRulesRS of the version asked, valid for our validator and xmllint. */
  async function send(xml: string, version = '21.3', route = '/api/v1/ndc') {
    const answer = await postXml(`${gw.url}${route}`, xml);
    expect(answer.text).toContain('<IATA_OrderRulesRS ');
    expect(gw.gateway.deps.schemas.get(version, 'OrderRulesRS').validate(answer.text), answer.text.slice(0, 2000)).toEqual([]);
    const lint = xmllintText(schemaFileOf(version, 'OrderRulesRS'), answer.text);
    expect(lint.valid, lint.output).toBe(true);
    const doc = parseXml(answer.text, { model: gw.gateway.deps.models.get(version, 'OrderRulesRS') }).document as Doc;
    return { status: answer.status, text: answer.text, doc };
  }

  function offerOf(family: string): ShopResult['offers'][number] {
    const offer = shop.offers.find((o) => o.fareFamily === family);
    expect(offer, `a ${family} offer`).toBeDefined();
    return offer!;
  }

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3,24.4,26.1', MAPPINGS_WATCH: 'false' });
    const shopped = await callAirline<ShopResult>('offer.shop', {
      journeys: [{ origin: 'LHR', destination: 'JFK', date: dayFromToday(40) }, { origin: 'JFK', destination: 'LHR', date: dayFromToday(47) }],
      passengers: PASSENGERS,
      fareFamilies: ['ECOLIGHT', 'ECOCLASSIC', 'ECOFLEX'],
    });
    expect(shopped.status).toBe(200);
    shop = shopped.body;
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('answers the rules of a fare that changes for a fee and is not refundable, priced for the whole offer', async () => {
    const offer = offerOf('ECOCLASSIC');
    const { status, doc, text } = await send(orderRulesRq({ offerId: offer.offerId }), '21.3', '/api/v1/ndc/OrderRules');
    expect(status).toBe(200);
    expect(text).not.toMatch(/<(?:\w+:)?Error\b/);
    const rules = list(doc.Response.Rules);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ AirlineDesigCode: 'XR', Dep: { IATA_LocationCode: 'LHR' }, Arrival: { IATA_LocationCode: 'JFK' } });
    const texts = list(rules[0]!.FareRuleText).flatMap((t) => list(t.Remark).map((r) => r.RemarkText as string));
    expect(texts[0]).toContain('Economy Classic (ECOCLASSIC)');
    expect(texts[1]).toBe('Baggage per passenger: 1 checked bag of up to 23 kg and 1 cabin bag.');

    const penalties = new Map(list(rules[0]!.Penalty).map((p) => [p.TypeCode as string, p]));
    const change = penalties.get('Change');
    const cancellation = penalties.get('Cancellation');
    // 70 EUR for each of the three passengers with a seat; the infant flies on a lap
    expect(change).toMatchObject({ AppCode: 'PDE', ChangeFeeInd: 'true', Price: { TotalAmount: { '@CurCode': 'EUR', '#text': '210.00' } } });
    // not refundable: the base fare is kept, the taxes are refunded
    expect(cancellation).toMatchObject({ CancelFeeInd: 'true', Price: { TotalAmount: { '@CurCode': 'EUR', '#text': offer.totalPrice.base.toFixed(2) } } });
    expect(list(cancellation!.DescText)[0]).toMatch(/^Not refundable/);
  });

  it('says a light fare cannot be changed and a flexible one changes and refunds for free, in the currency asked for', async () => {
    const light = await send(orderRulesRq({ offerId: offerOf('ECOLIGHT').offerId }));
    const lightChange = list(light.doc.Response.Rules)[0]!.Penalty.find((p: Doc) => p.TypeCode === 'Change');
    expect(lightChange.Price).toBeUndefined();
    expect(lightChange.ChangeFeeInd).toBeUndefined();
    expect(list(lightChange.DescText)).toEqual(['Changes are not permitted.']);

    const flex = await send(orderRulesRq({ offerId: offerOf('ECOFLEX').offerId, currency: 'GBP' }));
    expect(flex.status).toBe(200);
    const penalties = list(list(flex.doc.Response.Rules)[0]!.Penalty);
    expect(penalties.map((p) => [p.TypeCode, p.Price.TotalAmount['#text'], p.Price.TotalAmount['@CurCode']]))
      .toEqual([['Change', '0.00', 'GBP'], ['Cancellation', '0.00', 'GBP']]);
    expect(penalties.every((p) => p.ChangeFeeInd === undefined && p.CancelFeeInd === undefined)).toBe(true);
  });

  it('serves the message in 24.4 and 26.1 through the inherited 21.3 mappings', async () => {
    const offerId = offerOf('ECOCLASSIC').offerId;
    for (const version of ['24.4', '26.1']) {
      const { status, doc } = await send(orderRulesRq({ offerId, payloadVersion: version }), version, `/api/v1/ndc/${version}/OrderRules`);
      expect(status, version).toBe(200);
      expect(doc.PayloadAttributes.VersionNumber).toBe(version);
      expect(list(doc.Response.Rules)[0]!.AirlineDesigCode).toBe('XR');
    }
  });

  it('answers an unknown offer with a valid RS carrying OFFER_NOT_FOUND', async () => {
    const { status, doc } = await send(orderRulesRq({ offerId: 'SRNOSUCHOFFER-OF1' }));
    expect(status).toBe(200);
    expect(list(doc.Error)[0]).toMatchObject({ TypeCode: 'OFFER_NOT_FOUND', Code: '720' });
  });

  it('answers an order id with INVALID_BUSINESS_DATA naming the order, as the airline keeps no orders yet', async () => {
    const { status, doc } = await send(orderRulesRq({ orderId: 'XR7KQ2M4' }));
    expect(status).toBe(200);
    expect(list(doc.Error)[0]).toMatchObject({ TypeCode: 'INVALID_BUSINESS_DATA' });
    expect(list(doc.Error)[0]!.DescText).toContain('order XR7KQ2M4 not found');
  });

  it('refuses a fare reference without the offer id, naming the missing element', async () => {
    const { status, doc } = await send(orderRulesRq({}));
    expect(status).toBe(200);
    expect(list(doc.Error)[0]).toMatchObject({ TypeCode: 'UNPROCESSABLE_REQUEST' });
    expect(list(doc.Error).map((e) => e.TagText)).toContain('/IATA_OrderRulesRQ/Request/RulesCoreRequest/FareRef/FareRefText');
  });

  it('is answered by the airline endpoint directly, which refuses orders the same way', async () => {
    const direct = await callAirline<{ error: { code: string; message: string } }>('order.rules', { orderId: 'XR7KQ2M4' });
    expect(direct.status).toBe(422);
    expect(direct.body.error).toMatchObject({ code: 'INVALID_BUSINESS_DATA', message: 'order XR7KQ2M4 not found' });
  });
});
