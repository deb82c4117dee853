import { describe, expect, it } from 'vitest';
import { runHealthChecks } from '../../../src/health/health-report.ts';

describe('runHealthChecks', () => {
  it('is ok when every check passes, with each check and its detail', async () => {
    const report = await runHealthChecks({
      queue: async () => ({ ok: true, detail: { transport: 'bullmq' } }),
      running: async () => ({ ok: true }),
    });
    expect(report).toEqual({ status: 'ok', checks: { queue: { ok: true, detail: { transport: 'bullmq' } }, running: { ok: true } } });
  });

  it('is unavailable when one check fails, throws or does not answer in time; the others still report', async () => {
    const report = await runHealthChecks({
      workers: async () => ({ ok: false, detail: { consuming: { offer: 0 } } }),
      orders: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); },
      downstream: () => new Promise(() => undefined),
      schemas: async () => ({ ok: true }),
    }, 50);
    expect(report).toEqual({
      status: 'unavailable',
      checks: {
        workers: { ok: false, detail: { consuming: { offer: 0 } } },
        orders: { ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:5432' },
        downstream: { ok: false, detail: 'no answer within 50 ms' },
        schemas: { ok: true },
      },
    });
  });
});
