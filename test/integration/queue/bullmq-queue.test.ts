import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import {
  createBullmqQueue,
  createCommandQueue,
  startBullmqWorkers,
  type BullmqWorkers,
  type CommandHandler,
  type CommandQueue,
} from '../../../src/queue/index.ts';
import { decodeFailure, decodeReply, decodeResult } from '../../../src/queue/bullmq-protocol.ts';
import { REDIS_URL } from '../../support/paths.ts';
import { buildEnvelope, buildMeta, deleteKeysWithPrefix, listKeys, waitFor } from './queue-fixtures.ts';

const silent = createLogger('silent');
const RESULT_TTL_SECONDS = 60;
const INLINE_MAX_BYTES = 16_384;

/** Everything one test opened, closed in reverse order afterwards. */
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers.length = 0;
});

function newPrefix(): string {
  const prefix = `test-${randomUUID()}`;
  closers.push(() => deleteKeysWithPrefix(prefix));
  return prefix;
}

function openRedis(): Redis {
  const redis = new Redis(REDIS_URL);
  closers.push(() => redis.quit());
  return redis;
}

async function startWorkers(prefix: string, handlers: Record<string, CommandHandler>, concurrency = 4, resultInlineMaxBytes = INLINE_MAX_BYTES): Promise<BullmqWorkers> {
  const workers = await startBullmqWorkers({
    redisUrl: REDIS_URL, prefix, handlers: new Map(Object.entries(handlers)), concurrency, logger: silent,
    resultInlineMaxBytes, resultTtlSeconds: RESULT_TTL_SECONDS,
  });
  closers.push(() => workers.close());
  return workers;
}

function openSender(prefix: string, redisUrl = REDIS_URL): CommandQueue {
  const queue = createBullmqQueue({ redisUrl, prefix, logger: silent, resultTtlSeconds: RESULT_TTL_SECONDS });
  closers.push(() => queue.close());
  return queue;
}

/** A subscription of the test's own to a reply channel, to see what workers publish there. */
async function observeReplies(channel: string): Promise<Buffer[]> {
  const listener = openRedis();
  const replies: Buffer[] = [];
  listener.on('messageBuffer', (_channel: Buffer, message: Buffer) => replies.push(message));
  await listener.subscribe(channel);
  return replies;
}

/** Adds an offer.shop job the way a sender would, replying on a channel of the test's own; resolves with the job and the one reply. */
async function addWithReplyChannel(prefix: string): Promise<{ raw: Queue; jobId: string; reply: Buffer }> {
  const channel = `${prefix}:reply:test`;
  const replies = await observeReplies(channel);
  const raw = new Queue('offer', { connection: { url: REDIS_URL }, prefix });
  closers.push(() => raw.close());
  const job = await raw.add('offer.shop', { payload: {}, meta: buildMeta(5000), replyTo: channel }, { jobId: randomUUID() });
  await waitFor(() => replies.length === 1);
  return { raw, jobId: job.id ?? '', reply: replies[0]! };
}

/** A QueueEvents of the test's own, to see what travels on the events stream. */
async function observeCompleted(prefix: string, family: string): Promise<Map<string, unknown>> {
  const events = new QueueEvents(family, { connection: { url: REDIS_URL }, prefix });
  closers.push(() => events.close());
  const completed = new Map<string, unknown>();
  events.on('completed', ({ jobId, returnvalue }) => completed.set(jobId, returnvalue));
  await events.waitUntilReady();
  return completed;
}

const bigResult = { offers: Array.from({ length: 1000 }, (_, i) => ({ id: `OF${i}`, text: 'x'.repeat(90) })) };

describe('BullMQ command queue', () => {
  it('parks a reply too large for one message in Redis with a TTL and publishes only where it is', async () => {
    const prefix = newPrefix();
    await startWorkers(prefix, { 'offer.shop': async () => bigResult });
    const redis = openRedis();

    const { jobId, reply } = await addWithReplyChannel(prefix);

    const key = `${prefix}:result:${jobId}`;
    expect(JSON.stringify(bigResult).length).toBeGreaterThan(100_000);
    expect(reply.length).toBeLessThan(200);
    expect(decodeReply(reply)).toEqual({ jobId, parkedAt: key });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(RESULT_TTL_SECONDS);
    expect(decodeResult((await redis.getBuffer(key))!)).toEqual(bigResult);
  });

  it('returns a large result through send and deletes the parked copy after reading it', async () => {
    const prefix = newPrefix();
    await startWorkers(prefix, { 'offer.shop': async () => bigResult });
    const redis = openRedis();
    const sender = openSender(prefix);

    await expect(sender.send(buildEnvelope('offer.shop', {}))).resolves.toEqual(bigResult);

    expect(await listKeys(redis, `${prefix}:result:*`)).toEqual([]);
  });

  it('sends a result of typical size in the reply itself: nothing parked, and the completed job keeps no copy', async () => {
    const prefix = newPrefix();
    const typical = { offers: Array.from({ length: 100 }, (_, i) => ({ id: `OF${i}`, text: 'x'.repeat(300) })) };
    await startWorkers(prefix, { 'offer.shop': async () => typical }, 4, 1_048_576);
    const redis = openRedis();

    const { raw, jobId, reply } = await addWithReplyChannel(prefix);

    expect(JSON.stringify(typical).length).toBeGreaterThan(30_000);
    expect(decodeReply(reply)).toEqual({ jobId, result: typical });
    await waitFor(async () => (await raw.getJobState(jobId)) === 'completed');
    expect((await raw.getJob(jobId))?.returnvalue).toBeNull();
    expect(await redis.keys(`${prefix}:result:*`)).toEqual([]);
  });

  it('completes a job sent without a reply channel with its result as the return value, as BullMQ consumers read it', async () => {
    const prefix = newPrefix();
    await startWorkers(prefix, { 'offer.shop': async () => ({ offers: ['OF1'] }) });
    const completed = await observeCompleted(prefix, 'offer');
    const raw = new Queue('offer', { connection: { url: REDIS_URL }, prefix });
    closers.push(() => raw.close());

    const job = await raw.add('offer.shop', { payload: {}, meta: buildMeta(5000) }, { jobId: randomUUID() });
    await waitFor(() => completed.has(job.id ?? ''));

    expect(completed.get(job.id ?? '')).toEqual({ offers: ['OF1'] });
  });

  it('keeps a failed job for inspection while its error reaches the sender', async () => {
    const prefix = newPrefix();
    await startWorkers(prefix, { 'offer.shop': async () => { throw new GatewayError('NO_AVAILABILITY', 'Nothing on XR1'); } });
    const sender = openSender(prefix);
    const raw = new Queue('offer', { connection: { url: REDIS_URL }, prefix });
    closers.push(() => raw.close());

    await expect(sender.send(buildEnvelope('offer.shop', {}))).rejects.toMatchObject({ code: 'NO_AVAILABILITY', message: 'Nothing on XR1' });

    // The reply reaches the sender before BullMQ moves the job to the failed set.
    await waitFor(async () => (await raw.getFailedCount()) > 0);
    const [failed] = await raw.getFailed();
    expect(decodeFailure(failed?.failedReason ?? '')?.code).toBe('NO_AVAILABILITY');
  });

  it('fails a job whose deadline passed before a worker picked it, without running the handler', async () => {
    const prefix = newPrefix();
    let runs = 0;
    await startWorkers(prefix, { 'offer.shop': async () => { runs++; return 'ran'; } });
    const raw = new Queue('offer', { connection: { url: REDIS_URL }, prefix });
    closers.push(() => raw.close());

    const job = await raw.add('offer.shop', { payload: {}, meta: buildMeta(-10) }, { jobId: randomUUID() });
    await waitFor(async () => (await raw.getJobState(job.id ?? '')) === 'failed');

    const failed = await raw.getJob(job.id ?? '');
    expect(decodeFailure(failed?.failedReason ?? '')?.code).toBe('DEADLINE_EXCEEDED');
    expect(runs).toBe(0);
  });

  it('answers every waiting request from one reply subscription per sender', async () => {
    const prefix = newPrefix();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let started = 0;
    await startWorkers(prefix, {
      'offer.shop': async (payload) => { started++; await gate; return payload; },
    }, 8);
    const redis = openRedis();
    const sender = openSender(prefix);

    const sends = Array.from({ length: 50 }, (_, n) => sender.send(buildEnvelope('offer.shop', n, 10_000)));
    // Every worker slot holds a job and the other sends wait: the sender subscribed before it added any.
    await waitFor(() => started === 8);
    const channels = await redis.pubsub('CHANNELS', `${prefix}:reply:*`) as string[];
    const subscribers = await redis.pubsub('NUMSUB', ...channels) as (string | number)[];
    release();
    const results = await Promise.all(sends);

    expect(results).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(channels).toHaveLength(1);
    expect(subscribers).toEqual([channels[0], 1]);
  });

  it('honours the deadline and reports not ready while Redis cannot be reached', async () => {
    const sender = openSender(`test-${randomUUID()}`, 'redis://127.0.0.1:1');
    const started = Date.now();

    const error = await sender.send(buildEnvelope('offer.shop', {}, 300)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GatewayError);
    expect(['DEADLINE_EXCEEDED', 'INTERNAL_ERROR']).toContain((error as GatewayError).code);
    expect(Date.now() - started).toBeLessThan(450);
    expect(await sender.isReady()).toBe(false);
  });

  it('answers waiting sends at once on close, while the worker finishes the job', async () => {
    const prefix = newPrefix();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let finished = false;
    await startWorkers(prefix, { 'order.create': async () => { await gate; finished = true; return 'created'; } });
    const sender = createBullmqQueue({ redisUrl: REDIS_URL, prefix, logger: silent, resultTtlSeconds: RESULT_TTL_SECONDS });
    const raw = new Queue('order', { connection: { url: REDIS_URL }, prefix });
    closers.push(() => raw.close());

    const pending = sender.send(buildEnvelope('order.create', {}, 10_000)).catch((e: unknown) => e);
    await waitFor(async () => (await raw.getJobCounts('active')).active === 1);
    const started = Date.now();
    await sender.close();

    const error = await pending;
    expect((error as GatewayError).code).toBe('INTERNAL_ERROR');
    expect(Date.now() - started).toBeLessThan(1000);
    release();
    await waitFor(() => finished);
  });

  it('counts the workers consuming each family, in any process, and none once they have closed', async () => {
    const prefix = newPrefix();
    const handlers = new Map<string, CommandHandler>([['offer.shop', async () => 'ok'], ['order.create', async () => 'ok']]);
    const sender = createCommandQueue({ redisUrl: REDIS_URL, prefix, concurrency: 4, resultInlineMaxBytes: INLINE_MAX_BYTES, resultTtlSeconds: RESULT_TTL_SECONDS }, handlers, silent);
    closers.push(() => sender.close());
    // Known from the handlers before any command was sent: nobody consumes yet.
    expect(await sender.workerCounts()).toEqual({ offer: 0, order: 0 });

    const first = await startWorkers(prefix, Object.fromEntries(handlers));
    const second = await startWorkers(prefix, Object.fromEntries(handlers));
    await waitFor(async () => (await sender.workerCounts()).order === 2);
    expect(await sender.workerCounts()).toEqual({ offer: 2, order: 2 });
    await first.close();
    await waitFor(async () => (await sender.workerCounts()).offer === 1);
    await second.close();
    await waitFor(async () => (await sender.workerCounts()).offer === 0);
    expect(await sender.workerCounts()).toEqual({ offer: 0, order: 0 });
  });

  it('is chosen by createCommandQueue when a Redis URL is configured, with a queue per handler family', async () => {
    const prefix = newPrefix();
    const handlers = new Map<string, CommandHandler>([['offer.shop', async () => 'shopped'], ['seat.list', async () => 'seats']]);
    const queue = createCommandQueue({ redisUrl: REDIS_URL, prefix, concurrency: 2, resultInlineMaxBytes: INLINE_MAX_BYTES, resultTtlSeconds: RESULT_TTL_SECONDS }, handlers, silent);
    closers.push(() => queue.close());
    const redis = openRedis();

    expect(await queue.depth()).toEqual({ offer: 0, seat: 0 });
    const pending = queue.send(buildEnvelope('seat.list', {}, 10_000));
    await waitFor(async () => (await queue.depth()).seat === 1);
    expect(await redis.exists(`${prefix}:seat:meta`)).toBe(1);
    await startWorkers(prefix, Object.fromEntries(handlers));
    await expect(pending).resolves.toBe('seats');
  });

  describe('with the worker in a separate process', () => {
    let child: ChildProcess | undefined;

    afterEach(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      child = undefined;
    });

    it('serves commands sent from this process', async () => {
      const prefix = newPrefix();
      child = spawn('npx', ['tsx', 'test/support/queue-worker-process.ts'], {
        cwd: process.cwd(),
        env: { ...process.env, QUEUE_TEST_REDIS_URL: REDIS_URL, QUEUE_TEST_PREFIX: prefix },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const exited = once(child, 'exit');
      const lines = createInterface({ input: child.stdout! });
      const [readyLine] = (await once(lines, 'line')) as [string];
      const workerPid = Number(/^ready (\d+)$/.exec(readyLine)?.[1]);
      expect(workerPid).toBeGreaterThan(0);
      const sender = openSender(prefix);

      const results = await Promise.all(Array.from({ length: 20 }, (_, n) => sender.send(buildEnvelope('offer.shop', { n }))));
      const order = await sender.send(buildEnvelope('order.create', {}));

      results.forEach((result, n) => expect(result).toEqual({ pid: workerPid, echo: { n } }));
      expect(workerPid).not.toBe(process.pid);
      expect(order).toEqual({ pid: workerPid, orderId: `ORD-${workerPid}` });

      child.stdin!.end();
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    }, 60_000);
  });
});
