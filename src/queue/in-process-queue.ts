import { GatewayError, isGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import {
  getCommandFamily,
  type CommandEnvelope,
  type CommandQueue,
  type HandlerRegistry,
} from './command-queue.ts';

/** Options of the embedded queue. */
export interface InProcessQueueOptions {
  readonly handlers: HandlerRegistry;
  /** Handlers running at once; later commands wait in FIFO order. */
  readonly concurrency: number;
  readonly logger: Logger;
}

interface PendingCommand {
  readonly envelope: CommandEnvelope;
  readonly family: string;
  readonly controller: AbortController;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: GatewayError) => void;
  timer: NodeJS.Timeout | undefined;
  /** The sender has its answer (result, error or deadline); nothing more is delivered. */
  settled: boolean;
  started: boolean;
  /** Position in the FIFO counted from the first command ever queued, so an expired one can be dropped in O(1). */
  readonly slot: number;
}

/**
 * Runs command handlers in the gateway process. It is the embedded default when no Redis is
 * configured, and behaves like the BullMQ adapter: FIFO, a concurrency limit, deadlines.
 */
export function createInProcessQueue(options: InProcessQueueOptions): CommandQueue {
  const { handlers, logger } = options;
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
  }
  const concurrency = options.concurrency;
  // Families known up front, so depth() reports them even before the first command.
  const counts = new Map<string, { waiting: number; active: number }>();
  for (const name of handlers.keys()) counts.set(getCommandFamily(name), { waiting: 0, active: 0 });

  const fifo: (PendingCommand | undefined)[] = [];
  let head = 0;
  /** Commands spliced off the front of the FIFO so far: fifo[i] holds slot i + dropped. */
  let dropped = 0;
  let queued = 0;
  let running = 0;
  let closed = false;
  let idle: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  function countsOf(family: string): { waiting: number; active: number } {
    let entry = counts.get(family);
    if (!entry) {
      entry = { waiting: 0, active: 0 };
      counts.set(family, entry);
    }
    return entry;
  }

  function expire(command: PendingCommand): void {
    if (command.settled) return;
    command.settled = true;
    const error = new GatewayError('DEADLINE_EXCEEDED');
    if (command.started) {
      command.controller.abort(error);
    } else {
      // Its place in the FIFO is emptied now, so a backlog of expired commands holds no payloads.
      countsOf(command.family).waiting--;
      fifo[command.slot - dropped] = undefined;
    }
    command.reject(error);
  }

  function takeNext(): PendingCommand | undefined {
    while (head < fifo.length) {
      const command = fifo[head];
      fifo[head] = undefined;
      head++;
      if (head > 1024 && head * 2 > fifo.length) {
        fifo.splice(0, head);
        dropped += head;
        head = 0;
      }
      if (command && !command.settled) return command;
    }
    return undefined;
  }

  function pump(): void {
    while (running < concurrency) {
      const command = takeNext();
      if (!command) break;
      void run(command);
    }
    if (running === 0 && head >= fifo.length && idle) idle();
  }

  async function run(command: PendingCommand): Promise<void> {
    const { envelope, family } = command;
    const handler = handlers.get(envelope.name);
    const entry = countsOf(family);
    entry.waiting--;
    entry.active++;
    running++;
    command.started = true;
    const childLogger = logger.child({ correlationId: envelope.meta.correlationId, command: envelope.name });
    try {
      if (!handler) throw new GatewayError('INTERNAL_ERROR', `No handler is registered for command ${envelope.name}`);
      const result = await handler(envelope.payload, { meta: envelope.meta, logger: childLogger, signal: command.controller.signal });
      if (!command.settled) {
        command.settled = true;
        // Same answer as across Redis, where undefined travels as null.
        command.resolve(result ?? null);
      }
    } catch (error) {
      if (!isGatewayError(error)) {
        childLogger.error({ err: error }, 'command handler failed');
      }
      if (!command.settled) {
        command.settled = true;
        command.reject(isGatewayError(error) ? error : new GatewayError('INTERNAL_ERROR', undefined, [], error));
      }
    } finally {
      clearTimeout(command.timer);
      entry.active--;
      running--;
      pump();
    }
  }

  return {
    send(envelope) {
      if (closed) return Promise.reject(new GatewayError('INTERNAL_ERROR', 'The command queue is closed'));
      if (!handlers.has(envelope.name)) {
        return Promise.reject(new GatewayError('INTERNAL_ERROR', `No handler is registered for command ${envelope.name}`));
      }
      const remaining = envelope.meta.deadline - Date.now();
      if (!(remaining > 0)) return Promise.reject(new GatewayError('DEADLINE_EXCEEDED'));
      return new Promise<unknown>((resolve, reject) => {
        const command: PendingCommand = {
          envelope,
          family: getCommandFamily(envelope.name),
          controller: new AbortController(),
          resolve,
          reject,
          timer: undefined,
          settled: false,
          started: false,
          slot: queued++,
        };
        command.timer = setTimeout(() => expire(command), remaining);
        countsOf(command.family).waiting++;
        fifo.push(command);
        pump();
      });
    },

    async depth() {
      const result: Record<string, number> = {};
      for (const [family, entry] of counts) result[family] = entry.waiting + entry.active;
      return result;
    },

    async isReady() {
      return !closed;
    },

    async workerCounts() {
      return Object.fromEntries([...counts.keys()].map((family) => [family, closed ? 0 : 1]));
    },

    close() {
      closed = true;
      // Commands already accepted run to completion (each is bounded by its deadline).
      closing ??= new Promise<void>((resolve) => {
        idle = resolve;
        pump();
      });
      return closing;
    },
  };
}
