import { createHash } from 'node:crypto';
import { FINAL_STATES, JOURNEY_CHANNELS, JOURNEY_STATES } from '../../journeys/journey-states.ts';
import type { JourneySnapshot, LabelledSnapshot } from './journey-snapshot.ts';
import { fitLogisticRegression, predictProbability } from './logistic-regression.ts';
import { countAucPairs } from './rank-auc.ts';

/** The numeric inputs, standardised with the training set's mean and deviation. */
const NUMERIC_FEATURES = ['log1p(secondsInState)', 'paymentFailures', 'partySize', 'daysToDeparture'] as const;
type NumericFeature = (typeof NUMERIC_FEATURES)[number];

const OPEN_STATES = JOURNEY_STATES.filter((state) => !FINAL_STATES.has(state));

/**
 * The columns of the model, in order: the channel and the state one-hot, the numeric inputs, and
 * whether party size and days to departure were unknown (before a search there is neither).
 */
export const OUTCOME_FEATURES: readonly string[] = [
  ...JOURNEY_CHANNELS.map((channel) => `channel=${channel}`),
  ...OPEN_STATES.map((state) => `state=${state}`),
  ...NUMERIC_FEATURES,
  'partySizeUnknown',
  'daysToDepartureUnknown',
];

/** A trained model as stored: everything needed to score a snapshot in another process. */
export interface OutcomeModel {
  readonly features: readonly string[];
  readonly intercept: number;
  readonly weights: readonly number[];
  readonly scaling: Readonly<Record<NumericFeature, { readonly mean: number; readonly sd: number }>>;
  readonly l2: number;
  readonly trainingJourneys: number;
  readonly trainingSnapshots: number;
  readonly heldOutJourneys: number;
  readonly heldOutSnapshots: number;
  /**
   * Held-out AUC within a state: over pairs of held-out snapshots in the same state, one of a
   * journey that completed and one that did not. Pairs across states are left out because the
   * state alone often settles them (a journey in Ticket_Generation always completes), which would
   * make any model look good; this figure says how well the model tells apart journeys that
   * stand at the same step. Null when the held-out set has no such pair.
   */
  readonly heldOutAuc: number | null;
  /** The plain held-out AUC over all pairs, state included. */
  readonly heldOutPooledAuc: number | null;
}

export interface TrainOptions {
  /** Share of journeys held out for the AUC, chosen by a hash of the journey id. @defaultValue 0.2 */
  readonly heldOutShare?: number;
  /** @defaultValue 1 */
  readonly l2?: number;
}

/**
 * Whether a journey belongs to the held-out set: a hash of its id, so the split is the same on
 * every run and every snapshot of a journey falls on the same side.
 */
export function isHeldOut(journeyId: string, share = 0.2): boolean {
  return createHash('sha256').update(journeyId).digest().readUInt32BE(0) / 2 ** 32 < share;
}

function numericValues(snapshot: JourneySnapshot): Record<NumericFeature, number | undefined> {
  return {
    'log1p(secondsInState)': Math.log1p(snapshot.secondsInState),
    paymentFailures: snapshot.paymentFailures,
    partySize: snapshot.partySize,
    daysToDeparture: snapshot.daysToDeparture,
  };
}

/** The model's input row for a snapshot; an unknown number counts as the training mean. */
export function encodeSnapshot(snapshot: JourneySnapshot, scaling: OutcomeModel['scaling']): number[] {
  const numeric = numericValues(snapshot);
  return [
    ...JOURNEY_CHANNELS.map((channel) => (snapshot.channel === channel ? 1 : 0)),
    ...OPEN_STATES.map((state) => (snapshot.state === state ? 1 : 0)),
    ...NUMERIC_FEATURES.map((name) => {
      const value = numeric[name];
      return value === undefined ? 0 : (value - scaling[name].mean) / scaling[name].sd;
    }),
    snapshot.partySize === undefined ? 1 : 0,
    snapshot.daysToDeparture === undefined ? 1 : 0,
  ];
}

function computeScaling(snapshots: readonly JourneySnapshot[]): OutcomeModel['scaling'] {
  const entries = NUMERIC_FEATURES.map((name) => {
    const values = snapshots.map((s) => numericValues(s)[name]).filter((v): v is number => v !== undefined);
    const mean = values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.length === 0 ? 0 : values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    // A constant column keeps a deviation of 1, so it encodes as 0 rather than dividing by 0.
    return [name, { mean, sd: variance > 0 ? Math.sqrt(variance) : 1 }] as const;
  });
  return Object.fromEntries(entries) as Record<NumericFeature, { mean: number; sd: number }>;
}

/** Probability that the journey of `snapshot` completes. */
export function scoreSnapshot(model: OutcomeModel, snapshot: JourneySnapshot): number {
  return predictProbability(model, encodeSnapshot(snapshot, model.scaling));
}

/**
 * Trains on the snapshots of the journeys outside the held-out set and measures AUC on the
 * others. Deterministic: the same examples give the same model.
 */
export async function trainOutcomeModel(examples: readonly LabelledSnapshot[], options: TrainOptions = {}): Promise<OutcomeModel> {
  const share = options.heldOutShare ?? 0.2;
  const l2 = options.l2 ?? 1;
  const training = examples.filter((e) => !isHeldOut(e.journeyId, share));
  const heldOut = examples.filter((e) => isHeldOut(e.journeyId, share));
  if (training.length === 0) throw new Error('No training example outside the held-out set');
  const scaling = computeScaling(training.map((e) => e.snapshot));
  const fit = await fitLogisticRegression(training.map((e) => encodeSnapshot(e.snapshot, scaling)), training.map((e) => (e.completed ? 1 : 0)), { l2 });
  const partial = { features: OUTCOME_FEATURES, intercept: fit.intercept, weights: fit.weights, scaling };
  const scores = heldOut.map((e) => predictProbability(partial, encodeSnapshot(e.snapshot, scaling)));
  const labels = heldOut.map((e) => (e.completed ? 1 : 0));
  const pooled = countAucPairs(scores, labels);
  let wins = 0;
  let pairs = 0;
  for (const state of OPEN_STATES) {
    const inState = heldOut.map((e, i) => (e.snapshot.state === state ? i : -1)).filter((i) => i >= 0);
    const counts = countAucPairs(inState.map((i) => scores[i]!), inState.map((i) => labels[i]!));
    wins += counts.wins;
    pairs += counts.pairs;
  }
  return {
    ...partial,
    l2,
    trainingJourneys: new Set(training.map((e) => e.journeyId)).size,
    trainingSnapshots: training.length,
    heldOutJourneys: new Set(heldOut.map((e) => e.journeyId)).size,
    heldOutSnapshots: heldOut.length,
    heldOutAuc: pairs === 0 ? null : wins / pairs,
    heldOutPooledAuc: pooled.pairs === 0 ? null : pooled.wins / pooled.pairs,
  };
}
