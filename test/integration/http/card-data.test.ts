import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { tokeniseCardData } from '../../../src/pipeline/tokenise-card-data.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';
import { REDIS_URL } from '../../support/paths.ts';

/**
 * Card data stops at the edge: a command carrying the test card 4111111111111111 is tokenised at
 * the real reference payment service, and what goes through the gateway's BullMQ queue on the
 * real Redis carries the token. Then neither the logs of the gateway and the payment service nor
 * any Redis key of the test's queue prefix holds the card number or the CVV.
 * (The OrderCreate mapping will carry such a card through the whole NDC flow.)
 */

const PAN = '4111111111111111';
const CVV = '737';

function captureLogs(): { text: () => string; stream: Writable } {
  let text = '';
  return { text: () => text, stream: new Writable({ write(chunk: Buffer, _encoding, callback) { text += chunk.toString('utf8'); callback(); } }) };
}

/** Every value stored under the prefix, whatever the key's type, as one text to search. */
async function dumpKeys(redis: Redis, prefix: string): Promise<{ keys: string[]; text: string }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    let value: unknown;
    if (type === 'string') value = await redis.get(key);
    else if (type === 'hash') value = await redis.hgetall(key);
    else if (type === 'list') value = await redis.lrange(key, 0, -1);
    else if (type === 'set') value = await redis.smembers(key);
    else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
    else if (type === 'stream') value = await redis.xrange(key, '-', '+');
    parts.push(`${key} ${JSON.stringify(value)}`);
  }
  return { keys, text: parts.join('\n') };
}

describe('card data before the queue, on the real payment service and Redis', () => {
  // The gateway, the reference airline and the reference payment service all log here.
  const logs = captureLogs();
  const redis = new Redis(REDIS_URL);
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3', REDIS_URL }, logs.stream);
  }, 60_000);

  afterAll(async () => {
    const prefix = gw?.config.queuePrefix;
    await gw?.close();
    if (prefix) {
      const { keys } = await dumpKeys(redis, prefix);
      if (keys.length > 0) await redis.del(...keys);
    }
    await redis.quit();
  });

  it('queues the token in place of the card, and the digits reach no log and no Redis key', async () => {
    const correlationId = `card-${Date.now()}`;
    const deadline = Date.now() + 5_000;
    const logger = gw.logger.child({ correlationId });
    const command = { offerId: 'OFFER-CARD-1', payment: { amount: 120.5, card: { number: PAN, expiry: '12/30', cvv: CVV, holderName: 'ADA LOVELACE' } } };

    const safe = await tokeniseCardData(command, { payment: gw.gateway.deps.payment, correlationId, deadline, logger }) as typeof command & { payment: { card: Record<string, string> } };
    expect(safe.payment.card).toEqual({ token: expect.stringMatching(/\S/), maskedNumber: '************1111', brand: 'VISA', expiry: '2030-12' });
    const vault = await (await fetch(`${gw.paymentUrl}/health`)).json() as { tokens: number };
    expect(vault.tokens).toBe(1);

    // Through the gateway's own BullMQ queue to a worker; the reference airline refuses the
    // made-up command, which leaves the job (payload included) in Redis for the search below.
    const sent = await gw.gateway.deps.queue.send({ name: 'order.rules', payload: safe, meta: { correlationId, version: '21.3', message: 'OrderRulesRQ', deadline, clientId: 'demo' } })
      .then(() => undefined, (error: unknown) => error);
    expect(sent === undefined || sent instanceof GatewayError).toBe(true);

    const stored = await dumpKeys(redis, gw.config.queuePrefix);
    expect(stored.keys.length).toBeGreaterThan(0);
    expect(stored.text).toContain(safe.payment.card.token!);
    expect(stored.text).not.toContain(PAN);
    expect(stored.text).not.toMatch(/"cvv/i);
    expect(stored.text).not.toContain('ADA LOVELACE');

    await new Promise((resolve) => setImmediate(resolve));
    expect(logs.text()).toContain('payment card tokenised');
    expect(logs.text()).toContain('************1111');
    expect(logs.text()).toContain('"msg":"card tokenised"');
    expect(logs.text()).not.toContain(PAN);
    expect(logs.text()).not.toMatch(new RegExp(`"cvv"\\s*:\\s*"${CVV}"`));
  });

  it('answers a card the payment service refuses, without the number in the error or the logs', async () => {
    const wrong = '4111111111111112';
    const error = await tokeniseCardData({ payment: { card: { number: wrong, expiry: '12/30', cvv: CVV, holderName: 'ADA LOVELACE' } } },
      { payment: gw.gateway.deps.payment, correlationId: 'card-refused', deadline: Date.now() + 5_000, logger: gw.logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('INVALID_BUSINESS_DATA');
    expect(JSON.stringify((error as GatewayError).toJSON())).not.toContain(wrong);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs.text()).not.toContain(wrong);
  });
});
