import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log/logger.ts';
import type { OrderStoreSql } from '../../orders/order-store.ts';
import { labelSnapshots, type LabelledSnapshot } from './journey-snapshot.ts';
import { trainOutcomeModel } from './outcome-model.ts';
import { claimTraining, loadFinishedJourneys, releaseTraining, saveOutcomeModel } from './outcome-model-table.ts';

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
   * fires once per interval, and the first to train has done the work for all. @defaultValue 0
   */
  readonly freshForMs?: number;
  /**
   * How long a claim to train lasts: the round of a process that died while training is taken
   * over after this. @defaultValue 600000
   */
  readonly claimMs?: number;
}

export type RetrainResult =
  | { readonly trained: true; readonly modelId: number; readonly journeys: number; readonly heldOutAuc: number }
  | { readonly trained: false; readonly reason: 'locked' | 'fresh' | 'too_few_journeys' | 'one_outcome_only' | 'no_held_out_pair'; readonly journeys?: number };

/**
 * Trains a model on the finished journeys and stores it as the newest, one process at a time:
 * the round first claims the training (under a transaction-scoped advisory lock, see
 * `claimTraining`); a process that finds it claimed skips this round. The reading, the fitting
 * and the saving then run outside any long transaction, since the embedded PGlite has one
 * connection for the whole process and a transaction held for the seconds a fit takes would hold
 * up every order.
 */
export async function retrainOutcomeModel(sql: OrderStoreSql, options: RetrainOptions): Promise<RetrainResult> {
  const { logger } = options;
  const now = (options.now ?? (() => new Date()))();
  const holder = randomUUID();
  const claim = await claimTraining(sql, holder, now, options.claimMs ?? 600_000, options.freshForMs ?? 0);
  if (claim !== 'claimed') {
    if (claim === 'locked') logger.info('journey outcome model: another process is training it; skipped');
    else logger.debug('journey outcome model: trained by another process a moment ago; skipped');
    return { trained: false, reason: claim };
  }
  try {
    const journeys = await loadFinishedJourneys(sql, options.maxJourneys ?? 20_000);
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
    const modelId = await saveOutcomeModel(sql, model, now);
    logger.info({
      modelId, journeys: journeys.size, snapshots: examples.length, heldOutAuc: model.heldOutAuc, heldOutPooledAuc: model.heldOutPooledAuc,
      ms: Math.round(performance.now() - started),
    }, 'journey outcome model trained');
    return { trained: true, modelId, journeys: journeys.size, heldOutAuc: model.heldOutAuc };
  } finally {
    await releaseTraining(sql, holder);
  }
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
