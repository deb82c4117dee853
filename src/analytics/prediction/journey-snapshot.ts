import { FINAL_STATES, JOURNEY_CHANNELS, JOURNEY_STATES, type JourneyChannel, type JourneyState } from '../../journeys/journey-states.ts';

/** The columns of `journey_events` that outcome prediction reads. */
export interface OutcomeEventRow {
  readonly journeyId: string;
  readonly type: string;
  readonly channel: string;
  /** Milliseconds since the epoch. */
  readonly atMs: number;
  readonly toState: string | null;
  readonly partySize: number | null;
  readonly daysToDeparture: number | null;
  readonly paymentFailures: number | null;
}

/** What is known about a journey at one moment: the input of the model. */
export interface JourneySnapshot {
  readonly channel: JourneyChannel;
  /** The state the journey is in. */
  readonly state: JourneyState;
  readonly secondsInState: number;
  readonly paymentFailures: number;
  readonly partySize?: number;
  readonly daysToDeparture?: number;
}

/** A snapshot of a finished journey, labelled by how the journey ended. */
export interface LabelledSnapshot {
  readonly journeyId: string;
  readonly snapshot: JourneySnapshot;
  readonly completed: boolean;
}

/**
 * Ages in a state (seconds) at which a finished journey is looked at. Age 0 is the moment it
 * entered the state; the later ones exist only if it was still there, so "still here after five
 * minutes" is learnt from what was known after five minutes, never from when it left.
 */
export const SNAPSHOT_AGES_S: readonly number[] = [0, 60, 300, 900];

const STATE_RANK = new Map<string, number>(JOURNEY_STATES.map((state, index) => [state, index]));

function isChannel(value: string): value is JourneyChannel {
  return (JOURNEY_CHANNELS as readonly string[]).includes(value);
}

function isState(value: string | null): value is JourneyState {
  return value !== null && STATE_RANK.has(value);
}

/** Events in the order they happened; transitions in the same millisecond in funnel order. */
export function sortJourneyEvents(events: readonly OutcomeEventRow[]): OutcomeEventRow[] {
  return [...events].sort((a, b) => a.atMs - b.atMs || (STATE_RANK.get(a.toState ?? '') ?? -1) - (STATE_RANK.get(b.toState ?? '') ?? -1));
}

/**
 * The snapshot of one journey at `atMs`, from its events sorted by `sortJourneyEvents`; only
 * events up to that moment count. Undefined before the journey's first transition.
 */
export function takeSnapshot(sorted: readonly OutcomeEventRow[], atMs: number): JourneySnapshot | undefined {
  let state: JourneyState | undefined;
  let enteredMs = 0;
  let channel: JourneyChannel = 'api';
  let reportedFailures = 0;
  let failedTransitions = 0;
  let partySize: number | undefined;
  let daysToDeparture: number | undefined;
  for (const event of sorted) {
    if (event.atMs > atMs) break;
    if (isChannel(event.channel)) channel = event.channel;
    if (event.partySize !== null) partySize = event.partySize;
    if (event.daysToDeparture !== null) daysToDeparture = event.daysToDeparture;
    if (event.paymentFailures !== null) reportedFailures = Math.max(reportedFailures, event.paymentFailures);
    if (event.type === 'transition' && isState(event.toState)) {
      state = event.toState;
      enteredMs = event.atMs;
      if (state === 'Payment_Failed') failedTransitions += 1;
    }
  }
  if (state === undefined) return undefined;
  return {
    channel,
    state,
    secondsInState: Math.max(0, (atMs - enteredMs) / 1000),
    // The running count the events carry, or the declines seen, whichever is more: a producer may
    // leave the count out, or stamp the decline's own event with the count from before it.
    paymentFailures: Math.max(reportedFailures, failedTransitions),
    ...(partySize === undefined ? {} : { partySize }),
    ...(daysToDeparture === undefined ? {} : { daysToDeparture }),
  };
}

/** How a journey ended, or undefined while it runs. */
export function findOutcome(sorted: readonly OutcomeEventRow[]): 'completed' | 'abandoned' | undefined {
  for (const event of sorted) {
    if (event.type !== 'transition') continue;
    if (event.toState === 'Journey_Complete') return 'completed';
    if (event.toState === 'Journey_Abandoned') return 'abandoned';
  }
  return undefined;
}

/**
 * The training examples of one finished journey: a snapshot each time it entered a state that is
 * not final, and again at each of `SNAPSHOT_AGES_S` it was still in it, labelled by whether it
 * reached Journey_Complete. Nothing after the snapshot's moment goes into its features.
 */
export function labelSnapshots(journeyId: string, events: readonly OutcomeEventRow[]): LabelledSnapshot[] {
  const sorted = sortJourneyEvents(events);
  const outcome = findOutcome(sorted);
  if (outcome === undefined) return [];
  const transitions = sorted.filter((e) => e.type === 'transition' && isState(e.toState));
  const examples: LabelledSnapshot[] = [];
  for (let i = 0; i < transitions.length; i += 1) {
    const entered = transitions[i]!;
    if (FINAL_STATES.has(entered.toState as JourneyState)) break;
    const leftMs = transitions[i + 1]?.atMs ?? entered.atMs;
    for (const age of SNAPSHOT_AGES_S) {
      const atMs = entered.atMs + age * 1000;
      if (age > 0 && atMs >= leftMs) break;
      // Events in the same millisecond as a later transition belong after this snapshot.
      const known = age === 0 ? sorted.slice(0, sorted.indexOf(entered) + 1) : sorted;
      const snapshot = takeSnapshot(known, atMs);
      if (snapshot) examples.push({ journeyId, snapshot, completed: outcome === 'completed' });
    }
  }
  return examples;
}
