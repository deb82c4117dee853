import { describe, expect, it } from 'vitest';
import type { Experiment } from '../../../src/analytics/analytics-types.ts';
import { createCachedExperimentSource } from '../../../src/analytics/experiment-source.ts';
import { createLogger } from '../../../src/log/logger.ts';

const experiment = (id: string): Experiment => ({ id, name: id, variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], status: 'running', startedAt: '2026-01-01T00:00:00.000Z' });

describe('cached experiment source', () => {
  it('reads the table once per cacheMs, however many journeys start, and sees a change after it', async () => {
    let clock = 0;
    let reads = 0;
    let table = [experiment('one')];
    const source = createCachedExperimentSource({
      registry: { running: async () => { reads += 1; return table; } },
      logger: createLogger('silent'), cacheMs: 1000, now: () => clock,
    });

    const concurrent = await Promise.all(Array.from({ length: 50 }, () => source.running()));
    table = [experiment('one'), experiment('two')];
    clock = 999;
    const cached = await source.running();
    clock = 1000;
    const fresh = await source.running();

    expect(reads).toBe(2);
    expect(concurrent.every((list) => list.length === 1)).toBe(true);
    expect(cached.map((e) => e.id)).toEqual(['one']);
    expect(fresh.map((e) => e.id)).toEqual(['one', 'two']);
  });

  it('keeps journeys starting with the last list when the table cannot be read', async () => {
    let clock = 0;
    let fail = false;
    const source = createCachedExperimentSource({
      registry: { running: async () => { if (fail) throw new Error('database down'); return [experiment('one')]; } },
      logger: createLogger('silent'), cacheMs: 10, now: () => clock,
    });

    await source.running();
    fail = true;
    clock = 20;

    expect((await source.running()).map((e) => e.id)).toEqual(['one']);
  });
});
