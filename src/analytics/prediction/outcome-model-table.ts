import { quoteSchema, type SqlSession } from '../../orders/sql-database.ts';
import type { OutcomeEventRow } from './journey-snapshot.ts';
import type { OutcomeModel } from './outcome-model.ts';

/** Where the tables are: the order store's database (or one transaction on it) and schema. */
export interface SchemaSession {
  readonly database: SqlSession;
  readonly schema: string;
}

/** A model as the table holds it. */
export interface StoredOutcomeModel {
  readonly id: number;
  readonly trainedAt: string;
  readonly model: OutcomeModel;
}

interface EventRecord {
  journey_id: string;
  type: string;
  channel: string;
  at: Date | string;
  to_state: string | null;
  party_size: number | null;
  days_to_departure: number | null;
  payment_failures: number | null;
}

/** Models kept in the table; older ones are deleted when a new one is saved. */
const MODELS_KEPT = 20;

function toRow(record: EventRecord): OutcomeEventRow {
  return {
    journeyId: record.journey_id,
    type: record.type,
    channel: record.channel,
    atMs: new Date(record.at).getTime(),
    toState: record.to_state,
    partySize: record.party_size,
    daysToDeparture: record.days_to_departure,
    paymentFailures: record.payment_failures,
  };
}

const COLUMNS = 'e.journey_id, e.type, e.channel, e.at, e.to_state, e.party_size, e.days_to_departure, e.payment_failures';

/** The events of the `limit` most recently finished journeys (complete or abandoned), grouped by journey. */
export async function loadFinishedJourneys(sql: SchemaSession, limit: number): Promise<Map<string, OutcomeEventRow[]>> {
  const s = quoteSchema(sql.schema);
  const { rows } = await sql.database.query<EventRecord>(
    `WITH finished AS (
       SELECT journey_id, max(at) AS ended FROM ${s}.journey_events
       WHERE type = 'transition' AND to_state IN ('Journey_Complete', 'Journey_Abandoned')
       GROUP BY journey_id ORDER BY ended DESC, journey_id LIMIT $1)
     SELECT ${COLUMNS} FROM ${s}.journey_events e JOIN finished f ON f.journey_id = e.journey_id`,
    [limit],
  );
  const journeys = new Map<string, OutcomeEventRow[]>();
  for (const record of rows) {
    const events = journeys.get(record.journey_id) ?? [];
    events.push(toRow(record));
    journeys.set(record.journey_id, events);
  }
  return journeys;
}

/** Every event of one journey (empty when it has none). */
export async function loadJourneyEvents(sql: SchemaSession, journeyId: string): Promise<OutcomeEventRow[]> {
  const s = quoteSchema(sql.schema);
  const { rows } = await sql.database.query<EventRecord>(`SELECT ${COLUMNS} FROM ${s}.journey_events e WHERE e.journey_id = $1`, [journeyId]);
  return rows.map(toRow);
}

/** Stores a model as the newest, and prunes the oldest beyond the last few. */
export async function saveOutcomeModel(sql: SchemaSession, model: OutcomeModel, trainedAt: Date): Promise<number> {
  const s = quoteSchema(sql.schema);
  const { rows } = await sql.database.query<{ id: number | string }>(
    `INSERT INTO ${s}.journey_outcome_models (model, trained_at, training_journeys, held_out_journeys, held_out_auc, features)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [JSON.stringify(model), trainedAt.toISOString(), model.trainingJourneys, model.heldOutJourneys, model.heldOutAuc, JSON.stringify(model.features)],
  );
  await sql.database.query(
    `DELETE FROM ${s}.journey_outcome_models WHERE id NOT IN (SELECT id FROM ${s}.journey_outcome_models ORDER BY trained_at DESC, id DESC LIMIT $1)`,
    [MODELS_KEPT],
  );
  return Number(rows[0]?.id);
}

/** The newest model, or undefined before the first training. */
export async function loadLatestOutcomeModel(sql: SchemaSession): Promise<StoredOutcomeModel | undefined> {
  const s = quoteSchema(sql.schema);
  const { rows } = await sql.database.query<{ id: number | string; trained_at: Date | string; model: OutcomeModel | string }>(
    `SELECT id, trained_at, model FROM ${s}.journey_outcome_models ORDER BY trained_at DESC, id DESC LIMIT 1`,
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    id: Number(row.id),
    trainedAt: new Date(row.trained_at).toISOString(),
    model: typeof row.model === 'string' ? (JSON.parse(row.model) as OutcomeModel) : row.model,
  };
}
