import { describe, it, expect } from 'vitest';
import { createAuthorisationLedger, createCardVault, loadTestCards, PaymentApiError, type AuthorisationLedger, type CardVault } from '../../../src/reference/payment/index.ts';
import { countCollectionSteps } from '../../support/count-collection-steps.ts';

const testCards = loadTestCards();
const CARD = { cardNumber: '4111 1111 1111 1111', expiry: '12/30', cvv: '737', holderName: 'Ada Lovelace' };

interface Setup {
  vault: CardVault;
  ledger: AuthorisationLedger;
  clock: { now: number };
}

function setup(amountLimit = 10_000): Setup {
  const clock = { now: Date.parse('2027-03-15T10:00:00Z') };
  const now = (): Date => new Date(clock.now);
  const vault = createCardVault({ now, tokenTtlSeconds: 600 });
  return { vault, ledger: createAuthorisationLedger({ vault, testCards, amountLimit, now }), clock };
}

function refusal(fn: () => unknown): PaymentApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PaymentApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

let keys = 0;
const key = (): string => `key-${(keys += 1)}`;

describe('card vault', () => {
  it('tokenises a card and shows only the masked number, brand and normalised expiry', () => {
    const { vault } = setup();
    const token = vault.tokenise(CARD);
    expect(token).toEqual({ token: expect.stringMatching(/^tok_[0-9a-f]{32}$/) as unknown, maskedNumber: '************1111', brand: 'VISA', expiry: '2030-12' });
    expect(JSON.stringify(token)).not.toContain('4111111111111111');
    expect(vault.reveal(token.token)).toMatchObject({ pan: '4111111111111111', cvv: '737', expiry: '2030-12' });
  });

  it('masks with the BIN when asked', () => {
    const vault = createCardVault({ maskStyle: 'first6last4' });
    expect(vault.tokenise(CARD).maskedNumber).toBe('411111XXXXXX1111');
  });

  it('refuses numbers that fail Luhn or have the wrong length, and CVVs of the wrong length for the brand', () => {
    const { vault } = setup();
    expect(refusal(() => vault.tokenise({ ...CARD, cardNumber: '4111111111111112' }))).toMatchObject({ code: 'INVALID_CARD_NUMBER', status: 400 });
    expect(refusal(() => vault.tokenise({ ...CARD, cardNumber: '41111111111' })).code).toBe('INVALID_CARD_NUMBER');
    expect(refusal(() => vault.tokenise({ ...CARD, cvv: '7373' })).code).toBe('INVALID_CVV');
    expect(refusal(() => vault.tokenise({ ...CARD, cardNumber: '378282246310005', cvv: '737' })).code).toBe('INVALID_CVV');
    expect(vault.tokenise({ ...CARD, cardNumber: '378282246310005', cvv: '7373' }).brand).toBe('AMEX');
    expect(vault.size).toBe(1);
  });

  it('never puts the card number in a refusal', () => {
    const { vault } = setup();
    const error = refusal(() => vault.tokenise({ ...CARD, cardNumber: '4111111111111112' }));
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('4111111111111112');
  });

  it('forgets tokens after their lifetime', () => {
    const { vault, clock } = setup();
    const token = vault.tokenise(CARD).token;
    clock.now += 601_000;
    expect(vault.reveal(token)).toBeUndefined();
    expect(vault.size).toBe(0);
  });

  it('holds at most its bound of cards, dropping the oldest token first', () => {
    const vault = createCardVault({ maxEntries: 3 });
    const tokens = [1, 2, 3, 4].map(() => vault.tokenise(CARD).token);
    expect(vault.size).toBe(3);
    expect(vault.reveal(tokens[0] as string)).toBeUndefined();
    expect(tokens.slice(1).every((token) => vault.reveal(token) !== undefined)).toBe(true);
  });

  it('drops expired tokens when the next card comes, without walking the vault', () => {
    const { vault, clock } = setup();
    const old = [1, 2, 3].map(() => vault.tokenise(CARD).token);
    clock.now += 300_000;
    for (let i = 0; i < 1_000; i += 1) vault.tokenise(CARD);
    clock.now += 300_000;
    expect(countCollectionSteps(() => vault.tokenise(CARD))).toBe(0);
    expect(vault.size).toBe(1_001);
    expect(old.every((token) => vault.reveal(token) === undefined)).toBe(true);
  });

  it('card vault tokenise does not walk the vault when full', () => {
    const vault = createCardVault({ maxEntries: 10_000 });
    for (let i = 0; i < 10_000; i += 1) vault.tokenise(CARD);
    expect(countCollectionSteps(() => vault.tokenise(CARD))).toBe(0);
    expect(vault.size).toBe(10_000);
  });

  it('drops every card on close', () => {
    const { vault } = setup();
    vault.tokenise(CARD);
    vault.close();
    expect(vault.size).toBe(0);
  });
});

describe('authorisation ledger', () => {
  it('authorises an approving card with a code and drops the CVV afterwards', () => {
    const { vault, ledger } = setup();
    const { token } = vault.tokenise(CARD);
    const { value, replayed } = ledger.authorise({ token, amount: 120.5, currency: 'EUR', reference: 'ORD1', idempotencyKey: key() });
    expect(replayed).toBe(false);
    expect(value).toMatchObject({ status: 'AUTHORISED', amount: 120.5, currency: 'EUR', reference: 'ORD1', maskedNumber: '************1111', brand: 'VISA', capturedAmount: 0 });
    expect(value.authorisationCode).toMatch(/^[A-Z0-9]{6}$/);
    expect(vault.reveal(token)?.cvv).toBeUndefined();
  });

  it.each([
    ['4000000000000002', 'CARD_DECLINED'],
    ['4000000000009995', 'INSUFFICIENT_FUNDS'],
    ['4000000000000069', 'EXPIRED_CARD'],
  ])('declines %s with %s and still drops the CVV', (cardNumber, reason) => {
    const { vault, ledger } = setup();
    const { token } = vault.tokenise({ ...CARD, cardNumber });
    const { value } = ledger.authorise({ token, amount: 10, currency: 'EUR', reference: 'ORD2', idempotencyKey: key() });
    expect(value).toMatchObject({ status: 'DECLINED', declineReason: reason });
    expect(value.authorisationCode).toBeUndefined();
    expect(vault.reveal(token)?.cvv).toBeUndefined();
  });

  it('declines a card whose expiry month has passed, and accepts one expiring this month', () => {
    const { vault, ledger } = setup();
    const past = vault.tokenise({ ...CARD, expiry: '2027-02' }).token;
    const thisMonth = vault.tokenise({ ...CARD, expiry: '03/27' }).token;
    expect(ledger.authorise({ token: past, amount: 1, currency: 'EUR', reference: 'R', idempotencyKey: key() }).value.declineReason).toBe('EXPIRED_CARD');
    expect(ledger.authorise({ token: thisMonth, amount: 1, currency: 'EUR', reference: 'R', idempotencyKey: key() }).value.status).toBe('AUTHORISED');
  });

  it('declines amounts above the limit', () => {
    const { vault, ledger } = setup(500);
    const { token } = vault.tokenise(CARD);
    expect(ledger.authorise({ token, amount: 500, currency: 'EUR', reference: 'R', idempotencyKey: key() }).value.status).toBe('AUTHORISED');
    expect(ledger.authorise({ token, amount: 500.01, currency: 'EUR', reference: 'R', idempotencyKey: key() }).value).toMatchObject({ status: 'DECLINED', declineReason: 'AMOUNT_LIMIT_EXCEEDED' });
  });

  it('records nothing and keeps the CVV for the processing-error card', () => {
    const { vault, ledger } = setup();
    const { token } = vault.tokenise({ ...CARD, cardNumber: '4000000000000119' });
    expect(refusal(() => ledger.authorise({ token, amount: 10, currency: 'EUR', reference: 'R', idempotencyKey: key() }))).toMatchObject({ code: 'PROCESSING_ERROR', status: 503 });
    expect(ledger.size).toBe(0);
    expect(vault.reveal(token)?.cvv).toBe('737');
  });

  it('answers a repeated idempotency key with the first authorisation and records one charge', () => {
    const { vault, ledger } = setup();
    const { token } = vault.tokenise(CARD);
    const request = { token, amount: 99.99, currency: 'EUR', reference: 'ORD3', idempotencyKey: key() };
    const first = ledger.authorise(request);
    const again = ledger.authorise(request);
    expect(again).toEqual({ value: first.value, replayed: true });
    expect(ledger.list()).toHaveLength(1);
  });

  it('refuses an idempotency key reused for another amount', () => {
    const { vault, ledger } = setup();
    const { token } = vault.tokenise(CARD);
    const request = { token, amount: 10, currency: 'EUR', reference: 'ORD4', idempotencyKey: key() };
    ledger.authorise(request);
    expect(refusal(() => ledger.authorise({ ...request, amount: 11 }))).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 409 });
    expect(ledger.size).toBe(1);
  });

  it('replays a key even after the token has expired', () => {
    const { vault, ledger, clock } = setup();
    const { token } = vault.tokenise(CARD);
    const request = { token, amount: 10, currency: 'EUR', reference: 'ORD5', idempotencyKey: key() };
    const first = ledger.authorise(request).value;
    clock.now += 3_600_000;
    expect(ledger.authorise(request).value.authorisationId).toBe(first.authorisationId);
    expect(refusal(() => ledger.authorise({ ...request, idempotencyKey: key() })).code).toBe('TOKEN_NOT_FOUND');
  });

  it('refuses amounts with more decimals than their currency has (ISO 4217) and unknown currencies', () => {
    const { vault, ledger } = setup();
    const { token } = vault.tokenise(CARD);
    const authorise = (amount: number, currency: string) => ledger.authorise({ token, amount, currency, reference: 'R', idempotencyKey: key() });
    expect(refusal(() => authorise(10.001, 'EUR')).code).toBe('INVALID_AMOUNT');
    expect(refusal(() => authorise(1500.5, 'JPY')).code).toBe('INVALID_AMOUNT');
    expect(refusal(() => authorise(10.0001, 'KWD')).code).toBe('INVALID_AMOUNT');
    expect(refusal(() => authorise(10, 'ABC')).code).toBe('INVALID_AMOUNT');
    expect(authorise(0.1 + 0.2, 'EUR').value.amount).toBe(0.3);
    expect(authorise(1500, 'JPY').value.amount).toBe(1500);
    expect(authorise(12.345, 'KWD').value.amount).toBe(12.345);
  });

  it('refunds a KWD capture in parts down to the last fils', () => {
    const { vault, ledger } = setup();
    const { token } = vault.tokenise(CARD);
    const { authorisationId } = ledger.authorise({ token, amount: 10.001, currency: 'KWD', reference: 'R', idempotencyKey: key() }).value;
    ledger.capture(authorisationId);
    ledger.refund({ authorisationId, amount: 0.001 });
    expect(refusal(() => ledger.refund({ authorisationId, amount: 10.001 })).code).toBe('REFUND_EXCEEDS_CAPTURED');
    expect(ledger.refund({ authorisationId, amount: 10 }).value.amount).toBe(10);
    expect(ledger.get(authorisationId)).toMatchObject({ status: 'REFUNDED', capturedAmount: 10.001, refundedAmount: 10.001 });
  });

  it('voids an authorisation once, and answers a second void with the same state', () => {
    const { vault, ledger } = setup();
    const { token } = vault.tokenise(CARD);
    const { authorisationId } = ledger.authorise({ token, amount: 10, currency: 'EUR', reference: 'R', idempotencyKey: key() }).value;
    expect(ledger.void(authorisationId).status).toBe('VOIDED');
    expect(ledger.void(authorisationId).status).toBe('VOIDED');
    expect(refusal(() => ledger.capture(authorisationId))).toMatchObject({ code: 'INVALID_STATE', status: 409 });
  });

  it('captures the whole amount, idempotently, and refunds in parts up to it', () => {
    const { vault, ledger } = setup();
    const { token } = vault.tokenise(CARD);
    const { authorisationId } = ledger.authorise({ token, amount: 100.1, currency: 'EUR', reference: 'R', idempotencyKey: key() }).value;
    expect(ledger.capture(authorisationId)).toMatchObject({ status: 'CAPTURED', capturedAmount: 100.1 });
    expect(ledger.capture(authorisationId)).toMatchObject({ status: 'CAPTURED', capturedAmount: 100.1 });
    expect(refusal(() => ledger.void(authorisationId)).code).toBe('INVALID_STATE');
    expect(ledger.refund({ authorisationId, amount: 30.03 }).value).toMatchObject({ amount: 30.03, currency: 'EUR', status: 'REFUNDED' });
    expect(ledger.get(authorisationId)).toMatchObject({ status: 'CAPTURED', refundedAmount: 30.03 });
    expect(refusal(() => ledger.refund({ authorisationId, amount: 70.08 }))).toMatchObject({ code: 'REFUND_EXCEEDS_CAPTURED', status: 422 });
    ledger.refund({ authorisationId, amount: 70.07 });
    expect(ledger.get(authorisationId)).toMatchObject({ status: 'REFUNDED', refundedAmount: 100.1 });
    expect(ledger.capture(authorisationId).status).toBe('REFUNDED');
  });

  it('refunds once per idempotency key, and every time without one', () => {
    const { vault, ledger } = setup();
    const { token } = vault.tokenise(CARD);
    const { authorisationId } = ledger.authorise({ token, amount: 50, currency: 'EUR', reference: 'R', idempotencyKey: key() }).value;
    ledger.capture(authorisationId);
    const refundKey = key();
    const first = ledger.refund({ authorisationId, amount: 10, idempotencyKey: refundKey });
    expect(ledger.refund({ authorisationId, amount: 10, idempotencyKey: refundKey })).toEqual({ value: first.value, replayed: true });
    expect(refusal(() => ledger.refund({ authorisationId, amount: 11, idempotencyKey: refundKey })).code).toBe('IDEMPOTENCY_KEY_REUSED');
    ledger.refund({ authorisationId, amount: 10 });
    ledger.refund({ authorisationId, amount: 10 });
    expect(ledger.get(authorisationId).refundedAmount).toBe(30);
  });

  it('refuses to capture or refund a declined authorisation and to refund one not captured', () => {
    const { vault, ledger } = setup();
    const declined = ledger.authorise({ token: vault.tokenise({ ...CARD, cardNumber: '4000000000000002' }).token, amount: 5, currency: 'EUR', reference: 'R', idempotencyKey: key() }).value;
    expect(refusal(() => ledger.capture(declined.authorisationId)).code).toBe('INVALID_STATE');
    expect(refusal(() => ledger.void(declined.authorisationId)).code).toBe('INVALID_STATE');
    const open = ledger.authorise({ token: vault.tokenise(CARD).token, amount: 5, currency: 'EUR', reference: 'R', idempotencyKey: key() }).value;
    expect(refusal(() => ledger.refund({ authorisationId: open.authorisationId, amount: 1 })).code).toBe('INVALID_STATE');
  });

  it('holds at most its bound of authorisations and forgets the idempotency key of one it drops', () => {
    const clock = { now: Date.parse('2027-03-15T10:00:00Z') };
    const vault = createCardVault({ now: () => new Date(clock.now) });
    const ledger = createAuthorisationLedger({ vault, testCards, amountLimit: 10_000, now: () => new Date(clock.now), maxEntries: 2 });
    const { token } = vault.tokenise(CARD);
    const requests = [1, 2, 3].map((n) => ({ token, amount: n, currency: 'EUR', reference: `R${n}`, idempotencyKey: key() }));
    const [first, second, third] = requests.map((request) => ledger.authorise(request).value);
    expect(ledger.size).toBe(2);
    expect(refusal(() => ledger.get(first?.authorisationId ?? ''))).toMatchObject({ code: 'AUTHORISATION_NOT_FOUND' });
    expect(ledger.list().map((a) => a.authorisationId)).toEqual([second?.authorisationId, third?.authorisationId]);
    const again = ledger.authorise(requests[0] as (typeof requests)[number]);
    expect(again.replayed).toBe(false);
    expect(again.value.authorisationId).not.toBe(first?.authorisationId);
    expect(ledger.authorise(requests[2] as (typeof requests)[number]).replayed).toBe(true);
  });

  it('holds at most its bound of keyed refunds, the oldest key forgotten first', () => {
    const vault = createCardVault();
    const ledger = createAuthorisationLedger({ vault, testCards, amountLimit: 10_000, maxEntries: 2 });
    const { authorisationId } = ledger.authorise({ token: vault.tokenise(CARD).token, amount: 50, currency: 'EUR', reference: 'R', idempotencyKey: key() }).value;
    ledger.capture(authorisationId);
    const keys = [key(), key(), key()];
    for (const refundKey of keys) ledger.refund({ authorisationId, amount: 1, idempotencyKey: refundKey });
    expect(ledger.refund({ authorisationId, amount: 1, idempotencyKey: keys[2] as string }).replayed).toBe(true);
    expect(ledger.refund({ authorisationId, amount: 1, idempotencyKey: keys[0] as string }).replayed).toBe(false);
    expect(ledger.get(authorisationId).refundedAmount).toBe(4);
  });

  it('authorisation ledger does not walk its records when full', () => {
    const vault = createCardVault();
    const ledger = createAuthorisationLedger({ vault, testCards, amountLimit: 10_000, maxEntries: 5_000 });
    const { token } = vault.tokenise(CARD);
    for (let i = 0; i < 5_000; i += 1) ledger.authorise({ token, amount: 1, currency: 'EUR', reference: 'R', idempotencyKey: key() });
    expect(countCollectionSteps(() => ledger.authorise({ token, amount: 1, currency: 'EUR', reference: 'R', idempotencyKey: key() }))).toBe(0);
    expect(ledger.size).toBe(5_000);
  });

  it('answers unknown tokens and authorisations with 404 codes', () => {
    const { ledger } = setup();
    expect(refusal(() => ledger.authorise({ token: 'tok_nope', amount: 1, currency: 'EUR', reference: 'R', idempotencyKey: key() }))).toMatchObject({ code: 'TOKEN_NOT_FOUND', status: 404 });
    expect(refusal(() => ledger.get('auth_nope'))).toMatchObject({ code: 'AUTHORISATION_NOT_FOUND', status: 404 });
  });
});
