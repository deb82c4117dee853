import { afterAll, afterEach, beforeAll, describe, it, expect } from 'vitest';
import { createAirlineClient, type AirlineClient, type AirlineClientOptions } from '../../../src/downstream/index.ts';
import { failure } from '../../support/gateway-failure.ts';
import { closedPort, json, startStubServer, type StubHandler, type StubServer } from '../../support/stub-server.ts';

type Behaviour = StubHandler;

let server: StubServer;
let baseUrl: string;
let behaviour: Behaviour = (_req, res) => res.end('{}');
const calls: { path: string; correlationId: string | undefined; body: string }[] = [];
const clients: AirlineClient[] = [];

function client(overrides: Partial<AirlineClientOptions> = {}): AirlineClient {
  const created = createAirlineClient({ baseUrl, timeoutMs: 1000, retries: 2, retryBackoffMs: 5, ...overrides });
  clients.push(created);
  return created;
}

beforeAll(async () => {
  server = await startStubServer((req, res, body) => {
    calls.push({ path: req.url ?? '', correlationId: req.headers['x-correlation-id'] as string | undefined, body });
    behaviour(req, res, body);
  });
  baseUrl = server.url;
});

afterEach(async () => {
  calls.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await server.close();
});

describe('airline client', () => {
  it('posts the command with the correlation id and returns the JSON result', async () => {
    behaviour = (_req, res, body) => json(res, 200, { echoed: JSON.parse(body) as unknown });
    const result = await client().call('offer.shop', { a: 1 }, { correlationId: 'corr-1' });
    expect(result).toEqual({ echoed: { a: 1 } });
    expect(calls).toEqual([{ path: '/v1/offer.shop', correlationId: 'corr-1', body: '{"a":1}' }]);
  });

  it('keeps the connection open between calls instead of connecting for each', async () => {
    behaviour = (_req, res) => json(res, 200, { ok: true });
    let connections = 0;
    const count = (): void => { connections += 1; };
    server.server.on('connection', count);
    try {
      const airline = client();
      for (let i = 0; i < 10; i += 1) await airline.call('offer.price', {}, { correlationId: `corr-ka-${i}` });
    } finally {
      server.server.off('connection', count);
    }
    expect(calls).toHaveLength(10);
    // undici may open a second connection while the first is being freed; it then reuses both.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('retries an idempotent command after a 503 and returns the later success', async () => {
    behaviour = (_req, res) => (calls.length === 1 ? json(res, 503, { error: { code: 'BUSY', message: 'busy' } }) : json(res, 200, { ok: true }));
    expect(await client().call('offer.price', {}, { correlationId: 'corr-2' })).toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it('gives up with DOWNSTREAM_UNAVAILABLE after the configured retries', async () => {
    behaviour = (_req, res) => json(res, 500, { error: { code: 'INTERNAL_ERROR', message: 'boom' } });
    const error = await failure(client({ retries: 2 }).call('seat.availability', {}, { correlationId: 'corr-3' }));
    expect(error.code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(calls).toHaveLength(3);
  });

  it('does not retry a command that is not idempotent', async () => {
    behaviour = (_req, res) => json(res, 503, {});
    const error = await failure(client().call('order.create', {}, { correlationId: 'corr-4' }));
    expect(error.code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(calls).toHaveLength(1);
  });

  it('does not retry a business refusal and keeps its code and message', async () => {
    behaviour = (_req, res) => json(res, 422, { error: { code: 'OFFER_EXPIRED', message: 'Offer O1 expired at 2027-01-01T00:00:00Z' } });
    const error = await failure(client().call('offer.price', { offerId: 'O1' }, { correlationId: 'corr-5' }));
    expect(error.code).toBe('OFFER_EXPIRED');
    expect(error.message).toBe('Offer O1 expired at 2027-01-01T00:00:00Z');
    expect(calls).toHaveLength(1);
  });

  it('maps a 422 with a code outside the business table to INVALID_BUSINESS_DATA', async () => {
    behaviour = (_req, res) => json(res, 422, { error: { code: 'INTERNAL_ERROR', message: 'odd' } });
    expect((await failure(client().call('offer.price', {}, { correlationId: 'corr-6' }))).code).toBe('INVALID_BUSINESS_DATA');
  });

  it('turns a slow answer into DEADLINE_EXCEEDED without retrying', async () => {
    behaviour = (_req, res) => { setTimeout(() => json(res, 200, { late: true }), 600).unref(); };
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 100 }).call('offer.shop', {}, { correlationId: 'corr-7' }));
    expect(error.code).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(500);
    expect(calls).toHaveLength(1);
  });

  it('caps the attempt by the remaining deadline, and refuses to start after it', async () => {
    behaviour = (_req, res) => { setTimeout(() => json(res, 200, {}), 800).unref(); };
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 5000 }).call('offer.shop', {}, { correlationId: 'corr-8', deadline: Date.now() + 150 }));
    expect(error.code).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(600);
    const late = await failure(client().call('offer.shop', {}, { correlationId: 'corr-9', deadline: Date.now() - 1 }));
    expect(late.code).toBe('DEADLINE_EXCEEDED');
  });

  it('reports a refused connection as DOWNSTREAM_UNAVAILABLE', async () => {
    const port = await closedPort();
    const unreachable = client({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 });
    expect((await failure(unreachable.call('offer.shop', {}, { correlationId: 'corr-10' }))).code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(await unreachable.isReachable()).toBe(false);
  });

  it('opens the breaker after repeated failures and then answers without calling the airline', async () => {
    behaviour = (_req, res) => json(res, 503, {});
    const breaking = client({ retries: 0, breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } });
    for (let i = 0; i < 3; i += 1) await failure(breaking.call('offer.shop', {}, { correlationId: `corr-b${i}` }));
    expect(calls).toHaveLength(3);
    const error = await failure(breaking.call('offer.shop', {}, { correlationId: 'corr-open' }));
    expect(error.code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/circuit open/);
    expect(calls).toHaveLength(3);
  });

  it('lets a trial call through once half-open and closes again on success', async () => {
    behaviour = (_req, res) => json(res, 503, {});
    const breaking = client({ retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 150 } });
    for (let i = 0; i < 2; i += 1) await failure(breaking.call('offer.shop', {}, { correlationId: `corr-h${i}` }));
    expect((await failure(breaking.call('offer.shop', {}, { correlationId: 'corr-h-open' }))).message).toMatch(/circuit open/);
    behaviour = (_req, res) => json(res, 200, { back: true });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await breaking.call('offer.shop', {}, { correlationId: 'corr-h-trial' })).toEqual({ back: true });
    expect(await breaking.call('offer.shop', {}, { correlationId: 'corr-h-after' })).toEqual({ back: true });
  });

  it('does not count business refusals towards opening the breaker', async () => {
    behaviour = (_req, res) => json(res, 422, { error: { code: 'NO_AVAILABILITY', message: 'none' } });
    const breaking = client({ retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 10, resetTimeoutMs: 60_000 } });
    for (let i = 0; i < 5; i += 1) expect((await failure(breaking.call('offer.shop', {}, { correlationId: `corr-r${i}` }))).code).toBe('NO_AVAILABILITY');
    expect(calls).toHaveLength(5);
  });

  it('checks reachability through the health endpoint', async () => {
    behaviour = (req, res) => (req.url === '/health' ? json(res, 200, { status: 'ok' }) : json(res, 404, {}));
    expect(await client().isReachable()).toBe(true);
    behaviour = (_req, res) => json(res, 503, {});
    expect(await client().isReachable()).toBe(false);
  });
});
