import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { getCommandFamily, type CommandEnvelope, type CommandQueue } from './command-queue.ts';
import {
  decodeFailure,
  isResultReference,
  JOB_RETENTION_MAX_COUNT,
  type CommandJobData,
} from './bullmq-protocol.ts';

/** Options of the BullMQ sender. */
export interface BullmqQueueOptions {
  readonly redisUrl: string;
  /** Prefix of every BullMQ key and result key. */
  readonly prefix: string;
  readonly logger: Logger;
  /** Must match the workers' setting; the sender only needs it to know results may come by reference. */
  readonly resultInlineMaxBytes: number;
  /** How long finished jobs stay in Redis, in seconds (also the lifetime of parked results). */
  readonly resultTtlSeconds: number;
  /** Families to open queues for at start, so depth() reports them before their first command. */
  readonly families?: readonly string[];
  /** How long isReady() waits for PONG. @defaultValue 1000 */
  readonly readyTimeoutMs?: number;
}

/** How much longer BullMQ's wait may run than the sender's deadline. */
const WAIT_GRACE_MS = 50;

interface FamilyChannel {
  readonly queue: Queue<CommandJobData>;
  /** Resolves once the queue can add and the shared QueueEvents reads the stream. */
  readonly ready: Promise<QueueEvents>;
}

/**
 * Sends commands through BullMQ on Redis: one queue per command family, and one QueueEvents
 * per queue shared by every waiting request, so a burst of requests costs no extra connections.
 */
export function createBullmqQueue(options: BullmqQueueOptions): CommandQueue {
  const { prefix, logger, resultTtlSeconds } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 1000;
  // Commands fail fast while Redis is away instead of piling up behind a reconnect.
  const client = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  // QueueEvents blocks on XREAD, so BullMQ duplicates the connection it is given; this one is
  // only the template (never connected) and carries the option blocking readers need.
  const blockingTemplate = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  client.on('error', (err) => logger.warn({ err }, 'redis connection error (command sender)'));
  blockingTemplate.on('error', (err) => logger.warn({ err }, 'redis connection error (command sender events)'));

  const channels = new Map<string, FamilyChannel>();
  const cleanups = new Set<Promise<unknown>>();
  // Sends in flight, so close() can answer them at once instead of at their deadlines.
  const interrupters = new Set<(error: GatewayError) => void>();
  // Every QueueEvents created, ready or not, so close() reaches them all.
  const openedEvents = new Set<QueueEvents>();
  let closed = false;
  let closing: Promise<void> | undefined;

  function openChannel(family: string): FamilyChannel {
    const existing = channels.get(family);
    if (existing) return existing;
    const queue = new Queue<CommandJobData>(family, {
      connection: client,
      prefix,
      defaultJobOptions: {
        attempts: 1,
        removeOnComplete: { age: resultTtlSeconds, count: JOB_RETENTION_MAX_COUNT },
        removeOnFail: { age: resultTtlSeconds, count: JOB_RETENTION_MAX_COUNT },
      },
    });
    // Every waiting request listens for 'closing' on its queue; their number is bounded by the requests in flight.
    queue.setMaxListeners(0);
    queue.on('error', (err) => logger.warn({ err, family }, 'command queue error'));
    const channel: FamilyChannel = { queue, ready: openEvents(family, queue) };
    channel.ready.catch((err: unknown) => {
      // Forget the channel so the next command tries again (e.g. once Redis is back).
      logger.warn({ err, family }, 'command queue could not be opened');
      if (channels.get(family) === channel) channels.delete(family);
      void queue.close().catch(() => undefined);
    });
    channels.set(family, channel);
    return channel;
  }

  async function openEvents(family: string, queue: Queue<CommandJobData>): Promise<QueueEvents> {
    await queue.waitUntilReady();
    // A QueueEvents starting at '$' misses what is written before its first XREAD reaches Redis, and
    // nothing tells when that happens. Starting from the stream's current last entry closes that gap.
    const [last] = await client.xrevrange(queue.toKey('events'), '+', '-', 'COUNT', 1);
    const events = new QueueEvents(family, { connection: blockingTemplate, prefix, lastEventId: last?.[0] ?? '0-0' });
    events.setMaxListeners(0);
    events.on('error', (err) => logger.warn({ err, family }, 'command queue events error'));
    openedEvents.add(events);
    try {
      await events.waitUntilReady();
    } catch (error) {
      openedEvents.delete(events);
      await events.close().catch(() => undefined);
      throw error;
    }
    return events;
  }

  for (const family of options.families ?? []) openChannel(family);

  async function fetchReferencedResult(key: string, correlationId: string): Promise<unknown> {
    const json = await client.getdel(key);
    if (json === null) {
      logger.error({ correlationId, key }, 'referenced command result is missing (expired?)');
      throw new GatewayError('INTERNAL_ERROR', 'The command result expired before it was read');
    }
    return JSON.parse(json) as unknown;
  }

  function removeAbandonedJob(queue: Queue<CommandJobData>, jobId: string, correlationId: string): void {
    // Not awaited: the sender answers at its deadline; a job a worker already holds is left to it.
    const cleanup = queue.remove(jobId).catch((err: unknown) => {
      logger.debug({ err, correlationId, jobId }, 'could not remove an abandoned command job');
    });
    cleanups.add(cleanup);
    void cleanup.finally(() => cleanups.delete(cleanup));
  }

  async function send(envelope: CommandEnvelope): Promise<unknown> {
    if (closed) throw new GatewayError('INTERNAL_ERROR', 'The command queue is closed');
    const { meta } = envelope;
    const remaining = meta.deadline - Date.now();
    if (!(remaining > 0)) throw new GatewayError('DEADLINE_EXCEEDED');
    const channel = openChannel(getCommandFamily(envelope.name));
    // One timer bounds every step (connection, add, wait), so the sender answers at its deadline even while Redis is away.
    let timer: NodeJS.Timeout | undefined;
    let interrupt!: (error: GatewayError) => void;
    const deadlinePassed = new Promise<never>((_resolve, reject) => {
      interrupt = reject;
      timer = setTimeout(() => reject(new GatewayError('DEADLINE_EXCEEDED')), remaining);
    });
    deadlinePassed.catch(() => undefined);
    interrupters.add(interrupt);
    let added: Promise<{ id?: string | undefined }> | undefined;
    try {
      const events = await Promise.race([channel.ready, deadlinePassed]);
      const adding = channel.queue.add(envelope.name, { payload: envelope.payload, meta }, { jobId: randomUUID() });
      added = adding;
      const job = await Promise.race([adding, deadlinePassed]);
      // BullMQ's own wait ends a little after ours, so its timeout never wins the race; it only releases its listeners.
      const finished = job.waitUntilFinished(events, Math.max(1, meta.deadline - Date.now()) + WAIT_GRACE_MS);
      finished.catch(() => undefined);
      const value: unknown = await Promise.race([finished, deadlinePassed]);
      return isResultReference(value, prefix) ? await fetchReferencedResult(value.$ref, meta.correlationId) : value;
    } catch (error) {
      if (isGatewayError(error)) {
        if (error.code === 'DEADLINE_EXCEEDED' && added) {
          void added.then((job) => {
            if (job.id !== undefined) removeAbandonedJob(channel.queue, job.id, meta.correlationId);
          }, () => undefined);
        }
        throw error;
      }
      const fromWorker = error instanceof Error ? decodeFailure(error.message) : undefined;
      if (fromWorker) throw fromWorker;
      logger.error({ err: error, correlationId: meta.correlationId, command: envelope.name }, 'command could not be sent');
      throw new GatewayError('INTERNAL_ERROR', undefined, [], error);
    } finally {
      clearTimeout(timer);
      interrupters.delete(interrupt);
    }
  }

  return {
    send,

    async depth() {
      const result: Record<string, number> = {};
      await Promise.all([...channels].map(async ([family, channel]) => {
        const counts = await channel.queue.getJobCounts('waiting', 'active', 'delayed');
        result[family] = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0);
      }));
      return result;
    },

    async isReady() {
      if (closed) return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('TIMEOUT'), readyTimeoutMs);
        });
        return (await Promise.race([client.ping(), timeout])) === 'PONG';
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },

    close() {
      closed = true;
      closing ??= (async () => {
        for (const interrupt of interrupters) interrupt(new GatewayError('INTERNAL_ERROR', 'The command queue closed'));
        await Promise.allSettled([...cleanups]);
        await Promise.allSettled([...openedEvents].map((events) => events.close()));
        await Promise.allSettled([...channels.values()].map((channel) => channel.queue.close()));
        await client.quit().catch(() => client.disconnect());
        blockingTemplate.disconnect();
      })();
      return closing;
    },
  };
}
