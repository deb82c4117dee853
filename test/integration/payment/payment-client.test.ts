import { afterAll, afterEach, beforeAll, describe, it, expect } from 'vitest';
import { createPaymentClient, PaymentServiceError, type PaymentClient, type PaymentClientOptions } from '../../../src/downstream/index.ts';
import { failure } from '../../support/gateway-failure.ts';
import { closedPort, json, startStubServer, type StubHandler, type StubServer } from '../../support/stub-server.ts';

type Behaviour = StubHandler;

let server: StubServer;
let baseUrl: string;
let behaviour: Behaviour = (_req, res) => res.end('{}');
const calls: { method: string; path: string; correlationId: string | undefined; body: string }[] = [];
const clients: PaymentClient[] = [];

const AUTHORISATION = {
  authorisationId: 'auth_1', status: 'AUTHORISED', authorisationCode: 'A1B2C3', amount: 120.5, currency: 'EUR', reference: 'ORD1',
  maskedNumber: '************1111', brand: 'VISA', capturedAmount: 0, refundedAmount: 0, createdAt: '2027-03-15T10:00:00.000Z',
};
const DECLINED = { ...AUTHORISATION, authorisationId: 'auth_2', status: 'DECLINED', declineReason: 'INSUFFICIENT_FUNDS', authorisationCode: undefined };
const TOKEN = { token: 'tok_1', maskedNumber: '************1111', brand: 'VISA', expiry: '2030-12' };
const REFUND = { refundId: 'rf_1', authorisationId: 'auth_1', amount: 10, currency: 'EUR', status: 'REFUNDED', createdAt: '2027-03-15T10:00:00.000Z' };
const CARD = { cardNumber: '4111111111111111', expiry: '12/30', cvv: '864', holderName: 'Ada Lovelace' };
const AUTHORISE = { token: 'tok_1', amount: 120.5, currency: 'EUR', reference: 'ORD1', idempotencyKey: 'ORD1-pay-1' };

/** Fails the first `failures` calls with `fail`, then answers `ok`. */
function flaky(failures: number, fail: Behaviour, ok: Behaviour): Behaviour {
  return (req, res, body) => (calls.length <= failures ? fail(req, res, body) : ok(req, res, body));
}

const unavailable: Behaviour = (_req, res) => json(res, 503, { error: { code: 'PROCESSING_ERROR', message: 'try later' } });
const reset: Behaviour = (req) => req.socket.destroy();

function client(overrides: Partial<PaymentClientOptions> = {}): PaymentClient {
  const created = createPaymentClient({ baseUrl, timeoutMs: 1000, retries: 2, retryBackoffMs: 5, ...overrides });
  clients.push(created);
  return created;
}

beforeAll(async () => {
  server = await startStubServer((req, res, body) => {
    calls.push({ method: req.method ?? '', path: req.url ?? '', correlationId: req.headers['x-correlation-id'] as string | undefined, body });
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

describe('payment client', () => {
  it('sends each call to its route with the correlation id and returns the answer', async () => {
    behaviour = (req, res) => {
      if (req.url === '/v1/tokens') return json(res, 201, TOKEN);
      if (req.url === '/v1/refunds') return json(res, 201, REFUND);
      if (req.url === '/v1/authorisations/auth_1/capture') return json(res, 200, { ...AUTHORISATION, status: 'CAPTURED', capturedAmount: 120.5 });
      if (req.url === '/v1/authorisations/auth_1/void') return json(res, 200, { ...AUTHORISATION, status: 'VOIDED' });
      return json(res, req.method === 'GET' ? 200 : 201, AUTHORISATION);
    };
    const payments = client();
    const options = { correlationId: 'corr-1' };
    expect(await payments.tokenise(CARD, options)).toEqual(TOKEN);
    expect(await payments.authorise(AUTHORISE, options)).toEqual(AUTHORISATION);
    expect((await payments.capture('auth_1', options)).status).toBe('CAPTURED');
    expect((await payments.void('auth_1', options)).status).toBe('VOIDED');
    expect(await payments.refund({ authorisationId: 'auth_1', amount: 10 }, options)).toEqual(REFUND);
    expect(await payments.getAuthorisation('auth_1', options)).toEqual(AUTHORISATION);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /v1/tokens', 'POST /v1/authorisations', 'POST /v1/authorisations/auth_1/capture', 'POST /v1/authorisations/auth_1/void',
      'POST /v1/refunds', 'GET /v1/authorisations/auth_1',
    ]);
    expect(calls.every((c) => c.correlationId === 'corr-1')).toBe(true);
    expect(JSON.parse(calls[1]?.body ?? '')).toEqual(AUTHORISE);
  });

  it('returns a declined authorisation instead of throwing', async () => {
    behaviour = (_req, res) => json(res, 201, DECLINED);
    expect(await client().authorise(AUTHORISE)).toMatchObject({ status: 'DECLINED', declineReason: 'INSUFFICIENT_FUNDS' });
  });

  it('retries an authorisation after a 503 and a lost connection, since its idempotency key makes that safe', async () => {
    let failures = 0;
    behaviour = (req, res, body) => {
      failures += 1;
      if (failures === 1) return unavailable(req, res, body);
      if (failures === 2) return reset(req, res, body);
      return json(res, 200, AUTHORISATION);
    };
    expect(await client().authorise(AUTHORISE)).toEqual(AUTHORISATION);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.body))).toEqual(new Set([JSON.stringify(AUTHORISE)]));
  });

  it('retries void and capture, which the service treats as idempotent', async () => {
    behaviour = flaky(1, unavailable, (_req, res) => json(res, 200, { ...AUTHORISATION, status: 'VOIDED' }));
    expect((await client().void('auth_1')).status).toBe('VOIDED');
    expect(calls).toHaveLength(2);
    calls.length = 0;
    behaviour = flaky(2, reset, (_req, res) => json(res, 200, { ...AUTHORISATION, status: 'CAPTURED', capturedAmount: 120.5 }));
    expect((await client().capture('auth_1')).status).toBe('CAPTURED');
    expect(calls).toHaveLength(3);
  });

  it('does not retry tokenisation', async () => {
    behaviour = unavailable;
    expect((await failure(client().tokenise(CARD))).code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(calls).toHaveLength(1);
  });

  it('retries a refund only when it carries an idempotency key', async () => {
    behaviour = unavailable;
    expect((await failure(client().refund({ authorisationId: 'auth_1', amount: 10 }))).code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(calls).toHaveLength(1);
    calls.length = 0;
    behaviour = flaky(1, unavailable, (_req, res) => json(res, 201, REFUND));
    expect(await client().refund({ authorisationId: 'auth_1', amount: 10, idempotencyKey: 'ORD1-refund-1' })).toEqual(REFUND);
    expect(calls).toHaveLength(2);
  });

  it('gives up with DOWNSTREAM_UNAVAILABLE after the configured retries', async () => {
    behaviour = unavailable;
    const error = await failure(client({ retries: 2 }).authorise(AUTHORISE));
    expect(error.code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/Payment service answered 503 for authorise: try later/);
    expect(calls).toHaveLength(3);
  });

  it('turns refusals into PaymentServiceError with the service code, without retrying', async () => {
    const refusals: [number, string][] = [[400, 'INVALID_CARD_NUMBER'], [404, 'TOKEN_NOT_FOUND'], [409, 'INVALID_STATE'], [422, 'REFUND_EXCEEDS_CAPTURED']];
    for (const [status, code] of refusals) {
      calls.length = 0;
      behaviour = (_req, res) => json(res, status, { error: { code, message: `refused: ${code}`, details: [{ message: 'why', path: '/x' }] } });
      const error = await failure(client().authorise(AUTHORISE));
      expect(error).toBeInstanceOf(PaymentServiceError);
      expect(error).toMatchObject({ code: 'INVALID_BUSINESS_DATA', serviceCode: code, message: `refused: ${code}`, details: [{ message: 'why', path: '/x' }] });
      expect(calls).toHaveLength(1);
    }
  });

  it('treats a 404 without a refusal code, and an answer that breaks its schema, as INTERNAL_ERROR', async () => {
    behaviour = (_req, res) => json(res, 404, { error: { code: 'NOT_FOUND', message: 'No such route' } });
    expect((await failure(client().capture('auth_1'))).code).toBe('INTERNAL_ERROR');
    behaviour = (_req, res) => json(res, 201, { ...AUTHORISATION, status: 'MAYBE' });
    const error = await failure(client().authorise(AUTHORISE));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).toMatch(/breaks authorisation/);
    behaviour = (_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html/>'); };
    expect((await failure(client().getAuthorisation('auth_1'))).code).toBe('INTERNAL_ERROR');
  });

  it('turns a slow answer into DEADLINE_EXCEEDED without retrying', async () => {
    behaviour = (_req, res) => { setTimeout(() => json(res, 201, AUTHORISATION), 600).unref(); };
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 100 }).authorise(AUTHORISE));
    expect(error.code).toBe('DEADLINE_EXCEEDED');
    expect(error.message).toMatch(/payment service did not answer within 100 ms/);
    expect(Date.now() - started).toBeLessThan(500);
    expect(calls).toHaveLength(1);
  });

  it('caps the attempt by the remaining deadline, and refuses to start after it', async () => {
    behaviour = (_req, res) => { setTimeout(() => json(res, 200, AUTHORISATION), 800).unref(); };
    const started = Date.now();
    expect((await failure(client({ timeoutMs: 5000 }).capture('auth_1', { deadline: Date.now() + 150 }))).code).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(600);
    calls.length = 0;
    expect((await failure(client().capture('auth_1', { deadline: Date.now() - 1 }))).code).toBe('DEADLINE_EXCEEDED');
    expect(calls).toHaveLength(0);
  });

  it('stops at once when the caller aborts', async () => {
    behaviour = (_req, res) => { setTimeout(() => json(res, 200, AUTHORISATION), 800).unref(); };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    expect((await failure(client({ timeoutMs: 5000 }).capture('auth_1', { signal: controller.signal }))).code).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('reports a refused connection as DOWNSTREAM_UNAVAILABLE and as not reachable', async () => {
    const port = await closedPort();
    const unreachable = client({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 });
    expect((await failure(unreachable.authorise(AUTHORISE))).code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(await unreachable.isReachable()).toBe(false);
  });

  it('opens the breaker after repeated failures and then answers without calling the service', async () => {
    behaviour = unavailable;
    const breaking = client({ retries: 0, breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } });
    for (let i = 0; i < 3; i += 1) await failure(breaking.authorise({ ...AUTHORISE, idempotencyKey: `k${i}` }));
    expect(calls).toHaveLength(3);
    const error = await failure(breaking.capture('auth_1'));
    expect(error.code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/payment service is unavailable \(circuit open/);
    expect(calls).toHaveLength(3);
  });

  it('lets a trial call through once half-open and closes again on success', async () => {
    behaviour = unavailable;
    const breaking = client({ retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 150 } });
    for (let i = 0; i < 2; i += 1) await failure(breaking.capture('auth_1'));
    expect((await failure(breaking.capture('auth_1'))).message).toMatch(/circuit open/);
    behaviour = (_req, res) => json(res, 200, AUTHORISATION);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await breaking.getAuthorisation('auth_1')).toEqual(AUTHORISATION);
    expect(await breaking.getAuthorisation('auth_1')).toEqual(AUTHORISATION);
  });

  it('does not count declines or refusals towards opening the breaker', async () => {
    const breaking = client({ retries: 0, breaker: { volumeThreshold: 2, errorThresholdPercentage: 10, resetTimeoutMs: 60_000 } });
    behaviour = (_req, res) => json(res, 409, { error: { code: 'INVALID_STATE', message: 'voided' } });
    for (let i = 0; i < 4; i += 1) expect(await failure(breaking.capture('auth_1'))).toBeInstanceOf(PaymentServiceError);
    behaviour = (_req, res) => json(res, 201, DECLINED);
    for (let i = 0; i < 4; i += 1) expect((await breaking.authorise(AUTHORISE)).status).toBe('DECLINED');
    expect(calls).toHaveLength(8);
  });

  it('checks reachability through the health endpoint', async () => {
    behaviour = (req, res) => (req.url === '/health' ? json(res, 200, { status: 'ok' }) : json(res, 404, {}));
    expect(await client().isReachable()).toBe(true);
    behaviour = (_req, res) => json(res, 503, {});
    expect(await client().isReachable()).toBe(false);
  });
});
