import { hostname } from 'node:os';
import type { JourneyEvent, JourneyEventConsumer, JourneyEventStream } from '../journeys/journey-event.ts';
import type { Logger } from '../log/logger.ts';
import type { OrderStoreSql } from '../orders/order-store.ts';
import { quoteSchema } from '../orders/sql-database.ts';

/** The consumer group the analytics tables are written by; another reader of the stream takes its own group. */
export const ANALYTICS_CONSUMER_GROUP = 'analytics';

/** Where the analytics tables are: the order store's database, once the store is open. */
export type AnalyticsSql = () => Promise<OrderStoreSql>;

/**
 * Writes a batch of events into `journey_events` in one statement. An event already there (same
 * `eventId`) is left as it is, so a stream delivered at least once, or replayed from the start,
 * writes each event once and the reports do not move. The batch travels as one JSON parameter, so
 * the statement text is the same whatever the batch size.
 * @returns how many events were new.
 */
export async function recordJourneyEvents(sql: OrderStoreSql, events: readonly JourneyEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => ({
    event_id: e.eventId, type: e.type, journey_id: e.journeyId, client_id: e.clientId, channel: e.channel, at: e.at,
    from_state: e.from ?? null, to_state: e.to ?? null, reason: e.reason ?? null, duration_ms: e.durationMs,
    message: e.message ?? null, version: e.version ?? null, outcome: e.outcome ?? null, variants: e.variants,
    party_size: e.partySize ?? null, days_to_departure: e.daysToDeparture ?? null, payment_failures: e.paymentFailures ?? null,
    order_id: e.orderId ?? null,
  }));
  const { rows: inserted } = await sql.database.query<{ n: number }>(
    `WITH added AS (
       INSERT INTO ${quoteSchema(sql.schema)}.journey_events (event_id, type, journey_id, client_id, channel, at, from_state, to_state, reason,
         duration_ms, message, version, outcome, variants, party_size, days_to_departure, payment_failures, order_id)
       SELECT DISTINCT ON (event_id) event_id, type, journey_id, client_id, channel, at, from_state, to_state, reason,
         coalesce(duration_ms, 0), message, version, outcome, coalesce(variants, '{}'), party_size, days_to_departure, payment_failures, order_id
       FROM jsonb_to_recordset($1::jsonb) AS e(event_id text, type text, journey_id text, client_id text, channel text, at timestamptz,
         from_state text, to_state text, reason text, duration_ms double precision, message text, version text, outcome text, variants jsonb,
         party_size integer, days_to_departure integer, payment_failures integer, order_id text)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS n FROM added`,
    [JSON.stringify(rows)],
  );
  return inserted[0]?.n ?? 0;
}

export interface JourneyEventRecorderOptions {
  readonly stream: JourneyEventStream;
  readonly sql: AnalyticsSql;
  readonly logger: Logger;
  /**
   * This process's name in the consumer group: unique across machines and processes. A restarted
   * process (new pid) does not resume its predecessor's pending events itself; the stream hands
   * them to another consumer of the group once they are idle past its claim time.
   * @defaultValue `${hostname}-${pid}`
   */
  readonly consumer?: string;
}

/**
 * Feeds the analytics tables from the journey event stream (consumer group `analytics`). A batch
 * that cannot be written (the order store is not open yet, the database is down) makes the handler
 * reject, so the stream leaves it unacknowledged and delivers it again: no event is lost, and
 * none is counted twice.
 */
export function startJourneyEventRecorder(options: JourneyEventRecorderOptions): JourneyEventConsumer {
  const { stream, sql, logger } = options;
  return stream.consume(ANALYTICS_CONSUMER_GROUP, options.consumer ?? `${hostname()}-${process.pid}`, async (events) => {
    try {
      const added = await recordJourneyEvents(await sql(), events);
      logger.debug({ events: events.length, added }, 'journey events recorded');
    } catch (err) {
      logger.warn({ err, events: events.length }, 'journey events not recorded; they will be delivered again');
      throw err;
    }
  });
}
