/**
 * The load driver of the fault harness: virtual sellers that shop, price and book over NDC 21.3,
 * as an agency's system would, against the cluster's balancer. Each seller loops: four
 * AirShoppingRQ (a random route and date the reference airline serves), two OfferPriceRQ of an
 * offer it found, and one OrderCreateRQ of the last priced offer, paid with the approving test
 * card, under an `Idempotency-Key` unique to that order. The passenger's surname is a marker
 * unique to the order, so reconciliation finds the orders each request made.
 *
 * An OrderCreateRQ that got no answer, a 5xx, or "still in progress" is sent again, the same body
 * with the same key, with back-off, until a final answer or a deadline: what a seller does when
 * it cannot tell whether its order was made.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { XMLParser } from 'fast-xml-parser';
import { Agent, request } from 'undici';
import type { AnswerRecord, CreateOutcome, LoadReport } from './types.ts';

const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';
/** Routes between the reference airline's hubs, served every day. */
const ROUTES = [['LHR', 'FRA'], ['FRA', 'LHR'], ['LHR', 'JFK'], ['JFK', 'LHR'], ['DXB', 'LHR'], ['LHR', 'DXB'], ['SIN', 'DXB'], ['DXB', 'SIN']] as const;
const APPROVED_CARD = '4111111111111111';
/** Longer than any answer the gateway gives (its REQUEST_TIMEOUT_MS), short enough to notice a hang. */
const CLIENT_TIMEOUT_MS = 30_000;
/** Statuses after which a seller retries an OrderCreate with its key: nothing final was said. */
const RETRY_STATUSES = new Set([0, 409, 429, 500, 502, 503, 504]);

export interface LoadOptions {
  /** Virtual sellers, each with one request in flight. @defaultValue 4 */
  readonly sellers?: number;
  /** Seeded random, so routes and dates repeat with the seed. */
  readonly random?: () => number;
  /** How long a seller keeps retrying one OrderCreate with its key. @defaultValue 90000 */
  readonly createDeadlineMs?: number;
  /** Pause between a seller's cycles, to keep the load steady rather than maximal. @defaultValue 20 */
  readonly thinkMs?: number;
  /** NDC API key. @defaultValue demo-key (the gateway without CLIENTS_FILE) */
  readonly apiKey?: string;
}

export interface Load {
  /** Answers to requests sent at or after `since` (Date.now()). */
  answersSince(since: number): readonly AnswerRecord[];
  /** Resolves with the first OrderCreate sent at or after `since` that ended in an order: when it was answered (Date.now()); undefined after `timeoutMs`. */
  firstOrderAfter(since: number, timeoutMs: number): Promise<number | undefined>;
  /** Every OrderCreate in flight ends (final answer or deadline), then the report. */
  stop(): Promise<LoadReport>;
}

interface Offer {
  readonly offerId: string;
  readonly owner: string;
  readonly items: readonly { readonly id: string; readonly paxIds: readonly string[] }[];
}

interface PricedOffer extends Offer {
  readonly amount: string;
  readonly currency: string;
}

type Doc = Record<string, any>;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['Offer', 'OfferItem', 'FareDetail', 'PaxRefID', 'CarrierOffers', 'Error', 'Order'].includes(name),
});

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The gateway's code of the first `<Error>` (its TypeCode, e.g. OFFER_EXPIRED), if the answer is one. */
export function errorCodeOf(xml: string): string | undefined {
  if (!/<(?:\w+:)?Error>/.test(xml)) return undefined;
  return /<(?:\w+:)?TypeCode>([A-Z_]+)</.exec(xml)?.[1] ?? /<(?:\w+:)?Code>([^<]+)</.exec(xml)?.[1] ?? 'ERROR';
}

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

function document(root: string, seller: string, request: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_${root} xmlns="${MESSAGE_NS}" xmlns:c="${TYPES_NS}">
  <DistributionChain><c:DistributionChainLink><c:Ordinal>1</c:Ordinal><c:OrgRole>Seller</c:OrgRole><c:ParticipatingOrg><c:OrgID>${seller}</c:OrgID></c:ParticipatingOrg></c:DistributionChainLink></DistributionChain>
  <Request>${request}</Request>
</IATA_${root}>`;
}

function airShoppingRq(seller: string, origin: string, destination: string, date: string): string {
  return document('AirShoppingRQ', seller, `
    <c:FlightRequest><c:FlightRequestOriginDestinationsCriteria><c:OriginDestCriteria>
      <c:DestArrivalCriteria><c:IATA_LocationCode>${destination}</c:IATA_LocationCode></c:DestArrivalCriteria>
      <c:OriginDepCriteria><c:Date>${date}</c:Date><c:IATA_LocationCode>${origin}</c:IATA_LocationCode></c:OriginDepCriteria>
    </c:OriginDestCriteria></c:FlightRequestOriginDestinationsCriteria></c:FlightRequest>
    <c:PaxList><c:Pax><c:PaxID>PAX1</c:PaxID><c:PTC>ADT</c:PTC></c:Pax></c:PaxList>
    <c:PayloadRestrictions><c:Limit>3</c:Limit><c:ObjectName>OFFER</c:ObjectName></c:PayloadRestrictions>`);
}

function selected(offer: Offer): string {
  return offer.items.map((item) =>
    `<c:SelectedOfferItem><c:OfferItemRefID>${item.id}</c:OfferItemRefID>${item.paxIds.map((p) => `<c:PaxRefID>${p}</c:PaxRefID>`).join('')}</c:SelectedOfferItem>`).join('');
}

function offerPriceRq(seller: string, offer: Offer): string {
  return document('OfferPriceRQ', seller, `
    <c:PricedOffer><c:SelectedOfferList><c:SelectedOffer>
      <c:OfferRefID>${offer.offerId}</c:OfferRefID><c:OwnerCode>${offer.owner}</c:OwnerCode>${selected(offer)}
    </c:SelectedOffer></c:SelectedOfferList></c:PricedOffer>`);
}

function orderCreateRq(seller: string, offer: PricedOffer, marker: string): string {
  return document('OrderCreateRQ', seller, `
    <c:CreateOrder><c:AcceptSelectedQuotedOfferList><c:SelectedPricedOffer>
      <c:OfferRefID>${offer.offerId}</c:OfferRefID><c:OwnerCode>${offer.owner}</c:OwnerCode>${selected(offer)}
      <c:TotalOfferPriceAmount CurCode="${offer.currency}">${offer.amount}</c:TotalOfferPriceAmount>
    </c:SelectedPricedOffer></c:AcceptSelectedQuotedOfferList></c:CreateOrder>
    <c:DataLists><c:PaxList><c:Pax>
      <c:Individual><c:GivenName>Ada</c:GivenName><c:Surname>${marker}</c:Surname></c:Individual><c:PaxID>PAX1</c:PaxID><c:PTC>ADT</c:PTC>
    </c:Pax></c:PaxList></c:DataLists>
    <c:PaymentFunctions><c:PaymentProcessingDetails>
      <c:Amount CurCode="${offer.currency}">${offer.amount}</c:Amount>
      <c:PaymentMethod><c:PaymentCard>
        <c:CardHolderName>ADA ${marker}</c:CardHolderName><c:CardNumber>${APPROVED_CARD}</c:CardNumber>
        <c:CardSecurityCode>123</c:CardSecurityCode><c:ExpirationDate>1235</c:ExpirationDate>
      </c:PaymentCard></c:PaymentMethod>
    </c:PaymentProcessingDetails></c:PaymentFunctions>`);
}

function offersOf(xml: string): Offer[] {
  const doc = parser.parse(xml) as Doc;
  const response = (doc.IATA_AirShoppingRS as Doc | undefined)?.Response as Doc | undefined;
  const offers = list(response?.OffersGroup?.CarrierOffers as Doc[] | undefined).flatMap((c) => list(c.Offer as Doc[] | undefined));
  return offers.map((offer) => ({
    offerId: String(offer.OfferID), owner: String(offer.OwnerCode),
    items: list(offer.OfferItem as Doc[]).map((item) => ({ id: String(item.OfferItemID), paxIds: list(item.FareDetail as Doc[]).flatMap((f) => list(f.PaxRefID as string[])).map(String) })),
  }));
}

function pricedOfferOf(xml: string): PricedOffer | undefined {
  const doc = parser.parse(xml) as Doc;
  const offer = ((doc.IATA_OfferPriceRS as Doc | undefined)?.Response as Doc | undefined)?.PricedOffer as Doc | undefined;
  const total = offer?.TotalPrice?.TotalAmount as Doc | undefined;
  if (!offer || !total) return undefined;
  return {
    offerId: String(offer.OfferID), owner: String(offer.OwnerCode), amount: String(total['#text']), currency: String(total['@CurCode']),
    items: list(offer.OfferItem as Doc[]).map((item) => ({ id: String(item.OfferItemID), paxIds: list(item.FareDetail as Doc[]).flatMap((f) => list(f.PaxRefID as string[])).map(String) })),
  };
}

function orderIdOf(xml: string): string | undefined {
  return /<(?:\w+:)?OrderID>([^<]+)</.exec(xml)?.[1];
}

/** Upper-case letters only, as a surname must be; unique per order. */
function newMarker(): string {
  const hex = randomUUID().replaceAll('-', '').slice(0, 16);
  return `FLT${[...hex].map((c) => String.fromCharCode(65 + Number.parseInt(c, 16))).join('')}`;
}

export function startLoad(url: string, options: LoadOptions = {}): Load {
  const sellers = options.sellers ?? 4;
  const random = options.random ?? Math.random;
  const createDeadlineMs = options.createDeadlineMs ?? 90_000;
  const thinkMs = options.thinkMs ?? 20;
  const apiKey = options.apiKey ?? 'demo-key';
  // One connection per seller; a connection the balancer (or a gateway) dropped is opened again.
  const agent = new Agent({ connections: sellers * 2, keepAliveTimeout: 2000, connect: { timeout: 5000 } });
  const answers: AnswerRecord[] = [];
  const creates: CreateOutcome[] = [];
  const byMessage: Record<string, number> = {};
  let failedAttempts = 0;
  let stopping = false;
  const waiters = new Set<() => void>();

  async function post(message: string, xml: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const at = Date.now();
    byMessage[message] = (byMessage[message] ?? 0) + 1;
    let status = 0;
    let text = '';
    try {
      const res = await request(`${url}/api/v1/ndc`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', authorization: `Bearer ${apiKey}`, ...headers },
        body: xml,
        dispatcher: agent,
        headersTimeout: CLIENT_TIMEOUT_MS,
        bodyTimeout: CLIENT_TIMEOUT_MS,
      });
      text = await res.body.text();
      status = res.statusCode;
    } catch {
      status = 0; // refused, reset, or no answer in time
    }
    if (status === 0 || status >= 500) failedAttempts += 1;
    const errorCode = status === 0 ? undefined : errorCodeOf(text);
    answers.push({ at, message, status, ms: Date.now() - at, ...(errorCode ? { errorCode } : {}) });
    if (message === 'OrderCreateRQ') for (const wake of waiters) wake();
    return { status, text };
  }

  async function shop(seller: string): Promise<Offer[]> {
    const [origin, destination] = ROUTES[Math.floor(random() * ROUTES.length)]!;
    const { status, text } = await post('AirShoppingRQ', airShoppingRq(seller, origin, destination, day(20 + Math.floor(random() * 300))));
    return status === 200 ? offersOf(text) : [];
  }

  async function price(seller: string, offer: Offer): Promise<PricedOffer | undefined> {
    const { status, text } = await post('OfferPriceRQ', offerPriceRq(seller, offer));
    return status === 200 ? pricedOfferOf(text) : undefined;
  }

  /** One order, sent again with its key until a final answer or the deadline. */
  async function create(seller: string, offer: PricedOffer): Promise<void> {
    const idempotencyKey = `faults-${randomUUID()}`;
    const marker = newMarker();
    const xml = orderCreateRq(seller, offer, marker);
    const deadline = Date.now() + createDeadlineMs;
    let attempts = 0;
    let lostAnswers = 0;
    let backoff = 200;
    for (;;) {
      attempts += 1;
      const { status, text } = await post('OrderCreateRQ', xml, { 'idempotency-key': idempotencyKey });
      if (status === 0 || status >= 500) lostAnswers += 1;
      if (!RETRY_STATUSES.has(status)) {
        const orderId = status === 200 || status === 201 ? orderIdOf(text) : undefined;
        const refusedCode = orderId ? undefined : (errorCodeOf(text) ?? `HTTP_${status}`);
        creates.push({ idempotencyKey, marker, attempts, lostAnswers, ...(orderId ? { orderId } : {}), ...(refusedCode ? { refusedCode } : {}) });
        return;
      }
      if (Date.now() + backoff > deadline) {
        creates.push({ idempotencyKey, marker, attempts, lostAnswers });
        return;
      }
      await sleep(backoff);
      backoff = Math.min(2000, backoff * 2);
    }
  }

  async function seller(index: number): Promise<void> {
    const name = `FAULTS${index + 1}`;
    while (!stopping) {
      let offers: Offer[] = [];
      for (let i = 0; i < 4 && !stopping; i++) {
        const found = await shop(name);
        if (found.length > 0) offers = found;
      }
      let priced: PricedOffer | undefined;
      for (let i = 0; i < 2 && !stopping && offers.length > 0; i++) {
        priced = (await price(name, offers[Math.floor(random() * offers.length)]!)) ?? priced;
      }
      if (priced && !stopping) await create(name, priced);
      await sleep(thinkMs);
    }
  }

  const running = Promise.all(Array.from({ length: sellers }, (_, i) => seller(i)));

  return {
    answersSince: (since) => answers.filter((a) => a.at >= since),
    async firstOrderAfter(since, timeoutMs) {
      const found = (): number | undefined => {
        const answer = answers.find((a) => a.message === 'OrderCreateRQ' && a.at >= since && (a.status === 200 || a.status === 201) && !a.errorCode);
        return answer ? answer.at + answer.ms : undefined;
      };
      const until = Date.now() + timeoutMs;
      for (;;) {
        const at = found();
        if (at !== undefined || Date.now() >= until || stopping) return at;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.max(0, until - Date.now()));
          function done(): void {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
        });
      }
    },
    async stop() {
      stopping = true;
      await running;
      await agent.close();
      return { requests: answers.length, byMessage: { ...byMessage }, failedAttempts, creates: [...creates] };
    },
  };
}
