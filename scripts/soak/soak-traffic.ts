/**
 * The soak's sellers: each loops through the NDC 21.3 messages a seller sends (AirShopping,
 * OfferPrice, a paid OrderCreate with an Idempotency-Key, OrderRetrieve of an earlier order) and,
 * now and then, a message that fails at the edge (malformed XML, or well-formed but XSD-invalid),
 * so the error paths and the libxml2-wasm documents of failed parses and validations run too. Each
 * seller pauses between requests, so the soak keeps a steady load without taking both cores.
 */
import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { Pool } from 'undici';
import { airShoppingRq213, offerPriceRq213, offersOf213, orderCreateRq213, orderRetrieveRq213, type PickedOffer } from '../../test/support/aggregator-messages.ts';
import { asList, text, type Doc } from '../../test/support/ndc-doc.ts';

/** Routes the reference airline flies. */
const ROUTES = [['LHR', 'FRA'], ['FRA', 'LHR'], ['LHR', 'JFK'], ['JFK', 'LHR'], ['DXB', 'LHR'], ['LHR', 'DXB'], ['SIN', 'DXB'], ['DXB', 'SIN']] as const;
const CARD = '4111111111111111';
/** Orders kept per seller to retrieve later. */
const KEEP_ORDERS = 20;

export type Outcome = 'ok' | 'ndcError' | '4xx' | '5xx' | 'noAnswer';

export interface TrafficCounts {
  readonly requests: number;
  /** message → outcome → count */
  readonly byMessage: Readonly<Record<string, Readonly<Partial<Record<Outcome, number>>>>>;
  readonly ordersCreated: number;
  /** The first few unexpected answers (5xx, no answer, an error where a good message was sent), for the report. */
  readonly surprises: readonly string[];
}

export interface Traffic {
  counts(): TrafficCounts;
  stop(): Promise<TrafficCounts>;
}

export interface TrafficOptions {
  readonly url: string;
  readonly sellers: number;
  /** Pause of each seller after each request, ms. */
  readonly pauseMs: number;
  readonly apiKey?: string;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false });

/** The root element's content of an NDC answer. */
function rootOf(xml: string): Doc {
  const parsed = parser.parse(xml) as Doc;
  const root = Object.keys(parsed).find((key) => key !== '?xml');
  return (root ? parsed[root] : {}) as Doc;
}

function dayFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A well-formed 21.3 AirShoppingRQ with an element its XSD does not allow: fails XSD validation. */
function xsdInvalidRq(): string {
  return airShoppingRq213('LHR', 'FRA', dayFromNow(30)).replace('<c:FlightRequest>', '<c:NotAnElement>soak</c:NotAnElement><c:FlightRequest>');
}

/** An AirShoppingRQ cut in the middle of a tag: not well-formed. */
function malformedRq(): string {
  const xml = airShoppingRq213('LHR', 'FRA', dayFromNow(30));
  return xml.slice(0, Math.floor(xml.length * 0.6));
}

export function startTraffic(options: TrafficOptions): Traffic {
  const pool = new Pool(options.url, { connections: options.sellers });
  const byMessage: Record<string, Partial<Record<Outcome, number>>> = {};
  const surprises: string[] = [];
  let requests = 0;
  let ordersCreated = 0;
  let running = true;

  const count = (message: string, outcome: Outcome, detail?: string): void => {
    requests += 1;
    const counts = (byMessage[message] ??= {});
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    if (detail !== undefined && surprises.length < 20) surprises.push(`${message} ${outcome}: ${detail}`);
  };

  /** Posts one NDC message; the answer's text when the gateway answered 200 without `<Errors>`, else undefined. `expectFailure` marks messages sent to fail. */
  async function send(message: string, path: string, xml: string, expectFailure = false, headers: Record<string, string> = {}): Promise<string | undefined> {
    try {
      const res = await pool.request({
        method: 'POST', path,
        headers: { 'content-type': 'application/xml', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}), ...headers },
        body: xml,
        headersTimeout: 60_000, bodyTimeout: 60_000,
      });
      const body = await res.body.text();
      if (res.statusCode >= 500) count(message, '5xx', `${res.statusCode} ${body.slice(0, 200)}`);
      else if (res.statusCode >= 400) count(message, '4xx', expectFailure ? undefined : `${res.statusCode} ${body.slice(0, 200)}`);
      else if (/<(?:\w+:)?Errors?\b/.test(body)) count(message, 'ndcError', expectFailure ? undefined : body.slice(0, 300));
      else {
        count(message, 'ok', expectFailure ? 'a message sent to fail was answered OK' : undefined);
        return body;
      }
    } catch (error) {
      count(message, 'noAnswer', String(error));
    }
    return undefined;
  }

  const pause = (): Promise<void> => new Promise((done) => setTimeout(done, options.pauseMs));

  async function seller(index: number): Promise<void> {
    const orders: { orderId: string; owner: string }[] = [];
    for (let cycle = 0; running; cycle++) {
      const [origin, destination] = ROUTES[(index + cycle) % ROUTES.length]!;
      const date = dayFromNow(10 + ((index * 37 + cycle * 7) % 300));
      const shopped = await send('AirShoppingRQ', '/api/v1/ndc/AirShopping', airShoppingRq213(origin, destination, date));
      await pause();
      const offers = shopped ? offersOf213(rootOf(shopped)) : [];
      const picked: PickedOffer | undefined = offers[cycle % Math.max(1, offers.length)];
      if (running && picked) {
        const priced = await send('OfferPriceRQ', '/api/v1/ndc/OfferPrice', offerPriceRq213(picked));
        await pause();
        const total = priced ? text(rootOf(priced).Response?.PricedOffer?.TotalPrice?.TotalAmount) : undefined;
        // Every other cycle books, so the mix stays about 2 shop : 2 price : 1 create.
        if (running && total && cycle % 2 === 0) {
          const key = `soak-${randomUUID()}`;
          const created = await send('OrderCreateRQ', '/api/v1/ndc/OrderCreate', orderCreateRq213({ ...picked, total }, key, CARD), false, { 'idempotency-key': key });
          await pause();
          const order = created ? asList<Doc>(rootOf(created).Response?.Order)[0] : undefined;
          if (order?.OrderID) {
            ordersCreated += 1;
            orders.push({ orderId: String(order.OrderID), owner: String(order.OwnerCode ?? picked.owner) });
            if (orders.length > KEEP_ORDERS) orders.shift();
          }
        }
      }
      if (running && cycle % 2 === 1 && orders.length > 0) {
        const { orderId, owner } = orders[cycle % orders.length]!;
        await send('OrderRetrieveRQ', '/api/v1/ndc/OrderRetrieve', orderRetrieveRq213(orderId, owner));
        await pause();
      }
      if (running && cycle % 3 === 2) {
        const [message, xml] = cycle % 2 === 0 ? ['malformed XML', malformedRq()] : ['XSD-invalid AirShoppingRQ', xsdInvalidRq()];
        await send(message, '/api/v1/ndc/AirShopping', xml, true);
        await pause();
      }
    }
  }

  const snapshot = (): TrafficCounts => ({
    requests, ordersCreated,
    byMessage: Object.fromEntries(Object.entries(byMessage).map(([message, counts]) => [message, { ...counts }])),
    surprises: [...surprises],
  });
  const sellers = Array.from({ length: options.sellers }, (_, i) => seller(i));
  return {
    counts: snapshot,
    async stop() {
      running = false;
      await Promise.all(sellers);
      await pool.close();
      return snapshot();
    },
  };
}
