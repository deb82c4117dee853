import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { tokeniseCardData } from '../../../src/pipeline/tokenise-card-data.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { asList, dayFromToday, type Doc } from '../../support/ndc-doc.ts';
import { REDIS_URL } from '../../support/paths.ts';

/**
 * Card data stops at the edge: the test card 4111111111111111 is tokenised at the real reference
 * payment service, and what goes through the gateway's BullMQ queue on the real Redis carries the
 * token. Then neither the logs of the gateway, the airline and the payment service nor any Redis
 * key of the test's queue prefix holds the card number or the CVV. Once through the stage alone,
 * once as an NDC 21.3 OrderCreateRQ paid by card through the whole flow.
 */

const PAN = '4111111111111111';
const CVV = '737';
const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';

function ndc213(root: string, body: string, messageId = `msg-${Date.now()}`): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${MESSAGE_NS}" xmlns:c="${TYPES_NS}">
  <DistributionChain><c:DistributionChainLink>
    <c:Ordinal>1</c:Ordinal><c:OrgRole>Seller</c:OrgRole><c:ParticipatingOrg><c:OrgID>CARDTEST01</c:OrgID></c:ParticipatingOrg>
  </c:DistributionChainLink></DistributionChain>
  <PayloadAttributes><c:CorrelationID>${messageId}</c:CorrelationID><c:VersionNumber>21.3</c:VersionNumber></PayloadAttributes>
  <Request>${body}</Request>
</${root}>`;
}

const PAX = '<c:Pax><c:PaxID>PAX1</c:PaxID><c:PTC>ADT</c:PTC></c:Pax>';

function selected(offerId: string, itemIds: readonly string[]): string {
  return `<c:OfferRefID>${offerId}</c:OfferRefID><c:OwnerCode>XR</c:OwnerCode>${itemIds.map((id) => `<c:SelectedOfferItem><c:OfferItemRefID>${id}</c:OfferItemRefID><c:PaxRefID>PAX1</c:PaxRefID></c:SelectedOfferItem>`).join('')}`;
}

function orderCreateRq(offerId: string, itemIds: readonly string[], total: string): string {
  return ndc213('IATA_OrderCreateRQ', `
    <c:CreateOrder><c:AcceptSelectedQuotedOfferList><c:SelectedPricedOffer>${selected(offerId, itemIds)}
      <c:TotalOfferPriceAmount CurCode="EUR">${total}</c:TotalOfferPriceAmount>
    </c:SelectedPricedOffer></c:AcceptSelectedQuotedOfferList></c:CreateOrder>
    <c:DataLists><c:PaxList><c:Pax>
      <c:Individual><c:GivenName>Ada</c:GivenName><c:Surname>Lovelace</c:Surname></c:Individual><c:PaxID>PAX1</c:PaxID><c:PTC>ADT</c:PTC>
    </c:Pax></c:PaxList></c:DataLists>
    <c:PaymentFunctions><c:PaymentProcessingDetails>
      <c:Amount CurCode="EUR">${total}</c:Amount>
      <c:PaymentMethod><c:PaymentCard>
        <c:CardHolderName>ADA LOVELACE</c:CardHolderName><c:CardNumber>${PAN}</c:CardNumber>
        <c:CardSecurityCode>${CVV}</c:CardSecurityCode><c:ExpirationDate>1230</c:ExpirationDate>
      </c:PaymentCard></c:PaymentMethod>
    </c:PaymentProcessingDetails></c:PaymentFunctions>`);
}

function captureLogs(): { text: () => string; stream: Writable } {
  let text = '';
  return { text: () => text, stream: new Writable({ write(chunk: Buffer, _encoding, callback) { text += chunk.toString('utf8'); callback(); } }) };
}

/** Every value stored under the prefix, whatever the key's type, as one text to search. */
async function dumpKeys(redis: Redis, prefix: string): Promise<{ keys: string[]; text: string; values: Map<string, unknown> }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const parts: string[] = [];
  const values = new Map<string, unknown>();
  for (const key of keys) {
    const type = await redis.type(key);
    let value: unknown;
    if (type === 'string') value = await redis.get(key);
    else if (type === 'hash') value = await redis.hgetall(key);
    else if (type === 'list') value = await redis.lrange(key, 0, -1);
    else if (type === 'set') value = await redis.smembers(key);
    else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
    else if (type === 'stream') value = await redis.xrange(key, '-', '+');
    values.set(key, value);
    parts.push(`${key} ${JSON.stringify(value)}`);
  }
  return { keys, text: parts.join('\n'), values };
}

describe('card data before the queue, on the real payment service and Redis', () => {
  // The gateway, the reference airline and the reference payment service all log here.
  const logs = captureLogs();
  const redis = new Redis(REDIS_URL);
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3', REDIS_URL }, logs.stream);
  }, 60_000);

  afterAll(async () => {
    const prefix = gw?.config.queuePrefix;
    await gw?.close();
    if (prefix) {
      const { keys } = await dumpKeys(redis, prefix);
      if (keys.length > 0) await redis.del(...keys);
    }
    await redis.quit();
  });

  it('queues the token in place of the card, and the digits reach no log and no Redis key', async () => {
    const correlationId = `card-${Date.now()}`;
    const deadline = Date.now() + 5_000;
    const logger = gw.logger.child({ correlationId });
    const command = { offerId: 'OFFER-CARD-1', payment: { amount: 120.5, card: { number: PAN, expiry: '12/30', cvv: CVV, holderName: 'ADA LOVELACE' } } };

    const safe = await tokeniseCardData(command, { payment: gw.gateway.deps.payment, correlationId, deadline, logger }) as typeof command & { payment: { card: Record<string, string> } };
    expect(safe.payment.card).toEqual({ token: expect.stringMatching(/\S/), maskedNumber: '************1111', brand: 'VISA', expiry: '2030-12' });
    const vault = await (await fetch(`${gw.paymentUrl}/health`)).json() as { tokens: number };
    expect(vault.tokens).toBe(1);

    // Through the gateway's own BullMQ queue to a worker; the reference airline refuses the
    // made-up command, which leaves the job (payload included) in Redis for the search below.
    const sent = await gw.gateway.deps.queue.send({ name: 'order.rules', payload: safe, meta: { correlationId, version: '21.3', message: 'OrderRulesRQ', deadline, clientId: 'demo' } })
      .then(() => undefined, (error: unknown) => error);
    expect(sent === undefined || sent instanceof GatewayError).toBe(true);

    const stored = await dumpKeys(redis, gw.config.queuePrefix);
    expect(stored.keys.length).toBeGreaterThan(0);
    expect(stored.text).toContain(safe.payment.card.token!);
    expect(stored.text).not.toContain(PAN);
    expect(stored.text).not.toMatch(/"cvv/i);
    expect(stored.text).not.toContain('ADA LOVELACE');

    await new Promise((resolve) => setImmediate(resolve));
    expect(logs.text()).toContain('payment card tokenised');
    expect(logs.text()).toContain('************1111');
    expect(logs.text()).toContain('"msg":"card tokenised"');
    expect(logs.text()).not.toContain(PAN);
    expect(logs.text()).not.toMatch(new RegExp(`"cvv"\\s*:\\s*"${CVV}"`));
  });

  it('takes an NDC OrderCreateRQ paid by card through the whole flow with the card number nowhere but the payment service', async () => {
    const url = `${gw.url}/api/v1/ndc`;
    const read = (text: string, message: string): Doc => parseXml(text, { model: gw.gateway.deps.models.get('21.3', message) }).document as Doc;
    const shop = await postXml(url, ndc213('IATA_AirShoppingRQ', `
      <c:FlightRequest><c:FlightRequestOriginDestinationsCriteria><c:OriginDestCriteria>
        <c:DestArrivalCriteria><c:IATA_LocationCode>FRA</c:IATA_LocationCode></c:DestArrivalCriteria>
        <c:OriginDepCriteria><c:Date>${dayFromToday(35)}</c:Date><c:IATA_LocationCode>LHR</c:IATA_LocationCode></c:OriginDepCriteria>
      </c:OriginDestCriteria></c:FlightRequestOriginDestinationsCriteria></c:FlightRequest>
      <c:PaxList>${PAX}</c:PaxList>`));
    expect(shop.status, shop.text.slice(0, 1000)).toBe(200);
    const offer = asList<Doc>(asList<Doc>(read(shop.text, 'AirShoppingRS').Response.OffersGroup.CarrierOffers)[0]?.Offer)[0]!;
    const itemIds = asList<Doc>(offer.OfferItem).map((item) => item.OfferItemID as string);
    const priced = await postXml(url, ndc213('IATA_OfferPriceRQ', `
      <c:PricedOffer><c:SelectedOfferList><c:SelectedOffer>${selected(offer.OfferID as string, itemIds)}</c:SelectedOffer></c:SelectedOfferList></c:PricedOffer>`));
    expect(priced.status, priced.text.slice(0, 1000)).toBe(200);
    const total = read(priced.text, 'OfferPriceRS').Response.PricedOffer.TotalPrice.TotalAmount['#text'] as string;

    const created = await postXml(url, orderCreateRq(offer.OfferID as string, itemIds, total));
    expect(created.status, created.text.slice(0, 2000)).toBe(200);
    expect(created.text).not.toContain('<Error>');
    expect(created.text).toContain('1111');
    expect(created.text).not.toContain(PAN);

    const stored = await dumpKeys(redis, gw.config.queuePrefix);
    // The order.create job is there, with the tokenised card in its payload.
    const job = [...stored.values.values()].find((v) => (v as { name?: string } | null)?.name === 'order.create') as { data: string } | undefined;
    expect(job).toBeDefined();
    expect(JSON.parse(job!.data).payload.payment.card).toEqual({ token: expect.stringMatching(/\S/), maskedNumber: '************1111', brand: 'VISA', expiry: '2030-12' });
    expect(stored.text).not.toContain(PAN);
    expect(stored.text).not.toMatch(/"cvv/i);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs.text()).not.toContain(PAN);
    expect(logs.text()).not.toMatch(new RegExp(`"cvv"\\s*:\\s*"${CVV}"`));

    // A dump of the order store's schema holds the order, with the masked number and no card data.
    const dump = spawnSync('pg_dump', ['--dbname', gw.config.databaseUrl!, '--schema', gw.config.databaseSchema, '--data-only', '--no-owner'], { encoding: 'utf8' });
    expect(dump.status, dump.stderr).toBe(0);
    expect(dump.stdout).toContain('1111');
    expect(dump.stdout).not.toContain(PAN);
    expect(dump.stdout).not.toMatch(/"cvv"/i);
  });

  it('answers a card the payment service refuses, without the number in the error or the logs', async () => {
    const wrong = '4111111111111112';
    const error = await tokeniseCardData({ payment: { card: { number: wrong, expiry: '12/30', cvv: CVV, holderName: 'ADA LOVELACE' } } },
      { payment: gw.gateway.deps.payment, correlationId: 'card-refused', deadline: Date.now() + 5_000, logger: gw.logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('INVALID_BUSINESS_DATA');
    expect(JSON.stringify((error as GatewayError).toJSON())).not.toContain(wrong);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs.text()).not.toContain(wrong);
  });
});
