import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, hashApiKey } from '../../../src/auth/index.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createGateway } from '../../../src/gateway.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { startGateway, startGatewayWithClients, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { airShoppingLhrFra213, dayFromToday } from '../../support/ndc-doc.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';

/**
 * API keys and message permissions at the HTTP edge, with a CLIENTS_FILE (every request needs a
 * key) and without one (the embedded demo, where a request without credentials is the demo client).
 */

const AGENCY_KEY = 'agency-key-7f3c9b1e2d';
const PRICER_KEY = 'pricer-key-stored-in-clear';
const OPS_KEY = 'ops-key-5a8e0c4d71';
const ALL_MESSAGES_KEY = 'all-messages-key-3b9d2f';

function airShopping172(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<AirShoppingRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2">
  <Document><Name>AGENCY</Name></Document>
  <Party><Sender><TravelAgencySender><AgencyID>AG1</AgencyID></TravelAgencySender></Sender></Party>
  <CoreQuery><OriginDestinations><OriginDestination>
    <Departure><AirportCode>LHR</AirportCode><Date>${dayFromToday(30)}</Date></Departure>
    <Arrival><AirportCode>FRA</AirportCode></Arrival>
  </OriginDestination></OriginDestinations></CoreQuery>
  <DataLists><PassengerList><Passenger PassengerID="PAX1"><PTC>ADT</PTC></Passenger></PassengerList></DataLists>
</AirShoppingRQ>`;
}

function captureLogs(): { text: () => string; lines: () => Record<string, unknown>[]; stream: Writable } {
  let text = '';
  const stream = new Writable({ write(chunk: Buffer, _encoding, callback) { text += chunk.toString('utf8'); callback(); } });
  return { text: () => text, lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stream };
}

/** The codes of an NDC answer's errors: `Error/@Status` in 17.2, `Error/TypeCode` in 21.3+. */
function errorStatuses(xml: string): string[] {
  const statuses = [...xml.matchAll(/Status="([A-Z_]+)"/g)].map((m) => m[1]!);
  return statuses.length > 0 ? statuses : [...xml.matchAll(/<(?:\w+:)?TypeCode>([A-Z_]+)</g)].map((m) => m[1]!);
}

const reloadMappings = (gw: RunningGateway, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${gw.url}/api/v1/admin/mappings/reload`, { method: 'POST', headers });

describe('API keys with CLIENTS_FILE', () => {
  let gw: RunningGateway;
  const logs = captureLogs();

  beforeAll(async () => {
    gw = await startGatewayWithClients([
      { id: 'agency', name: 'Agency', apiKeys: [hashApiKey(AGENCY_KEY)], messages: ['AirShoppingRQ', 'OfferPriceRQ'] },
      { id: 'pricer', name: 'Pricer', apiKeys: [PRICER_KEY], messages: ['OfferPriceRQ'] },
      { id: 'ops', name: 'Operator', apiKeys: [hashApiKey(OPS_KEY)], messages: [], admin: true, monitoring: true },
      { id: 'everything', name: 'Every message', apiKeys: [hashApiKey(ALL_MESSAGES_KEY)], messages: ['*'] },
    ], { NDC_VERSIONS: '21.3,17.2', MAPPINGS_WATCH: 'false' }, logs.stream);
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
  });

  it('answers a request without a key 401 AUTH_REQUIRED with a Bearer challenge and the generic Errors document', async () => {
    const answer = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213(), { 'x-correlation-id': 'no-key-1' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="ndc-gateway"');
    expect(answer.headers.get('x-correlation-id')).toBe('no-key-1');
    const parsed = parseXml(answer.text);
    // Not the route's RS: before the key is checked, the answer does not tell which messages are served.
    expect(parsed.rootName).toBe('Errors');
    expect(errorStatuses(answer.text)).toContain('AUTH_REQUIRED');
    expect(answer.text).toContain('<cns:Code>433</cns:Code>');
  });

  it.each([
    ['an unknown bearer key', { authorization: 'Bearer not-a-known-key-123' }],
    ['an unknown X-API-Key', { 'x-api-key': 'not-a-known-key-123' }],
    ['the demo key, which only the embedded demo knows', { 'x-api-key': DEMO_API_KEY }],
    ['the stored hash instead of the key', { 'x-api-key': hashApiKey(AGENCY_KEY) }],
    ['Basic credentials', { authorization: `Basic ${Buffer.from(`agency:${AGENCY_KEY}`).toString('base64')}` }],
    ['two headers naming different keys', { authorization: `Bearer ${AGENCY_KEY}`, 'x-api-key': PRICER_KEY }],
  ])('refuses %s with 401 invalid_token', async (_name, headers) => {
    const answer = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213(), headers);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="ndc-gateway", error="invalid_token"');
    expect(errorStatuses(answer.text)).toContain('AUTH_REQUIRED');
  });

  it('asks for the key before saying which messages are served', async () => {
    const answer = await postXml(`${gw.url}/api/v1/ndc/NoSuchMessage`, airShoppingLhrFra213());
    expect(answer.status).toBe(401);
    expect(answer.text).not.toContain('Served:');
  });

  it.each([
    ['Authorization: Bearer', { authorization: `Bearer ${AGENCY_KEY}` }],
    ['a lower-case scheme', { authorization: `bearer ${AGENCY_KEY}` }],
    ['X-API-Key', { 'x-api-key': AGENCY_KEY }],
    ['both headers agreeing', { authorization: `Bearer ${AGENCY_KEY}`, 'x-api-key': AGENCY_KEY }],
  ])('serves a client that sends its key as %s', async (_name, headers) => {
    const answer = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213(), headers);
    expect(answer.status, answer.text.slice(0, 500)).toBe(200);
    expect(answer.text).toMatch(/<(?:\w+:)?Offer\b/);
  });

  it('answers a message the client may not send 403 MESSAGE_NOT_ALLOWED as that message\'s RS, 21.3 and 17.2', async () => {
    const modern = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213(), { 'x-api-key': PRICER_KEY });
    expect(modern.status).toBe(403);
    expect(parseXml(modern.text).rootName).toBe('IATA_AirShoppingRS');
    expect(modern.text).toContain('MESSAGE_NOT_ALLOWED');
    expect(gw.gateway.deps.schemas.get('21.3', 'AirShoppingRS').validate(modern.text)).toEqual([]);

    const legacy = await postXml(`${gw.url}/api/v1/ndc`, airShopping172(), { authorization: `Bearer ${PRICER_KEY}` });
    expect(legacy.status).toBe(403);
    expect(parseXml(legacy.text).rootName).toBe('AirShoppingRS');
    expect(errorStatuses(legacy.text)).toEqual(['MESSAGE_NOT_ALLOWED']);
    expect(gw.gateway.deps.schemas.get('17.2', 'AirShoppingRS').validate(legacy.text)).toEqual([]);
  });

  it('lets only an operator reload the mappings', async () => {
    expect((await reloadMappings(gw)).status).toBe(401);
    const agency = await reloadMappings(gw, { 'x-api-key': AGENCY_KEY });
    expect(agency.status).toBe(403);
    expect(await agency.text()).toContain('MESSAGE_NOT_ALLOWED');
    const ops = await reloadMappings(gw, { authorization: `Bearer ${OPS_KEY}` });
    expect(ops.status).toBe(200);
    expect(((await ops.json()) as { errors: unknown[] }).errors).toEqual([]);
  });

  it('does not take a client allowed every message ("*") for an operator', async () => {
    const everything = await reloadMappings(gw, { 'x-api-key': ALL_MESSAGES_KEY });
    expect(everything.status).toBe(403);
    expect(await everything.text()).toContain('Declare the client with &quot;admin&quot;: true');
  });

  it('answers health to anyone with its status only: no checks, no downstream URLs', async () => {
    for (const headers of [{}, { 'x-api-key': AGENCY_KEY }, { 'x-api-key': ALL_MESSAGES_KEY }]) {
      const health = await fetch(`${gw.url}/api/v1/monitoring/health`, { headers });
      expect(health.status).toBe(200);
      const text = await health.text();
      expect(JSON.parse(text)).toEqual({ status: 'ok' });
      expect(text).not.toContain(gw.airlineUrl);
      expect(text).not.toContain(gw.paymentUrl);
    }
    expect((await fetch(`${gw.url}/api/v1/monitoring/health`, { headers: { 'x-api-key': 'not-a-known-key-123' } })).status).toBe(401);
  });

  it('shows health details and metrics to a client with the monitoring permission only', async () => {
    const health = await fetch(`${gw.url}/api/v1/monitoring/health`, { headers: { authorization: `Bearer ${OPS_KEY}` } });
    expect(health.status).toBe(200);
    const body = await health.json() as { status: string; checks: { downstream: { detail: { airline: { url: string } } } } };
    expect(body.status).toBe('ok');
    expect(body.checks.downstream.detail.airline.url).toBe(gw.airlineUrl);

    const metrics = (headers: Record<string, string>): Promise<Response> => fetch(`${gw.url}/api/v1/monitoring/metrics`, { headers });
    const anonymous = await metrics({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="ndc-gateway"');
    expect((await metrics({ 'x-api-key': AGENCY_KEY })).status).toBe(403);
    expect((await metrics({ 'x-api-key': ALL_MESSAGES_KEY })).status).toBe(403);
    const ops = await metrics({ 'x-api-key': OPS_KEY });
    expect(ops.status).toBe(200);
    expect(await ops.text()).toContain('ndc_requests_total');
  });

  it('logs the client of each request and never a key', async () => {
    await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213(), { 'x-api-key': AGENCY_KEY, 'x-correlation-id': 'logged-1' });
    await new Promise((resolve) => setImmediate(resolve));
    const line = logs.lines().find((l) => l.correlationId === 'logged-1' && l.msg === 'ndc request');
    expect(line?.clientId).toBe('agency');
    for (const key of [AGENCY_KEY, PRICER_KEY, OPS_KEY, DEMO_API_KEY]) expect(logs.text()).not.toContain(key);
  });
});

describe('the embedded demo without CLIENTS_FILE', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3', MAPPINGS_WATCH: 'false' });
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
  });

  it('takes a request without credentials, or with the demo key, as the demo client', async () => {
    expect((await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213())).status).toBe(200);
    expect((await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213(), { authorization: `Bearer ${DEMO_API_KEY}` })).status).toBe(200);
    expect(gw.gateway.clients.mode).toBe('embedded');
  });

  it('still refuses a key that is wrong', async () => {
    const answer = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213(), { 'x-api-key': 'wrong' });
    expect(answer.status).toBe(401);
  });

  it('lets the demo client reload the mappings', async () => {
    expect((await reloadMappings(gw)).status).toBe(200);
  });

  it('shows health details and metrics only to a caller who presents the demo key', async () => {
    const anonymous = await fetch(`${gw.url}/api/v1/monitoring/health`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${gw.url}/api/v1/monitoring/metrics`)).status).toBe(401);

    const keyed = { authorization: `Bearer ${DEMO_API_KEY}` };
    const health = await (await fetch(`${gw.url}/api/v1/monitoring/health`, { headers: keyed })).json() as { checks: Record<string, unknown> };
    expect(Object.keys(health.checks).sort()).toEqual(['downstream', 'orders', 'queue', 'running', 'schemas', 'workers']);
    expect((await fetch(`${gw.url}/api/v1/monitoring/metrics`, { headers: keyed })).status).toBe(200);
  });
});

describe('a CLIENTS_FILE that cannot be used', () => {
  it('stops start-up with a message naming the file and the problem', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'auth-bad-clients-'));
    try {
      const file = join(folder, 'clients.json');
      writeFileSync(file, JSON.stringify([{ id: 'x', name: 'X', apiKeys: ['short'], messages: ['*'] }]));
      const config = loadConfig({ NDC_SCHEMA_PATH: SCHEMA_PATH, NDC_VERSIONS: '21.3', CLIENTS_FILE: file });
      // Nothing is started before the file is read, so no airline is needed to see the refusal.
      await expect(createGateway(config, createLogger('silent'), { airlineUrl: 'http://127.0.0.1:9' })).rejects.toThrow(`CLIENTS_FILE ${file} is invalid: /0/apiKeys/0 must NOT have fewer than 16 characters`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
