import { describe, expect, it } from 'vitest';
import { createInProcessJourneyEventStream } from '../../../src/journeys/in-process-journey-event-stream.ts';
import { waitFor } from '../../support/wait-for.ts';
import { buildJourneyEvent } from './journey-event-stream-fixtures.ts';

describe('in-process journey event stream', () => {
  it('drops the events every group has acknowledged, so memory stays flat', async () => {
    const stream = createInProcessJourneyEventStream({ batchSize: 50 });
    let analytics = 0;
    let prediction = 0;
    const first = stream.consume('analytics', 'c1', async (events) => {
      analytics += events.length;
    });
    const second = stream.consume('prediction', 'c1', async (events) => {
      prediction += events.length;
    });
    await second.stop();
    for (let i = 0; i < 3000; i += 1) await stream.publish(buildJourneyEvent());
    await waitFor(() => analytics === 3000);

    // The prediction group has read nothing yet: everything is kept for it.
    expect(stream.length).toBe(3000);
    const resumed = stream.consume('prediction', 'c1', async (events) => {
      prediction += events.length;
    });
    await waitFor(() => prediction === 3000);
    await waitFor(() => stream.length === 0);
    await first.stop();
    await resumed.stop();
    await stream.close();
  });

  it('keeps at most maxLen events, the newest, when nobody reads them', async () => {
    const stream = createInProcessJourneyEventStream({ maxLen: 100 });
    const events = Array.from({ length: 250 }, () => buildJourneyEvent());
    for (const event of events) await stream.publish(event);
    expect(stream.length).toBe(100);

    const seen: string[] = [];
    const consumer = stream.consume('late', 'c1', async (batch) => {
      seen.push(...batch.map((event) => event.eventId));
    });
    await waitFor(() => seen.length === 100);
    expect(seen).toEqual(events.slice(150).map((event) => event.eventId));
    await consumer.stop();
    await stream.close();
  });

  it('refuses to publish once closed', async () => {
    const stream = createInProcessJourneyEventStream();
    await stream.close();
    await expect(stream.publish(buildJourneyEvent())).rejects.toThrow(/closed/);
  });
});
