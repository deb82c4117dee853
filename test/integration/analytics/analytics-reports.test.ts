import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryConversion, queryFunnel, queryPerformance } from '../../../src/analytics/analytics-queries.ts';
import type { AnalyticsFilter } from '../../../src/analytics/analytics-types.ts';
import { createExperimentRegistry, type ExperimentRegistry } from '../../../src/analytics/experiment-registry.ts';
import { compareArms } from '../../../src/analytics/experiment-statistics.ts';
import { recordJourneyEvents, startJourneyEventRecorder } from '../../../src/analytics/journey-event-recorder.ts';
import { GatewayError } from '../../../src/errors/index.ts';
import { createInProcessJourneyEventStream } from '../../../src/journeys/in-process-journey-event-stream.ts';
import type { OrderStore, OrderStoreSql } from '../../../src/orders/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { silentLogger, startPgHarness, startPgliteHarness, uniqueSchema, type HarnessFactory, type StoreHarness } from '../orders/order-store-fixtures.ts';
import { seededEvents, WINDOW } from './journey-event-fixtures.ts';

/** Every report of the API over the window, in one object, to compare before and after a replay. */
async function everyReport(sql: OrderStoreSql, experiments: ExperimentRegistry): Promise<unknown> {
  const filters: AnalyticsFilter[] = [
    WINDOW, { ...WINDOW, channel: 'ndc' }, { ...WINDOW, clientId: 'A' }, { ...WINDOW, experiment: 'exp', variant: 'treat' },
  ];
  const reports = [];
  for (const filter of filters) {
    reports.push(await queryFunnel(sql, filter), await queryPerformance(sql, filter), await queryConversion(sql, filter));
  }
  return { reports, results: await experiments.results('exp') };
}

describe.each<[string, HarnessFactory]>([
  ['postgresql', startPgHarness],
  ['pglite', startPgliteHarness],
])('journey analytics (%s)', (_adapter, startHarness) => {
  let harness: StoreHarness;
  let store: OrderStore;
  let schema: string;
  let sql: OrderStoreSql;
  let experiments: ExperimentRegistry;
  const runId = `run-${randomUUID()}`;

  beforeAll(async () => {
    harness = await startHarness();
    schema = uniqueSchema();
    store = harness.open(schema);
    await store.migrate();
    sql = await store.sql();
    experiments = createExperimentRegistry(() => store.sql());
    await experiments.create({ id: 'exp', name: 'Exp', variants: [{ name: 'control', weight: 1 }, { name: 'treat', weight: 1 }] });
    expect(await recordJourneyEvents(sql, seededEvents(runId))).toBe(seededEvents(runId).length);
  });

  afterAll(async () => {
    await store?.close();
    await harness?.dropSchema(schema);
    await harness?.close();
  });

  describe('funnel', () => {
    it('counts the journeys started in the window reaching each step, the conversion to the next, and the drop-off by state and reason', async () => {
      const report = await queryFunnel(sql, WINDOW);

      // Started in the window: J1, J2, J3, J4, J5, J7 (J6 started in February).
      expect(report.steps).toEqual([
        { state: 'Journey_Init', reached: 6, conversionToNext: 1 },
        { state: 'Shopping', reached: 6, conversionToNext: 5 / 6 }, // J2 timed out in Shopping
        { state: 'Offer_Selection', reached: 5, conversionToNext: 4 / 5 }, // J4 selected nothing
        { state: 'Booking_Start', reached: 4, conversionToNext: 1 },
        { state: 'Customer_Data', reached: 4, conversionToNext: 3 / 4 }, // J5 failed validation
        { state: 'Payment_Process', reached: 3, conversionToNext: 2 / 3 }, // J7 ran out of retries; J3 (one retry) counts once
        { state: 'Order_Confirmation', reached: 2, conversionToNext: 1 },
        { state: 'Ticket_Generation', reached: 2, conversionToNext: 1 },
        { state: 'Journey_Complete', reached: 2 },
      ]);
      expect(report.dropOff).toEqual([
        { state: 'Customer_Data', reason: 'validation_failure', journeys: 1 },
        { state: 'Offer_Selection', reason: 'no_selection', journeys: 1 },
        { state: 'Payment_Retry', reason: 'payment_retries_exhausted', journeys: 1 },
        { state: 'Shopping', reason: 'timeout', journeys: 1 },
      ]);
      expect(report.filter).toEqual(WINDOW);
    });

    it('filters by starting channel, client and experiment variant', async () => {
      const reached = async (filter: AnalyticsFilter): Promise<number[]> => (await queryFunnel(sql, filter)).steps.map((s) => s.reached);

      // ndc: J3 (complete), J4 (no selection), J7 (payment abandoned).
      expect(await reached({ ...WINDOW, channel: 'ndc' })).toEqual([3, 3, 3, 2, 2, 2, 1, 1, 1]);
      // client A: J1 (complete), J2 (timeout).
      expect(await reached({ ...WINDOW, clientId: 'A' })).toEqual([2, 2, 1, 1, 1, 1, 1, 1, 1]);
      // exp = control: J1, J4, J5.
      expect(await reached({ ...WINDOW, experiment: 'exp', variant: 'control' })).toEqual([3, 3, 3, 2, 2, 1, 1, 1, 1]);
      expect(await reached({ ...WINDOW, experiment: 'exp' })).toEqual([6, 6, 5, 4, 4, 3, 2, 2, 2]);
      expect(await reached({ ...WINDOW, experiment: 'other' })).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
      // From February on, J6 counts too.
      expect(await reached({ ...WINDOW, from: '2026-02-01T00:00:00.000Z' })).toEqual([7, 7, 6, 5, 5, 4, 3, 3, 3]);
    });
  });

  describe('performance', () => {
    it('gives continuous percentiles of the time in each state and of each message, and the error rate of messages', async () => {
      const report = await queryPerformance(sql, WINDOW);

      // Time in Shopping, sorted: 100, 200, 300, 400, 500, 1,800,000 (n = 6, positions (n−1)·q):
      // p50 at 2.5 → (300 + 400)/2 = 350; p95 at 4.75 → 500 + 0.75·1,799,500 = 1,350,125; p99 at 4.95 → 500 + 0.95·1,799,500 = 1,710,025.
      const shopping = report.steps.find((s) => s.state === 'Shopping')!;
      expect(shopping).toMatchObject({ count: 6, p50Ms: 350, errorRate: 0 });
      expect(shopping.p95Ms).toBeCloseTo(1_350_125, 6);
      expect(shopping.p99Ms).toBeCloseTo(1_710_025, 6);
      expect(report.steps.map((s) => s.state)).toEqual([
        'Journey_Init', 'Shopping', 'Offer_Selection', 'Booking_Start', 'Customer_Data', 'Payment_Process', 'Payment_Failed', 'Payment_Retry', 'Order_Confirmation', 'Ticket_Generation',
      ]);
      const messages = Object.fromEntries(report.messages.map(({ message, ...figures }) => [message, figures]));
      // AirShoppingRQ: 100, 200, 300 (NO_AVAILABILITY), 400, 500 → p50 300, p95 at 3.8 → 480, p99 at 3.96 → 496; 1 error of 5.
      expect(messages.AirShoppingRQ).toMatchObject({ count: 5, p50Ms: 300, errorRate: 0.2 });
      expect(messages.AirShoppingRQ!.p95Ms).toBeCloseTo(480, 9);
      expect(messages.AirShoppingRQ!.p99Ms).toBeCloseTo(496, 9);
      // OrderCreateRQ: 800, 900 (PAYMENT_DECLINED) → p50 850, p95 895, p99 899; 1 error of 2.
      expect(messages.OrderCreateRQ).toMatchObject({ count: 2, p50Ms: 850, errorRate: 0.5 });
      expect(messages.OrderCreateRQ!.p95Ms).toBeCloseTo(895, 9);
      expect(messages.OrderCreateRQ!.p99Ms).toBeCloseTo(899, 9);
      // offer.shop in the window: 50, 70, 90 (J6's 99,999 ms is in February) → p50 70, p95 at 1.9 → 88, p99 at 1.98 → 89.6.
      expect(messages['offer.shop']!.count).toBe(3);
      expect(messages['offer.shop']!.p95Ms).toBeCloseTo(88, 9);
      expect(messages['offer.shop']!.p99Ms).toBeCloseTo(89.6, 9);
      expect(report.messages.map((m) => m.message)).toEqual(['AirShoppingRQ', 'OfferPriceRQ', 'OrderCreateRQ', 'offer.shop']);
    });

    it('filters the events by their own channel and client', async () => {
      const report = await queryPerformance(sql, { ...WINDOW, channel: 'web' });

      expect(report.messages.map((m) => [m.message, m.count])).toEqual([['offer.shop', 3]]);
      expect(report.steps.find((s) => s.state === 'Shopping')?.count).toBe(2);
      expect((await queryPerformance(sql, { ...WINDOW, clientId: 'C' })).messages).toEqual([]);
    });
  });

  describe('conversion', () => {
    it('gives completed over started by day, channel and client, and look-to-book per client', async () => {
      const report = await queryConversion(sql, WINDOW);

      expect(report.rates).toEqual([
        { day: '2026-03-01', channel: 'web', clientId: 'A', started: 2, completed: 1, rate: 0.5 },
        { day: '2026-03-02', channel: 'ndc', clientId: 'B', started: 2, completed: 1, rate: 0.5 },
        { day: '2026-03-03', channel: 'mobile', clientId: 'C', started: 1, completed: 0, rate: 0 },
        { day: '2026-03-03', channel: 'ndc', clientId: 'B', started: 1, completed: 0, rate: 0 },
      ]);
      // A: 3 JSON searches, 1 order (O1). B: 5 AirShopping, 1 order (O3; O7 of the abandoned J7 is not a booking). C: nothing.
      expect(report.lookToBook).toEqual([
        { clientId: 'A', searches: 3, orders: 1, ratio: 3 },
        { clientId: 'B', searches: 5, orders: 1, ratio: 5 },
        { clientId: 'C', searches: 0, orders: 0, ratio: null },
      ]);
    });
  });

  describe('experiments', () => {
    it('gives exposures and conversions per variant, compared with the control', async () => {
      const results = await experiments.results('exp');

      // control: J1, J4, J5, J6 (4), completed J1, J6 (2); treat: J2, J3, J7 (3), completed J3 (1).
      expect(results.variants).toEqual([
        { name: 'control', exposures: 4, conversions: 2, rate: 0.5 },
        { name: 'treat', exposures: 3, conversions: 1, rate: 1 / 3, ...compareArms({ exposures: 4, conversions: 2 }, { exposures: 3, conversions: 1 }) },
      ]);
      expect(results.variants[1]!.lift).toBeCloseTo(-1 / 3, 12);
      expect(results.experiment).toMatchObject({ id: 'exp', status: 'running' });
    });

    it('creates, lists, stops and refuses a taken or unknown id', async () => {
      const created = await experiments.create({ name: 'Green Button!', variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }] });

      expect(created).toEqual({ id: 'green-button', name: 'Green Button!', variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }], status: 'running', startedAt: expect.any(String) });
      expect((await experiments.running()).map((e) => e.id)).toEqual(['exp', 'green-button']);
      const stopped = await experiments.stop('green-button');
      expect(stopped).toMatchObject({ status: 'stopped', stoppedAt: expect.any(String) });
      expect(await experiments.stop('green-button')).toEqual(stopped);
      expect((await experiments.running()).map((e) => e.id)).toEqual(['exp']);
      expect((await experiments.list()).map((e) => e.id).sort()).toEqual(['exp', 'green-button']);
      expect((await experiments.results('green-button')).variants.map((v) => v.exposures)).toEqual([0, 0]);
      await expect(experiments.create({ name: 'Green button', variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] })).rejects.toMatchObject({ code: 'EXPERIMENT_EXISTS' });
      await expect(experiments.get('nope')).rejects.toBeInstanceOf(GatewayError);
      await expect(experiments.stop('nope')).rejects.toMatchObject({ code: 'EXPERIMENT_NOT_FOUND' });
    });
  });

  describe('recorder', () => {
    it('writes each event once: a replay of every event, in other batches, changes no report', async () => {
      const before = await everyReport(sql, experiments);
      const events = seededEvents(runId);

      expect(await recordJourneyEvents(sql, events)).toBe(0);
      expect(await recordJourneyEvents(sql, [...events].reverse().slice(0, 7))).toBe(0);
      expect(await recordJourneyEvents(sql, [events[0]!, events[0]!])).toBe(0);

      expect(await everyReport(sql, experiments)).toEqual(before);
      expect(await harness.sql(`SELECT count(*)::int AS n FROM "${schema}".journey_events`)).toEqual([{ n: events.length }]);
    });

    it('consumes the journey stream: events published twice are counted once', async () => {
      const stream = createInProcessJourneyEventStream({ logger: silentLogger });
      const consumer = startJourneyEventRecorder({ stream, sql: () => store.sql(), logger: silentLogger, consumer: 'test' });
      const journey = `stream-${randomUUID()}`;
      const base = { journeyId: journey, clientId: 'S', channel: 'api', variants: {}, durationMs: 0 } as const;
      const events = [
        { ...base, eventId: `${journey}-0`, type: 'transition', at: '2026-03-05T10:00:00.000Z', to: 'Journey_Init' },
        { ...base, eventId: `${journey}-1`, type: 'transition', at: '2026-03-05T10:00:01.000Z', from: 'Journey_Init', to: 'Shopping', durationMs: 1000 },
      ] as const;
      const startedOn = async (): Promise<number[]> => (await queryFunnel(sql, { ...WINDOW, clientId: 'S' })).steps.slice(0, 2).map((s) => s.reached);
      try {
        for (const event of events) await stream.publish(event);
        await waitFor(async () => (await startedOn())[1] === 1);
        for (const event of events) await stream.publish(event);
        await waitFor(() => stream.length === 0);

        expect(await startedOn()).toEqual([1, 1]);
        expect(await harness.sql(`SELECT count(*)::int AS n FROM "${schema}".journey_events WHERE journey_id = $1`, [journey])).toEqual([{ n: 2 }]);
      } finally {
        await consumer.stop();
        await stream.close();
      }
    });

    it('leaves a batch it cannot write unacknowledged, and writes it once the database answers', async () => {
      const stream = createInProcessJourneyEventStream({ logger: silentLogger, retryInitialMs: 20, retryMaxMs: 50 });
      let available = false;
      const consumer = startJourneyEventRecorder({
        stream, logger: silentLogger, consumer: 'test',
        sql: async () => {
          if (!available) throw new Error('order store not open yet');
          return store.sql();
        },
      });
      const journey = `late-${randomUUID()}`;
      try {
        await stream.publish({ eventId: `${journey}-0`, type: 'transition', journeyId: journey, clientId: 'L', channel: 'web', at: '2026-03-05T10:00:00.000Z', to: 'Journey_Init', durationMs: 0, variants: {} });
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(stream.length).toBe(1);
        available = true;
        await waitFor(() => stream.length === 0);

        expect(await harness.sql(`SELECT client_id FROM "${schema}".journey_events WHERE journey_id = $1`, [journey])).toEqual([{ client_id: 'L' }]);
      } finally {
        await consumer.stop();
        await stream.close();
      }
    });
  });
});
