import { describe, expect, it } from 'vitest';
import { createMemoryJourneyStore } from '../../../src/journeys/memory-journey-store.ts';
import type { JourneyRecord } from '../../../src/journeys/journey-store.ts';

/** A store on a clock the test moves. */
function createStoreAt(start = 1_000_000): { store: ReturnType<typeof createMemoryJourneyStore>; clock: { now: number } } {
  const clock = { now: start };
  const store = createMemoryJourneyStore({ idleMs: 10_000, finalRetentionMs: 50_000, idleGraceMs: 5_000, prefix: 'unused', now: () => clock.now });
  return { store, clock };
}

function record(journeyId: string, version = 1, state: JourneyRecord['state'] = 'Shopping'): JourneyRecord {
  const at = new Date(0).toISOString();
  return {
    journeyId, resumeTokenHash: 'x', clientId: 'c', channel: 'web', state, version, createdAt: at, updatedAt: at, enteredStateAt: at,
    history: [], variants: {}, data: {},
  };
}

describe('in-process journey store on a moving clock', () => {
  it('lists a journey at its deadline, not a slot before, and keeps what a limit left for the next call', async () => {
    const { store, clock } = createStoreAt();
    for (const id of ['a', 'b', 'c']) await store.create(record(id));

    expect(await store.takeIdle(clock.now + 9_999, 10)).toEqual([]);
    clock.now += 10_600;
    expect(await store.takeIdle(clock.now, 2)).toEqual(['a', 'b']);
    expect(await store.takeIdle(clock.now, 2)).toEqual(['c']);
    expect(await store.takeIdle(clock.now, 2)).toEqual([]);
  });

  it('does not hand out a journey written again after the wheel gave it up but before a caller took it', async () => {
    const { store, clock } = createStoreAt();
    await store.create(record('a'));
    await store.create(record('b'));
    clock.now += 10_600;
    expect(await store.takeIdle(clock.now, 1)).toEqual(['a']);
    // b is due and waiting behind the limit; a step on it now starts its idle time again.
    await store.replace(record('b', 2), 1);

    expect(await store.takeIdle(clock.now, 10)).toEqual([]);
    clock.now += 10_600;
    expect(await store.takeIdle(clock.now, 10)).toEqual(['b']);
  });

  it('forgets an idle journey after its grace, a final one after the retention, an offer link after the idle time', async () => {
    const { store, clock } = createStoreAt();
    await store.create(record('idle'));
    await store.create(record('done'));
    await store.replace(record('done', 2, 'Journey_Complete'), 1);
    await store.linkOffers('idle', ['OF1']);

    clock.now += 14_000;
    expect(await store.get('idle')).toBeDefined();
    expect(await store.journeyOfOffer('OF1')).toBeUndefined();
    clock.now += 2_000;
    expect(await store.get('idle')).toBeUndefined();
    expect(await store.get('done')).toBeDefined();
    expect(await store.count()).toBe(0);
    clock.now += 40_000;
    expect(await store.get('done')).toBeUndefined();
    expect(await store.takeIdle(clock.now, 10)).toEqual([]);
  });

  it('counts what is held: not final, not claimed, not forgotten', async () => {
    const { store, clock } = createStoreAt();
    for (const id of ['a', 'b', 'c']) await store.create(record(id));
    await store.replace(record('c', 2, 'Journey_Abandoned'), 1);
    expect(await store.count()).toBe(2);
    clock.now += 10_600;
    await store.takeIdle(clock.now, 1);
    expect(await store.count()).toBe(1);
  });

  it('refuses a version that does not follow the one read', async () => {
    const { store } = createStoreAt();
    await store.create(record('a'));
    await expect(store.replace(record('a', 3), 1)).rejects.toThrow(RangeError);
    await expect(store.create(record('b', 2))).rejects.toThrow(RangeError);
  });
});
