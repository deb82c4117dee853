import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisJourneyEventStream } from '../../../src/journeys/redis-journey-event-stream.ts';
import { REDIS_URL } from '../../support/paths.ts';
import { waitFor } from '../../support/wait-for.ts';
import { buildJourneyEvent } from './journey-event-stream-fixtures.ts';
import { deleteRedisKeys } from './journey-store-fixtures.ts';

describe('Redis journey event stream', () => {
  const prefix = `test-${randomUUID()}:journey`;
  const redis = new Redis(REDIS_URL);

  afterAll(async () => {
    await deleteRedisKeys(prefix);
    await redis.quit();
  });

  it('trims the stream to about maxLen entries', async () => {
    const stream = createRedisJourneyEventStream({ redisUrl: REDIS_URL, prefix, maxLen: 50 });
    for (let i = 0; i < 1000; i += 1) await stream.publish(buildJourneyEvent());
    await stream.close();

    const length = await redis.xlen(`${prefix}:events`);
    expect(length).toBeGreaterThanOrEqual(50);
    expect(length).toBeLessThan(300);
  });

  it('stops a consumer waiting in a blocking read at once, and acknowledges what it handled', async () => {
    const stream = createRedisJourneyEventStream({ redisUrl: REDIS_URL, prefix: `${prefix}-block`, blockMs: 10_000 });
    const seen: string[] = [];
    const consumer = stream.consume('analytics', 'c1', async (events) => {
      seen.push(...events.map((event) => event.eventId));
    });
    const event = buildJourneyEvent();
    await stream.publish(event);
    await waitFor(() => seen.length === 1);

    const started = performance.now();
    await consumer.stop();
    expect(performance.now() - started).toBeLessThan(2000);
    const pending = (await redis.xpending(`${prefix}-block:events`, 'analytics')) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
    await stream.close();
    await deleteRedisKeys(`${prefix}-block`);
  });

  it('keeps a rejected entry pending in Redis until the handler resolves', async () => {
    const stream = createRedisJourneyEventStream({ redisUrl: REDIS_URL, prefix: `${prefix}-retry`, retryInitialMs: 200, retryMaxMs: 200 });
    let attempts = 0;
    const consumer = stream.consume('analytics', 'c1', async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('database away');
    });
    await stream.publish(buildJourneyEvent());
    await waitFor(() => attempts === 1);
    const whileFailing = (await redis.xpending(`${prefix}-retry:events`, 'analytics')) as [number, ...unknown[]];
    expect(whileFailing[0]).toBe(1);

    await waitFor(() => attempts === 2);
    await waitFor(async () => ((await redis.xpending(`${prefix}-retry:events`, 'analytics')) as [number])[0] === 0);
    await consumer.stop();
    await stream.close();
    await deleteRedisKeys(`${prefix}-retry`);
  });
});
