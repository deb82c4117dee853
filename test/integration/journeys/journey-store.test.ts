import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { JourneyConflictError } from '../../../src/journeys/journey-store.ts';
import { waitFor } from '../../support/wait-for.ts';
import {
  advanceJourneyRecord,
  buildJourneyRecord,
  startMemoryStoreHarness,
  startRedisStoreHarness,
  type StoreHarness,
  type StoreHarnessFactory,
  type StoreHarnessOptions,
} from './journey-store-fixtures.ts';

const IDLE_MS = 400;

/** The contract of the JourneyStore port; every adapter must pass it unchanged. */
describe.each<[string, StoreHarnessFactory]>([
  ['memory', startMemoryStoreHarness],
  ['redis', startRedisStoreHarness],
])('JourneyStore contract (%s)', (_adapter, startHarness) => {
  let harness: StoreHarness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function start(overrides: Partial<StoreHarnessOptions> = {}): Promise<StoreHarness> {
    harness = await startHarness({ idleMs: IDLE_MS, finalRetentionMs: 60_000, idleGraceMs: 60_000, ...overrides });
    return harness;
  }

  it('keeps a journey as it was given and hands out copies', async () => {
    const { store } = await start();
    const record = buildJourneyRecord();
    await store.create(record);

    const read = await store.get(record.journeyId);
    expect(read).toEqual(record);
    (read?.data as { mutated?: boolean }).mutated = true;
    expect(await store.get(record.journeyId)).toEqual(record);
    expect(await store.get('no-such-journey')).toBeUndefined();
    expect(await store.count()).toBe(1);
  });

  it('refuses to create a journey twice', async () => {
    const { store } = await start();
    const record = buildJourneyRecord();
    await store.create(record);

    await expect(store.create(record)).rejects.toBeInstanceOf(JourneyConflictError);
  });

  it('writes a replace based on the current version and refuses one based on an older one', async () => {
    const { store } = await start();
    const record = buildJourneyRecord();
    await store.create(record);
    const next = advanceJourneyRecord(record);
    await store.replace(next, 1);

    expect(await store.get(record.journeyId)).toEqual(next);
    const stale = store.replace(advanceJourneyRecord(record, 'Journey_Abandoned'), 1);
    await expect(stale).rejects.toMatchObject({ name: 'JourneyConflictError', expectedVersion: 1, currentVersion: 2 });
    await expect(store.replace(advanceJourneyRecord(buildJourneyRecord()), 1)).rejects.toMatchObject({ currentVersion: undefined });
    expect(await store.get(record.journeyId)).toEqual(next);
  });

  it('lets exactly one of two concurrent replaces on the same version win', async () => {
    const { store, openSibling } = await start();
    const other = openSibling();
    const record = buildJourneyRecord();
    await store.create(record);
    const web = advanceJourneyRecord(record, 'Offer_Selection');
    const mobile = advanceJourneyRecord(record, 'Journey_Abandoned');

    const outcomes = await Promise.allSettled([store.replace(web, 1), other.replace(mobile, 1)]);

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(JourneyConflictError);
    const stored = await store.get(record.journeyId);
    expect(stored?.version).toBe(2);
    expect([web, mobile]).toContainEqual(stored);
  });

  it('slides the idle deadline on every write and lists an idle journey once', async () => {
    const { store } = await start();
    const record = buildJourneyRecord();
    await store.create(record);
    await sleep(IDLE_MS * 0.6);
    const next = advanceJourneyRecord(record);
    await store.replace(next, 1);
    await sleep(IDLE_MS * 0.6);

    // More than idleMs since creation, less since the last write: not idle.
    expect(await store.takeIdle(Date.now(), 10)).toEqual([]);
    await waitFor(async () => (await store.takeIdle(Date.now(), 10)).includes(record.journeyId) || (await sleep(20), false));
    expect(await store.takeIdle(Date.now() + 10 * IDLE_MS, 10)).toEqual([]);
    // Still readable at its deadline, so a sweeper can abandon it.
    expect(await store.get(record.journeyId)).toEqual(next);
  });

  it('does not list a journey before its deadline, and lists no more than the limit', async () => {
    const { store } = await start({ idleMs: 200 });
    const records = [buildJourneyRecord(), buildJourneyRecord(), buildJourneyRecord()];
    for (const record of records) await store.create(record);

    expect(await store.takeIdle(Date.now(), 10)).toEqual([]);
    await sleep(1200);
    const first = await store.takeIdle(Date.now(), 2);
    const second = await store.takeIdle(Date.now(), 2);
    expect(first).toHaveLength(2);
    expect([...first, ...second].sort()).toEqual(records.map((record) => record.journeyId).sort());
  });

  it('gives each idle journey to one caller only, across stores sharing the data', async () => {
    const { store, openSibling } = await start({ idleMs: 100 });
    const other = openSibling();
    const ids: string[] = [];
    for (let i = 0; i < 60; i += 1) {
      const record = buildJourneyRecord();
      ids.push(record.journeyId);
      await store.create(record);
    }
    await sleep(1200);

    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? other : store).takeIdle(Date.now(), 7)));
    const rest = await store.takeIdle(Date.now(), 100);

    const taken = [...claims.flat(), ...rest];
    expect(taken).toHaveLength(60);
    expect(new Set(taken)).toEqual(new Set(ids));
  });

  it('keeps a final journey for the retention, without an idle deadline', async () => {
    const { store } = await start({ idleMs: 100, finalRetentionMs: 1500 });
    const record = buildJourneyRecord();
    await store.create(record);
    await store.replace(advanceJourneyRecord(record, 'Journey_Abandoned'), 1);
    expect(await store.count()).toBe(0);

    await sleep(600);
    expect(await store.takeIdle(Date.now(), 10)).toEqual([]);
    expect((await store.get(record.journeyId))?.state).toBe('Journey_Abandoned');
    await waitFor(async () => (await store.get(record.journeyId)) === undefined, 100);
  });

  it('forgets an idle journey nobody abandoned once its grace has passed', async () => {
    const { store } = await start({ idleMs: 100, idleGraceMs: 300 });
    const record = buildJourneyRecord();
    await store.create(record);

    await waitFor(async () => (await store.get(record.journeyId)) === undefined, 50);
    expect(await store.count()).toBe(0);
  });

  it('links offers to their journey for as long as the journey may idle', async () => {
    const { store } = await start({ idleMs: 800 });
    const record = buildJourneyRecord();
    await store.linkOffers(record.journeyId, ['SHOP-1', 'OF-1', 'OF-2']);

    expect(await store.journeyOfOffer('SHOP-1')).toBe(record.journeyId);
    expect(await store.journeyOfOffer('OF-2')).toBe(record.journeyId);
    expect(await store.journeyOfOffer('OF-3')).toBeUndefined();
    await waitFor(async () => (await store.journeyOfOffer('OF-1')) === undefined, 100);
  });

  it('counts the journeys held, not the final ones', async () => {
    const { store } = await start();
    const records = [buildJourneyRecord(), buildJourneyRecord(), buildJourneyRecord()];
    for (const record of records) await store.create(record);
    await store.replace(advanceJourneyRecord(records[0]!, 'Journey_Abandoned'), 1);

    expect(await store.count()).toBe(2);
  });
});
