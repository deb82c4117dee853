import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PaymentServiceError } from '../../../src/downstream/payment-client.ts';
import { GatewayError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import type { CardInput, CardToken } from '../../../src/contracts/payment/payment-types.ts';
import { findCardData, tokeniseCardData, type CardTokeniser } from '../../../src/pipeline/tokenise-card-data.ts';
import { maskCardNumber } from '../../../src/security/card-data.ts';

const PAN = '4111111111111111';

/** A payment service that vaults in memory and records what it was sent. */
function fakePayment(): CardTokeniser & { calls: { card: CardInput; correlationId?: string | undefined }[] } {
  const calls: { card: CardInput; correlationId?: string | undefined }[] = [];
  return {
    calls,
    async tokenise(card, options) {
      calls.push({ card, correlationId: options?.correlationId });
      if (card.cardNumber === '4111111111111112') throw new PaymentServiceError('INVALID_CARD_NUMBER', 'The card number fails the Luhn check', [{ message: 'Luhn check failed', path: '/cardNumber' }]);
      return { token: `tok_${calls.length}`, maskedNumber: maskCardNumber(card.cardNumber), brand: 'VISA', expiry: '2030-12' } satisfies CardToken;
    },
  };
}

function capture(): { text: () => string; stream: Writable } {
  let text = '';
  return { text: () => text, stream: new Writable({ write(chunk: Buffer, _e, done) { text += chunk.toString(); done(); } }) };
}

const card = { number: PAN, expiry: '12/30', cvv: '737', holderName: 'ADA LOVELACE' };

function context(payment: CardTokeniser, logs = capture()) {
  return { payment, correlationId: 'corr-1', deadline: Date.now() + 5_000, logger: createLogger('info', logs.stream) };
}

describe('tokenising card data before the queue', () => {
  it('replaces every card in clear, wherever it sits, with its token; the CVV goes only to the payment service', async () => {
    const payment = fakePayment();
    const command = { offerId: 'OF1', payments: [{ amount: 100, card }, { amount: 50, method: { card: { ...card, number: '5555 5555 5555 4444' } } }], idempotencyKey: 'c:s:m' };
    const safe = await tokeniseCardData(command, context(payment));
    expect(safe).toEqual({
      offerId: 'OF1',
      payments: [
        { amount: 100, card: { token: 'tok_1', maskedNumber: '************1111', brand: 'VISA', expiry: '2030-12' } },
        { amount: 50, method: { card: { token: 'tok_2', maskedNumber: '************4444', brand: 'VISA', expiry: '2030-12' } } },
      ],
      idempotencyKey: 'c:s:m',
    });
    expect(payment.calls.map((c) => c.card)).toEqual([
      { cardNumber: PAN, expiry: '12/30', cvv: '737', holderName: 'ADA LOVELACE' },
      { cardNumber: '5555 5555 5555 4444', expiry: '12/30', cvv: '737', holderName: 'ADA LOVELACE' },
    ]);
    expect(payment.calls[0]!.correlationId).toBe('corr-1');
    expect(JSON.stringify(safe)).not.toContain('737');
    // The mapped command is not changed in place: it may still be referenced elsewhere.
    expect(command.payments[0]).toEqual({ amount: 100, card });
  });

  it('passes commands without cards through, and leaves cards that already carry a token', async () => {
    const payment = fakePayment();
    const command = { journeys: [{ origin: 'LHR', destination: 'JFK', date: '2030-01-01' }], passengers: [{ id: 'PAX1', type: 'ADT' }], card: { token: 'tok_x', maskedNumber: '************1111', brand: 'VISA', expiry: '2030-12' } };
    expect(await tokeniseCardData(command, context(payment))).toEqual(command);
    expect(await tokeniseCardData('text', context(payment))).toBe('text');
    expect(payment.calls).toEqual([]);
  });

  it('refuses an incomplete card, naming the missing fields and not the number', async () => {
    const payment = fakePayment();
    const error = await tokeniseCardData({ payment: { card: { number: PAN, expiry: '12/30' } } }, context(payment)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('INVALID_COMMAND');
    expect((error as GatewayError).details.map((d) => d.path)).toEqual(['/payment/card/cvv', '/payment/card/holderName']);
    expect(JSON.stringify((error as GatewayError).toJSON())).not.toContain(PAN);
    expect(payment.calls).toEqual([]);
  });

  it('answers a card the payment service refuses as INVALID_BUSINESS_DATA at the card\'s path', async () => {
    const error = await tokeniseCardData({ payment: { card: { ...card, number: '4111111111111112' } } }, context(fakePayment())).catch((e: unknown) => e);
    expect((error as GatewayError).code).toBe('INVALID_BUSINESS_DATA');
    expect((error as GatewayError).message).toContain('/payment/card');
    expect((error as GatewayError).details[0]!.path).toBe('/payment/card/cardNumber');
  });

  it('refuses a command that still carries a card number elsewhere, and logs where, not what', async () => {
    const logs = capture();
    const command = { payments: [{ card }], remarks: [`card ${PAN} exp 12/30`], billing: { cardNumber: '5555555555554444' } };
    const error = await tokeniseCardData(command, context(fakePayment(), logs)).catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    expect((error as GatewayError).code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify((error as GatewayError).toJSON())).not.toMatch(/4111111111111111|5555555555554444/);
    expect(logs.text()).toContain('"paths":["/remarks/0","/billing/cardNumber"]');
    expect(logs.text()).not.toMatch(/4111111111111111|5555555555554444/);
  });

  it('finds card data by comparing a value with its masked copy', () => {
    expect(findCardData({ a: 1, b: ['x', { pan: '4111 1111 1111 1111' }], cvv: '123', ok: '************1111' })).toEqual(['/b/1/pan', '/cvv']);
    expect(findCardData({ [PAN]: true })).toEqual(['/(key 0)']);
    expect(findCardData(Number(PAN))).toEqual(['/']);
    expect(findCardData({ ticket: '1251234567890', at: 1_700_000_000_000 })).toEqual([]);
  });
});
