import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createStepRunner, isTransient, withRetries } from '../../../src/orchestration/step-runner.ts';

const logger = createLogger('silent');

describe('createStepRunner', () => {
  it('undoes finished steps latest first, with what each step returned', async () => {
    const runner = createStepRunner(logger);
    const undone: string[] = [];
    await runner.run('hold', async () => 'H1', async (hold) => { undone.push(`release ${hold}`); });
    await runner.run('verify', async () => 'ok');
    await runner.run('authorise', async () => 'A1', async (auth) => { undone.push(`void ${auth}`); });
    const failure = runner.run('write', async () => { throw new GatewayError('ORDER_VERSION_CONFLICT'); }, async () => { undone.push('never'); });
    await expect(failure).rejects.toThrow(GatewayError);

    const report = await runner.compensate(new GatewayError('ORDER_VERSION_CONFLICT'));

    expect(undone).toEqual(['void A1', 'release H1']);
    expect(report).toEqual({ undone: ['authorise', 'hold'], failed: [] });
    expect(runner.completed).toEqual(['hold', 'verify', 'authorise']);
  });

  it('undoes a failed step too when asked, for calls whose outcome is unknown', async () => {
    const runner = createStepRunner(logger);
    const seen: (string | undefined)[] = [];
    await expect(runner.run('hold', async (): Promise<string> => { throw new GatewayError('DEADLINE_EXCEEDED'); }, async (r) => { seen.push(r); }, { undoEvenIfFailed: true }))
      .rejects.toThrow();
    await runner.compensate(new Error('x'));
    expect(seen).toEqual([undefined]);
  });

  it('takes on the undos of steps an earlier attempt finished', async () => {
    const runner = createStepRunner(logger);
    const undone: string[] = [];
    runner.adopt('hold', async () => { undone.push('release'); });
    await runner.run('issue', async () => 'E1', async () => { undone.push('void'); });
    await runner.compensate(new Error('capture failed'));
    expect(undone).toEqual(['void', 'release']);
    expect(runner.completed).toEqual(['hold', 'issue']);
  });

  it('reports an undo that fails and carries on with the others, and compensates only once', async () => {
    const runner = createStepRunner(logger);
    let released = 0;
    await runner.run('hold', async () => 1, async () => { released += 1; });
    await runner.run('authorise', async () => 2, async () => { throw new GatewayError('DOWNSTREAM_UNAVAILABLE'); });

    const [first, second] = await Promise.all([runner.compensate(new Error('a')), runner.compensate(new Error('b'))]);

    expect(first).toBe(second);
    expect(first.undone).toEqual(['hold']);
    expect(first.failed.map((f) => [f.step, f.error.code])).toEqual([['authorise', 'DOWNSTREAM_UNAVAILABLE']]);
    expect(released).toBe(1);
    await expect(runner.run('late', async () => 0)).rejects.toThrow(/after compensation/);
  });
});

describe('withRetries', () => {
  it('repeats transient failures only, up to the retries', async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls += 1;
      if (calls < 3) throw new GatewayError('DOWNSTREAM_UNAVAILABLE');
      return 'done';
    }, { retries: 2, backoffMs: 1 });
    expect([result, calls]).toEqual(['done', 3]);

    let refused = 0;
    await expect(withRetries(async () => { refused += 1; throw new GatewayError('PAYMENT_DECLINED'); }, { retries: 5, backoffMs: 1 })).rejects.toThrow();
    expect(refused).toBe(1);

    let timedOut = 0;
    await expect(withRetries(async () => { timedOut += 1; throw new GatewayError('DEADLINE_EXCEEDED'); }, { retries: 1, backoffMs: 1 })).rejects.toThrow();
    expect(timedOut).toBe(2);
  });

  it('starts no attempt after the deadline', async () => {
    let calls = 0;
    await expect(withRetries(async () => { calls += 1; throw new GatewayError('DOWNSTREAM_UNAVAILABLE'); }, { retries: 5, backoffMs: 50, deadline: Date.now() + 20 })).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('knows which codes are transient', () => {
    expect(isTransient(new GatewayError('DOWNSTREAM_UNAVAILABLE'))).toBe(true);
    expect(isTransient(new GatewayError('DEADLINE_EXCEEDED'))).toBe(true);
    expect(isTransient(new GatewayError('OFFER_EXPIRED'))).toBe(false);
    expect(isTransient(new Error('boom'))).toBe(false);
  });
});
