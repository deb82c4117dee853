import type { Logger } from '../log/logger.ts';
import { getCommandFamily, type CommandQueue, type HandlerRegistry } from './command-queue.ts';
import { createBullmqQueue } from './bullmq-queue.ts';
import { createInProcessQueue } from './in-process-queue.ts';

export * from './command-queue.ts';
export { createInProcessQueue, type InProcessQueueOptions } from './in-process-queue.ts';
export { createBullmqQueue, type BullmqQueueOptions } from './bullmq-queue.ts';
export { startBullmqWorkers, type BullmqWorkers, type BullmqWorkersOptions } from './bullmq-worker.ts';

/** The queue settings of the gateway configuration. */
export interface CommandQueueSettings {
  /** When undefined the embedded in-process queue is used. */
  readonly redisUrl?: string | undefined;
  readonly prefix: string;
  readonly concurrency: number;
  readonly resultInlineMaxBytes: number;
  readonly resultTtlSeconds: number;
}

/**
 * Picks the adapter from the configuration. The in-process queue runs the handlers itself;
 * with Redis this only sends, and workers are started with startBullmqWorkers (here or elsewhere).
 */
export function createCommandQueue(settings: CommandQueueSettings, handlers: HandlerRegistry, logger: Logger): CommandQueue {
  if (settings.redisUrl === undefined) {
    return createInProcessQueue({ handlers, concurrency: settings.concurrency, logger });
  }
  return createBullmqQueue({
    redisUrl: settings.redisUrl,
    prefix: settings.prefix,
    logger,
    resultTtlSeconds: settings.resultTtlSeconds,
    families: [...new Set([...handlers.keys()].map(getCommandFamily))],
  });
}
