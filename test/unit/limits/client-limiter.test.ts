import { describe, expect, it } from 'vitest';
import type { ApiClient, ClientLimits } from '../../../src/auth/index.ts';
import { rateLimitFields } from '../../../src/http/admission.ts';
import { createClientLimiter } from '../../../src/limits/client-limiter.ts';

function clientWith(limits?: ClientLimits, id = 'c1'): ApiClient {
  return { id, name: id, messages: ['*'], admin: false, monitoring: false, analytics: false, ...(limits ? { limits } : {}) };
}

/** A limiter on a clock the test moves. */
function limiterAt(): { limiter: ReturnType<typeof createClientLimiter>; advance(ms: number): void } {
  let now = 1_000;
  return { limiter: createClientLimiter(() => now), advance: (ms) => { now += ms; } };
}

describe('client limiter', () => {
  it('admits a burst of one second\'s worth, then paces the client at its rate', () => {
    const { limiter, advance } = limiterAt();
    const client = clientWith({ requestsPerSecond: 2 });
    expect([limiter.admit(client), limiter.admit(client)].map((a) => [a.admitted, a.rate?.remaining])).toEqual([[true, 1], [true, 0]]);
    const refused = limiter.admit(client);
    expect(refused).toMatchObject({ admitted: false, exceeded: 'rate', retryAfterSeconds: 1, rate: { limit: 2, remaining: 0 } });
    advance(499);
    expect(limiter.admit(client).admitted).toBe(false);
    advance(1);
    expect(limiter.admit(client).admitted).toBe(true);
    // An idle client gets back one second's worth, no more.
    advance(60_000);
    expect(limiter.admit(client).rate).toEqual({ limit: 2, remaining: 1 });
  });

  it('counts requests in flight until they are released, once each', () => {
    const { limiter } = limiterAt();
    const client = clientWith({ concurrentRequests: 2 });
    const first = limiter.admit(client);
    const second = limiter.admit(client);
    expect(second.concurrency).toEqual({ limit: 2, remaining: 0 });
    expect(limiter.admit(client)).toMatchObject({ admitted: false, exceeded: 'concurrency', retryAfterSeconds: 1 });
    first.release();
    first.release();
    expect(limiter.admit(client)).toMatchObject({ admitted: true, concurrency: { limit: 2, remaining: 0 } });
    expect(limiter.admit(client).admitted).toBe(false);
    second.release();
    expect(limiter.admit(client).admitted).toBe(true);
  });

  it('takes no token for a request refused by its in-flight limit, and frees no slot for a refused request', () => {
    const { limiter } = limiterAt();
    const client = clientWith({ requestsPerSecond: 2, concurrentRequests: 1 });
    const held = limiter.admit(client);
    const refused = limiter.admit(client);
    expect(refused).toMatchObject({ admitted: false, exceeded: 'concurrency', rate: { remaining: 1 } });
    refused.release();
    expect(limiter.admit(client).admitted).toBe(false);
    held.release();
    expect(limiter.admit(client)).toMatchObject({ admitted: true, rate: { remaining: 0 } });
  });

  it('keeps each client\'s count apart and lets a client without limits through untouched', () => {
    const { limiter } = limiterAt();
    const one = clientWith({ requestsPerSecond: 1 }, 'one');
    const other = clientWith({ requestsPerSecond: 1 }, 'other');
    expect(limiter.admit(one).admitted).toBe(true);
    expect(limiter.admit(one).admitted).toBe(false);
    expect(limiter.admit(other).admitted).toBe(true);
    const free = limiter.admit(clientWith(undefined, 'free'));
    expect(free).toMatchObject({ admitted: true });
    expect(free.rate).toBeUndefined();
    expect(rateLimitFields(free)).toBeUndefined();
  });
});

describe('RateLimit header fields (draft-ietf-httpapi-ratelimit-headers)', () => {
  it('names each policy, its quota and window or unit, and what is left', () => {
    const { limiter } = limiterAt();
    const fields = rateLimitFields(limiter.admit(clientWith({ requestsPerSecond: 10, concurrentRequests: 4 })));
    expect(fields).toEqual({
      'RateLimit-Policy': '"per-second";q=10;w=1, "concurrent";q=4;qu="concurrent-requests"',
      RateLimit: '"per-second";r=9;t=1, "concurrent";r=3',
    });
  });
});
