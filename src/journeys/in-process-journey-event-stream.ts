import { createInsertionOrderedMap, type InsertionOrderedMap } from '../collections/insertion-ordered-map.ts';
import type { Logger } from '../log/logger.ts';
import { startConsumerLoop, type ConsumerBatch } from './journey-event-consumer-loop.ts';
import type { JourneyEvent, JourneyEventConsumer, JourneyEventStream } from './journey-event.ts';

export interface InProcessJourneyEventStreamOptions {
  /** Events kept at most; beyond it the oldest go even if a group has not read them, as with Redis MAXLEN. @defaultValue 1000000 */
  readonly maxLen?: number;
  /** Events handed to a handler at once. @defaultValue 100 */
  readonly batchSize?: number;
  /** After how long another consumer of the group may take over events a consumer left unacknowledged. @defaultValue 30000 */
  readonly claimIdleMs?: number;
  /** First pause after a handler rejected, doubling up to retryMaxMs. @defaultValue 100 */
  readonly retryInitialMs?: number;
  /** @defaultValue 5000 */
  readonly retryMaxMs?: number;
  readonly logger?: Logger;
}

/** The in-process stream, which also tells how many events it holds (for tests and readiness). */
export interface InProcessJourneyEventStream extends JourneyEventStream {
  /** Events kept: not yet acknowledged by every group, or, without any group, the last `maxLen`. */
  readonly length: number;
}

/** An event delivered to a consumer of a group and not yet acknowledged. */
interface Pending {
  readonly seq: number;
  consumer: string;
  deliveredAt: number;
}

interface Group {
  /** Sequence number of the first event no consumer of the group has been given. */
  next: number;
  /** By sequence number, oldest delivery first. */
  readonly pending: InsertionOrderedMap<number, Pending>;
}

/**
 * The journey event stream of a gateway without Redis, with the contract of the Redis Stream:
 * consumer groups that each get every event, per-group offsets and pending events, redelivery of
 * what a handler rejected or a stopped consumer left unacknowledged, and takeover of another
 * consumer's events idle past `claimIdleMs`. Events every group has acknowledged are dropped, so
 * memory stays flat while the consumers keep up. Events are kept as JSON: a handler never shares
 * an object with the publisher.
 */
export function createInProcessJourneyEventStream(options: InProcessJourneyEventStreamOptions = {}): InProcessJourneyEventStream {
  const maxLen = options.maxLen ?? 1_000_000;
  const batchSize = options.batchSize ?? 100;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  /** Events by sequence number; `log[i]` has sequence number `first + i - head`. */
  const log: (string | undefined)[] = [];
  let head = 0;
  let first = 0;
  const groups = new Map<string, Group>();
  const waiting = new Set<() => void>();
  const consumers = new Set<JourneyEventConsumer>();
  let closed = false;

  const end = (): number => first + log.length - head;
  const eventAt = (seq: number): string | undefined => (seq >= first ? log[head + seq - first] : undefined);

  /** Drops events from the front up to `seq` (exclusive), compacting the array now and then. */
  function dropBefore(seq: number): void {
    const count = Math.min(seq, end()) - first;
    if (count <= 0) return;
    for (let i = 0; i < count; i += 1) log[head + i] = undefined;
    head += count;
    first += count;
    if (head > 1024 && head * 2 > log.length) {
      log.splice(0, head);
      head = 0;
    }
  }

  /** Events before the lowest offset or pending event of every group have been acknowledged by all. */
  function dropAcknowledged(): void {
    if (groups.size === 0) return;
    let low = end();
    for (const group of groups.values()) {
      low = Math.min(low, group.next);
      for (const pending of group.pending.values()) low = Math.min(low, pending.seq);
    }
    dropBefore(low);
  }

  function wakeAll(): void {
    for (const wake of [...waiting]) wake();
  }

  function groupNamed(name: string): Group {
    let group = groups.get(name);
    if (!group) {
      // A new group starts at the oldest event kept, as XGROUP CREATE … 0 does.
      group = { next: first, pending: createInsertionOrderedMap() };
      groups.set(name, group);
    }
    return group;
  }

  /** Own pending first (a restart resumes with them), then others' idle ones, then new events. */
  function take(group: Group, consumer: string): ConsumerBatch<number> {
    const at = Date.now();
    const chosen: Pending[] = [];
    for (const pending of group.pending.values()) {
      if (chosen.length >= batchSize) break;
      if (pending.consumer === consumer || at - pending.deliveredAt >= claimIdleMs) chosen.push(pending);
    }
    for (; chosen.length < batchSize && group.next < end(); group.next += 1) {
      chosen.push({ seq: group.next, consumer, deliveredAt: at });
    }
    const events: JourneyEvent[] = [];
    const tokens: number[] = [];
    for (const pending of chosen) {
      pending.consumer = consumer;
      pending.deliveredAt = at;
      group.pending.set(pending.seq, pending);
      tokens.push(pending.seq);
      const json = eventAt(pending.seq);
      // Trimmed by maxLen before it was acknowledged: nothing left to deliver.
      if (json !== undefined) events.push(JSON.parse(json) as JourneyEvent);
    }
    return { events, tokens };
  }

  function acknowledge(group: Group, seqs: readonly number[]): void {
    for (const seq of seqs) group.pending.delete(seq);
    dropAcknowledged();
  }

  return {
    get length() {
      return end() - first;
    },

    async publish(event) {
      if (closed) throw new Error('The journey event stream is closed');
      log.push(JSON.stringify(event));
      if (end() - first > maxLen) dropBefore(end() - maxLen);
      wakeAll();
    },

    consume(groupName, consumerName, handle) {
      if (closed) throw new Error('The journey event stream is closed');
      const group = groupNamed(groupName);
      let wake: (() => void) | undefined;
      let interrupted = false;
      const consumer = startConsumerLoop<number>(
        {
          async read() {
            const batch = take(group, consumerName);
            if (batch.tokens.length > 0 || interrupted) return batch;
            // Nothing now: wait for a publish, a stop, or the time another consumer's events may be taken over.
            await new Promise<void>((resolve) => {
              const timer = setTimeout(done, Math.min(claimIdleMs, 1000));
              function done(): void {
                clearTimeout(timer);
                waiting.delete(done);
                wake = undefined;
                resolve();
              }
              waiting.add(done);
              wake = done;
            });
            return { events: [], tokens: [] };
          },
          async ack(seqs) {
            acknowledge(group, seqs);
          },
          rejected() {
            // They stay pending under this consumer, first in line for its next read.
          },
          interrupt() {
            interrupted = true;
            wake?.();
          },
        },
        handle,
        { retryInitialMs: options.retryInitialMs, retryMaxMs: options.retryMaxMs, logger: options.logger },
      );
      const entry: JourneyEventConsumer = {
        async stop() {
          await consumer.stop();
          consumers.delete(entry);
        },
      };
      consumers.add(entry);
      return entry;
    },

    async close() {
      closed = true;
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
    },
  };
}
