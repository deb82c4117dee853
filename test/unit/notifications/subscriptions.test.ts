import { describe, expect, it } from 'vitest';
import type { ClientEntry } from '../../../src/auth/index.ts';
import { checkClientEntries, hashApiKey } from '../../../src/auth/index.ts';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { resolveSubscriptions, SELLER_DEFAULT_EVENTS, targetsOf } from '../../../src/notifications/index.ts';

const logger = createLogger('silent');
const base = { name: 'Seller', apiKeys: [hashApiKey('seller-key-0000000000')], messages: ['*'] };
const strong = 'x'.repeat(32);

function entries(...notifications: object[]): ClientEntry[] {
  return checkClientEntries(notifications.map((n, i) => ({ ...base, apiKeys: [hashApiKey(`seller-key-${i}-000000000`)], id: `c${i}`, notifications: n })), 'test');
}

describe('CLIENTS_FILE notifications', () => {
  it('takes a JSON webhook with a secret in the file, and every seller notice by default', () => {
    const subs = resolveSubscriptions(entries({ url: 'https://tmc.example/hooks', format: 'json', secret: strong }), loadConfig({}), logger);
    expect(subs.seller('c0')).toMatchObject({ kind: 'seller', url: 'https://tmc.example/hooks', format: 'json', secret: strong });
    expect([...subs.seller('c0')!.events]).toEqual([...SELLER_DEFAULT_EVENTS]);
    expect(subs.seller('c0')!.events.has('order.sales_reported')).toBe(false);
    expect(subs.accounting).toBeUndefined();
  });

  it('reads a { env: NAME } secret from the environment the configuration was loaded from', () => {
    const config = loadConfig({ TMC_HOOK_SECRET: strong });
    const subs = resolveSubscriptions(entries({ url: 'https://tmc.example/hooks', format: 'json', secret: { env: 'TMC_HOOK_SECRET' } }), config, logger);
    expect(subs.seller('c0')?.secret).toBe(strong);
    expect(() => resolveSubscriptions(entries({ url: 'https://tmc.example/hooks', format: 'json', secret: { env: 'UNSET_SECRET' } }), loadConfig({}), logger))
      .toThrow(/UNSET_SECRET, which is not set/);
  });

  it('sends JSON to a 24.4 NDC subscriber, whose OrderChangeNotifRQ does not compile as published', () => {
    const subs = resolveSubscriptions(entries(
      { url: 'https://a.example/ndc', format: 'ndc', version: '24.4', secret: strong },
      { url: 'https://b.example/ndc', format: 'ndc', version: '17.2', secret: strong, events: ['order.airline_initiated_change'] },
    ), loadConfig({}), logger);
    expect(subs.seller('c0')).toMatchObject({ format: 'json' });
    expect(subs.seller('c0')).not.toHaveProperty('version');
    expect(subs.seller('c1')).toMatchObject({ format: 'ndc', version: '17.2' });
    expect([...subs.seller('c1')!.events]).toEqual(['order.airline_initiated_change']);
  });

  it.each([
    ['an ndc subscription without version', { url: 'https://a.example', format: 'ndc', secret: strong }, /must have required property 'version'/],
    ['an unknown notice type', { url: 'https://a.example', format: 'json', secret: strong, events: ['order.paid'] }, /events\/0 must be equal to one of the allowed values/],
    ['a url that is not http', { url: 'ftp://a.example', format: 'json', secret: strong }, /url must match pattern/],
    ['no secret', { url: 'https://a.example', format: 'json' }, /must have required property 'secret'/],
  ])('refuses %s', (_case, notifications, message) => {
    expect(() => entries(notifications)).toThrow(message);
  });

  it('sends order.sales_reported to accounting (ACCOUNTING_*), and each notice to the targets that want it', () => {
    const config = loadConfig({ ACCOUNTING_URL: 'https://acct.example/sales', ACCOUNTING_SECRET: strong, ACCOUNTING_FORMAT: 'ndc', ACCOUNTING_VERSION: '21.3' });
    const subs = resolveSubscriptions(entries({ url: 'https://tmc.example/hooks', format: 'json', secret: strong }), config, logger);
    expect(subs.accounting).toMatchObject({ kind: 'accounting', format: 'ndc', version: '21.3' });
    expect(targetsOf(subs, 'order.sales_reported', 'c0').map((t) => t.kind)).toEqual(['accounting']);
    expect(targetsOf(subs, 'order.ticketed', 'c0').map((t) => t.kind)).toEqual(['seller']);
    expect(targetsOf(subs, 'order.ticketed', 'someone-else')).toEqual([]);
  });

  it('refuses ACCOUNTING_URL without a secret: nothing could be signed', () => {
    expect(() => loadConfig({ ACCOUNTING_URL: 'https://acct.example/sales' })).toThrow(ConfigError);
  });

  it('refuses, in the production profile, a short secret or plain http to another machine', () => {
    const production = { ...loadConfig({}), profile: 'production' as const };
    expect(() => resolveSubscriptions(entries({ url: 'http://tmc.example/hooks', format: 'json', secret: 'short' }), production, logger))
      .toThrow(/client c0: the secret is shorter than 32 characters[\s\S]*client c0: http:\/\/tmc.example is plain http/);
    expect(() => resolveSubscriptions(entries({ url: 'http://127.0.0.1:9000/hooks', format: 'json', secret: strong }), production, logger)).not.toThrow();
  });
});
