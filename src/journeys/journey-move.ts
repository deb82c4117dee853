import { GatewayError } from '../errors/index.ts';
import type { JourneyEvent } from './journey-event.ts';
import { FUNNEL_STATES, JOURNEY_TRANSITIONS, isAllowedTransition, type AbandonReason, type JourneyChannel, type JourneyState } from './journey-states.ts';
import type { JourneyRecord, JourneyTransition } from './journey-store.ts';

/** One step asked of a journey: the states to enter, in order, and what to keep. */
export interface JourneyStep {
  /** States entered in this write, in order; empty for a write that only changes data. */
  readonly to: readonly JourneyState[];
  readonly channel: JourneyChannel;
  readonly at: Date;
  /** For a move into Journey_Abandoned. */
  readonly reason?: AbandonReason;
  /** Replaces the journey's data. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The refusal of a move the state table does not allow, naming the state and what may follow it. */
export function refuseTransition(journeyId: string, from: JourneyState, to: JourneyState): GatewayError {
  const allowed = JOURNEY_TRANSITIONS[from];
  const next = allowed.length > 0 ? allowed.join(', ') : 'none (the journey is over)';
  return new GatewayError('JOURNEY_TRANSITION_NOT_ALLOWED', `Journey ${journeyId} is in ${from}; it cannot move to ${to}. Allowed next: ${next}`, [
    { message: `current state: ${from}`, path: '/state' },
    ...allowed.map((state) => ({ message: `allowed next: ${state}`, path: '/allowedNext' })),
  ]);
}

/**
 * The journey after `step`: its states entered one by one, each checked against the state table,
 * the history extended with the step's channel, the version one up. Pure, so the same rule holds
 * for the JSON API, NDC traffic and the sweeper; the caller writes it with compare-and-set.
 */
export function applyJourneyStep(record: JourneyRecord, step: JourneyStep): { next: JourneyRecord; transitions: JourneyTransition[] } {
  const at = step.at.toISOString();
  const transitions: JourneyTransition[] = [];
  let state = record.state;
  for (const to of step.to) {
    if (!isAllowedTransition(state, to)) throw refuseTransition(record.journeyId, state, to);
    transitions.push({ from: state, to, channel: step.channel, at, ...(to === 'Journey_Abandoned' && step.reason ? { reason: step.reason } : {}) });
    state = to;
  }
  const next: JourneyRecord = {
    ...record,
    state,
    version: record.version + 1,
    updatedAt: at,
    enteredStateAt: transitions.length > 0 ? at : record.enteredStateAt,
    history: transitions.length > 0 ? [...record.history, ...transitions] : record.history,
    data: step.data ?? record.data,
  };
  return { next, transitions };
}

/** The happy-path states between `from` (excluded) and `target` (included); empty when `from` is at or past it. */
export function funnelPathTo(from: JourneyState, target: JourneyState): JourneyState[] {
  const start = FUNNEL_STATES.indexOf(from);
  const end = FUNNEL_STATES.indexOf(target);
  if (start === -1 || end === -1 || end <= start) return [];
  return FUNNEL_STATES.slice(start + 1, end + 1);
}

/** Features of a journey its events carry, for analytics and outcome prediction. */
export interface JourneyFeatures {
  readonly partySize?: number;
  readonly daysToDeparture?: number;
  readonly paymentFailures?: number;
  readonly orderId?: string;
}

/**
 * The events of one write: one per transition, with an id made of the journey id, the version
 * written and the position in the write, so publishing the same write twice gives duplicates the
 * analytics table ignores. The duration is the time spent in the state left.
 */
export function toTransitionEvents(before: JourneyRecord, next: JourneyRecord, transitions: readonly JourneyTransition[], features: JourneyFeatures): JourneyEvent[] {
  let enteredAt = Date.parse(before.enteredStateAt);
  return transitions.map((transition, index) => {
    const at = Date.parse(transition.at);
    const event: JourneyEvent = {
      eventId: `${next.journeyId}:v${next.version}:${index}`,
      type: 'transition',
      journeyId: next.journeyId,
      clientId: next.clientId,
      channel: transition.channel,
      at: transition.at,
      from: transition.from,
      to: transition.to,
      ...(transition.reason ? { reason: transition.reason } : {}),
      durationMs: Math.max(0, at - enteredAt),
      variants: next.variants,
      ...features,
    };
    enteredAt = at;
    return event;
  });
}

/** The event of a journey's start (Journey_Init, no `from`). */
export function toStartEvent(record: JourneyRecord): JourneyEvent {
  return {
    eventId: `${record.journeyId}:v1:0`,
    type: 'transition',
    journeyId: record.journeyId,
    clientId: record.clientId,
    channel: record.channel,
    at: record.createdAt,
    to: 'Journey_Init',
    durationMs: 0,
    variants: record.variants,
  };
}
