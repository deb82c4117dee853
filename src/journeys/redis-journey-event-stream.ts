import { Redis } from 'ioredis';
import type { Logger } from '../log/logger.ts';
import { startConsumerLoop, type ConsumerBatch } from './journey-event-consumer-loop.ts';
import type { JourneyEvent, JourneyEventConsumer, JourneyEventStream } from './journey-event.ts';

export interface RedisJourneyEventStreamOptions {
  readonly redisUrl: string;
  /** The stream is `<prefix>:events`. */
  readonly prefix: string;
  /** Approximate length the stream is trimmed to on each append (MAXLEN ~). @defaultValue 1000000 */
  readonly maxLen?: number;
  /** Entries read at once. @defaultValue 100 */
  readonly batchSize?: number;
  /** After how long another consumer of the group takes over entries a consumer left pending (XAUTOCLAIM). @defaultValue 30000 */
  readonly claimIdleMs?: number;
  /** Longest wait of one blocking read. @defaultValue 5000 */
  readonly blockMs?: number;
  /** First pause after a handler rejected, doubling up to retryMaxMs. @defaultValue 100 */
  readonly retryInitialMs?: number;
  /** @defaultValue 5000 */
  readonly retryMaxMs?: number;
  readonly logger?: Logger;
}

/** A stream entry as XREADGROUP and XAUTOCLAIM answer it; fields are null for an entry trimmed away. */
type RawEntry = [id: string, fields: string[] | null];

function decodeEntries(entries: readonly RawEntry[]): ConsumerBatch<string> {
  const events: JourneyEvent[] = [];
  const tokens: string[] = [];
  for (const [id, fields] of entries) {
    tokens.push(id);
    const at = fields?.indexOf('e') ?? -1;
    const json = at >= 0 ? fields?.[at + 1] : undefined;
    if (json !== undefined) events.push(JSON.parse(json) as JourneyEvent);
  }
  return { events, tokens };
}

/**
 * The entries of the one stream an XREADGROUP answer holds (null when it timed out). RESP2 answers
 * `[[key, entries]]`; RESP3 a map, which arrives as `[key, entries]`, a Map or an object.
 */
function entriesOfRead(answer: unknown): RawEntry[] {
  if (answer instanceof Map) return ([...answer.values()][0] as RawEntry[] | undefined) ?? [];
  if (Array.isArray(answer)) {
    if (typeof answer[0] === 'string') return (answer[1] as RawEntry[] | undefined) ?? [];
    return ((answer[0] as [string, RawEntry[]] | undefined)?.[1]) ?? [];
  }
  if (answer !== null && typeof answer === 'object') return (Object.values(answer)[0] as RawEntry[] | undefined) ?? [];
  return [];
}

function isError(err: unknown, code: string): boolean {
  return err instanceof Error && err.message.startsWith(code);
}

/**
 * Journey events on a Redis Stream read by consumer groups, so analytics survives restarts and
 * runs in any process: XADD with an approximate MAXLEN; each consumer first reads what it left
 * unacknowledged (a restart resumes there), takes over entries another consumer left pending past
 * `claimIdleMs` (XAUTOCLAIM: that consumer died), then reads new entries with a blocking read on a
 * connection of its own, and acknowledges (XACK) only after its handler resolved.
 */
export function createRedisJourneyEventStream(options: RedisJourneyEventStreamOptions): JourneyEventStream {
  const maxLen = options.maxLen ?? 1_000_000;
  const batchSize = options.batchSize ?? 100;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const blockMs = Math.max(1, Math.min(options.blockMs ?? 5000, claimIdleMs));
  const key = `${options.prefix}:events`;
  const client = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  client.on('error', (err) => options.logger?.warn({ err }, 'redis connection error (journey events)'));
  const consumers = new Set<JourneyEventConsumer>();
  let closed = false;

  async function createGroup(group: string): Promise<void> {
    try {
      await client.xgroup('CREATE', key, group, '0', 'MKSTREAM');
    } catch (err) {
      if (!isError(err, 'BUSYGROUP')) throw err;
    }
  }

  function consume(group: string, consumer: string, handle: (events: readonly JourneyEvent[]) => Promise<void>): JourneyEventConsumer {
    // Blocking reads hold their connection: one per consumer, cut by stop().
    const blocking = client.duplicate({ maxRetriesPerRequest: null });
    blocking.on('error', (err) => options.logger?.warn({ err }, 'redis connection error (journey event consumer)'));
    let groupReady: Promise<void> | undefined;
    let readOwnPending = true;
    let claimCursor = '0-0';
    let nextClaimAt = 0;
    let interrupted = false;

    async function read(): Promise<ConsumerBatch<string>> {
      groupReady ??= createGroup(group);
      try {
        await groupReady;
        return await readOnce();
      } catch (err) {
        // The stream was deleted (with its groups): create the group again on the next read.
        if (isError(err, 'NOGROUP')) groupReady = undefined;
        throw err;
      }
    }

    async function readOnce(): Promise<ConsumerBatch<string>> {
      if (readOwnPending) {
        const own = entriesOfRead(await client.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', batchSize, 'STREAMS', key, '0'));
        if (own.length > 0) return decodeEntries(own);
        readOwnPending = false;
      }
      if (Date.now() >= nextClaimAt) {
        const [cursor, claimed] = (await client.call('XAUTOCLAIM', key, group, consumer, claimIdleMs, claimCursor, 'COUNT', batchSize)) as [string, RawEntry[]];
        claimCursor = cursor;
        // The whole pending list has been looked at: look again after a while.
        if (cursor === '0-0') nextClaimAt = Date.now() + Math.max(50, claimIdleMs / 2);
        if (claimed.length > 0) return decodeEntries(claimed);
      }
      if (interrupted) return { events: [], tokens: [] };
      const wait = Math.max(1, Math.min(blockMs, nextClaimAt - Date.now()));
      const fresh = entriesOfRead(await blocking.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', batchSize, 'BLOCK', wait, 'STREAMS', key, '>'));
      return decodeEntries(fresh);
    }

    const loop = startConsumerLoop<string>(
      {
        read,
        async ack(ids) {
          await client.xack(key, group, ...ids);
        },
        rejected() {
          readOwnPending = true;
        },
        interrupt() {
          interrupted = true;
          blocking.disconnect();
        },
      },
      handle,
      { retryInitialMs: options.retryInitialMs, retryMaxMs: options.retryMaxMs, logger: options.logger },
    );
    const entry: JourneyEventConsumer = {
      async stop() {
        await loop.stop();
        consumers.delete(entry);
      },
    };
    consumers.add(entry);
    return entry;
  }

  return {
    async publish(event) {
      if (closed) throw new Error('The journey event stream is closed');
      await client.xadd(key, 'MAXLEN', '~', maxLen, '*', 'e', JSON.stringify(event));
    },

    consume(group, consumer, handle) {
      if (closed) throw new Error('The journey event stream is closed');
      return consume(group, consumer, handle);
    },

    async close() {
      closed = true;
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      await client.quit().catch(() => client.disconnect());
    },
  };
}
