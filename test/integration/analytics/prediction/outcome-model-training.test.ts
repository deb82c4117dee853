import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordJourneyEvents } from '../../../../src/analytics/journey-event-recorder.ts';
import { predictJourneyOutcome } from '../../../../src/analytics/prediction/journey-outcome-prediction.ts';
import { loadLatestOutcomeModel, nameTrainingLock } from '../../../../src/analytics/prediction/outcome-model-table.ts';
import { retrainOutcomeModel, startOutcomeRetrainJob } from '../../../../src/analytics/prediction/outcome-retrain-job.ts';
import { GatewayError } from '../../../../src/errors/index.ts';
import type { JourneyEvent } from '../../../../src/journeys/journey-event.ts';
import type { OrderStore, OrderStoreSql } from '../../../../src/orders/index.ts';
import { DATABASE_URL, silentLogger, startPgHarness, startPgliteHarness, uniqueSchema, type HarnessFactory, type StoreHarness } from '../../orders/order-store-fixtures.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { buildInformativePopulation, buildRandomPopulation, JourneyScript } from './journey-population.ts';

const START_MS = Date.parse('2026-11-02T08:00:00Z');

async function record(sql: OrderStoreSql, events: readonly JourneyEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 2000) await recordJourneyEvents(sql, events.slice(i, i + 2000));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof GatewayError ? error.code : String(error);
  }
}

describe.each<[string, HarnessFactory]>([
  ['postgresql', startPgHarness],
  ['pglite', startPgliteHarness],
])('journey outcome model (%s)', (adapter, startHarness) => {
  let harness: StoreHarness;
  const stores: OrderStore[] = [];
  const schemas: string[] = [];

  async function openSql(): Promise<OrderStoreSql> {
    const schema = uniqueSchema();
    schemas.push(schema);
    const store = harness.open(schema);
    stores.push(store);
    await store.migrate();
    return store.sql();
  }

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const schema of schemas) await harness.dropSchema(schema);
    await harness.close();
  });

  it('learns completion that depends on known features: held-out AUC ≥ 0.8, and a near, small-party journey scores above a far GDS one', async () => {
    const sql = await openSql();
    await record(sql, buildInformativePopulation(1500, 7, 'informative', START_MS));
    const result = await retrainOutcomeModel(sql, { minJourneys: 200, logger: silentLogger });
    expect(result).toMatchObject({ trained: true, journeys: 1500 });
    const stored = await loadLatestOutcomeModel(sql);
    expect(stored?.model.heldOutAuc).toBeGreaterThanOrEqual(0.8);
    expect(stored?.model.heldOutJourneys).toBeGreaterThan(200);
    expect(stored!.model.trainingJourneys + stored!.model.heldOutJourneys).toBe(1500);

    const now = START_MS + 3 * 86_400_000;
    const live = (id: string, channel: 'agent' | 'gds', partySize: number, daysToDeparture: number): JourneyScript =>
      new JourneyScript(id, 'client-0', { channel, partySize, daysToDeparture }, now - 600_000).throughCustomerData(() => 20);
    const good = live('live-good', 'agent', 1, 3);
    const bad = live('live-bad', 'gds', 6, 170);
    await record(sql, [...good.events, ...bad.events]);
    const goodPrediction = await predictJourneyOutcome(sql, 'live-good', new Date(now));
    const badPrediction = await predictJourneyOutcome(sql, 'live-bad', new Date(now));
    expect(goodPrediction.completionProbability).toBeGreaterThan(0.7);
    expect(badPrediction.completionProbability).toBeLessThan(0.3);
    expect(goodPrediction.model).toEqual({
      trainedAt: stored!.trainedAt, trainingJourneys: stored!.model.trainingJourneys, heldOutAuc: stored!.model.heldOutAuc, features: stored!.model.features,
    });
    // A finished journey's outcome is known.
    expect((await predictJourneyOutcome(sql, 'informative-0', new Date(now))).completionProbability).toBeOneOf([0, 1]);
  });

  it('finds nothing where completion is a coin toss: held-out AUC within 0.4–0.6', async () => {
    const sql = await openSql();
    await record(sql, buildRandomPopulation(2500, 11, 'random', START_MS));
    expect(await retrainOutcomeModel(sql, { minJourneys: 200, logger: silentLogger })).toMatchObject({ trained: true });
    const auc = (await loadLatestOutcomeModel(sql))?.model.heldOutAuc;
    expect(auc).toBeGreaterThan(0.4);
    expect(auc).toBeLessThan(0.6);
  });

  it('trains nothing below the minimum of finished journeys, and answers 503-class then 404-class errors', async () => {
    const sql = await openSql();
    await record(sql, buildInformativePopulation(50, 3, 'few', START_MS));
    expect(await retrainOutcomeModel(sql, { minJourneys: 200, logger: silentLogger })).toEqual({ trained: false, reason: 'too_few_journeys', journeys: 50 });
    expect(await loadLatestOutcomeModel(sql)).toBeUndefined();
    expect(await codeOf(predictJourneyOutcome(sql, 'few-1'))).toBe('PREDICTION_MODEL_UNAVAILABLE');
    expect(await codeOf(predictJourneyOutcome(sql, 'no-such-journey'))).toBe('JOURNEY_EVENTS_NOT_FOUND');
  });

  it('runs a round at start, leaves a model younger than half an interval alone, and stops', async () => {
    const sql = await openSql();
    await record(sql, buildInformativePopulation(250, 9, 'job', START_MS));
    const job = startOutcomeRetrainJob({ sql: async () => sql, intervalMs: 60_000, minJourneys: 200, logger: silentLogger });
    try {
      await waitFor(async () => (await loadLatestOutcomeModel(sql)) !== undefined);
      // The round at start may still be releasing its claim: runOnce shares a round in progress.
      await job.runOnce();
      expect(await job.runOnce()).toEqual({ trained: false, reason: 'fresh' });
    } finally {
      await job.stop();
    }
    // Without the freshness rule a round trains again.
    expect(await retrainOutcomeModel(sql, { minJourneys: 200, logger: silentLogger })).toMatchObject({ trained: true, journeys: 250 });
  });

  it('skips while another process holds an unexpired claim, takes over an expired one, and leaves no claim behind', async () => {
    const sql = await openSql();
    await record(sql, buildInformativePopulation(250, 13, 'claim', START_MS));
    const claims = `"${sql.schema}".journey_outcome_training`;
    await harness.sql(`INSERT INTO ${claims} (holder, expires_at) VALUES ('other', now() + interval '1 minute')`);
    expect(await retrainOutcomeModel(sql, { minJourneys: 200, logger: silentLogger })).toEqual({ trained: false, reason: 'locked' });
    await harness.sql(`UPDATE ${claims} SET expires_at = now() - interval '1 second'`);
    expect(await retrainOutcomeModel(sql, { minJourneys: 200, logger: silentLogger })).toMatchObject({ trained: true });
    expect(await harness.sql(`SELECT holder FROM ${claims}`)).toEqual([]);
    // A skipped round leaves none either.
    expect(await retrainOutcomeModel(sql, { minJourneys: 1000, logger: silentLogger })).toMatchObject({ trained: false, reason: 'too_few_journeys' });
    expect(await harness.sql(`SELECT holder FROM ${claims}`)).toEqual([]);
  });

  it.runIf(adapter === 'postgresql')('lets one process train at a time: a round that finds the lock taken skips', async () => {
    const sql = await openSql();
    await record(sql, buildInformativePopulation(300, 5, 'locked', START_MS));
    // Another process training: it holds the lock on its own connection.
    const other = new Client({ connectionString: DATABASE_URL });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', [nameTrainingLock(sql.schema)]);
      expect(await retrainOutcomeModel(sql, { minJourneys: 200, logger: silentLogger })).toEqual({ trained: false, reason: 'locked' });
      expect(await loadLatestOutcomeModel(sql)).toBeUndefined();
      await other.query('SELECT pg_advisory_unlock(hashtext($1))', [nameTrainingLock(sql.schema)]);
      expect(await retrainOutcomeModel(sql, { minJourneys: 200, logger: silentLogger })).toMatchObject({ trained: true });
    } finally {
      await other.end();
    }
  });
});
