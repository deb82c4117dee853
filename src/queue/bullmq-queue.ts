import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { getCommandFamily, type CommandEnvelope, type CommandQueue } from './command-queue.ts';
import {
  buildReplyChannel,
  decodeReply,
  decodeResult,
  JOB_RETENTION_MAX_COUNT,
  type CommandJobData,
  type Reply,
} from './bullmq-protocol.ts';

/** Options of the BullMQ sender. */
export interface BullmqQueueOptions {
  readonly redisUrl: string;
  /** Prefix of every BullMQ key, reply channel and parked result key. */
  readonly prefix: string;
  readonly logger: Logger;
  /** How long finished jobs stay in Redis for inspection, in seconds (a completed one without its result, which went to the sender). */
  readonly resultTtlSeconds: number;
  /** Families to open queues for at start, so depth() reports them before their first command. */
  readonly families?: readonly string[];
  /** How long isReady() waits for PONG. @defaultValue 1000 */
  readonly readyTimeoutMs?: number;
}

/** One send waiting for its reply. */
interface Waiting {
  resolve(value: unknown): void;
  reject(error: GatewayError): void;
}

/**
 * Sends commands through BullMQ on Redis, one queue per command family, and reads the answers
 * from one pub/sub channel of this process: the worker publishes each result or error there,
 * so a send costs one job added and one message received, and no listener of its own.
 */
export function createBullmqQueue(options: BullmqQueueOptions): CommandQueue {
  const { prefix, logger, resultTtlSeconds } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 1000;
  // Commands fail fast while Redis is away instead of piling up behind a reconnect.
  const client = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  // A connection in subscriber mode can do nothing else; ioredis subscribes again after a reconnect.
  const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  client.on('error', (err) => logger.warn({ err }, 'redis connection error (command sender)'));
  subscriber.on('error', (err) => logger.warn({ err }, 'redis connection error (command replies)'));

  const replyTo = buildReplyChannel(prefix, randomUUID());
  const waiting = new Map<string, Waiting>();
  const queues = new Map<string, Queue<CommandJobData>>();
  const cleanups = new Set<Promise<unknown>>();
  let closed = false;
  let closing: Promise<void> | undefined;

  subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
    const reply = decodeReply(message);
    if (!reply) {
      logger.warn({ bytes: message.length }, 'unreadable message on the reply channel');
      return;
    }
    const pending = waiting.get(reply.jobId);
    // A reply for a send that gave up (deadline) or for a job that ran twice after a stall.
    if (!pending) return;
    waiting.delete(reply.jobId);
    settle(reply, pending);
  });
  let subscribed: Promise<unknown> = subscriber.subscribe(replyTo);
  subscribed.catch(() => undefined);

  function settle(reply: Reply, pending: Waiting): void {
    if ('result' in reply) pending.resolve(reply.result);
    else if ('error' in reply) pending.reject(reply.error);
    else {
      client.getdelBuffer(reply.parkedAt).then((parked) => {
        if (parked === null) {
          logger.error({ key: reply.parkedAt }, 'parked command result is missing (expired?)');
          pending.reject(new GatewayError('INTERNAL_ERROR', 'The command result expired before it was read'));
        } else pending.resolve(decodeResult(parked));
      }, (error: unknown) => pending.reject(new GatewayError('INTERNAL_ERROR', 'The parked command result could not be read', [], error)));
    }
  }

  function queueOf(family: string): Queue<CommandJobData> {
    let queue = queues.get(family);
    if (!queue) {
      queue = new Queue<CommandJobData>(family, {
        connection: client,
        prefix,
        defaultJobOptions: {
          attempts: 1,
          // Kept a while for inspection, like failed ones; a completed job holds no result.
          removeOnComplete: { age: resultTtlSeconds, count: JOB_RETENTION_MAX_COUNT },
          removeOnFail: { age: resultTtlSeconds, count: JOB_RETENTION_MAX_COUNT },
        },
      });
      queue.on('error', (err) => logger.warn({ err, family }, 'command queue error'));
      queues.set(family, queue);
    }
    return queue;
  }

  for (const family of options.families ?? []) queueOf(family);

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
    const queue = queueOf(getCommandFamily(envelope.name));
    const jobId = randomUUID();
    // One timer bounds every step (subscription, add, reply), so the sender answers at its deadline even while Redis is away.
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<unknown>((resolve, reject) => {
      waiting.set(jobId, { resolve, reject });
      timer = setTimeout(() => reject(new GatewayError('DEADLINE_EXCEEDED')), remaining);
    });
    answered.catch(() => undefined);
    let added: Promise<unknown> | undefined;
    try {
      await Promise.race([subscribed, answered]);
      added = queue.add(envelope.name, { payload: envelope.payload, meta, replyTo }, { jobId });
      await Promise.race([added, answered]);
      return await answered;
    } catch (error) {
      if (isGatewayError(error)) {
        if (error.code === 'DEADLINE_EXCEEDED' && added) void added.then(() => removeAbandonedJob(queue, jobId, meta.correlationId), () => undefined);
        throw error;
      }
      logger.error({ err: error, correlationId: meta.correlationId, command: envelope.name }, 'command could not be sent');
      throw new GatewayError('INTERNAL_ERROR', undefined, [], error);
    } finally {
      clearTimeout(timer);
      waiting.delete(jobId);
    }
  }

  return {
    send,

    async depth() {
      const result: Record<string, number> = {};
      await Promise.all([...queues].map(async ([family, queue]) => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
        result[family] = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0);
      }));
      return result;
    },

    async isReady() {
      if (closed) return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), readyTimeoutMs);
        });
        const ready = Promise.all([client.ping(), subscribed]).then(([pong]) => pong === 'PONG' && subscriber.status === 'ready');
        return await Promise.race([ready, timeout]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },

    async workerCounts() {
      const result: Record<string, number> = {};
      await Promise.all([...queues].map(async ([family, queue]) => {
        result[family] = await queue.getWorkersCount();
      }));
      return result;
    },

    close() {
      closed = true;
      closing ??= (async () => {
        const interrupted = new GatewayError('INTERNAL_ERROR', 'The command queue closed');
        for (const pending of waiting.values()) pending.reject(interrupted);
        waiting.clear();
        subscribed = Promise.reject(interrupted);
        subscribed.catch(() => undefined);
        await Promise.allSettled([...cleanups]);
        await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
        // QUIT waits for a connection that may never come (Redis away): only a ready one is asked.
        subscriber.disconnect();
        if (client.status === 'ready') await client.quit().catch(() => undefined);
        client.disconnect();
      })();
      return closing;
    },
  };
}
