import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../src/auth/index.ts';
import { OO_MESSAGE_NS } from '../../../src/ndc/ndc-versions.ts';
import { readRootElement } from '../../../src/xml/index.ts';
import { holdRequest } from '../../support/held-request.ts';
import { listSamples } from '../../support/samples.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * The global cap on requests in flight (MAX_REQUESTS_IN_FLIGHT): over it, 503 GATEWAY_BUSY with
 * Retry-After, answered before the body is read, let alone decoded.
 */

const shopping = listSamples('21.3', ['AirShoppingRQ']).find((s) => s.name.includes('flexible_fares'))!;
const TEN_MB = 10 * 1024 * 1024;

describe('MAX_REQUESTS_IN_FLIGHT', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3', MAX_REQUESTS_IN_FLIGHT: '1', BODY_LIMIT: '20mb' });
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
  });

  /** How many bodies the pipeline has decoded: the count of its `decode` stage. */
  async function decodedBodies(): Promise<number> {
    const text = await (await fetch(`${gw.url}/api/v1/monitoring/metrics`, { headers: { 'x-api-key': DEMO_API_KEY } })).text();
    return Number(/^ndc_stage_duration_seconds_count\{stage="decode"\} (\d+)$/m.exec(text)?.[1] ?? 0);
  }

  it('answers 503 with Retry-After before reading a 10 MB body, and takes requests again once one ends', async () => {
    const held = holdRequest(`${gw.url}/api/v1/ndc/AirShopping`, readFileSync(shopping.file), 200);
    await held.admitted;
    const decodedBefore = await decodedBodies();

    // Only 1 KB of the 10 MB body is ever sent: an answer proves the body was not waited for.
    const refused = holdRequest(`${gw.url}/api/v1/ndc`, Buffer.alloc(TEN_MB, ' '), 1024, { 'x-correlation-id': 'busy-1' });
    const answer = await refused.answer;
    refused.abort();
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['x-correlation-id']).toBe('busy-1');
    expect(readRootElement(answer.text)).toMatchObject({ localName: 'Errors', namespace: OO_MESSAGE_NS });
    expect(answer.text).toContain('<cns:TypeCode>GATEWAY_BUSY</cns:TypeCode>');
    expect(await decodedBodies()).toBe(decodedBefore);

    // The ONE Order REST API shares the cap and answers its JSON error; monitoring is not counted.
    const rest = await fetch(`${gw.url}/api/v1/one-order/NO-SUCH-ORDER`);
    expect(rest.status).toBe(503);
    expect(rest.headers.get('retry-after')).toBe('1');
    expect(((await rest.json()) as { error: { code: string } }).error.code).toBe('GATEWAY_BUSY');
    expect((await fetch(`${gw.url}/api/v1/monitoring/health`)).status).toBe(200);

    held.finish();
    expect((await held.answer).status).toBe(200);
    const after = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, readFileSync(shopping.file));
    expect(after.status).toBeLessThan(500);
  });

  it('frees the place of a request whose client went away', async () => {
    const dropped = holdRequest(`${gw.url}/api/v1/ndc/AirShopping`, readFileSync(shopping.file), 200);
    await dropped.admitted;
    dropped.abort();
    // The server sees the connection close shortly after; then the next request is taken.
    let status = 503;
    for (let attempt = 0; attempt < 50 && status === 503; attempt++) {
      status = (await postXml(`${gw.url}/api/v1/ndc`, '<Hello/>')).status;
      if (status === 503) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(400);
  });
});
