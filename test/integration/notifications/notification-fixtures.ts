import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createLogger } from '../../../src/log/logger.ts';
import { startNotificationService, type NotificationService, type NotificationSettings, type Subscription, type Subscriptions } from '../../../src/notifications/index.ts';
import type { NoticeType, OrderStore } from '../../../src/orders/index.ts';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const silent = createLogger('silent');

/** What a receiver was sent. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The status of an answer, or the status and the body. */
export type Answer = number | { readonly status: number; readonly body: string };

/** A webhook receiver on loopback; `answer(n)` gives the answer to its n-th request (1-based). */
export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  answer: (n: number, received: Received) => Answer;
  close(): Promise<void>;
}

export async function startReceiver(answer: (n: number, received: Received) => Answer = () => 204): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    answer,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const got = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(got);
      const answer = receiver.answer(received.length, got);
      res.statusCode = typeof answer === 'number' ? answer : answer.status;
      res.end(typeof answer === 'number' ? (answer >= 400 ? 'receiver says no' : '') : answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

export const SELLER_EVENTS: ReadonlySet<NoticeType> = new Set<NoticeType>(['order.airline_initiated_change', 'order.ticketed', 'order.cancelled', 'order.hold_expired', 'order.service_delivered']);

export function sellerSubscription(url: string, secret = 'seller-secret-0123456789abcdef0123'): Subscription {
  return { kind: 'seller', url, format: 'json', secret, events: SELLER_EVENTS };
}

/** Subscriptions of the given sellers (client id → subscription) and accounting. */
export function subscriptionsOf(sellers: Readonly<Record<string, Subscription>>, accounting?: Subscription): Subscriptions {
  return { seller: (clientId) => sellers[clientId], accounting };
}

/** Small waits so a test sees several attempts in well under a second. */
export function testSettings(redis: boolean, prefix = `test-notify-${randomUUID()}`, overrides: Partial<NotificationSettings> = {}): NotificationSettings {
  return {
    redisUrl: redis ? REDIS_URL : undefined,
    queuePrefix: prefix,
    notifyMaxAgeMs: 60_000,
    notifyBackoffBaseMs: 20,
    notifyBackoffMaxMs: 80,
    notifyTimeoutMs: 2000,
    notifyDispatchMs: 25,
    ...overrides,
  };
}

export async function startService(settings: NotificationSettings, orders: OrderStore, subscriptions: Subscriptions, sweepMs = 200): Promise<NotificationService> {
  return startNotificationService({ settings, orders, subscriptions, logger: silent, sweepMs });
}

/** Removes every Redis key of a test's queue prefix. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
