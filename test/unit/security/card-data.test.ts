import { Writable } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { createLogger } from '../../../src/log/logger.ts';
import {
  CARD_BRAND_CODES, CVV_MASK, detectBrand, looksLikeCardNumber, luhnValid, maskCardNumber, normaliseCardNumber, redactCardData, redactText,
  withCardDataRedaction, type CardBrand,
} from '../../../src/security/card-data.ts';

const VISA = '4111111111111111';

describe('luhnValid', () => {
  it.each([VISA, '5555555555554444', '378282246310005', '4000000000000002', '4222222222222', '6011111111111117', '135410014004955'])('accepts %s', (pan) => {
    expect(luhnValid(pan)).toBe(true);
  });

  it.each(['4111111111111112', '5555555555554445', '1234567812345678'])('refuses %s', (pan) => {
    expect(luhnValid(pan)).toBe(false);
  });

  it('refuses anything that is not only digits', () => {
    for (const value of ['', '0', '4111-1111-1111-1111', '411111111111111a', ' 4111111111111111']) expect(luhnValid(value), value).toBe(false);
  });
});

describe('detectBrand', () => {
  const cases: [string, CardBrand][] = [
    [VISA, 'VISA'], ['4222222222222', 'VISA'], ['5555555555554444', 'MASTERCARD'], ['2223003122003222', 'MASTERCARD'],
    ['378282246310005', 'AMEX'], ['371449635398431', 'AMEX'], ['6011111111111117', 'DISCOVER'], ['6221260000000000', 'DISCOVER'],
    ['30569309025904', 'DINERS'], ['3530111333300000', 'JCB'], ['135410014004955', 'UATP'], ['6200000000000005', 'UNIONPAY'],
    ['6759649826438453', 'MAESTRO'], ['2200000000000004', 'MIR'],
  ];
  it.each(cases)('%s is %s', (pan, brand) => {
    expect(detectBrand(pan)).toBe(brand);
  });

  it('reads numbers typed with spaces or hyphens', () => {
    expect(detectBrand('5555 5555 5555 4444')).toBe('MASTERCARD');
    expect(detectBrand('3782-822463-10005')).toBe('AMEX');
  });

  it('names no brand for unknown prefixes or non-numbers', () => {
    for (const value of ['9999999999999995', '0000000000000000', 'tok_4111', '']) expect(detectBrand(value), value).toBeUndefined();
  });

  it('has an IATA card code for every brand', () => {
    expect(CARD_BRAND_CODES.VISA).toBe('VI');
    expect(CARD_BRAND_CODES.MASTERCARD).toBe('CA');
    expect(CARD_BRAND_CODES.AMEX).toBe('AX');
    expect(CARD_BRAND_CODES.UATP).toBe('TP');
    for (const code of Object.values(CARD_BRAND_CODES)) expect(code).toMatch(/^[A-Z]{2}$/);
  });
});

describe('normaliseCardNumber', () => {
  it('drops spaces and hyphens and refuses anything else', () => {
    expect(normaliseCardNumber('4111 1111-1111 1111')).toBe(VISA);
    expect(normaliseCardNumber('4111.1111.1111.1111')).toBeUndefined();
    expect(normaliseCardNumber('************1111')).toBeUndefined();
  });
});

describe('maskCardNumber', () => {
  it('shows the last four digits by default', () => {
    expect(maskCardNumber(VISA)).toBe('************1111');
    expect(maskCardNumber('378282246310005')).toBe('***********0005');
    expect(maskCardNumber('4111 1111 1111 1111')).toBe('************1111');
  });

  it('shows the first six and last four when asked', () => {
    expect(maskCardNumber(VISA, 'first6last4')).toBe('411111XXXXXX1111');
    expect(maskCardNumber('378282246310005', 'first6last4')).toBe('378282XXXXX0005');
  });

  it('falls back to the last four when a number is too short for six and four', () => {
    expect(maskCardNumber('123456789012', 'first6last4')).toBe('********9012');
  });

  it('masks short values whole', () => {
    expect(maskCardNumber('1234567')).toBe('*******');
    expect(maskCardNumber('1234')).toBe('****');
  });
});

describe('looksLikeCardNumber', () => {
  it('takes Luhn-valid numbers of a known scheme and length', () => {
    expect(looksLikeCardNumber(VISA)).toBe(true);
    expect(looksLikeCardNumber('4111 1111 1111 1111')).toBe(true);
    expect(looksLikeCardNumber('4222222222222')).toBe(true);
  });

  it('leaves Luhn failures, other lengths and unknown prefixes alone', () => {
    expect(looksLikeCardNumber('4111111111111112')).toBe(false);
    expect(looksLikeCardNumber('411111111111111')).toBe(false);
    expect(looksLikeCardNumber('9999999999999995')).toBe(false);
  });

  it('leaves a Luhn-valid 13-digit ticket number and a millisecond timestamp alone', () => {
    // 125 is an airline prefix; ticket numbers carry a mod-7 check digit, so some pass Luhn by chance.
    expect(luhnValid('1252345678904')).toBe(true);
    expect(looksLikeCardNumber('1252345678904')).toBe(false);
    expect(luhnValid('1700000000004')).toBe(true);
    expect(looksLikeCardNumber('1700000000004')).toBe(false);
  });
});

describe('redactText', () => {
  it('masks card numbers inside text, with or without separators', () => {
    expect(redactText(`card ${VISA} declined`)).toBe('card ************1111 declined');
    expect(redactText('card 4111 1111 1111 1111, exp 12/30')).toBe('card ************1111, exp 12/30');
    expect(redactText('4111-1111-1111-1111')).toBe('************1111');
  });

  it('finds a card number inside a longer run of digit groups', () => {
    expect(redactText('ref 2024 4111 1111 1111 1111')).toBe('ref 2024 ************1111');
    expect(redactText('4111 1111 1111 1111 2024')).toBe('************1111 2024');
  });

  it('masks labelled security codes in JSON, query strings and XML', () => {
    expect(redactText('{"cvv":"737","x":1}')).toBe(`{"cvv":"${CVV_MASK}","x":1}`);
    expect(redactText('{\\"cvc\\":\\"737\\"}')).toBe(`{\\"cvc\\":\\"${CVV_MASK}\\"}`);
    expect(redactText('cvv=737&amount=12')).toBe(`cvv=${CVV_MASK}&amount=12`);
    expect(redactText('<SeriesCode>737</SeriesCode>')).toBe(`<SeriesCode>${CVV_MASK}</SeriesCode>`);
    expect(redactText('"cardSecurityCode": 1234')).toBe(`"cardSecurityCode": ${CVV_MASK}`);
  });

  it('leaves ordinary text, dates, phone numbers and order ids alone', () => {
    const text = 'Order ORD-1234567 on 2026-05-01 for +44 20 7946 0958, 3 passengers, total 1234.56 EUR';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactCardData', () => {
  it('masks card numbers and CVVs anywhere in a JSON value and leaves the input unchanged', () => {
    const input = {
      order: { id: 'ORD1', total: 120.5 },
      payments: [{ card: { cardNumber: '4111 1111 1111 1111', cvv: '737', holderName: 'Ada Lovelace', expiry: '12/30' } }],
      note: `paid with ${VISA}`,
      raw: `<PaymentCard><CardNumber>${VISA}</CardNumber><SeriesCode>737</SeriesCode></PaymentCard>`,
    };
    const copy = structuredClone(input);
    const output = redactCardData(input);
    expect(input).toEqual(copy);
    expect(output).toEqual({
      order: { id: 'ORD1', total: 120.5 },
      payments: [{ card: { cardNumber: '************1111', cvv: CVV_MASK, holderName: 'Ada Lovelace', expiry: '12/30' } }],
      note: 'paid with ************1111',
      raw: `<PaymentCard><CardNumber>************1111</CardNumber><SeriesCode>${CVV_MASK}</SeriesCode></PaymentCard>`,
    });
    expect(JSON.stringify(output)).not.toContain(VISA);
    expect(JSON.stringify(output)).not.toContain('737');
  });

  it('masks a card field even when the number fails Luhn, since a mistyped card is still a card', () => {
    expect(redactCardData({ cardNumber: '4111111111111112' })).toEqual({ cardNumber: '************1112' });
    expect(redactCardData({ PaymentCardNumber: 4111111111111112 })).toEqual({ PaymentCardNumber: '************1112' });
  });

  it('knows the CVV under its many names, NDC SeriesCode included', () => {
    const names = ['cvv', 'CVV2', 'cvc', 'cardCvv', 'csc', 'securityCode', 'CardSecurityCode', 'SeriesCode', 'card_verification_value'];
    const output = redactCardData(Object.fromEntries(names.map((name) => [name, '737']))) as Record<string, unknown>;
    for (const name of names) expect(output[name], name).toBe(CVV_MASK);
  });

  it('masks a card number sent as a JSON number but keeps timestamps and amounts', () => {
    const now = 1_790_000_000_000;
    expect(redactCardData({ n: 4111111111111111, at: now, amount: 1234.5, count: 3 })).toEqual({ n: '************1111', at: now, amount: 1234.5, count: 3 });
  });

  it('leaves already masked numbers, tokens and empty or absent card fields as they are', () => {
    const value = { maskedNumber: '************1111', cardNumber: '************1111', token: 'tok_abc', cvv: '', other: null, flag: true };
    expect(redactCardData(value)).toEqual(value);
  });

  it('masks card numbers used as keys', () => {
    expect(redactCardData({ [VISA]: 'x' })).toEqual({ '************1111': 'x' });
  });

  it('copies errors with their prototype and masks their message, stack and fields', () => {
    const error = Object.assign(new TypeError(`bad card ${VISA}`), { body: `{"cardNumber":"${VISA}","cvv":"737"}` });
    const copy = redactCardData(error);
    expect(copy).toBeInstanceOf(TypeError);
    expect(copy.message).toBe('bad card ************1111');
    expect(copy.stack).not.toContain(VISA);
    expect((copy as unknown as { body: string }).body).toBe(`{"cardNumber":"************1111","cvv":"${CVV_MASK}"}`);
  });

  it('survives cycles and leaves non-JSON objects alone', () => {
    const cyclic: Record<string, unknown> = { cardNumber: VISA };
    cyclic.self = cyclic;
    const copy = redactCardData(cyclic) as Record<string, unknown>;
    expect(copy.cardNumber).toBe('************1111');
    expect(copy.self).toBe(copy);
    const date = new Date();
    expect(redactCardData({ date }).date).toBe(date);
  });
});

describe('withCardDataRedaction', () => {
  it('masks every object the logger writes, nested and in errors', () => {
    let text = '';
    const sink = new Writable({ write(chunk: Buffer, _encoding, done) { text += chunk.toString('utf8'); done(); } });
    const log = withCardDataRedaction(createLogger('info', sink), { component: 'test' });
    log.info({ request: { body: { card: { number: VISA, securityCode: '737' } } } }, 'request');
    log.child({ correlationId: 'c1' }).warn({ err: new Error(`declined ${VISA}`) }, 'failed');
    log.info({ raw: `cardNumber=${VISA}&cvv=737` }, 'raw');
    expect(text).not.toContain(VISA);
    expect(text).not.toMatch(/(?<![0-9A-Za-z])737(?![0-9A-Za-z])/);
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ component: 'test', request: { body: { card: { number: '************1111', securityCode: CVV_MASK } } } });
    expect(lines[1]).toMatchObject({ correlationId: 'c1', err: { type: 'Error', message: 'declined ************1111' } });
  });
});

describe('card numbers are found by how they are written, not only by their digits', () => {
  it('leaves a UUID alone whose digit groups happen to spell a Luhn-valid Visa number (regression: an idempotency key was refused as card data)', () => {
    const uuid = '41111111-1111-1111-2222-333333333333';
    expect(redactText(`key ${uuid}`)).toBe(`key ${uuid}`);
    // Found by fuzzing random UUIDs: digit groups that end against a hex letter.
    for (const key of ['910c4242-6805-4297-8a3b-a91c50bd0ca6', '11b3b1df-4133-4243-8495-1ced73f37b40', '907c9c87-3917-4908-9517-32f6f3cd5028']) {
      expect(redactText(key)).toBe(key);
    }
    expect(redactCardData({ idempotencyKey: `demo:AGENCY:${uuid}` })).toEqual({ idempotencyKey: `demo:AGENCY:${uuid}` });
  });

  it('still masks cards written in groups of four, unbroken, or in the Amex layout', () => {
    for (const written of ['4111 1111 1111 1111', '4111-1111-1111-1111', '4111111111111111', '3782 822463 10005']) {
      expect(redactText(`paid with ${written}.`), written).not.toMatch(/\d{6}/);
    }
  });
});
