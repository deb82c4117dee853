import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisJourneyStore } from '../../../src/journeys/redis-journey-store.ts';
import { REDIS_URL } from '../../support/paths.ts';
import { advanceJourneyRecord, buildJourneyRecord, deleteRedisKeys } from './journey-store-fixtures.ts';

describe('Redis journey store keys', () => {
  const prefix = `test-${randomUUID()}:journey`;
  const redis = new Redis(REDIS_URL);
  const store = createRedisJourneyStore({ prefix, redisUrl: REDIS_URL, idleMs: 30_000, idleGraceMs: 5_000, finalRetentionMs: 600_000 });

  afterAll(async () => {
    await store.close();
    await deleteRedisKeys(prefix);
    await redis.quit();
  });

  it('gives every key a time to live: the idle time and its grace while open, the retention once final', async () => {
    const record = buildJourneyRecord();
    await store.create(record);
    await store.linkOffers(record.journeyId, ['SHOP-1']);
    const key = `${prefix}:j:${record.journeyId}`;

    expect(await redis.pttl(key)).toBeGreaterThan(34_000);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(35_000);
    expect(await redis.pttl(`${prefix}:o:SHOP-1`)).toBeGreaterThan(29_000);
    const deadline = Number(await redis.zscore(`${prefix}:idle`, record.journeyId));
    expect(deadline).toBeGreaterThan(Date.now() + 29_000);

    await store.replace(advanceJourneyRecord(record, 'Journey_Abandoned'), 1);
    expect(await redis.pttl(key)).toBeGreaterThan(599_000);
    expect(await redis.zscore(`${prefix}:idle`, record.journeyId)).toBeNull();
    expect(await redis.hget(key, 'v')).toBe('2');
  });
});
