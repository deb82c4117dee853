import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signNotification, verifyNotificationSignature } from '../../../src/notifications/index.ts';

const secret = 'whsec-0123456789abcdef0123456789abcdef';
const body = '{"id":"e1","type":"order.ticketed"}';

describe('notification signature', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signNotification(secret, body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies a genuine notification within the tolerance', () => {
    const header = signNotification(secret, body, 1_700_000_000);
    expect(verifyNotificationSignature({ header, body, secret, now: 1_700_000_100 })).toBe(true);
  });

  it.each([
    ['a tampered body', (h: string) => ({ header: h, body: body.replace('ticketed', 'cancelled'), secret })],
    ['another secret', (h: string) => ({ header: h, body, secret: `${secret}x` })],
    ['a changed timestamp', (h: string) => ({ header: h.replace('t=1700000000', 't=1700000001'), body, secret })],
    ['no header', () => ({ header: undefined, body, secret })],
    ['a header without v1', () => ({ header: 't=1700000000', body, secret })],
    ['garbage', () => ({ header: 'v1=zz,t=abc', body, secret })],
  ])('refuses %s', (_case, check) => {
    expect(verifyNotificationSignature({ ...check(signNotification(secret, body, 1_700_000_000)), now: 1_700_000_000 })).toBe(false);
  });

  it('refuses a signature older (or newer) than the tolerance, so a captured request cannot be replayed later', () => {
    const header = signNotification(secret, body, 1_700_000_000);
    expect(verifyNotificationSignature({ header, body, secret, now: 1_700_000_301 })).toBe(false);
    expect(verifyNotificationSignature({ header, body, secret, now: 1_699_999_699 })).toBe(false);
    expect(verifyNotificationSignature({ header, body, secret, now: 1_700_000_600, toleranceSeconds: 600 })).toBe(true);
  });

  it('accepts any of several v1 values (a receiver rotating secrets gets both)', () => {
    const genuine = signNotification(secret, body, 1_700_000_000).split(',')[1];
    expect(verifyNotificationSignature({ header: `t=1700000000,v1=${'0'.repeat(64)},${genuine}`, body, secret, now: 1_700_000_000 })).toBe(true);
  });
});
