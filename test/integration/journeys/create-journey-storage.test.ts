import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { createJourneyEventStream, createJourneyStore, type JourneyEvent, type JourneyEventStream, type JourneyStore } from '../../../src/journeys/index.ts';
import { REDIS_URL } from '../../support/paths.ts';
import { waitFor } from '../../support/wait-for.ts';
import { buildJourneyEvent } from './journey-event-stream-fixtures.ts';
import { buildJourneyRecord, deleteRedisKeys } from './journey-store-fixtures.ts';

describe('journey storage picked by the configuration', () => {
  const opened: (JourneyStore | JourneyEventStream)[] = [];
  let prefix: string | undefined;

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((item) => item.close()));
    if (prefix) await deleteRedisKeys(prefix);
    prefix = undefined;
  });

  function open<T extends JourneyStore | JourneyEventStream>(item: T): T {
    opened.push(item);
    return item;
  }

  it('keeps journeys in this process without REDIS_URL: another store does not see them', async () => {
    const config = loadConfig({});
    const first = open(createJourneyStore(config));
    const second = open(createJourneyStore(config));
    const record = buildJourneyRecord();
    await first.create(record);

    expect(await first.get(record.journeyId)).toEqual(record);
    expect(await second.get(record.journeyId)).toBeUndefined();
  });

  it('shares journeys and events through Redis with REDIS_URL, under QUEUE_PREFIX, with the configured timeout', async () => {
    prefix = `test-${randomUUID()}`;
    const config = loadConfig({ REDIS_URL, QUEUE_PREFIX: prefix, JOURNEY_TIMEOUT_S: '120', JOURNEY_EVENTS_MAXLEN: '5000' });
    const first = open(createJourneyStore(config));
    const second = open(createJourneyStore(config));
    const record = buildJourneyRecord();
    await first.create(record);

    expect(await second.get(record.journeyId)).toEqual(record);
    const redis = new Redis(REDIS_URL);
    try {
      const ttl = await redis.pttl(`${prefix}:journey:j:${record.journeyId}`);
      expect(ttl).toBeGreaterThan(120_000);
      expect(ttl).toBeLessThanOrEqual(180_000);
    } finally {
      await redis.quit();
    }

    const stream = open(createJourneyEventStream(config));
    const seen: JourneyEvent[] = [];
    const consumer = open(createJourneyEventStream(config)).consume('analytics', 'c1', async (events) => {
      seen.push(...events);
    });
    const event = buildJourneyEvent({ journeyId: record.journeyId });
    await stream.publish(event);
    await waitFor(() => seen.length === 1);
    await consumer.stop();
    expect(seen).toEqual([event]);
  });
});
