import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyEvent, JourneyEventConsumer } from '../../../src/journeys/journey-event.ts';
import { waitFor } from '../../support/wait-for.ts';
import {
  buildJourneyEvent,
  startInProcessStreamHarness,
  startRedisStreamHarness,
  type StreamHarness,
  type StreamHarnessFactory,
  type StreamHarnessOptions,
} from './journey-event-stream-fixtures.ts';

/** A handler that keeps what it was given. */
function createCollector(): { handle: (events: readonly JourneyEvent[]) => Promise<void>; ids: () => string[] } {
  const seen: JourneyEvent[] = [];
  return {
    handle: async (events) => {
      seen.push(...events);
    },
    ids: () => seen.map((event) => event.eventId),
  };
}

/** The contract of the JourneyEventStream port; every adapter must pass it unchanged. */
describe.each<[string, StreamHarnessFactory]>([
  ['in-process', startInProcessStreamHarness],
  ['redis', startRedisStreamHarness],
])('JourneyEventStream contract (%s)', (_adapter, startHarness) => {
  let harness: StreamHarness | undefined;
  const consumers: JourneyEventConsumer[] = [];

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
    await harness?.close();
    harness = undefined;
  });

  async function start(overrides: Partial<StreamHarnessOptions> = {}): Promise<StreamHarness> {
    harness = await startHarness({ claimIdleMs: 60_000, ...overrides });
    return harness;
  }

  function consume(...args: Parameters<StreamHarness['stream']['consume']>): JourneyEventConsumer {
    const consumer = (harness as StreamHarness).stream.consume(...args);
    consumers.push(consumer);
    return consumer;
  }

  it('delivers every event, in order and unchanged, including those published before the group existed', async () => {
    const { stream } = await start({ batchSize: 4 });
    const events = Array.from({ length: 10 }, (_, i) => buildJourneyEvent({ durationMs: i }));
    for (const event of events.slice(0, 5)) await stream.publish(event);
    const seen: JourneyEvent[] = [];
    consume('analytics', 'c1', async (batch) => {
      expect(batch.length).toBeLessThanOrEqual(4);
      seen.push(...batch);
    });
    for (const event of events.slice(5)) await stream.publish(event);

    await waitFor(() => seen.length >= 10);
    expect(seen).toEqual(events);
  });

  it('gives every event to each group', async () => {
    const { stream } = await start();
    const analytics = createCollector();
    const prediction = createCollector();
    consume('analytics', 'c1', analytics.handle);
    consume('prediction', 'c1', prediction.handle);
    const events = Array.from({ length: 20 }, () => buildJourneyEvent());
    for (const event of events) await stream.publish(event);

    await waitFor(() => analytics.ids().length >= 20 && prediction.ids().length >= 20);
    expect(analytics.ids()).toEqual(events.map((event) => event.eventId));
    expect(prediction.ids()).toEqual(events.map((event) => event.eventId));
  });

  it('shares a group between its consumers, each event going to one of them', async () => {
    const { stream, openSibling } = await start({ batchSize: 3 });
    const first = createCollector();
    const second = createCollector();
    consume('analytics', 'c1', async (events) => {
      await sleep(5);
      await first.handle(events);
    });
    consumers.push(openSibling().consume('analytics', 'c2', async (events) => {
      await sleep(5);
      await second.handle(events);
    }));
    const events = Array.from({ length: 40 }, () => buildJourneyEvent());
    for (const event of events) await stream.publish(event);

    await waitFor(() => first.ids().length + second.ids().length >= 40);
    await sleep(100);
    const all = [...first.ids(), ...second.ids()];
    expect(all).toHaveLength(40);
    expect(new Set(all)).toEqual(new Set(events.map((event) => event.eventId)));
  });

  it('delivers again what a handler rejected, until it resolves', async () => {
    const { stream } = await start();
    const event = buildJourneyEvent();
    let attempts = 0;
    const collector = createCollector();
    consume('analytics', 'c1', async (events) => {
      attempts += 1;
      if (attempts < 3) throw new Error('database away');
      await collector.handle(events);
    });
    await stream.publish(event);

    await waitFor(() => collector.ids().length > 0);
    expect(attempts).toBe(3);
    expect(collector.ids()).toEqual([event.eventId]);
  });

  it('resumes a restarted consumer with what it had not acknowledged, and not with what it had', async () => {
    const { stream } = await start();
    const acknowledged = buildJourneyEvent();
    const rejected = buildJourneyEvent();
    const later = buildJourneyEvent();
    const handled: string[] = [];
    const failing = consume('analytics', 'c1', async (events) => {
      for (const event of events) {
        if (event.eventId === rejected.eventId) throw new Error('crash');
        handled.push(event.eventId);
      }
    });
    await stream.publish(acknowledged);
    await waitFor(() => handled.length === 1);
    await stream.publish(rejected);
    await sleep(150);
    await failing.stop();
    await stream.publish(later);

    const restarted = createCollector();
    consume('analytics', 'c1', restarted.handle);
    await waitFor(() => restarted.ids().length >= 2);
    await sleep(100);
    expect(restarted.ids()).toEqual([rejected.eventId, later.eventId]);
  });

  it('lets another consumer of the group take over the events of one that stopped answering', async () => {
    const { stream, openSibling } = await start({ claimIdleMs: 300 });
    const events = [buildJourneyEvent(), buildJourneyEvent()];
    let release: (() => void) | undefined;
    const held: string[] = [];
    const stuck = consume('analytics', 'dead', async (batch) => {
      held.push(...batch.map((event) => event.eventId));
      await new Promise<void>((resolve) => (release = resolve));
      throw new Error('gave up');
    });
    for (const event of events) await stream.publish(event);
    await waitFor(() => held.length === 2);

    const survivor = createCollector();
    consumers.push(openSibling().consume('analytics', 'alive', survivor.handle));
    await sleep(100);
    expect(survivor.ids()).toEqual([]);
    await waitFor(() => survivor.ids().length >= 2);
    expect(survivor.ids()).toEqual(events.map((event) => event.eventId));
    release?.();
    await stuck.stop();
  });
});
