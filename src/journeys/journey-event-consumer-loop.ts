import type { Logger } from '../log/logger.ts';
import type { JourneyEvent, JourneyEventConsumer } from './journey-event.ts';

/** A batch read for one consumer: the events, and what acknowledges them (stream ids, offsets). */
export interface ConsumerBatch<Token> {
  readonly events: readonly JourneyEvent[];
  readonly tokens: readonly Token[];
}

/** What a stream adapter gives the loop: reading (own pending first), acknowledging, waking. */
export interface ConsumerSource<Token> {
  /** The next batch, or an empty one after waiting a while for events (or after `interrupt`). */
  read(): Promise<ConsumerBatch<Token>>;
  ack(tokens: readonly Token[]): Promise<void>;
  /** The handler rejected: the batch stays pending, and the next read starts with it. */
  rejected(tokens: readonly Token[]): void;
  /** Cuts a waiting read short, so stop() does not wait for new events. */
  interrupt(): void;
}

export interface ConsumerLoopOptions {
  /** First pause after a handler rejected; doubles on each further rejection. @defaultValue 100 */
  readonly retryInitialMs?: number | undefined;
  /** Longest pause. @defaultValue 5000 */
  readonly retryMaxMs?: number | undefined;
  readonly logger?: Logger | undefined;
}

/**
 * The loop both event streams run per consumer: read, hand to the handler, acknowledge once it
 * resolved. A rejection leaves the batch pending and pauses (growing back-off), so a handler whose
 * database is away does not spin; stop() lets the batch in hand settle, then returns.
 */
export function startConsumerLoop<Token>(
  source: ConsumerSource<Token>,
  handle: (events: readonly JourneyEvent[]) => Promise<void>,
  options: ConsumerLoopOptions = {},
): JourneyEventConsumer {
  const initialMs = options.retryInitialMs ?? 100;
  const maxMs = options.retryMaxMs ?? 5000;
  let stopped = false;
  let backoffMs = initialMs;
  let wakePause: (() => void) | undefined;

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wakePause = undefined;
        resolve();
      }
      wakePause = done;
    });
  }

  async function run(): Promise<void> {
    while (!stopped) {
      let batch: ConsumerBatch<Token>;
      try {
        batch = await source.read();
      } catch (err) {
        if (stopped) return;
        options.logger?.warn({ err }, 'journey event stream read failed');
        await pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, maxMs);
        continue;
      }
      if (batch.tokens.length === 0) continue;
      try {
        if (batch.events.length > 0) await handle(batch.events);
      } catch (err) {
        source.rejected(batch.tokens);
        options.logger?.warn({ err, events: batch.events.length, retryInMs: backoffMs }, 'journey event handler failed; the events stay pending');
        if (!stopped) await pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, maxMs);
        continue;
      }
      backoffMs = initialMs;
      try {
        await source.ack(batch.tokens);
      } catch (err) {
        // Not acknowledged: delivered again, which the handler's idempotence absorbs.
        options.logger?.warn({ err }, 'journey event acknowledgement failed');
        source.rejected(batch.tokens);
        if (!stopped) await pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, maxMs);
      }
    }
  }

  const running = run();
  return {
    async stop() {
      stopped = true;
      wakePause?.();
      source.interrupt();
      await running;
    },
  };
}
