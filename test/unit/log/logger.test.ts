import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.ts';

describe('logger', () => {
  it('never writes a card number or CVV in clear, however deep it sits', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    const logger = createLogger('info', stream).child({ correlationId: 'c-1' });
    logger.info({ payment: { card: { cardNumber: '4111111111111111', cvv: '737' } }, note: 'paid with 5555555555554444' }, 'payment');
    logger.info({ headers: { 'x-api-key': 'secret' }, apiKey: 'secret' }, 'auth');
    await new Promise((resolve) => setImmediate(resolve));
    expect(text).toContain('"correlationId":"c-1"');
    expect(text).not.toContain('4111111111111111');
    expect(text).not.toContain('5555555555554444');
    expect(text).not.toMatch(/"cvv":"737"/);
    expect(text).not.toContain('"apiKey":"secret"');
    expect(text).not.toContain('"x-api-key":"secret"');
  });
});
