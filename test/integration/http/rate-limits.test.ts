import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey, type ClientLimits } from '../../../src/auth/index.ts';
import { EDIST_172_NS } from '../../../src/ndc/ndc-versions.ts';
import { readRootElement } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { holdRequest } from '../../support/held-request.ts';
import { dayFromToday } from '../../support/ndc-doc.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';
import { xmllintText } from '../../support/xmllint.ts';

/**
 * Per-client limits from CLIENTS_FILE: requests per second and in flight, answered 429
 * RATE_LIMITED with the IETF RateLimit fields and Retry-After, as an NDC RS, before the body is read.
 */

const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';

const LIMITED: Record<string, ClientLimits | undefined> = {
  paced: { requestsPerSecond: 1 },
  paced172: { requestsPerSecond: 1 },
  single: { concurrentRequests: 1 },
  rest: { requestsPerSecond: 1 },
  free: undefined,
};
const keyOf = (id: string): string => `${id}-key-rate-limits-0001`;

function airShopping213(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_AirShoppingRQ xmlns="${MESSAGE_NS}" xmlns:cns="${TYPES_NS}">
  <DistributionChain><cns:DistributionChainLink>
    <cns:Ordinal>1</cns:Ordinal><cns:OrgRole>Seller</cns:OrgRole><cns:ParticipatingOrg><cns:OrgID>AGENCY1</cns:OrgID></cns:ParticipatingOrg>
  </cns:DistributionChainLink></DistributionChain>
  <Request>
    <cns:FlightRequest><cns:FlightRequestOriginDestinationsCriteria><cns:OriginDestCriteria>
      <cns:DestArrivalCriteria><cns:IATA_LocationCode>FRA</cns:IATA_LocationCode></cns:DestArrivalCriteria>
      <cns:OriginDepCriteria><cns:Date>${dayFromToday(30)}</cns:Date><cns:IATA_LocationCode>LHR</cns:IATA_LocationCode></cns:OriginDepCriteria>
    </cns:OriginDestCriteria></cns:FlightRequestOriginDestinationsCriteria></cns:FlightRequest>
    <cns:PaxList><cns:Pax><cns:PaxID>PAX1</cns:PaxID><cns:PTC>ADT</cns:PTC></cns:Pax></cns:PaxList>
  </Request>
</IATA_AirShoppingRQ>`;
}

function codeOf(xml: string): string | undefined {
  return /Status="([A-Z_]+)"/.exec(xml)?.[1] ?? /<(?:\w+:)?TypeCode>([A-Z_]+)</.exec(xml)?.[1];
}

describe('per-client rate limits', () => {
  let gw: RunningGateway;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'rate-limits-'));
    const clientsFile = join(folder, 'clients.json');
    writeFileSync(clientsFile, JSON.stringify(Object.entries(LIMITED).map(([id, limits]) => ({
      id, name: id, apiKeys: [hashApiKey(keyOf(id))], messages: ['*'], ...(limits ? { limits } : {}),
    }))));
    gw = await startGateway({ NDC_VERSIONS: '21.3,17.2', CLIENTS_FILE: clientsFile });
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('admits one request a second: the others get 429 with RateLimit, Retry-After and a schema-valid RS', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShopping213(), { 'x-api-key': keyOf('paced') })));
    const served = answers.filter((a) => a.status !== 429);
    const refused = answers.filter((a) => a.status === 429);
    expect(served).toHaveLength(1);
    expect(served[0]!.status, served[0]!.text.slice(0, 500)).toBe(200);
    expect(served[0]!.headers.get('ratelimit-policy')).toBe('"per-second";q=1;w=1');
    expect(served[0]!.headers.get('ratelimit')).toBe('"per-second";r=0;t=1');
    expect(refused).toHaveLength(2);
    for (const answer of refused) {
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(answer.headers.get('ratelimit-policy')).toBe('"per-second";q=1;w=1');
      expect(answer.headers.get('ratelimit')).toBe('"per-second";r=0;t=1');
      expect(readRootElement(answer.text).localName).toBe('IATA_AirShoppingRS');
      expect(codeOf(answer.text)).toBe('RATE_LIMITED');
      expect(answer.text).toContain('over its limit of 1 requests per second');
      expectValidAnswer(gw, '21.3', 'AirShoppingRS', answer.text);
    }
  });

  it('answers in the version the request names: a 17.2 RS on a 17.2 route, 17.2 Errors for NDC-Version 17.2', async () => {
    const headers = { 'x-api-key': keyOf('paced172') };
    const onRoute = await Promise.all([1, 2].map(() => postXml(`${gw.url}/api/v1/ndc/17.2/AirShopping`, '<AirShoppingRQ/>', headers)));
    const refused = onRoute.find((a) => a.status === 429)!;
    expect(readRootElement(refused.text)).toMatchObject({ localName: 'AirShoppingRS', namespace: EDIST_172_NS });
    expect(codeOf(refused.text)).toBe('RATE_LIMITED');
    expectValidAnswer(gw, '17.2', 'AirShoppingRS', refused.text);

    const anyMessage = await postXml(`${gw.url}/api/v1/ndc`, '<AirShoppingRQ/>', { ...headers, 'ndc-version': '17.2' });
    expect(anyMessage.status).toBe(429);
    expect(readRootElement(anyMessage.text)).toMatchObject({ localName: 'Errors', namespace: EDIST_172_NS });
    const lint = xmllintText(`${SCHEMA_PATH}/17.2/edist_commontypes.xsd`, anyMessage.text);
    expect(lint.valid, lint.output).toBe(true);
  });

  it('refuses a request over the in-flight limit before reading its body, and admits again once one ends', async () => {
    const headers = { 'x-api-key': keyOf('single') };
    const body = Buffer.from(airShopping213());
    const first = holdRequest(`${gw.url}/api/v1/ndc/AirShopping`, body, 100, headers);
    await first.admitted;

    const second = holdRequest(`${gw.url}/api/v1/ndc/AirShopping`, body, 100, headers);
    // The answer comes while the second body is incomplete: it was never waited for.
    const refused = await second.answer;
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['ratelimit-policy']).toBe('"concurrent";q=1;qu="concurrent-requests"');
    expect(refused.headers.ratelimit).toBe('"concurrent";r=0');
    expect(refused.headers.connection).toBe('close');
    expect(codeOf(refused.text)).toBe('RATE_LIMITED');
    expect(refused.text).toContain('over its limit of 1 requests in flight');
    expectValidAnswer(gw, '21.3', 'AirShoppingRS', refused.text);
    second.abort();

    first.finish();
    expect((await first.answer).status).toBe(200);
    const after = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShopping213(), headers);
    expect(after.status).toBe(200);
    expect(after.headers.get('ratelimit')).toBe('"concurrent";r=0');
  });

  it('limits the ONE Order REST API too, answering its JSON error', async () => {
    const headers = { 'x-api-key': keyOf('rest') };
    const answers = await Promise.all([1, 2].map(() => fetch(`${gw.url}/api/v1/one-order/NO-SUCH-ORDER`, { headers })));
    const refused = answers.find((a) => a.status === 429)!;
    expect(answers.map((a) => a.status).sort()).toEqual([404, 429]);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('ratelimit')).toBe('"per-second";r=0;t=1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  });

  it('leaves a client without limits alone, with no RateLimit fields', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => postXml(`${gw.url}/api/v1/ndc`, '<Hello/>', { 'x-api-key': keyOf('free') })));
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.headers.get('ratelimit')).toBeNull();
    }
  });
});
