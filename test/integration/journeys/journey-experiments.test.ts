import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Experiment } from '../../../src/analytics/analytics-types.ts';
import { assignVariant, type ExperimentSource } from '../../../src/analytics/experiment-assignment.ts';
import type { ApiClient } from '../../../src/auth/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createInProcessJourneyEventStream } from '../../../src/journeys/in-process-journey-event-stream.ts';
import type { JourneyEvent, JourneyEventConsumer } from '../../../src/journeys/journey-event.ts';
import { createJourneyService, type JourneyService } from '../../../src/journeys/journey-service.ts';
import { createMemoryJourneyStore } from '../../../src/journeys/memory-journey-store.ts';
import type { PipelineDeps } from '../../../src/pipeline/ndc-pipeline.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * Experiment variants of a journey: assigned once when it starts, from the experiments running
 * then, by the hash of experiment and journey, and carried by every event of the journey.
 */

const RUNNING: Experiment = { id: 'exp-checkout', name: 'Checkout', variants: [{ name: 'control', weight: 1 }, { name: 'one-page', weight: 1 }], status: 'running', startedAt: '2026-01-01T00:00:00Z' };
const STOPPED: Experiment = { ...RUNNING, id: 'exp-old', status: 'stopped', stoppedAt: '2026-02-01T00:00:00Z' };

describe('experiment variants of journeys', () => {
  const logger = createLogger('silent');
  const store = createMemoryJourneyStore({ idleMs: 60_000, finalRetentionMs: 60_000, prefix: 'test' });
  const stream = createInProcessJourneyEventStream();
  const events: JourneyEvent[] = [];
  let consumer: JourneyEventConsumer;
  let asked = 0;
  const source: ExperimentSource = {
    async running() {
      asked += 1;
      return [RUNNING, STOPPED];
    },
  };
  const client = { id: 'shop' } as ApiClient;
  let journeys: JourneyService;

  beforeAll(() => {
    consumer = stream.consume('test', 'test', async (batch) => {
      events.push(...batch);
    });
    journeys = createJourneyService({ deps: {} as PipelineDeps, store, events: stream, logger, maxPaymentRetries: 3, experiments: source });
  });

  afterAll(async () => {
    await consumer.stop();
    await stream.close();
    await store.close();
  });

  it('assigns each new journey the variant its hash gives, of running experiments only, and keeps it on every channel', async () => {
    const started = await Promise.all(Array.from({ length: 40 }, (_, i) => journeys.start({ client, channel: i % 2 ? 'web' : 'mobile', logger })));
    expect(asked).toBe(40);
    for (const { journeyId, journey } of started) {
      expect(journey.variants).toEqual({ 'exp-checkout': assignVariant('exp-checkout', journeyId, RUNNING.variants) });
    }
    // Both variants occur, so the assignment is not a constant.
    expect(new Set(started.map((s) => s.journey.variants['exp-checkout'])).size).toBe(2);
    const first = started[0]!;
    const seen = await journeys.status({ journeyId: first.journeyId, resumeToken: first.resumeToken }, client);
    expect(seen.variants).toEqual(first.journey.variants);
    await waitFor(() => events.length >= 40);
    for (const event of events) expect(event.variants).toEqual(started.find((s) => s.journeyId === event.journeyId)!.journey.variants);
  });

  it('assigns no variant without experiments', async () => {
    const plain = createJourneyService({ deps: {} as PipelineDeps, store, events: stream, logger, maxPaymentRetries: 3 });
    expect((await plain.start({ client, channel: 'api', logger })).journey.variants).toEqual({});
  });
});
