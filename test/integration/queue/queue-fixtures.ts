import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../../../src/log/logger.ts';
import {
  createBullmqQueue,
  createInProcessQueue,
  startBullmqWorkers,
  type CommandEnvelope,
  type CommandMeta,
  type CommandQueue,
  type HandlerRegistry,
} from '../../../src/queue/index.ts';
import { REDIS_URL } from '../../support/paths.ts';

/** A logger that keeps its lines, so tests can check what was logged. */
export function createCapturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger('debug', sink);
  return {
    logger,
    lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export function buildMeta(deadlineInMs: number, overrides: Partial<CommandMeta> = {}): CommandMeta {
  return { correlationId: randomUUID(), version: '21.3', message: 'AirShoppingRQ', deadline: Date.now() + deadlineInMs, ...overrides };
}

export function buildEnvelope(name: string, payload: unknown, deadlineInMs = 5000): CommandEnvelope {
  return { name, payload, meta: buildMeta(deadlineInMs) };
}

/** One adapter under test, with everything it started. */
export interface QueueHarness {
  readonly queue: CommandQueue;
  readonly prefix: string | undefined;
  /** Closes the queue and its workers, and removes every Redis key it wrote. */
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly handlers: HandlerRegistry;
  readonly concurrency: number;
  readonly logger?: Logger;
  readonly resultInlineMaxBytes?: number;
  readonly resultTtlSeconds?: number;
}

export type HarnessFactory = (options: HarnessOptions) => Promise<QueueHarness>;

export const startInProcessHarness: HarnessFactory = async (options) => {
  const queue = createInProcessQueue({ handlers: options.handlers, concurrency: options.concurrency, logger: options.logger ?? createLogger('silent') });
  return { queue, prefix: undefined, close: () => queue.close() };
};

/** BullMQ sender and in-process workers on the real Redis, under a prefix of their own. */
export const startBullmqHarness: HarnessFactory = async (options) => {
  const prefix = `test-${randomUUID()}`;
  const logger = options.logger ?? createLogger('silent');
  const shared = {
    redisUrl: REDIS_URL,
    prefix,
    logger,
    resultInlineMaxBytes: options.resultInlineMaxBytes ?? 16_384,
    resultTtlSeconds: options.resultTtlSeconds ?? 60,
  };
  const workers = await startBullmqWorkers({ ...shared, handlers: options.handlers, concurrency: options.concurrency });
  const queue = createBullmqQueue(shared);
  return {
    queue,
    prefix,
    async close() {
      await queue.close();
      await workers.close();
      await deleteKeysWithPrefix(prefix);
    },
  };
};

/** Removes every key under `${prefix}:`; tests share one Redis, so each cleans only its own. */
export async function deleteKeysWithPrefix(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await listKeys(redis, `${prefix}:*`);
    if (keys.length > 0) await redis.unlink(...keys);
    return keys.length;
  } finally {
    await redis.quit();
  }
}

export async function listKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** A promise with its resolve function, to hold handlers at a known point. */
export function createGate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Polls until the check passes or the time is up; the last failure is rethrown. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 5000, intervalMs = 10): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
