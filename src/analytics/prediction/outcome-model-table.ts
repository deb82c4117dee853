import type { OrderStoreSql } from '../../orders/order-store.ts';
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

/** The advisory lock (`hashtext` of this) taken while a process claims the training of the model of `schema`. */
export function nameTrainingLock(schema: string): string {
  return `ndc-gateway/journey-outcome-model/${schema}`;
}

/**
 * Claims the training of the model for `claimMs`, or says why not: `locked` while another
 * process holds the lock or an unexpired claim, `fresh` when the newest model is younger than
 * `freshForMs`. Check and claim run in one short transaction under a transaction-scoped advisory
 * lock, so two processes never both claim, a process that finds the lock taken is answered at
 * once, and a crash leaves at most a claim that expires.
 */
export async function claimTraining(sql: OrderStoreSql, holder: string, now: Date, claimMs: number, freshForMs: number): Promise<'claimed' | 'locked' | 'fresh'> {
  const s = quoteSchema(sql.schema);
  return sql.database.transaction(async (tx) => {
    const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [nameTrainingLock(sql.schema)]);
    if (rows[0]?.locked !== true) return 'locked';
    const claims = await tx.query(`SELECT holder FROM ${s}.journey_outcome_training WHERE expires_at > now()`);
    if (claims.rows.length > 0) return 'locked';
    const latest = await loadLatestOutcomeModel({ database: tx, schema: sql.schema });
    if (latest && now.getTime() - Date.parse(latest.trainedAt) < freshForMs) return 'fresh';
    await tx.query(`DELETE FROM ${s}.journey_outcome_training`);
    await tx.query(`INSERT INTO ${s}.journey_outcome_training (holder, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond')`, [holder, claimMs]);
    return 'claimed';
  });
}

/** Ends a claim (a claim another process took over after it expired is left alone). */
export async function releaseTraining(sql: SchemaSession, holder: string): Promise<void> {
  await sql.database.query(`DELETE FROM ${quoteSchema(sql.schema)}.journey_outcome_training WHERE holder = $1`, [holder]);
}
