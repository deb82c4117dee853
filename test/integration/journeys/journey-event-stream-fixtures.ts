import { randomUUID } from 'node:crypto';
import type { JourneyEvent, JourneyEventStream } from '../../../src/journeys/journey-event.ts';
import { createInProcessJourneyEventStream } from '../../../src/journeys/in-process-journey-event-stream.ts';
import { createRedisJourneyEventStream } from '../../../src/journeys/redis-journey-event-stream.ts';
import { REDIS_URL } from '../../support/paths.ts';
import { deleteRedisKeys } from './journey-store-fixtures.ts';

/** A transition event of a journey. */
export function buildJourneyEvent(overrides: Partial<JourneyEvent> = {}): JourneyEvent {
  return {
    eventId: randomUUID(),
    type: 'transition',
    journeyId: randomUUID(),
    clientId: 'web-shop',
    channel: 'web',
    at: new Date().toISOString(),
    from: 'Shopping',
    to: 'Offer_Selection',
    durationMs: 1234,
    variants: { 'exp-1': 'B' },
    partySize: 2,
    ...overrides,
  };
}

export interface StreamHarnessOptions {
  /** After how long another consumer may take over unacknowledged events. */
  readonly claimIdleMs: number;
  readonly batchSize?: number;
}

/** One adapter under test. */
export interface StreamHarness {
  readonly stream: JourneyEventStream;
  /** Another stream on the same events, as a second process would open it (the same one in process). */
  openSibling(): JourneyEventStream;
  /** Closes every stream opened and removes what they wrote. */
  close(): Promise<void>;
}

export type StreamHarnessFactory = (options: StreamHarnessOptions) => Promise<StreamHarness>;

export const startInProcessStreamHarness: StreamHarnessFactory = async (options) => {
  const stream = createInProcessJourneyEventStream({ ...options, retryInitialMs: 20, retryMaxMs: 100 });
  return { stream, openSibling: () => stream, close: () => stream.close() };
};

export const startRedisStreamHarness: StreamHarnessFactory = async (options) => {
  const prefix = `test-${randomUUID()}:journey`;
  const open = (): JourneyEventStream =>
    createRedisJourneyEventStream({ ...options, prefix, redisUrl: REDIS_URL, blockMs: 200, retryInitialMs: 20, retryMaxMs: 100 });
  const streams = [open()];
  return {
    stream: streams[0] as JourneyEventStream,
    openSibling() {
      const stream = open();
      streams.push(stream);
      return stream;
    },
    async close() {
      await Promise.all(streams.map((stream) => stream.close()));
      await deleteRedisKeys(prefix);
    },
  };
};
