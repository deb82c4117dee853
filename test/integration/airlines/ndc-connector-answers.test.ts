import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirlineEntry } from '../../../src/airlines/airline-connector.ts';
import { createMemoryAirlineOrderLinks, createNdcConnector, createNdcSchemas, type NdcSchemas } from '../../../src/airlines/ndc/index.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { OO_MESSAGE_NS, OO_TYPES_NS } from '../../../src/ndc/ndc-versions.ts';
import { createXsdEngine } from '../../../src/xsd/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';
import { startStubServer, type StubServer } from '../../support/stub-server.ts';

/**
 * How the NDC connector reads what an airline answers, with a stub airline: a schema-invalid RS
 * is AIRLINE_RESPONSE_INVALID naming the airline, the message and where the XSD failed; an
 * unknown airline error code is AIRLINE_REFUSED with the airline's text; SOAP envelopes go out
 * and come back unwrapped; every RQ the stub receives is the RQ the mappings built.
 */

const logger = createLogger('silent');
const config = loadConfig({ NDC_SCHEMA_PATH: SCHEMA_PATH });
let schemas: NdcSchemas;
let stub: StubServer;
let answer: { status: number; contentType: string; body: string };
const received: { headers: Record<string, string | string[] | undefined>; body: string; url: string }[] = [];

const SHOP = { journeys: [{ origin: 'LHR', destination: 'JFK', date: '2030-05-01' }], passengers: [{ id: 'PAX1', type: 'ADT' }] };

function entry(extra: Partial<AirlineEntry> = {}): AirlineEntry {
  return {
    designator: 'XS', name: 'Stub Air', kind: 'ndc', url: `${stub.url}/ndc/{message}`, version: '21.3', headers: { authorization: 'Bearer stub-token' },
    serves: { airports: [], routes: [] }, timeoutMs: 5_000, retries: 0, connections: 2, ...extra,
  };
}

const connector = (extra: Partial<AirlineEntry> = {}) => createNdcConnector(entry(extra), { logger, links: createMemoryAirlineOrderLinks(), schemas, mappingsPath: config.mappingsPath });

beforeAll(async () => {
  schemas = createNdcSchemas({ engine: await createXsdEngine(config.xsdEngine), schemaPath: config.schemaPath, logger });
  stub = await startStubServer((req, res, body) => {
    received.push({ headers: req.headers, body, url: req.url ?? '' });
    res.writeHead(answer.status, { 'content-type': answer.contentType });
    res.end(answer.body);
  });
}, 60_000);

afterAll(async () => {
  await stub?.close();
  schemas?.dispose();
});

describe('NDC connector reading airline answers', () => {
  it('refuses a schema-invalid RS with AIRLINE_RESPONSE_INVALID naming the airline, the message and the XSD error with its line', async () => {
    answer = {
      status: 200, contentType: 'application/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<IATA_AirShoppingRS xmlns="${OO_MESSAGE_NS}" xmlns:c="${OO_TYPES_NS}">\n  <c:NotAnElement>1</c:NotAnElement>\n</IATA_AirShoppingRS>`,
    };
    const airline = connector();
    const failure = await airline.call('offer.shop', SHOP, { correlationId: 'corr-invalid' }).catch((e: unknown) => e) as any;
    await airline.close();
    expect(failure.code).toBe('AIRLINE_RESPONSE_INVALID');
    expect(failure.definition.httpStatus).toBe(502);
    expect(failure.message).toContain('Airline XS');
    expect(failure.message).toContain('AirShoppingRS');
    expect(failure.message).toMatch(/line 3/);
    expect(failure.details[0].line).toBe(3);
    // What was sent: the XSD-valid AirShoppingRQ, to the message's URL, with the entry's headers.
    const sent = received.at(-1)!;
    expect(sent.url).toBe('/ndc/AirShopping');
    expect(sent.headers.authorization).toBe('Bearer stub-token');
    expect(sent.headers['x-correlation-id']).toBe('corr-invalid');
    expect(sent.headers['content-type']).toContain('application/xml');
    expect(schemas.schema('21.3', 'AirShoppingRQ').validate(sent.body)).toEqual([]);
    expect(sent.body).toContain('<cns:IATA_LocationCode>JFK</cns:IATA_LocationCode>');
  });

  it('undoes nothing, without calling the airline, for a hold or issue the airline never answered', async () => {
    const airline = connector();
    const before = received.length;
    expect(await airline.call('inventory.release', { orderId: 'ORD-NEVER', requestKey: 'k1' }, { correlationId: 'corr-release' })).toEqual({ orderId: 'ORD-NEVER', released: [] });
    expect(await airline.call('inventory.void', { orderId: 'ORD-NEVER', issueRequestKey: 'k2' }, { correlationId: 'corr-void' })).toEqual({ orderId: 'ORD-NEVER', voidedDocuments: [], restored: [] });
    await expect(airline.call('inventory.cancel', { orderId: 'ORD-NEVER', requestKey: 'k3' }, { correlationId: 'corr-cancel' })).rejects.toBeDefined();
    await airline.close();
    expect(received.length).toBe(before);
  });

  it('refuses an answer that is not XML at all with AIRLINE_RESPONSE_INVALID', async () => {
    answer = { status: 200, contentType: 'text/html', body: '<html><body>Service temporarily moved</body>' };
    const airline = connector();
    await expect(airline.call('offer.shop', SHOP, { correlationId: 'corr-html' })).rejects.toMatchObject({ code: 'AIRLINE_RESPONSE_INVALID', message: expect.stringContaining('Airline XS') });
    await airline.close();
  });

  it('counts invalid answers towards the breaker, which then opens', async () => {
    answer = { status: 200, contentType: 'application/xml', body: `<IATA_AirShoppingRS xmlns="${OO_MESSAGE_NS}"><Bogus/></IATA_AirShoppingRS>` };
    const airline = connector({ breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } });
    for (let i = 0; i < 3; i += 1) await airline.call('offer.shop', SHOP, { correlationId: `corr-b${i}` }).catch(() => undefined);
    expect(airline.breakerState()).toBe('open');
    await expect(airline.call('offer.shop', SHOP, { correlationId: 'corr-open' })).rejects.toMatchObject({ code: 'DOWNSTREAM_UNAVAILABLE' });
    await airline.close();
  });

  it('answers an airline error code the version table does not know with AIRLINE_REFUSED and the airline\'s text', async () => {
    answer = {
      status: 200, contentType: 'application/xml',
      body: `<IATA_AirShoppingRS xmlns="${OO_MESSAGE_NS}" xmlns:c="${OO_TYPES_NS}"><Error><c:Code>999</c:Code><c:DescText>Route closed for maintenance</c:DescText><c:ErrorID>E1</c:ErrorID><c:LangCode>EN</c:LangCode><c:StatusText>business</c:StatusText><c:TypeCode>APPLICATION</c:TypeCode></Error></IATA_AirShoppingRS>`,
    };
    const airline = connector();
    await expect(airline.call('offer.shop', SHOP, { correlationId: 'corr-refused' }))
      .rejects.toMatchObject({ code: 'AIRLINE_REFUSED', message: expect.stringMatching(/Airline XS refused offer\.shop \(APPLICATION\): Route closed for maintenance/) });
    await airline.close();
  });

  it('wraps the RQ in a SOAP 1.1 envelope and reads the RS out of one', async () => {
    answer = {
      status: 200, contentType: 'text/xml',
      body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><IATA_AirShoppingRS xmlns="${OO_MESSAGE_NS}" xmlns:c="${OO_TYPES_NS}"><Error><c:Code>102</c:Code><c:DescText>No flights</c:DescText><c:ErrorID>E1</c:ErrorID><c:LangCode>EN</c:LangCode><c:StatusText>business</c:StatusText><c:TypeCode>APPLICATION</c:TypeCode></Error></IATA_AirShoppingRS></soap:Body></soap:Envelope>`,
    };
    const airline = connector({ soap: '1.1' });
    await expect(airline.call('offer.shop', SHOP, { correlationId: 'corr-soap' })).rejects.toMatchObject({ code: 'NO_AVAILABILITY' });
    await airline.close();
    const sent = received.at(-1)!;
    expect(sent.headers['content-type']).toContain('text/xml');
    expect(sent.headers.soapaction).toBe('"IATA_AirShoppingRQ"');
    expect(sent.body).toMatch(/^<\?xml[^>]*\?><soap:Envelope[^>]*><soap:Body><IATA_AirShoppingRQ /);
  });

  it('refuses to send an RQ that breaks the XSD, as INTERNAL_ERROR, without the settlement card in the message', async () => {
    const links = createMemoryAirlineOrderLinks();
    await links.put({ gatewayOrderId: 'GW-1', owner: 'XS', orderId: 'AIR-1', items: { I1: 'A1' }, total: { amount: 100, currency: 'EUR' } });
    const card = '4111 1111 1111 1111';
    const airline = createNdcConnector(entry({ settlement: { cardNumber: card, expiry: '2030-12', holderName: 'AGG LTD', cvv: '123' } }), { logger, links, schemas, mappingsPath: config.mappingsPath });
    const before = received.length;
    const failure = await airline.call('inventory.issue', { orderId: 'GW-1', requestKey: 'k-1' }, { correlationId: 'corr-rq' }).catch((e: unknown) => e) as any;
    await airline.close();
    expect(failure.code).toBe('INTERNAL_ERROR');
    expect(failure.message).toMatch(/The OrderChangeRQ built for Airline XS \(inventory\.issue\) does not validate against the NDC 21\.3 schema/);
    expect(failure.message).toContain('CardNumber');
    expect(JSON.stringify(failure.toJSON())).not.toContain(card);
    expect(JSON.stringify(failure.toJSON())).toContain('1111');
    expect(received.length).toBe(before);
  });

  it('is reachable when the endpoint answers anything below 500, and not when it is down', async () => {
    const airline = connector();
    expect(await airline.isReachable()).toBe(true);
    await airline.close();
    const down = createNdcConnector(entry({ url: 'http://127.0.0.1:9/ndc' }), { logger, links: createMemoryAirlineOrderLinks(), schemas, mappingsPath: config.mappingsPath });
    expect(await down.isReachable()).toBe(false);
    await down.close();
  });
});
