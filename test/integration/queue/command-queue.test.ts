import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import type { CommandHandler, HandlerContext } from '../../../src/queue/index.ts';
import {
  buildEnvelope,
  createCapturingLogger,
  createGate,
  startBullmqHarness,
  startInProcessHarness,
  waitFor,
  type HarnessFactory,
  type QueueHarness,
} from './queue-fixtures.ts';

/** The contract of the CommandQueue port; every adapter must pass it unchanged. */
describe.each<[string, HarnessFactory]>([
  ['in-process', startInProcessHarness],
  ['bullmq', startBullmqHarness],
])('CommandQueue contract (%s)', (_adapter, startHarness) => {
  let harness: QueueHarness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function start(handlers: Record<string, CommandHandler>, concurrency = 4, logger = createCapturingLogger().logger): Promise<QueueHarness> {
    harness = await startHarness({ handlers: new Map(Object.entries(handlers)), concurrency, logger });
    return harness;
  }

  it('returns the handler result and hands the handler the payload, meta and a correlated logger', async () => {
    let seen: { payload: unknown; context: HandlerContext } | undefined;
    const { queue } = await start({
      'offer.shop': async (payload, context) => {
        seen = { payload, context };
        return { offers: [{ id: 'OF1', price: 123.45 }], echo: payload };
      },
    });
    const envelope = buildEnvelope('offer.shop', { journeys: [{ origin: 'FRA', destination: 'JFK' }] });

    await expect(queue.send(envelope)).resolves.toEqual({
      offers: [{ id: 'OF1', price: 123.45 }],
      echo: { journeys: [{ origin: 'FRA', destination: 'JFK' }] },
    });
    expect(seen?.payload).toEqual(envelope.payload);
    expect(seen?.context.meta).toEqual(envelope.meta);
    expect(seen?.context.signal.aborted).toBe(false);
    expect(seen?.context.logger.bindings()).toMatchObject({ correlationId: envelope.meta.correlationId, command: 'offer.shop' });
  });

  it('answers null when a handler returns nothing, as it would after crossing Redis', async () => {
    const { queue } = await start({ 'order.cancel': async () => undefined });

    await expect(queue.send(buildEnvelope('order.cancel', {}))).resolves.toBeNull();
  });

  it('delivers a GatewayError thrown by a handler with the same code, message and details', async () => {
    const thrown = new GatewayError('OFFER_EXPIRED', 'Offer OF1 expired at 10:00', [
      { message: 'expired', path: '/IATA_OrderCreateRQ/Request/CreateOrder/SelectedOffer[1]/OfferRefID', line: 12, column: 7 },
    ]);
    const { queue } = await start({ 'order.create': async () => { throw thrown; } });

    const error = await queue.send(buildEnvelope('order.create', {})).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).toJSON()).toEqual(thrown.toJSON());
  });

  it('turns any other error into INTERNAL_ERROR and logs it with the correlationId', async () => {
    const capture = createCapturingLogger();
    const { queue } = await start({ 'order.create': async () => { throw new TypeError('cannot read x of undefined'); } }, 4, capture.logger);
    const envelope = buildEnvelope('order.create', {});

    const error = await queue.send(envelope).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('INTERNAL_ERROR');
    expect((error as GatewayError).message).not.toContain('cannot read x');
    const logged = capture.lines().find((line) => line.msg === 'command handler failed');
    expect(logged).toMatchObject({ correlationId: envelope.meta.correlationId, level: 50 });
    expect(JSON.stringify(logged)).toContain('cannot read x of undefined');
  });

  it('answers an unknown command of a served family with INTERNAL_ERROR', async () => {
    const { queue } = await start({ 'offer.shop': async () => 'ok' });

    const error = await queue.send(buildEnvelope('offer.unknown', {})).catch((e: unknown) => e);

    expect((error as GatewayError).code).toBe('INTERNAL_ERROR');
  });

  it('rejects with DEADLINE_EXCEEDED at the deadline and aborts the handler signal', async () => {
    const aborted = createGate<unknown>();
    const { queue } = await start({
      'offer.shop': (_payload, { signal }) => new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted.open(signal.reason);
          reject(signal.reason as Error);
        });
      }),
    });
    const deadlineMs = 400;
    const started = Date.now();

    const error = await queue.send(buildEnvelope('offer.shop', {}, deadlineMs)).catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect((error as GatewayError).code).toBe('DEADLINE_EXCEEDED');
    expect(elapsed).toBeGreaterThanOrEqual(deadlineMs - 5);
    expect(elapsed).toBeLessThan(deadlineMs + 150);
    const reason = await aborted.promise;
    expect((reason as GatewayError).code).toBe('DEADLINE_EXCEEDED');
  });

  it('rejects at once a command whose deadline has already passed, without running it', async () => {
    let runs = 0;
    const { queue } = await start({ 'offer.shop': async () => { runs++; return 'ran'; } });

    const error = await queue.send(buildEnvelope('offer.shop', {}, -1)).catch((e: unknown) => e);

    expect((error as GatewayError).code).toBe('DEADLINE_EXCEEDED');
    expect(runs).toBe(0);
  });

  it('skips a command whose deadline passed while it waited for a free slot', async () => {
    const release = createGate();
    const ran: string[] = [];
    const { queue } = await start({
      'offer.shop': async (payload) => {
        ran.push(String(payload));
        if (payload === 'first') await release.promise;
        return payload;
      },
    }, 1);

    const first = queue.send(buildEnvelope('offer.shop', 'first', 5000));
    await waitFor(() => ran.length === 1);
    const second = await queue.send(buildEnvelope('offer.shop', 'second', 150)).catch((e: unknown) => e);
    expect((second as GatewayError).code).toBe('DEADLINE_EXCEEDED');
    release.open();
    await expect(first).resolves.toBe('first');
    await expect(queue.send(buildEnvelope('offer.shop', 'third'))).resolves.toBe('third');

    expect(ran).toEqual(['first', 'third']);
  });

  it('keeps 200 concurrent commands apart: each sender gets its own result', async () => {
    const { queue } = await start({
      'offer.shop': async (payload) => {
        const { n } = payload as { n: number };
        await new Promise((resolve) => setTimeout(resolve, n % 7));
        return { n, square: n * n };
      },
      'seat.list': async (payload) => ({ seatsFor: (payload as { n: number }).n }),
    }, 16);

    const sends = Array.from({ length: 200 }, (_, n) => n % 4 === 0
      ? queue.send(buildEnvelope('seat.list', { n }, 20_000))
      : queue.send(buildEnvelope('offer.shop', { n }, 20_000)));
    const results = await Promise.all(sends);

    results.forEach((result, n) => {
      expect(result).toEqual(n % 4 === 0 ? { seatsFor: n } : { n, square: n * n });
    });
  });

  it('reports waiting plus active commands per family in depth()', async () => {
    const release = createGate();
    let started = 0;
    const { queue } = await start({
      'offer.shop': async () => { started++; await release.promise; return 'done'; },
      'order.create': async () => 'created',
    }, 2);

    const sends = Array.from({ length: 5 }, () => queue.send(buildEnvelope('offer.shop', {}, 10_000)));
    await waitFor(async () => started === 2 && (await queue.depth()).offer === 5);
    expect((await queue.depth()).offer).toBe(5);

    release.open();
    await Promise.all(sends);
    await expect(queue.send(buildEnvelope('order.create', {}))).resolves.toBe('created');
    const depth = await queue.depth();
    expect(depth.offer).toBe(0);
    expect(depth.order).toBe(0);
  });

  it('counts one worker consuming a family it sends to', async () => {
    const { queue } = await start({ 'offer.shop': async () => 'ok' });
    await queue.send(buildEnvelope('offer.shop', {}));
    expect((await queue.workerCounts()).offer).toBe(1);
  });

  it('is ready while open and not after close', async () => {
    const { queue } = await start({ 'offer.shop': async () => 'ok' });

    expect(await queue.isReady()).toBe(true);
    await queue.close();
    expect(await queue.isReady()).toBe(false);
    const error = await queue.send(buildEnvelope('offer.shop', {})).catch((e: unknown) => e);
    expect((error as GatewayError).code).toBe('INTERNAL_ERROR');
  });
});
