import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createCommandQueue, createInProcessQueue, type CommandEnvelope, type CommandHandler } from '../../../src/queue/index.ts';

const logger = createLogger('silent');

function envelope(name: string, payload: unknown, deadlineInMs = 5000): CommandEnvelope {
  return { name, payload, meta: { correlationId: `c-${String(payload)}`, version: '21.3', message: 'AirShoppingRQ', deadline: Date.now() + deadlineInMs } };
}

function tick(ms = 1): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('createInProcessQueue', () => {
  it('starts commands in the order they were sent and never runs more than the concurrency at once', async () => {
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const handler: CommandHandler = async (payload) => {
      started.push(payload as number);
      running++;
      peak = Math.max(peak, running);
      await tick(2);
      running--;
      return payload;
    };
    const queue = createInProcessQueue({ handlers: new Map([['offer.shop', handler]]), concurrency: 3, logger });

    const results = await Promise.all(Array.from({ length: 30 }, (_, n) => queue.send(envelope('offer.shop', n))));

    expect(results).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect(started).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect(peak).toBe(3);
  });

  it('does not count a command that expired while waiting in depth()', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const queue = createInProcessQueue({ handlers: new Map([['offer.shop', async () => { await gate; return 'ok'; }]]), concurrency: 1, logger });

    const first = queue.send(envelope('offer.shop', 1));
    const expired = queue.send(envelope('offer.shop', 2, 30)).catch((e: unknown) => e);
    expect(await queue.depth()).toEqual({ offer: 2 });
    expect(((await expired) as GatewayError).code).toBe('DEADLINE_EXCEEDED');
    expect(await queue.depth()).toEqual({ offer: 1 });

    release();
    await first;
    expect(await queue.depth()).toEqual({ offer: 0 });
  });

  it('lets go of an expired waiting command at once, while the commands before it still run', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const queue = createInProcessQueue({ handlers: new Map([['offer.shop', async () => { await gate; return 'ok'; }]]), concurrency: 1, logger });
    const first = queue.send(envelope('offer.shop', 1));
    const payload = (): WeakRef<object> => {
      const big = { offers: new Array(100_000).fill('x') };
      void queue.send(envelope('offer.shop', big, 20)).catch(() => undefined);
      return new WeakRef(big);
    };
    const waiting = payload();

    await tick(60);
    gc();
    expect(waiting.deref()).toBeUndefined();
    release();
    await expect(first).resolves.toBe('ok');
  });

  it('lets accepted commands finish on close and refuses new ones', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const queue = createInProcessQueue({ handlers: new Map([['offer.shop', async (p: unknown) => { await gate; return p; }]]), concurrency: 1, logger });
    const accepted = [queue.send(envelope('offer.shop', 1)), queue.send(envelope('offer.shop', 2))];

    let closed = false;
    const closing = queue.close().then(() => { closed = true; });
    await tick(10);
    expect(closed).toBe(false);
    await expect(queue.send(envelope('offer.shop', 3))).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });

    release();
    await expect(Promise.all(accepted)).resolves.toEqual([1, 2]);
    await closing;
    expect(closed).toBe(true);
  });

  it('rejects a concurrency that is not a positive integer', () => {
    expect(() => createInProcessQueue({ handlers: new Map(), concurrency: 0, logger })).toThrow(RangeError);
  });
});

describe('createCommandQueue', () => {
  it('runs handlers in-process when no Redis URL is configured', async () => {
    const queue = createCommandQueue(
      { prefix: 'ndc', concurrency: 2, resultInlineMaxBytes: 16_384, resultTtlSeconds: 60 },
      new Map([['offer.shop', async (payload: unknown) => ({ handled: payload })]]),
      logger,
    );

    await expect(queue.send(envelope('offer.shop', 'in-process'))).resolves.toEqual({ handled: 'in-process' });
    expect(await queue.depth()).toEqual({ offer: 0 });
    await queue.close();
  });
});
