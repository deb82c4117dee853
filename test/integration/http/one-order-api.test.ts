import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import { dayFromToday } from '../../support/ndc-doc.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * The ONE Order REST API against a gateway with two API clients, the reference airline and the
 * reference payment service: the order lifecycle over JSON, its error statuses, ownership, and the
 * answers checked against the OpenAPI document the gateway serves.
 */

const KEY_A = 'agency-a-key-4d1f0b7c93';
const KEY_B = 'agency-b-key-8e2a6c5d10';
const APPROVED = '4111111111111111';
const DECLINED = '4000000000000002';

type Json = Record<string, any>;
interface Answer { status: number; body: Json; headers: Headers }

describe('ONE Order REST API', () => {
  let gw: RunningGateway;
  let dir: string;
  let base: string;
  let openApi: Json;
  let ajv: Ajv;
  let offers: { offerId: string }[];
  let nextOffer = 0;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = KEY_A): Promise<Answer> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(key ? { 'x-api-key': key } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : JSON.parse(text) as Json, headers: response.headers };
  }

  /** The schema the document gives the answer of `method path` with `status`. */
  function documented(path: string, method: string, status: number): (data: unknown) => boolean {
    const schema = openApi.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema as { $ref: string } | undefined;
    expect(schema, `${method} ${path} ${status} is documented`).toBeDefined();
    const validate = ajv.compile({ $ref: `one-order-openapi${schema!.$ref}` });
    return (data) => {
      const ok = validate(data) as boolean;
      if (!ok) throw new Error(`${method} ${path} ${status}: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
      return ok;
    };
  }

  function orderBody(offerId: string, card?: string): Json {
    return {
      offerId,
      passengers: [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Ada', surname: 'Lovelace' }],
      contacts: [{ contactId: 'C1', emails: [{ address: 'ada@example.com' }] }],
      ...(card ? { payment: { card: { number: card, expiry: '12/30', cvv: '123', holderName: 'Ada Lovelace' } } } : {}),
    };
  }

  function freshOffer(): string {
    const offer = offers[nextOffer++];
    expect(offer, 'an offer left from the shop').toBeDefined();
    return offer!.offerId;
  }

  async function orderCount(clientId: string): Promise<number> {
    const result = await gw.gateway.deps.queue.send({
      name: 'order.list', payload: {}, meta: { correlationId: 'test', version: 'rest', message: 'OrderListRQ', deadline: Date.now() + 10_000, clientId },
    }) as { orders: unknown[] };
    return result.orders.length;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'one-order-'));
    const clientsFile = join(dir, 'clients.json');
    const orderMessages = ['OrderCreateRQ', 'OrderRetrieveRQ', 'OrderChangeRQ', 'OrderCancelRQ'];
    writeFileSync(clientsFile, JSON.stringify([
      { id: 'agency-a', name: 'Agency A', apiKeys: [hashApiKey(KEY_A)], messages: orderMessages },
      { id: 'agency-b', name: 'Agency B', apiKeys: [hashApiKey(KEY_B)], messages: orderMessages },
    ]));
    gw = await startGateway({ NDC_VERSIONS: '21.3', CLIENTS_FILE: clientsFile });
    base = `${gw.url}/api/v1/one-order`;
    const shop = await fetch(`${gw.airlineUrl}/v1/offer.shop`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ journeys: [{ origin: 'LHR', destination: 'FRA', date: dayFromToday(30) }], passengers: [{ id: 'PAX1', type: 'ADT' }] }),
    });
    expect(shop.status).toBe(200);
    offers = ((await shop.json()) as { offers: { offerId: string }[] }).offers;
    expect(offers.length).toBeGreaterThanOrEqual(4);
    const doc = await call('GET', '/openapi.json', undefined, {}, '');
    expect(doc.status).toBe(200);
    openApi = doc.body;
    ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
    ajv.addSchema(openApi, 'one-order-openapi');
  });

  afterAll(async () => {
    await gw?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves an OpenAPI 3 document describing every route, with the error body and both security schemes', () => {
    expect(openApi.openapi).toMatch(/^3\.[01]\./);
    const operations = Object.entries(openApi.paths as Json).flatMap(([path, item]) => Object.keys(item as Json).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual([
      'GET /openapi.json', 'GET /{id}', 'GET /{id}/status', 'POST /create', 'POST /{id}/deliver', 'POST /{id}/settle', 'PUT /{id}',
      'GET /audit', 'GET /{id}/audit', 'POST /{id}/erasure',
    ].sort());
    expect(openApi.servers[0].url).toBe('/api/v1/one-order');
    expect(Object.keys(openApi.components.securitySchemes).sort()).toEqual(['apiKey', 'bearerAuth']);
    expect(openApi.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(openApi.components.schemas['order.create.result']).toBeDefined();
    expect(openApi.paths['/create'].post.responses[402].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    // Every reference resolves inside the document.
    const refs = JSON.stringify(openApi).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) expect(() => ajv.compile({ $ref: `one-order-openapi${ref.slice(8, -1)}` }), ref).not.toThrow();
  });

  it('refuses a request without a key with a JSON 401', async () => {
    const answer = await call('GET', '/ORDNOSUCHORDER', undefined, {}, '');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('AUTH_REQUIRED');
    expect(answer.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('needs an Idempotency-Key to create an order', async () => {
    const answer = await call('POST', '/create', orderBody(offers[0]!.offerId, APPROVED));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('INVALID_COMMAND');
    documented('/create', 'post', 400)(answer.body);
  });

  describe('a paid order', () => {
    let orderId: string;
    const key = `create-${Date.now()}`;
    let body: Json;

    it('is created (201) with the masked card, and answers as documented', async () => {
      body = orderBody(freshOffer(), APPROVED);
      const answer = await call('POST', '/create', body, { 'idempotency-key': key });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      documented('/create', 'post', 201)(answer.body);
      orderId = answer.body.order.orderId;
      expect(answer.headers.get('location')).toBe(`/api/v1/one-order/${orderId}`);
      expect(answer.headers.get('etag')).toBe(`"${answer.body.order.version}"`);
      expect(answer.body.order.status).toBe('OPENED');
      expect(answer.body.order.payments[0].method.maskedNumber).toMatch(/^[*X]+1111$/);
      expect(JSON.stringify(answer.body)).not.toContain(APPROVED);
    });

    it('is read back and its statuses are shown, as documented', async () => {
      const got = await call('GET', `/${orderId}`);
      expect(got.status).toBe(200);
      documented('/{id}', 'get', 200)(got.body);
      expect(got.body.order.orderId).toBe(orderId);
      const status = await call('GET', `/${orderId}/status`);
      expect(status.status).toBe(200);
      documented('/{id}/status', 'get', 200)(status.body);
      expect(status.body).toMatchObject({ orderId, status: 'OPENED', version: got.body.order.version });
      const services = status.body.items.flatMap((i: Json) => i.services);
      expect(services.length).toBeGreaterThan(0);
      for (const service of services) expect(service.settlement.status).toBe('SETTLED');
      expect(status.body.payments[0].status).toBe('SUCCESSFUL');
    });

    it('is answered again (200, same order) on a replay with the same Idempotency-Key, never made twice', async () => {
      const before = await orderCount('agency-a');
      const answer = await call('POST', '/create', body, { 'idempotency-key': key });
      expect(answer.status).toBe(200);
      documented('/create', 'post', 200)(answer.body);
      expect(answer.body.order.orderId).toBe(orderId);
      expect(await orderCount('agency-a')).toBe(before);
    });

    it('is not there for another client: 404 ORDER_NOT_FOUND on every route, exactly like an unknown order', async () => {
      const unknown = await call('GET', '/ORDUNKNOWN1234567890', undefined, {}, KEY_B);
      for (const [method, path, payload] of [
        ['GET', `/${orderId}`], ['GET', `/${orderId}/status`], ['POST', `/${orderId}/deliver`, { all: true }], ['POST', `/${orderId}/settle`, { all: true }],
        ['PUT', `/${orderId}`, { expectedVersion: 1, contacts: [{ contactId: 'C9', emails: [{ address: 'x@example.com' }] }] }],
      ] as const) {
        const answer = await call(method, path, payload, {}, KEY_B);
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body.error.code).toBe('ORDER_NOT_FOUND');
        expect(JSON.stringify(answer.body)).not.toContain('agency-a');
      }
      expect(unknown.status).toBe(404);
      documented('/{id}', 'get', 404)(unknown.body);
    });

    it('refuses a change at a stale version with 409 ORDER_VERSION_CONFLICT, and one without a version with 400', async () => {
      const contacts = [{ contactId: 'C2', emails: [{ address: 'ops@example.com' }] }];
      const { body: current } = await call('GET', `/${orderId}`);
      const stale = await call('PUT', `/${orderId}`, { contacts }, { 'if-match': `"${current.order.version - 1}"` });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe('ORDER_VERSION_CONFLICT');
      documented('/{id}', 'put', 409)(stale.body);
      const unversioned = await call('PUT', `/${orderId}`, { contacts });
      expect(unversioned.status).toBe(400);
      const changed = await call('PUT', `/${orderId}`, { contacts, expectedVersion: current.order.version });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      documented('/{id}', 'put', 200)(changed.body);
      expect(changed.body.order.version).toBe(current.order.version + 1);
      expect(changed.body.order.contacts.map((c: Json) => c.contactId)).toEqual(['C1', 'C2']);
    });

    it('delivers every service, which closes the paid (already settled) order', async () => {
      const { body: before } = await call('GET', `/${orderId}`);
      const answer = await call('POST', `/${orderId}/deliver`, { all: true });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      documented('/{id}/deliver', 'post', 200)(answer.body);
      expect(answer.body.order.version).toBe(before.order.version + 1);
      const status = await call('GET', `/${orderId}/status`);
      const services = status.body.items.flatMap((i: Json) => i.services);
      for (const service of services) expect(service.delivery.status).toBe('DELIVERED');
      expect(status.body.status).toBe('CLOSED');
      const again = await call('POST', `/${orderId}/deliver`, { all: true });
      expect(again.status).toBe(200);
      expect(again.body.order.version).toBe(answer.body.order.version);
      const closed = await call('PUT', `/${orderId}`, { contacts: [{ contactId: 'C3', emails: [{ address: 'late@example.com' }] }], expectedVersion: again.body.order.version });
      expect(closed.status).toBe(409);
      expect(closed.body.error.code).toBe('ORDER_NOT_CHANGEABLE');
    });
  });

  it('a hold booking: delivered services keep the order OPENED until they are settled, then it CLOSES', async () => {
    const created = await call('POST', '/create', orderBody(freshOffer()), { 'idempotency-key': `hold-${Date.now()}` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const orderId = created.body.order.orderId as string;
    expect(created.body.order.amountDue).toBeGreaterThan(0);
    const serviceIds = created.body.order.items.flatMap((i: Json) => i.services.map((s: Json) => s.serviceId)) as string[];

    const first = await call('POST', `/${orderId}/deliver`, { serviceIds: [serviceIds[0]] }, { 'if-match': `"${created.body.order.version}"` });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const delivered = await call('POST', `/${orderId}/deliver`, { all: true });
    expect(delivered.status).toBe(200);
    let status = await call('GET', `/${orderId}/status`);
    expect(status.body.status).toBe('OPENED');
    for (const service of status.body.items.flatMap((i: Json) => i.services)) {
      expect(service.delivery.status).toBe('DELIVERED');
      expect(service.settlement.status).toBe('PENDING');
    }

    const staleSettle = await call('POST', `/${orderId}/settle`, { all: true, expectedVersion: created.body.order.version });
    expect(staleSettle.status).toBe(409);
    const unknown = await call('POST', `/${orderId}/settle`, { serviceIds: ['SV999'] });
    expect(unknown.status).toBe(422);
    const settled = await call('POST', `/${orderId}/settle`, { all: true });
    expect(settled.status, JSON.stringify(settled.body)).toBe(200);
    documented('/{id}/settle', 'post', 200)(settled.body);
    expect(settled.body.order.status).toBe('CLOSED');
    status = await call('GET', `/${orderId}/status`);
    expect(status.body.status).toBe('CLOSED');
    for (const service of status.body.items.flatMap((i: Json) => i.services)) expect(service.settlement.status).toBe('SETTLED');
  });

  it('answers a declined card with 402 PAYMENT_DECLINED and creates no order', async () => {
    const before = await orderCount('agency-a');
    const answer = await call('POST', '/create', orderBody(freshOffer(), DECLINED), { 'idempotency-key': `declined-${Date.now()}` });
    expect(answer.status, JSON.stringify(answer.body)).toBe(402);
    expect(answer.body.error.code).toBe('PAYMENT_DECLINED');
    documented('/create', 'post', 402)(answer.body);
    expect(JSON.stringify(answer.body)).not.toContain(DECLINED);
    expect(await orderCount('agency-a')).toBe(before);
  });

  it('refuses bodies that are not JSON, or not valid JSON', async () => {
    const xml = await fetch(`${base}/create`, { method: 'POST', headers: { 'x-api-key': KEY_A, 'content-type': 'application/xml', 'idempotency-key': 'k-xml' }, body: '<a/>' });
    expect(xml.status).toBe(415);
    const broken = await fetch(`${base}/create`, { method: 'POST', headers: { 'x-api-key': KEY_A, 'content-type': 'application/json', 'idempotency-key': 'k-broken' }, body: `{"card":"${APPROVED}"` });
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(JSON.parse(text).error.code).toBe('INVALID_COMMAND');
    expect(text).not.toContain(APPROVED);
  });
});
