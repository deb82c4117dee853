import { Ajv } from 'ajv';
import { GatewayError, type ErrorDetail } from '../errors/index.ts';
import type { OrderStoreSql } from '../orders/order-store.ts';
import { quoteSchema, sqlState } from '../orders/sql-database.ts';
import type { Experiment, ExperimentResults, ExperimentVariant } from './analytics-types.ts';
import { compareArms, conversionRate } from './experiment-statistics.ts';

/** An experiment id: lower-case letters, digits and dashes, as it appears in URLs and in every event's `variants`. */
export const EXPERIMENT_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';

/** JSON Schema of `POST /api/v1/analytics/experiments`. */
export const NEW_EXPERIMENT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'variants'],
  properties: {
    id: { type: 'string', pattern: EXPERIMENT_ID_PATTERN, description: 'Left out: the name in lower case, other characters as dashes' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    variants: {
      type: 'array',
      minItems: 2,
      maxItems: 20,
      description: 'The first variant is the control the others are compared with',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'weight'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
          weight: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 },
        },
      },
    },
  },
} as const;

export interface NewExperiment {
  readonly id?: string;
  readonly name: string;
  readonly variants: readonly ExperimentVariant[];
}

const validateNew = new Ajv({ allErrors: true }).compile<NewExperiment>(NEW_EXPERIMENT_SCHEMA);

/** Checks a new experiment's body: the schema, and variant names unique (a journey's variant must name one arm). */
export function checkNewExperiment(body: unknown): NewExperiment {
  if (!validateNew(body)) {
    const details: ErrorDetail[] = (validateNew.errors ?? []).map((e) => ({ message: e.message ?? 'is invalid', path: e.instancePath || '/' }));
    throw new GatewayError('INVALID_COMMAND', 'The experiment is not valid', details);
  }
  const seen = new Set<string>();
  body.variants.forEach((variant, index) => {
    if (seen.has(variant.name)) throw new GatewayError('INVALID_COMMAND', `Variant ${variant.name} is named twice`, [{ message: 'variant names must be unique', path: `/variants/${index}/name` }]);
    seen.add(variant.name);
  });
  return body;
}

/** The id an experiment gets when the request names none: its name as a slug. */
export function slugOf(name: string): string {
  const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return slug === '' ? 'experiment' : slug;
}

interface ExperimentRow {
  id: string;
  name: string;
  variants: ExperimentVariant[];
  status: 'running' | 'stopped';
  started_at: Date | string;
  stopped_at: Date | string | null;
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function toExperiment(row: ExperimentRow): Experiment {
  return {
    id: row.id, name: row.name, variants: row.variants, status: row.status, startedAt: iso(row.started_at),
    ...(row.stopped_at !== null ? { stoppedAt: iso(row.stopped_at) } : {}),
  };
}

const COLUMNS = 'id, name, variants, status, started_at, stopped_at';

/**
 * The experiments table: what the analytics API creates, lists and stops, and what new journeys
 * are assigned variants from (through an ExperimentSource).
 */
export interface ExperimentRegistry {
  /** Starts an experiment now. Throws EXPERIMENT_EXISTS when the id is taken (stopped ones included: their events still name it). */
  create(experiment: NewExperiment): Promise<Experiment>;
  /** Newest first. */
  list(): Promise<Experiment[]>;
  running(): Promise<Experiment[]>;
  /** Throws EXPERIMENT_NOT_FOUND. */
  get(id: string): Promise<Experiment>;
  /** Stops assigning the experiment to new journeys; stopping a stopped one changes nothing. Throws EXPERIMENT_NOT_FOUND. */
  stop(id: string): Promise<Experiment>;
  /** Exposures and conversions per variant from the journey events, compared with the first (control) variant. */
  results(id: string): Promise<ExperimentResults>;
}

const UNIQUE_VIOLATION = '23505';

export function createExperimentRegistry(sql: () => Promise<OrderStoreSql>): ExperimentRegistry {
  const open = async (): Promise<{ db: OrderStoreSql['database']; table: string; events: string }> => {
    const { database, schema } = await sql();
    const s = quoteSchema(schema);
    return { db: database, table: `${s}.experiments`, events: `${s}.journey_events` };
  };
  const notFound = (id: string): GatewayError =>
    new GatewayError('EXPERIMENT_NOT_FOUND', `Experiment ${id} is unknown`, [{ message: 'unknown experiment', path: 'id' }]);

  const get = async (id: string): Promise<Experiment> => {
    const { db, table } = await open();
    const { rows } = await db.query<ExperimentRow>(`SELECT ${COLUMNS} FROM ${table} WHERE id = $1`, [id]);
    if (rows[0] === undefined) throw notFound(id);
    return toExperiment(rows[0]);
  };

  return {
    async create(experiment) {
      const { db, table } = await open();
      const id = experiment.id ?? slugOf(experiment.name);
      const variants = experiment.variants.map(({ name, weight }) => ({ name, weight }));
      try {
        const { rows } = await db.query<ExperimentRow>(
          `INSERT INTO ${table} (id, name, variants, status, started_at) VALUES ($1, $2, $3::jsonb, 'running', now()) RETURNING ${COLUMNS}`,
          [id, experiment.name, JSON.stringify(variants)],
        );
        return toExperiment(rows[0]!);
      } catch (error) {
        if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
        throw new GatewayError('EXPERIMENT_EXISTS', `Experiment ${id} exists`, [{ message: 'choose another id', path: '/id' }]);
      }
    },

    async list() {
      const { db, table } = await open();
      const { rows } = await db.query<ExperimentRow>(`SELECT ${COLUMNS} FROM ${table} ORDER BY started_at DESC, id`);
      return rows.map(toExperiment);
    },

    async running() {
      const { db, table } = await open();
      const { rows } = await db.query<ExperimentRow>(`SELECT ${COLUMNS} FROM ${table} WHERE status = 'running' ORDER BY started_at, id`);
      return rows.map(toExperiment);
    },

    get,

    async stop(id) {
      const { db, table } = await open();
      const { rows } = await db.query<ExperimentRow>(
        `UPDATE ${table} SET status = 'stopped', stopped_at = coalesce(stopped_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      );
      if (rows[0] === undefined) throw notFound(id);
      return toExperiment(rows[0]);
    },

    async results(id) {
      const experiment = await get(id);
      const { db, events } = await open();
      // A journey is exposed when it started with a variant of the experiment, converted when it completed.
      const { rows } = await db.query<{ variant: string; exposures: unknown; conversions: unknown }>(
        `SELECT s.variants ->> $1 AS variant, count(DISTINCT s.journey_id) AS exposures,
           count(DISTINCT s.journey_id) FILTER (WHERE EXISTS (
             SELECT 1 FROM ${events} c WHERE c.journey_id = s.journey_id AND c.type = 'transition' AND c.to_state = 'Journey_Complete')) AS conversions
         FROM ${events} s
         WHERE s.type = 'transition' AND s.to_state = 'Journey_Init' AND s.variants ->> $1 IS NOT NULL
         GROUP BY 1`,
        [id],
      );
      const counts = new Map(rows.map((row) => [row.variant, { exposures: Number(row.exposures), conversions: Number(row.conversions) }]));
      const arms = experiment.variants.map((variant) => ({ name: variant.name, ...(counts.get(variant.name) ?? { exposures: 0, conversions: 0 }) }));
      const control = arms[0]!;
      return {
        experiment,
        variants: arms.map((arm, index) => ({
          ...arm,
          rate: conversionRate(arm),
          ...(index === 0 ? {} : compareArms(control, arm)),
        })),
      };
    },
  };
}
