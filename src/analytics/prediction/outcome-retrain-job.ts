import type { Logger } from '../../log/logger.ts';
import type { OrderStoreSql } from '../../orders/order-store.ts';
import { labelSnapshots, type LabelledSnapshot } from './journey-snapshot.ts';
import { trainOutcomeModel } from './outcome-model.ts';
import { loadFinishedJourneys, loadLatestOutcomeModel, saveOutcomeModel } from './outcome-model-table.ts';

export interface RetrainOptions {
  /** Below this many finished journeys nothing is trained (too few to say anything). */
  readonly minJourneys: number;
  /** The most recently finished journeys trained on, at most. @defaultValue 20000 */
  readonly maxJourneys?: number;
  readonly logger: Logger;
  /** @defaultValue now */
  readonly now?: () => Date;
  /**
   * A model newer than this is kept as it is: with several gateway processes, each one's timer
   * fires once per interval, and the first to take the lock has done the work for all. @defaultValue 0
   */
  readonly freshForMs?: number;
}

export type RetrainResult =
  | { readonly trained: true; readonly modelId: number; readonly journeys: number; readonly heldOutAuc: number | null }
  | { readonly trained: false; readonly reason: 'locked' | 'fresh' | 'too_few_journeys' | 'one_outcome_only' | 'no_held_out_pair'; readonly journeys?: number };

/** The advisory lock (`hashtext` of this) a process holds while it trains the model of `schema`. */
export function nameRetrainLock(schema: string): string {
  return `ndc-gateway/journey-outcome-model/${schema}`;
}

/**
 * Trains a model on the finished journeys and stores it as the newest. A transaction-scoped
 * advisory lock lets one process train at a time: another that finds it taken skips this round,
 * and a crash cannot leave the lock held.
 */
export async function retrainOutcomeModel(sql: OrderStoreSql, options: RetrainOptions): Promise<RetrainResult> {
  const { logger } = options;
  return sql.database.transaction(async (tx): Promise<RetrainResult> => {
    const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [nameRetrainLock(sql.schema)]);
    if (rows[0]?.locked !== true) {
      logger.info('journey outcome model: another process is training it; skipped');
      return { trained: false, reason: 'locked' };
    }
    const session = { database: tx, schema: sql.schema };
    const now = (options.now ?? (() => new Date()))();
    const latest = await loadLatestOutcomeModel(session);
    if (latest && now.getTime() - Date.parse(latest.trainedAt) < (options.freshForMs ?? 0)) {
      logger.debug({ trainedAt: latest.trainedAt }, 'journey outcome model: trained by another process a moment ago; skipped');
      return { trained: false, reason: 'fresh' };
    }
    const journeys = await loadFinishedJourneys(session, options.maxJourneys ?? 20_000);
    if (journeys.size < options.minJourneys) {
      logger.info({ journeys: journeys.size, minJourneys: options.minJourneys }, 'journey outcome model: too few finished journeys to train; skipped');
      return { trained: false, reason: 'too_few_journeys', journeys: journeys.size };
    }
    const examples: LabelledSnapshot[] = [];
    let done = 0;
    for (const [journeyId, events] of journeys) {
      examples.push(...labelSnapshots(journeyId, events));
      // Long loops give the event loop back now and then; this runs in a serving process.
      done += 1;
      if (done % 500 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!examples.some((e) => e.completed) || examples.every((e) => e.completed)) {
      logger.info({ journeys: journeys.size }, 'journey outcome model: every finished journey ended the same way; skipped');
      return { trained: false, reason: 'one_outcome_only', journeys: journeys.size };
    }
    const started = performance.now();
    const model = await trainOutcomeModel(examples);
    if (model.heldOutAuc === null) {
      logger.info({ journeys: journeys.size }, 'journey outcome model: the held-out journeys cannot measure it (no pair of outcomes in a state); skipped');
      return { trained: false, reason: 'no_held_out_pair', journeys: journeys.size };
    }
    const modelId = await saveOutcomeModel(session, model, now);
    logger.info({
      modelId, journeys: journeys.size, snapshots: examples.length, heldOutAuc: model.heldOutAuc, heldOutPooledAuc: model.heldOutPooledAuc,
      ms: Math.round(performance.now() - started),
    }, 'journey outcome model trained');
    return { trained: true, modelId, journeys: journeys.size, heldOutAuc: model.heldOutAuc };
  });
}

export interface OutcomeRetrainJob {
  /** One round now (what the timer runs); never rejects, a failure is logged. */
  runOnce(): Promise<RetrainResult | undefined>;
  /** Stops the timer and waits for a round in progress. */
  stop(): Promise<void>;
}

export interface OutcomeRetrainJobOptions extends RetrainOptions {
  /** The order store's database, once it is open. */
  readonly sql: () => Promise<OrderStoreSql>;
  /** Time between two rounds; the first runs at start. */
  readonly intervalMs: number;
}

/**
 * Retrains the outcome model at start and every `intervalMs`, one round at a time. A model
 * trained less than half an interval ago (by another process) is left as it is.
 */
export function startOutcomeRetrainJob(options: OutcomeRetrainJobOptions): OutcomeRetrainJob {
  const round: RetrainOptions = { freshForMs: options.intervalMs / 2, ...options };
  let running: Promise<RetrainResult | undefined> | undefined;
  let stopped = false;
  const runOnce = (): Promise<RetrainResult | undefined> => {
    running ??= (async () => {
      try {
        return await retrainOutcomeModel(await options.sql(), round);
      } catch (error) {
        options.logger.warn({ err: error }, 'journey outcome model: training failed; the previous model stays');
        return undefined;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void runOnce(), options.intervalMs);
  timer.unref();
  const first = setTimeout(() => {
    if (!stopped) void runOnce();
  }, 0);
  first.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(first);
      await running;
    },
  };
}
