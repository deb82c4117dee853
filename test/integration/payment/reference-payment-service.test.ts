import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { request, type Dispatcher } from 'undici';
import { createPaymentClient, PaymentServiceError, type PaymentClient } from '../../../src/downstream/index.ts';
import { failure } from '../../support/gateway-failure.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createReferencePaymentService, type CardInput, type ReferencePaymentService } from '../../../src/reference/payment/index.ts';

/** Every card number and CVV this suite sends; none may appear in any log line. */
const VISA = '4111111111111111';
const MASTERCARD = '5555555555554444';
const AMEX = '378282246310005';
const DECLINES = '4000000000000002';
const NO_FUNDS = '4000000000009995';
const PROCESSING_ERROR = '4000000000000119';
const LUHN_INVALID = '4111111111111112';
const CVV = '864';
const AMEX_CVV = '5821';
const SECRETS = [VISA, MASTERCARD, AMEX, DECLINES, NO_FUNDS, PROCESSING_ERROR, LUHN_INVALID];

let logText = '';
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logText += chunk.toString('utf8');
    done();
  },
});
const logger = createLogger('debug', sink);

let service: ReferencePaymentService;
let url: string;
let payments: PaymentClient;
let proxy: Server;
let proxyUrl: string;
/** Authorisation answers the proxy swallows (it closes the connection instead), to lose them in transit. */
let answersToLose = 0;

const card = (cardNumber: string, overrides: Partial<CardInput> = {}): CardInput => ({ cardNumber, expiry: '12/30', cvv: CVV, holderName: 'Ada Lovelace', ...overrides });

let keys = 0;
const key = (): string => `ORD-test-${(keys += 1)}`;

async function post(path: string, body: string): Promise<{ status: number; json: { error?: { code: string; message: string; details?: unknown[] } } & Record<string, unknown> }> {
  const response = await request(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: response.statusCode, json: (await response.body.json()) as never };
}

beforeAll(async () => {
  service = createReferencePaymentService({ logger: logger.child({ component: 'reference-payment-service' }), amountLimit: 5000 });
  url = (await service.listen(0)).url;
  payments = createPaymentClient({ baseUrl: url, timeoutMs: 2000, retries: 2, retryBackoffMs: 5, logger });

  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const upstream = await request(`${url}${req.url ?? '/'}`, {
          method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
          headers: { 'content-type': 'application/json', 'x-correlation-id': String(req.headers['x-correlation-id'] ?? 'proxy') },
          body: chunks.length > 0 ? Buffer.concat(chunks) : null,
        });
        const text = await upstream.body.text();
        if (req.url === '/v1/authorisations' && answersToLose > 0) {
          answersToLose -= 1;
          req.socket.destroy();
          return;
        }
        res.writeHead(upstream.statusCode, { 'content-type': 'application/json' });
        res.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await payments.close();
  await service.close();
  proxy.closeAllConnections();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
});

describe('reference payment service', () => {
  it('answers health checks', async () => {
    expect(await payments.isReachable()).toBe(true);
  });

  it('tokenises, authorises, captures and refunds an approving card', async () => {
    const token = await payments.tokenise(card('4111 1111 1111 1111'), { correlationId: 'corr-flow' });
    expect(token).toMatchObject({ maskedNumber: '************1111', brand: 'VISA', expiry: '2030-12' });
    const authorised = await payments.authorise({ token: token.token, amount: 245.8, currency: 'EUR', reference: 'ORD-FLOW', idempotencyKey: key() }, { correlationId: 'corr-flow' });
    expect(authorised).toMatchObject({ status: 'AUTHORISED', amount: 245.8, currency: 'EUR', reference: 'ORD-FLOW', maskedNumber: '************1111' });
    expect(authorised.authorisationCode).toMatch(/^[A-Z0-9]{6}$/);
    const captured = await payments.capture(authorised.authorisationId);
    expect(captured).toMatchObject({ status: 'CAPTURED', capturedAmount: 245.8 });
    expect(await payments.capture(authorised.authorisationId)).toEqual(captured);
    expect(await payments.refund({ authorisationId: authorised.authorisationId, amount: 45.8 })).toMatchObject({ amount: 45.8, currency: 'EUR', status: 'REFUNDED' });
    expect(await payments.getAuthorisation(authorised.authorisationId)).toMatchObject({ status: 'CAPTURED', refundedAmount: 45.8 });
  });

  it('authorises Mastercard and American Express test cards', async () => {
    const mastercard = await payments.tokenise(card(MASTERCARD));
    expect(mastercard.brand).toBe('MASTERCARD');
    expect((await payments.authorise({ token: mastercard.token, amount: 10, currency: 'USD', reference: 'ORD-MC', idempotencyKey: key() })).status).toBe('AUTHORISED');
    const amex = await payments.tokenise(card(AMEX, { cvv: AMEX_CVV, expiry: '2031-01' }));
    expect(amex).toMatchObject({ brand: 'AMEX', maskedNumber: '***********0005', expiry: '2031-01' });
    expect((await payments.authorise({ token: amex.token, amount: 10, currency: 'GBP', reference: 'ORD-AX', idempotencyKey: key() })).status).toBe('AUTHORISED');
  });

  it.each([
    [DECLINES, 'CARD_DECLINED'],
    [NO_FUNDS, 'INSUFFICIENT_FUNDS'],
  ])('declines %s with %s, answered as a DECLINED authorisation', async (cardNumber, reason) => {
    const { token } = await payments.tokenise(card(cardNumber));
    const declined = await payments.authorise({ token, amount: 80, currency: 'EUR', reference: 'ORD-DECLINE', idempotencyKey: key() });
    expect(declined).toMatchObject({ status: 'DECLINED', declineReason: reason });
    expect(declined.authorisationCode).toBeUndefined();
    expect((await failure(payments.capture(declined.authorisationId))) as PaymentServiceError).toMatchObject({ serviceCode: 'INVALID_STATE' });
  });

  it('declines an amount above the limit, whatever the card', async () => {
    const { token } = await payments.tokenise(card(VISA));
    expect(await payments.authorise({ token, amount: 5000.01, currency: 'EUR', reference: 'ORD-BIG', idempotencyKey: key() })).toMatchObject({ status: 'DECLINED', declineReason: 'AMOUNT_LIMIT_EXCEEDED' });
  });

  it('voids an authorisation, which then cannot be captured', async () => {
    const { token } = await payments.tokenise(card(VISA));
    const authorised = await payments.authorise({ token, amount: 300, currency: 'EUR', reference: 'ORD-VOID', idempotencyKey: key() });
    expect((await payments.void(authorised.authorisationId)).status).toBe('VOIDED');
    expect((await payments.void(authorised.authorisationId)).status).toBe('VOIDED');
    const error = await failure(payments.capture(authorised.authorisationId));
    expect(error).toBeInstanceOf(PaymentServiceError);
    expect(error).toMatchObject({ code: 'INVALID_BUSINESS_DATA', serviceCode: 'INVALID_STATE' });
  });

  it('answers a repeated authorisation with the first one and charges once', async () => {
    const { token } = await payments.tokenise(card(VISA));
    const body = { token, amount: 99.9, currency: 'EUR', reference: 'ORD-REPEAT', idempotencyKey: key() };
    const first = await post('/v1/authorisations', JSON.stringify(body));
    const again = await post('/v1/authorisations', JSON.stringify(body));
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(service.authorisations().filter((a) => a.reference === 'ORD-REPEAT')).toHaveLength(1);
    const reused = await post('/v1/authorisations', JSON.stringify({ ...body, amount: 100 }));
    expect(reused).toMatchObject({ status: 409, json: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } });
  });

  it('retries an authorisation whose answer was lost and gets the same authorisation, charged once', async () => {
    const viaProxy = createPaymentClient({ baseUrl: proxyUrl, timeoutMs: 2000, retries: 2, retryBackoffMs: 5, logger });
    try {
      const { token } = await viaProxy.tokenise(card(VISA));
      answersToLose = 1;
      const authorised = await viaProxy.authorise({ token, amount: 512.3, currency: 'EUR', reference: 'ORD-LOST', idempotencyKey: key() }, { correlationId: 'corr-lost' });
      expect(answersToLose).toBe(0);
      expect(authorised.status).toBe('AUTHORISED');
      const charges = service.authorisations().filter((a) => a.reference === 'ORD-LOST');
      expect(charges).toHaveLength(1);
      expect(charges[0]?.authorisationId).toBe(authorised.authorisationId);
      expect(logText).toMatch(/"correlationId":"corr-lost".*"msg":"retrying payment service call"/);
    } finally {
      await viaProxy.close();
    }
  });

  it('answers the processing-error card with 503, records nothing, and the client gives up after its retries', async () => {
    const { token } = await payments.tokenise(card(PROCESSING_ERROR));
    const before = service.authorisations().length;
    const error = await failure(payments.authorise({ token, amount: 20, currency: 'EUR', reference: 'ORD-PSP-DOWN', idempotencyKey: key() }));
    expect(error.code).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/503/);
    expect(service.authorisations()).toHaveLength(before);
  });

  it('lets the processing-error card time out a caller when the service is slow', async () => {
    const slow = createReferencePaymentService({ logger, processingErrorDelayMs: 400 });
    const slowUrl = (await slow.listen(0)).url;
    const impatient = createPaymentClient({ baseUrl: slowUrl, timeoutMs: 100, retries: 2, retryBackoffMs: 5, logger });
    try {
      const { token } = await impatient.tokenise(card(PROCESSING_ERROR));
      const started = Date.now();
      expect((await failure(impatient.authorise({ token, amount: 20, currency: 'EUR', reference: 'ORD-SLOW', idempotencyKey: key() }))).code).toBe('DEADLINE_EXCEEDED');
      expect(Date.now() - started).toBeLessThan(350);
    } finally {
      await impatient.close();
      await slow.close();
    }
  });

  it('refuses a card number that fails the Luhn check with 400, naming the field and not the number', async () => {
    const answer = await post('/v1/tokens', JSON.stringify(card(LUHN_INVALID)));
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ code: 'INVALID_CARD_NUMBER', details: [{ path: '/cardNumber' }] });
    expect(JSON.stringify(answer.json)).not.toContain(LUHN_INVALID);
    const error = await failure(payments.tokenise(card(LUHN_INVALID)));
    expect(error).toMatchObject({ code: 'INVALID_BUSINESS_DATA', serviceCode: 'INVALID_CARD_NUMBER' });
  });

  it('refuses bodies that break the schema or are not JSON, without echoing card data', async () => {
    const extra = await post('/v1/tokens', JSON.stringify({ ...card(VISA), pin: VISA }));
    expect(extra.status).toBe(400);
    expect(extra.json.error?.code).toBe('INVALID_REQUEST');
    const badExpiry = await post('/v1/tokens', JSON.stringify(card(VISA, { expiry: '13/30' })));
    expect(badExpiry.json.error).toMatchObject({ code: 'INVALID_REQUEST', details: [{ path: '/expiry' }] });
    const broken = await post('/v1/tokens', `{"cardNumber":"${VISA}","cvv":"${CVV}",`);
    expect(broken).toMatchObject({ status: 400, json: { error: { code: 'INVALID_REQUEST', message: 'The body is not valid JSON' } } });
    for (const answer of [extra, badExpiry, broken]) expect(JSON.stringify(answer.json)).not.toContain(VISA);
  });

  it('answers unknown tokens, authorisations and routes with 404', async () => {
    expect((await failure(payments.authorise({ token: 'tok_unknown', amount: 1, currency: 'EUR', reference: 'R', idempotencyKey: key() })))).toMatchObject({ serviceCode: 'TOKEN_NOT_FOUND' });
    expect(await failure(payments.getAuthorisation('auth_unknown'))).toMatchObject({ serviceCode: 'AUTHORISATION_NOT_FOUND' });
    expect(await post('/v1/charges', '{}')).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
  });

  it('lists every authorisation and where it stands on GET /admin/authorisations, without card data, to loopback callers', async () => {
    const { token } = await payments.tokenise(card(VISA));
    const captured = await payments.authorise({ token, amount: 99.5, currency: 'EUR', reference: 'ORD-LISTED', idempotencyKey: key() });
    await payments.capture(captured.authorisationId);
    const open = await payments.authorise({ token, amount: 12, currency: 'EUR', reference: 'ORD-LISTED-2', idempotencyKey: key() });
    const response = await request(`${url}/admin/authorisations`);
    const text = await response.body.text();
    expect(response.statusCode).toBe(200);
    const listed = (JSON.parse(text) as { authorisations: { authorisationId: string; reference: string; status: string; capturedAmount: number }[] }).authorisations;
    expect(listed.find((a) => a.authorisationId === captured.authorisationId)).toMatchObject({ reference: 'ORD-LISTED', status: 'CAPTURED', capturedAmount: 99.5 });
    expect(listed.find((a) => a.authorisationId === open.authorisationId)).toMatchObject({ reference: 'ORD-LISTED-2', status: 'AUTHORISED', capturedAmount: 0 });
    expect(listed).toHaveLength(service.authorisations().length);
    expect(text).not.toContain('maskedNumber');
    expect(text).not.toContain('1111');
  });

  it('with an admin key, GET /admin/authorisations needs it as a bearer key', async () => {
    const guarded = createReferencePaymentService({ adminKey: 'payment-admin-key-1234' });
    const { url: guardedUrl } = await guarded.listen(0, '127.0.0.1');
    try {
      expect((await request(`${guardedUrl}/admin/authorisations`)).statusCode).toBe(401);
      expect((await request(`${guardedUrl}/admin/authorisations`, { headers: { authorization: 'Bearer wrong-key-123456789' } })).statusCode).toBe(401);
      const allowed = await request(`${guardedUrl}/admin/authorisations`, { headers: { authorization: 'Bearer payment-admin-key-1234' } });
      expect(allowed.statusCode).toBe(200);
      expect(await allowed.body.json()).toEqual({ authorisations: [] });
    } finally {
      await guarded.close();
    }
  });

  it('never writes a card number or a CVV to the logs of the whole run', () => {
    const lines = logText.trim().split('\n');
    expect(lines.length).toBeGreaterThan(40);
    expect(logText).toContain('"maskedNumber":"************1111"');
    expect(logText).toContain('"msg":"payment request body is not JSON"');
    for (const secret of SECRETS) {
      expect(logText, secret).not.toContain(secret);
      expect(logText.replace(/[ -]/g, ''), secret).not.toContain(secret);
    }
    for (const cvv of [CVV, AMEX_CVV]) expect(logText, cvv).not.toMatch(new RegExp(`(?<![0-9A-Za-z])${cvv}(?![0-9A-Za-z])`));
  });
});
