import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Offer } from '../../../src/contracts/airline/index.ts';
import { hashApiKey } from '../../../src/auth/index.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { asList, dayFromToday, type Doc } from '../../support/ndc-doc.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * The order records end to end: NDC 21.3 order messages and REST routes in the audit trail, read
 * back over REST by the owner and by an operator; contacts and passports sealed in the database
 * under a configured key; and a GDPR erasure over REST by the owner and by an operator.
 */

const KEY_A = 'agency-a-key-5c1e9d0b42';
const KEY_B = 'agency-b-key-7a3f2e8c61';
const KEY_OPS = 'operator-key-19d4b6e0a7';
const PERSONAL_DATA_KEY = `k2025:${Buffer.alloc(32, 42).toString('base64')}`;
const EMAIL = 'ada.lovelace@example.com';
const PASSPORT = 'P7Q2X91LK';
const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';

type Json = Record<string, any>;

function message(root: string, body: string, messageId?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${MESSAGE_NS}" xmlns:c="${TYPES_NS}">
  <DistributionChain><c:DistributionChainLink><c:Ordinal>1</c:Ordinal><c:OrgRole>Seller</c:OrgRole>
    <c:ParticipatingOrg><c:OrgID>AGENCY</c:OrgID></c:ParticipatingOrg></c:DistributionChainLink></DistributionChain>
  <PayloadAttributes>${messageId ? `<c:CorrelationID>${messageId}</c:CorrelationID>` : ''}<c:VersionNumber>21.3</c:VersionNumber></PayloadAttributes>
  <Request>${body}</Request>
</${root}>`;
}

/** A paid OrderCreateRQ for two adults, the first with a passport and an e-mail. */
function orderCreateRq(offer: Offer, messageId: string): string {
  const items = offer.offerItems.map((item) => `<c:SelectedOfferItem><c:OfferItemRefID>${item.offerItemId}</c:OfferItemRefID>${item.paxIds.map((p) => `<c:PaxRefID>${p}</c:PaxRefID>`).join('')}</c:SelectedOfferItem>`).join('');
  const total = offer.totalPrice.total.toFixed(2);
  return message('IATA_OrderCreateRQ', `
    <c:CreateOrder><c:AcceptSelectedQuotedOfferList><c:SelectedPricedOffer>
      <c:OfferRefID>${offer.offerId}</c:OfferRefID><c:OwnerCode>XR</c:OwnerCode>${items}
      <c:TotalOfferPriceAmount CurCode="EUR">${total}</c:TotalOfferPriceAmount>
    </c:SelectedPricedOffer></c:AcceptSelectedQuotedOfferList></c:CreateOrder>
    <c:DataLists>
      <c:ContactInfoList><c:ContactInfo><c:ContactInfoID>CTC1</c:ContactInfoID>
        <c:EmailAddress><c:EmailAddressText>${EMAIL}</c:EmailAddressText></c:EmailAddress>
      </c:ContactInfo></c:ContactInfoList>
      <c:PaxList>
        <c:Pax><c:ContactInfoRefID>CTC1</c:ContactInfoRefID>
          <c:IdentityDoc><c:CitizenshipCountryCode>GB</c:CitizenshipCountryCode><c:ExpiryDate>2031-05-31</c:ExpiryDate>
            <c:IdentityDocID>${PASSPORT}</c:IdentityDocID><c:IdentityDocTypeCode>PT</c:IdentityDocTypeCode><c:IssuingCountryCode>GB</c:IssuingCountryCode>
            <c:Surname>Lovelace</c:Surname></c:IdentityDoc>
          <c:Individual><c:GivenName>Ada</c:GivenName><c:Surname>Lovelace</c:Surname></c:Individual>
          <c:PaxID>PAX1</c:PaxID><c:PTC>ADT</c:PTC></c:Pax>
        <c:Pax><c:Individual><c:GivenName>Charles</c:GivenName><c:Surname>Babbage</c:Surname></c:Individual><c:PaxID>PAX2</c:PaxID><c:PTC>ADT</c:PTC></c:Pax>
      </c:PaxList>
    </c:DataLists>
    <c:PaymentFunctions><c:PaymentProcessingDetails><c:Amount CurCode="EUR">${total}</c:Amount>
      <c:PaymentMethod><c:PaymentCard><c:CardHolderName>ADA LOVELACE</c:CardHolderName><c:CardNumber>4111111111111111</c:CardNumber>
        <c:CardSecurityCode>123</c:CardSecurityCode><c:ExpirationDate>1235</c:ExpirationDate></c:PaymentCard></c:PaymentMethod>
    </c:PaymentProcessingDetails></c:PaymentFunctions>`, messageId);
}

function orderRetrieveRq(orderId: string): string {
  return message('IATA_OrderRetrieveRQ', `<c:OrderValidationFilterCriteria><c:OrderFilterCriteria><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>XR</c:OwnerCode></c:OrderFilterCriteria></c:OrderValidationFilterCriteria>`);
}

describe('order records: audit trail and personal data', () => {
  let gw: RunningGateway;
  let dir: string;
  let base: string;
  let admin: pg.Pool;
  let openApi: Json;
  let ajv: Ajv;
  let offers: Offer[];
  let orderId: string;
  let createRq: string;

  async function ndc(xml: string, key: string, response = 'OrderViewRS'): Promise<Doc> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, xml, { 'x-api-key': key });
    expectValidAnswer(gw, '21.3', response, answer.text);
    return parseXml(answer.text, { model: gw.gateway.deps.models.get('21.3', response) }).document as Doc;
  }

  async function call(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${base}${path}`, {
      method, headers: { 'x-api-key': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : JSON.parse(text) as Json };
  }

  /** Checks an answer against the schema the OpenAPI document gives it. */
  function expectDocumented(path: string, method: string, status: number, data: unknown): void {
    const schema = openApi.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema as { $ref: string } | undefined;
    expect(schema, `${method} ${path} ${status} is documented`).toBeDefined();
    const validate = ajv.compile({ $ref: `openapi${schema!.$ref}` });
    expect(validate(data), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  }

  /** Every row of every table of the order store, as text. */
  async function rawTables(): Promise<string> {
    const schema = gw.config.databaseSchema;
    const texts = await Promise.all(['orders', 'order_events', 'idempotency_keys', 'audit_trail'].map(async (table) =>
      (await admin.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}".${table} t`)).rows.map((r) => r.row).join('\n')));
    return texts.join('\n');
  }

  const brief = (entries: Json[]): unknown[] => entries.map((e) => [e.clientId, e.message, e.channel, e.orderVersion ?? null, e.outcome]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'order-records-'));
    const clientsFile = join(dir, 'clients.json');
    const orderMessages = ['OrderCreateRQ', 'OrderRetrieveRQ', 'OrderChangeRQ'];
    writeFileSync(clientsFile, JSON.stringify([
      { id: 'agency-a', name: 'Agency A', apiKeys: [hashApiKey(KEY_A)], messages: orderMessages },
      { id: 'agency-b', name: 'Agency B', apiKeys: [hashApiKey(KEY_B)], messages: orderMessages },
      { id: 'ops', name: 'Operator', apiKeys: [hashApiKey(KEY_OPS)], messages: [], admin: true },
    ]));
    gw = await startGateway({ NDC_VERSIONS: '21.3', CLIENTS_FILE: clientsFile, PERSONAL_DATA_KEYS: PERSONAL_DATA_KEY });
    base = `${gw.url}/api/v1/one-order`;
    admin = new pg.Pool({ connectionString: gw.config.databaseUrl, max: 2 });
    openApi = (await (await fetch(`${base}/openapi.json`)).json()) as Json;
    ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
    ajv.addSchema(openApi, 'openapi');
    const shop = await fetch(`${gw.airlineUrl}/v1/offer.shop`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ journeys: [{ origin: 'LHR', destination: 'FRA', date: dayFromToday(35) }], passengers: [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'ADT' }] }),
    });
    offers = ((await shop.json()) as { offers: Offer[] }).offers;
    createRq = orderCreateRq(offers[0]!, `create-${randomUUID()}`);
    const created = await ndc(createRq, KEY_A);
    expect(created.Error).toBeUndefined();
    orderId = asList<Doc>(created.Response.Order)[0]!.OrderID as string;
  });

  afterAll(async () => {
    await admin?.end();
    await gw?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the passport and the e-mail sealed under the configured key: no table holds them in clear, the owner reads them back', async () => {
    const raw = await rawTables();

    expect(raw).toContain(orderId);
    expect(raw).not.toContain(EMAIL);
    expect(raw).not.toContain(PASSPORT);
    expect(raw).not.toContain('4111111111111111');
    const { rows } = await admin.query(`SELECT personal_data_key FROM "${gw.config.databaseSchema}".orders WHERE order_id = $1`, [orderId]);
    expect(rows).toEqual([{ personal_data_key: 'k2025' }]);
    const got = await call('GET', `/${orderId}`, KEY_A);
    expect(got.status).toBe(200);
    expect(got.body.order.passengers[0].identityDocuments).toEqual([
      { typeCode: 'PT', number: PASSPORT, issuingCountryCode: 'GB', citizenshipCountryCode: 'GB', expiryDate: '2031-05-31' },
    ]);
    expect(got.body.order.contacts[0].emails).toEqual([{ address: EMAIL }]);
  });

  it('records NDC messages and REST routes alike, refusals included; the owner reads its rows, another client none, an operator all', async () => {
    const refused = await ndc(orderRetrieveRq(orderId), KEY_B);
    expect(asList<Doc>(refused.Error).map((e) => e.TypeCode)).toEqual(['ORDER_NOT_FOUND']);
    expect((await call('GET', `/${orderId}/status`, KEY_A)).status).toBe(200);

    const own = await call('GET', `/${orderId}/audit`, KEY_A);
    const other = await call('GET', `/${orderId}/audit`, KEY_B);
    const everything = await call('GET', `/${orderId}/audit`, KEY_OPS);

    expect(own.status).toBe(200);
    expectDocumented('/{id}/audit', 'get', 200, own.body);
    // The first GET of the earlier test is a REST read too.
    expect(brief(own.body.entries)).toEqual([
      ['agency-a', 'OrderCreateRQ', '21.3', 1, 'ok'],
      ['agency-a', 'OrderCreateRQ', '21.3', 2, 'ok'],
      ['agency-a', 'OrderRetrieveRQ', 'rest', 2, 'ok'],
      ['agency-a', 'OrderRetrieveRQ', 'rest', 2, 'ok'],
    ]);
    expect(own.body.entries[0].correlationId).toEqual(expect.any(String));
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('ORDER_NOT_FOUND');
    expect(brief(everything.body.entries)).toContainEqual(['agency-b', 'OrderRetrieveRQ', '21.3', null, 'ORDER_NOT_FOUND']);
    expect(JSON.stringify(everything.body)).not.toMatch(/lovelace|babbage|4111|example\.com/i);
  });

  it('lists a client\'s rows to itself and to an operator, page by page, and refuses another client\'s to anybody else', async () => {
    const mine = await call('GET', '/audit', KEY_B);
    const asOperator = await call('GET', '/audit?clientId=agency-a&limit=2', KEY_OPS);
    const next = await call('GET', `/audit?clientId=agency-a&limit=2&after=${asOperator.body.next as number}`, KEY_OPS);
    const peeking = await call('GET', '/audit?clientId=agency-a', KEY_B);
    const malformed = await call('GET', '/audit?from=yesterday&colour=red', KEY_A);

    expect(mine.status).toBe(200);
    expectDocumented('/audit', 'get', 200, mine.body);
    expect(brief(mine.body.entries)).toEqual([['agency-b', 'OrderRetrieveRQ', '21.3', null, 'ORDER_NOT_FOUND']]);
    expect(mine.body.next).toBeUndefined();
    expect(asOperator.body.entries).toHaveLength(2);
    expect(next.body.entries[0].id).toBeGreaterThan(asOperator.body.entries[1].id);
    expect(peeking.status).toBe(403);
    expect(peeking.body.error.code).toBe('MESSAGE_NOT_ALLOWED');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.map((d: Json) => d.path).sort()).toEqual(['colour', 'from']);
  });

  it('erases a passenger for the owner, not for another client; an operator erases the rest; each erasure is audited', async () => {
    const notTheirs = await call('POST', `/${orderId}/erasure`, KEY_B, { all: true });
    const unknownPax = await call('POST', `/${orderId}/erasure`, KEY_A, { paxIds: ['PAX9'] });
    const first = await call('POST', `/${orderId}/erasure`, KEY_A, { paxIds: ['PAX1'] });
    const rest = await call('POST', `/${orderId}/erasure`, KEY_OPS, { all: true });
    const again = await call('POST', `/${orderId}/erasure`, KEY_OPS, { all: true });

    expect(notTheirs.status).toBe(404);
    expect(unknownPax.status).toBe(422);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expectDocumented('/{id}/erasure', 'post', 200, first.body);
    expect(first.body.order.passengers).toEqual([
      { paxId: 'PAX1', ptc: 'ADT', surname: 'ERASED' },
      expect.objectContaining({ paxId: 'PAX2', givenName: 'Charles', surname: 'Babbage' }),
    ]);
    expect(first.body.order.contacts).toEqual([{ contactId: 'CTC1', paxIds: ['PAX1'] }]);
    expect(rest.status).toBe(200);
    expect(rest.body.order.passengers.map((p: Json) => p.surname)).toEqual(['ERASED', 'ERASED']);
    expect(rest.body.order.payments[0].method.holderName).toBeUndefined();
    expect(rest.body.order.version).toBe(first.body.order.version + 1);
    expect(again.body.order.version).toBe(rest.body.order.version);
    // What accounting needs stays: prices, payments, tickets.
    expect(rest.body.order.totalPrice).toEqual(first.body.order.totalPrice);
    expect(rest.body.order.payments[0]).toMatchObject({ status: 'SUCCESSFUL', amount: offers[0]!.totalPrice.total });
    expect(rest.body.order.documents.length).toBeGreaterThan(0);

    const trail = await call('GET', `/${orderId}/audit`, KEY_OPS);
    const erasures = (trail.body.entries as Json[]).filter((e) => e.message === 'one-order.erase');
    expect(brief(erasures)).toEqual([
      ['agency-b', 'one-order.erase', 'rest', null, 'ORDER_NOT_FOUND'],
      ['agency-a', 'one-order.erase', 'rest', null, 'INVALID_BUSINESS_DATA'],
      ['agency-a', 'one-order.erase', 'rest', first.body.order.version, 'ok'],
      ['ops', 'one-order.erase', 'rest', rest.body.order.version, 'ok'],
      ['ops', 'one-order.erase', 'rest', rest.body.order.version, 'ok'],
    ]);
    expect(erasures[2]!.detail).toEqual({ paxIds: ['PAX1'] });
  });

  it('after the erasure no table holds the names, and a replay of the OrderCreateRQ answers the erased order', async () => {
    const raw = await rawTables();
    for (const clear of ['Lovelace', 'LOVELACE', 'Babbage', 'BABBAGE', 'Charles']) expect(raw).not.toContain(clear);

    const replayed = await ndc(createRq, KEY_A);

    expect(replayed.Error).toBeUndefined();
    const pax = asList<Doc>(replayed.Response.DataLists.PaxList.Pax);
    expect(pax.map((p) => p.Individual?.Surname)).toEqual(['ERASED', 'ERASED']);
    expect(JSON.stringify(replayed)).not.toContain(EMAIL);
  });
});
