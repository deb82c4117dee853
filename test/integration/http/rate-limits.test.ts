import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey, type ClientLimits } from '../../../src/auth/index.ts';
import { EDIST_172_NS } from '../../../src/ndc/ndc-versions.ts';
import { readRootElement } from '../../../src/xml/index.ts';
import { expectValidAnswer, expectValidErrors172 } from '../../support/expect-valid-answer.ts';
import { holdRequest } from '../../support/held-request.ts';
import { airShoppingLhrFra213, errorCodeOf } from '../../support/ndc-doc.ts';
import { postXml, startGatewayWithClients, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * Per-client limits from CLIENTS_FILE: requests per second and in flight, answered 429
 * RATE_LIMITED with the IETF RateLimit fields and Retry-After, as an NDC RS, before the body is read.
 */

const LIMITED: Record<string, ClientLimits | undefined> = {
  paced: { requestsPerSecond: 1 },
  paced172: { requestsPerSecond: 1 },
  single: { concurrentRequests: 1 },
  rest: { requestsPerSecond: 1 },
  free: undefined,
};
const keyOf = (id: string): string => `${id}-key-rate-limits-0001`;

describe('per-client rate limits', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    const clients = Object.entries(LIMITED).map(([id, limits]) => ({ id, name: id, apiKeys: [hashApiKey(keyOf(id))], messages: ['*'], ...(limits ? { limits } : {}) }));
    gw = await startGatewayWithClients(clients, { NDC_VERSIONS: '21.3,17.2' });
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
  });

  it('admits one request a second: the others get 429 with RateLimit, Retry-After and a schema-valid RS', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213(), { 'x-api-key': keyOf('paced') })));
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
      expect(errorCodeOf(answer.text)).toBe('RATE_LIMITED');
      expect(answer.text).toContain('over its limit of 1 requests per second');
      expectValidAnswer(gw, '21.3', 'AirShoppingRS', answer.text);
    }
  });

  it('answers in the version the request names: a 17.2 RS on a 17.2 route, 17.2 Errors for NDC-Version 17.2', async () => {
    const headers = { 'x-api-key': keyOf('paced172') };
    const onRoute = await Promise.all([1, 2].map(() => postXml(`${gw.url}/api/v1/ndc/17.2/AirShopping`, '<AirShoppingRQ/>', headers)));
    const refused = onRoute.find((a) => a.status === 429)!;
    expect(readRootElement(refused.text)).toMatchObject({ localName: 'AirShoppingRS', namespace: EDIST_172_NS });
    expect(errorCodeOf(refused.text)).toBe('RATE_LIMITED');
    expectValidAnswer(gw, '17.2', 'AirShoppingRS', refused.text);

    const anyMessage = await postXml(`${gw.url}/api/v1/ndc`, '<AirShoppingRQ/>', { ...headers, 'ndc-version': '17.2' });
    expect(anyMessage.status).toBe(429);
    expectValidErrors172(anyMessage.text);
  });

  it('refuses a request over the in-flight limit before reading its body, and admits again once one ends', async () => {
    const headers = { 'x-api-key': keyOf('single') };
    const body = Buffer.from(airShoppingLhrFra213());
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
    expect(errorCodeOf(refused.text)).toBe('RATE_LIMITED');
    expect(refused.text).toContain('over its limit of 1 requests in flight');
    expectValidAnswer(gw, '21.3', 'AirShoppingRS', refused.text);
    second.abort();

    first.finish();
    expect((await first.answer).status).toBe(200);
    const after = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213(), headers);
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
