import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import type { JourneyEventStream } from './journey-event.ts';
import type { JourneyStore } from './journey-store.ts';
import { createInProcessJourneyEventStream } from './in-process-journey-event-stream.ts';
import { createMemoryJourneyStore } from './memory-journey-store.ts';
import { createRedisJourneyEventStream } from './redis-journey-event-stream.ts';
import { createRedisJourneyStore } from './redis-journey-store.ts';

export * from './journey-states.ts';
export * from './journey-store.ts';
export * from './journey-event.ts';
export { createMemoryJourneyStore, type MemoryJourneyStoreOptions } from './memory-journey-store.ts';
export { createRedisJourneyStore, type RedisJourneyStoreOptions } from './redis-journey-store.ts';
export { createInProcessJourneyEventStream, type InProcessJourneyEventStream, type InProcessJourneyEventStreamOptions } from './in-process-journey-event-stream.ts';
export { createRedisJourneyEventStream, type RedisJourneyEventStreamOptions } from './redis-journey-event-stream.ts';

/** The settings the journey store and event stream read. */
export type JourneyStorageSettings = Pick<Config, 'redisUrl' | 'queuePrefix' | 'journeyTimeoutS' | 'journeyFinalRetentionS' | 'journeyEventsMaxLen'>;

/** Where the journey keys and the event stream live in Redis: next to the queues, under their prefix. */
export function buildJourneyPrefix(settings: Pick<Config, 'queuePrefix'>): string {
  return `${settings.queuePrefix}:journey`;
}

/** Picks the store from the configuration: Redis when REDIS_URL is set, so every process shares journeys; else this process's. */
export function createJourneyStore(settings: JourneyStorageSettings, logger?: Logger): JourneyStore {
  const options = {
    idleMs: settings.journeyTimeoutS * 1000,
    finalRetentionMs: settings.journeyFinalRetentionS * 1000,
    prefix: buildJourneyPrefix(settings),
  };
  if (settings.redisUrl === undefined) return createMemoryJourneyStore(options);
  return createRedisJourneyStore({ ...options, redisUrl: settings.redisUrl, ...(logger ? { logger } : {}) });
}

/** Picks the event stream from the configuration: a Redis Stream when REDIS_URL is set, else an in-process one. */
export function createJourneyEventStream(settings: JourneyStorageSettings, logger?: Logger): JourneyEventStream {
  const common = { maxLen: settings.journeyEventsMaxLen, ...(logger ? { logger } : {}) };
  if (settings.redisUrl === undefined) return createInProcessJourneyEventStream(common);
  return createRedisJourneyEventStream({ ...common, redisUrl: settings.redisUrl, prefix: buildJourneyPrefix(settings) });
}
