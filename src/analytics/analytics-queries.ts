import { FUNNEL_STATES, JOURNEY_STATES, type AbandonReason, type JourneyChannel, type JourneyState } from '../journeys/journey-states.ts';
import type { OrderStoreSql } from '../orders/order-store.ts';
import { quoteSchema } from '../orders/sql-database.ts';
import type { AnalyticsFilter, ConversionReport, FunnelReport, LatencyFigures, PerformanceReport } from './analytics-types.ts';

/**
 * The reports of the analytics API, each one SQL over `journey_events`: nothing is counted in
 * memory, so every gateway process answers the same, and a replay of the stream changes nothing.
 *
 * Two ways of taking the window:
 * - the funnel and conversion follow journeys: those that started (their `Journey_Init` event) in
 *   [from, to), on `channel` (the starting one), of `clientId`, in `experiment` (and `variant`),
 *   with everything that happened to them since, even after `to`;
 * - performance takes the events themselves in [from, to), filtered by their own channel, client
 *   and variants: the latency of a step is that of the moment it ran.
 */

/** Messages that count as a search (a "look") in look-to-book: NDC AirShopping, and a search on the JSON journey API. */
export const SEARCH_MESSAGES = ['AirShoppingRQ', 'offer.shop'] as const;

interface Query {
  readonly text: string;
  readonly params: unknown[];
}

/** `WHERE` conditions of a filter on an alias of journey_events, with their parameters appended to `params`. */
function conditionsOf(filter: AnalyticsFilter, alias: string, params: unknown[]): string {
  const add = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = [`${alias}.at >= ${add(filter.from)}::timestamptz`, `${alias}.at < ${add(filter.to)}::timestamptz`];
  if (filter.channel !== undefined) where.push(`${alias}.channel = ${add(filter.channel)}`);
  if (filter.clientId !== undefined) where.push(`${alias}.client_id = ${add(filter.clientId)}`);
  if (filter.experiment !== undefined) {
    const experiment = add(filter.experiment);
    where.push(filter.variant !== undefined ? `${alias}.variants ->> ${experiment} = ${add(filter.variant)}` : `${alias}.variants ->> ${experiment} IS NOT NULL`);
  }
  return where.join(' AND ');
}

/** The journeys a funnel or conversion report follows: one row per journey started in the window that matches the filter. */
function startedJourneys(schema: string, filter: AnalyticsFilter, params: unknown[]): string {
  return `started AS (
    SELECT DISTINCT ON (s.journey_id) s.journey_id, s.channel, s.client_id, s.at, s.variants
    FROM ${schema}.journey_events s
    WHERE s.type = 'transition' AND s.to_state = 'Journey_Init' AND ${conditionsOf(filter, 's', params)}
    ORDER BY s.journey_id, s.at)`;
}

/** Counts come back from node-postgres as strings for bigint and numeric; these are small enough for a double. */
function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** `reached` of each funnel step, the conversion to the next, and where and why journeys were abandoned. */
export async function queryFunnel(sql: OrderStoreSql, filter: AnalyticsFilter): Promise<FunnelReport> {
  const schema = quoteSchema(sql.schema);
  const params: unknown[] = [];
  const started = startedJourneys(schema, filter, params);
  params.push(FUNNEL_STATES);
  const states = `$${params.length}::text[]`;
  const reachedQuery: Query = {
    text: `WITH ${started}
      SELECT 'Journey_Init' AS state, count(*) AS journeys FROM started
      UNION ALL
      SELECT e.to_state, count(DISTINCT e.journey_id)
      FROM started JOIN ${schema}.journey_events e ON e.journey_id = started.journey_id
      WHERE e.type = 'transition' AND e.to_state = ANY(${states}) AND e.to_state <> 'Journey_Init'
      GROUP BY e.to_state`,
    params,
  };
  const dropParams: unknown[] = [];
  const dropQuery: Query = {
    text: `WITH ${startedJourneys(schema, filter, dropParams)}
      SELECT e.from_state AS state, coalesce(e.reason, 'exit') AS reason, count(DISTINCT e.journey_id) AS journeys
      FROM started JOIN ${schema}.journey_events e ON e.journey_id = started.journey_id
      WHERE e.type = 'transition' AND e.to_state = 'Journey_Abandoned'
      GROUP BY 1, 2 ORDER BY count(DISTINCT e.journey_id) DESC, e.from_state COLLATE "C", coalesce(e.reason, 'exit') COLLATE "C"`,
    params: dropParams,
  };
  const [reachedRows, dropRows] = await Promise.all([
    sql.database.query<{ state: string; journeys: unknown }>(reachedQuery.text, reachedQuery.params),
    sql.database.query<{ state: string | null; reason: string; journeys: unknown }>(dropQuery.text, dropQuery.params),
  ]);
  const reached = new Map(reachedRows.rows.map((row) => [row.state, numberOf(row.journeys)]));
  const steps = FUNNEL_STATES.map((state, index) => {
    const here = reached.get(state) ?? 0;
    const next = FUNNEL_STATES[index + 1];
    if (next === undefined) return { state, reached: here };
    return { state, reached: here, conversionToNext: here === 0 ? 0 : (reached.get(next) ?? 0) / here };
  });
  const dropOff = dropRows.rows.map((row) => ({
    state: (row.state ?? 'Journey_Init') as JourneyState, reason: row.reason as AbandonReason, journeys: numberOf(row.journeys),
  }));
  return { filter, steps, dropOff };
}

interface LatencyRow {
  name: string;
  count: unknown;
  p50: unknown;
  p95: unknown;
  p99: unknown;
  errors: unknown;
}

function latencyOf(row: LatencyRow): LatencyFigures {
  const count = numberOf(row.count);
  return { count, p50Ms: numberOf(row.p50), p95Ms: numberOf(row.p95), p99Ms: numberOf(row.p99), errorRate: count === 0 ? 0 : numberOf(row.errors) / count };
}

/**
 * p50, p95 and p99 (continuous percentiles) of the time spent in each state before leaving it, and
 * of each NDC message's duration, with the share of messages that ended in an error.
 */
export async function queryPerformance(sql: OrderStoreSql, filter: AnalyticsFilter): Promise<PerformanceReport> {
  const schema = quoteSchema(sql.schema);
  const params: unknown[] = [];
  const where = conditionsOf(filter, 'e', params);
  const figures = `count(*) AS count,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY e.duration_ms) AS p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY e.duration_ms) AS p95,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY e.duration_ms) AS p99`;
  const [steps, messages] = await Promise.all([
    sql.database.query<LatencyRow>(
      `SELECT e.from_state AS name, ${figures}, 0 AS errors
       FROM ${schema}.journey_events e
       WHERE e.type = 'transition' AND e.from_state IS NOT NULL AND ${where}
       GROUP BY e.from_state ORDER BY array_position($${params.length + 1}::text[], e.from_state)`,
      [...params, JOURNEY_STATES],
    ),
    sql.database.query<LatencyRow>(
      `SELECT e.message AS name, ${figures}, count(*) FILTER (WHERE coalesce(e.outcome, 'ok') <> 'ok') AS errors
       FROM ${schema}.journey_events e
       WHERE e.type = 'ndc_message' AND e.message IS NOT NULL AND ${where}
       GROUP BY e.message ORDER BY e.message COLLATE "C"`,
      params,
    ),
  ]);
  return {
    filter,
    steps: steps.rows.map((row) => ({ state: row.name as JourneyState, ...latencyOf(row) })),
    messages: messages.rows.map((row) => ({ message: row.name, ...latencyOf(row) })),
  };
}

/**
 * Completed over started per UTC day of the start, starting channel and client; and look-to-book
 * per client: searches in the journeys followed over the orders of those that completed (null
 * when none did).
 */
export async function queryConversion(sql: OrderStoreSql, filter: AnalyticsFilter): Promise<ConversionReport> {
  const schema = quoteSchema(sql.schema);
  const rateParams: unknown[] = [];
  const rateQuery = `WITH ${startedJourneys(schema, filter, rateParams)}
    SELECT to_char(timezone('UTC', started.at), 'YYYY-MM-DD') AS day, started.channel, started.client_id,
      count(*) AS started,
      count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM ${schema}.journey_events c
        WHERE c.journey_id = started.journey_id AND c.type = 'transition' AND c.to_state = 'Journey_Complete')) AS completed
    FROM started GROUP BY 1, 2, 3 ORDER BY 1, started.channel COLLATE "C", started.client_id COLLATE "C"`;
  const lookParams: unknown[] = [];
  const lookQuery = `WITH ${startedJourneys(schema, filter, lookParams)},
    completed AS (
      SELECT DISTINCT c.journey_id FROM started JOIN ${schema}.journey_events c ON c.journey_id = started.journey_id
      WHERE c.type = 'transition' AND c.to_state = 'Journey_Complete')
    SELECT started.client_id,
      count(e.event_id) FILTER (WHERE e.message = ANY($${lookParams.length + 1}::text[])) AS searches,
      count(DISTINCT e.order_id) FILTER (WHERE e.journey_id IN (SELECT journey_id FROM completed)) AS orders
    FROM started LEFT JOIN ${schema}.journey_events e ON e.journey_id = started.journey_id
    GROUP BY started.client_id ORDER BY started.client_id COLLATE "C"`;
  lookParams.push(SEARCH_MESSAGES);
  const [rates, looks] = await Promise.all([
    sql.database.query<{ day: string; channel: string; client_id: string; started: unknown; completed: unknown }>(rateQuery, rateParams),
    sql.database.query<{ client_id: string; searches: unknown; orders: unknown }>(lookQuery, lookParams),
  ]);
  return {
    filter,
    rates: rates.rows.map((row) => {
      const started = numberOf(row.started);
      const completed = numberOf(row.completed);
      return { day: row.day, channel: row.channel as JourneyChannel, clientId: row.client_id, started, completed, rate: started === 0 ? 0 : completed / started };
    }),
    lookToBook: looks.rows.map((row) => {
      const searches = numberOf(row.searches);
      const orders = numberOf(row.orders);
      return { clientId: row.client_id, searches, orders, ratio: orders === 0 ? null : searches / orders };
    }),
  };
}
