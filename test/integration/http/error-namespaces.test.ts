import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import { EDIST_172_NS, OO_MESSAGE_NS } from '../../../src/ndc/ndc-versions.ts';
import { readRootElement } from '../../../src/xml/index.ts';
import { expectValidAnswer, expectValidErrors172 } from '../../support/expect-valid-answer.ts';
import { errorCodeOf } from '../../support/ndc-doc.ts';
import { postXml, startGatewayWithClients, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * Errors raised before the message is known (401, 403, 413, 415, an unknown root) answer in the
 * namespace of the version the request names (path, NDC-Version header or root namespace), and
 * not always in 17.2's; a known client on a message route gets that message's RS.
 */

const AGENCY_KEY = 'agency-key-namespaces-01';

describe('errors before the message is known speak the version the request names', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGatewayWithClients([{ id: 'agency', name: 'Agency', apiKeys: [hashApiKey(AGENCY_KEY)], messages: ['AirShoppingRQ'] }], { NDC_VERSIONS: '21.3,17.2', BODY_LIMIT: '64kb' });
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
  });

  const url = (path: string): string => `${gw.url}${path}`;

  it('401: 17.2 when the path or the header names 17.2, the default version (21.3) otherwise', async () => {
    for (const [path, headers] of [['/api/v1/ndc/17.2/AirShopping', {}], ['/api/v1/ndc', { 'ndc-version': '17.2' }]] as const) {
      const answer = await postXml(url(path), '<AirShoppingRQ/>', headers);
      expect(answer.status).toBe(401);
      expect(errorCodeOf(answer.text)).toBe('AUTH_REQUIRED');
      expectValidErrors172(answer.text);
    }
    for (const [path, headers] of [['/api/v1/ndc/AirShopping', {}], ['/api/v1/ndc/26.1/AirShopping', {}], ['/api/v1/ndc', { 'ndc-version': 'nonsense' }]] as const) {
      const answer = await postXml(url(path), '<AirShoppingRQ/>', headers);
      expect(answer.status).toBe(401);
      expect(readRootElement(answer.text)).toMatchObject({ localName: 'Errors', namespace: OO_MESSAGE_NS });
      expect(answer.text).not.toContain(EDIST_172_NS);
      expect(answer.text).toMatch(/<cns:Code>433<\/cns:Code>/);
      expect(errorCodeOf(answer.text)).toBe('AUTH_REQUIRED');
    }
  });

  it('403 on an operator route: the namespace of the NDC-Version header', async () => {
    const answer = await fetch(url('/api/v1/admin/mappings/reload'), { method: 'POST', headers: { 'x-api-key': AGENCY_KEY, 'ndc-version': '17.2' } });
    expect(answer.status).toBe(403);
    const text = await answer.text();
    expect(errorCodeOf(text)).toBe('MESSAGE_NOT_ALLOWED');
    expectValidErrors172(text);
    const modern = await (await fetch(url('/api/v1/admin/mappings/reload'), { method: 'POST', headers: { 'x-api-key': AGENCY_KEY } })).text();
    expect(readRootElement(modern)).toMatchObject({ localName: 'Errors', namespace: OO_MESSAGE_NS });
  });

  it('415 for a known client on a message route: that message\'s RS in the path\'s version, schema-valid', async () => {
    const headers = { 'x-api-key': AGENCY_KEY, 'content-type': 'application/json' };
    const legacy = await postXml(url('/api/v1/ndc/17.2/AirShopping'), '{}', headers);
    expect(legacy.status).toBe(415);
    expect(readRootElement(legacy.text)).toMatchObject({ localName: 'AirShoppingRS', namespace: EDIST_172_NS });
    expect(errorCodeOf(legacy.text)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expectValidAnswer(gw, '17.2', 'AirShoppingRS', legacy.text);

    const modern = await postXml(url('/api/v1/ndc/AirShopping'), '{}', headers);
    expect(modern.status).toBe(415);
    expect(readRootElement(modern.text)).toMatchObject({ localName: 'IATA_AirShoppingRS', namespace: OO_MESSAGE_NS });
    expectValidAnswer(gw, '21.3', 'AirShoppingRS', modern.text);

    const anyMessage = await postXml(url('/api/v1/ndc'), '{}', { ...headers, 'ndc-version': '17.2' });
    expect(anyMessage.status).toBe(415);
    expectValidErrors172(anyMessage.text);
  });

  it('413: the namespace of the version the header names', async () => {
    const big = `<AirShoppingRQ xmlns="${EDIST_172_NS}">${'<x/>'.repeat(20_000)}</AirShoppingRQ>`;
    const legacy = await postXml(url('/api/v1/ndc'), big, { 'x-api-key': AGENCY_KEY, 'ndc-version': '17.2' });
    expect(legacy.status).toBe(413);
    expect(errorCodeOf(legacy.text)).toBe('BODY_TOO_LARGE');
    expectValidErrors172(legacy.text);
    const modern = await postXml(url('/api/v1/ndc'), big, { 'x-api-key': AGENCY_KEY });
    expect(modern.status).toBe(413);
    expect(readRootElement(modern.text)).toMatchObject({ localName: 'Errors', namespace: OO_MESSAGE_NS });
  });

  it('an unknown root: the namespace of the root, whatever the default or the header', async () => {
    const legacy = await postXml(url('/api/v1/ndc'), `<Hello xmlns="${EDIST_172_NS}"/>`, { 'x-api-key': AGENCY_KEY });
    expect(legacy.status).toBe(400);
    expect(errorCodeOf(legacy.text)).toBe('UNKNOWN_MESSAGE');
    expectValidErrors172(legacy.text);
    const modern = await postXml(url('/api/v1/ndc'), `<Hello xmlns="${OO_MESSAGE_NS}"/>`, { 'x-api-key': AGENCY_KEY });
    expect(modern.status).toBe(400);
    expect(errorCodeOf(modern.text)).toBe('UNKNOWN_MESSAGE');
    expect(readRootElement(modern.text)).toMatchObject({ localName: 'Errors', namespace: OO_MESSAGE_NS });
    // A header naming 17.2 does not move a 21.3-namespace document into 17.2's namespace.
    const claimed = await postXml(url('/api/v1/ndc'), `<Hello xmlns="${OO_MESSAGE_NS}"/>`, { 'x-api-key': AGENCY_KEY, 'ndc-version': '17.2' });
    expect(errorCodeOf(claimed.text)).toBe('UNSUPPORTED_VERSION');
    expect(readRootElement(claimed.text)).toMatchObject({ localName: 'Errors', namespace: OO_MESSAGE_NS });
  });

  it('an unknown message with a known replacement in that version says so', async () => {
    const answer = await postXml(url('/api/v1/ndc'), `<IATA_OrderCancelRQ xmlns="${OO_MESSAGE_NS}"/>`, { 'x-api-key': AGENCY_KEY });
    expect(answer.status).toBe(400);
    expect(errorCodeOf(answer.text)).toBe('UNKNOWN_MESSAGE');
    expect(readRootElement(answer.text)).toMatchObject({ localName: 'Errors', namespace: OO_MESSAGE_NS });
    expect(answer.text).toContain('IATA_OrderCancelRQ is not a message of NDC 21.3: use OrderReshop then OrderChange');
  });
});
