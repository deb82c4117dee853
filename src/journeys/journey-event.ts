import type { AbandonReason, JourneyChannel, JourneyState } from './journey-states.ts';

/**
 * One event of the journey stream: a state transition, or the outcome of an NDC message that
 * belongs to a journey. Events are the only input of the analytics tables, which are built from
 * them idempotently by `eventId`, so a replay of the stream changes nothing.
 */
export interface JourneyEvent {
  /** Unique and stable: a replayed event carries the same id. */
  readonly eventId: string;
  readonly type: 'transition' | 'ndc_message';
  readonly journeyId: string;
  /** The API client the journey belongs to. */
  readonly clientId: string;
  /** The channel the step came in on (a journey may be continued on another channel). */
  readonly channel: JourneyChannel;
  /** ISO 8601, UTC. */
  readonly at: string;
  /** Transitions: the state left and the state entered. */
  readonly from?: JourneyState;
  readonly to?: JourneyState;
  /** Transitions into Journey_Abandoned. */
  readonly reason?: AbandonReason;
  /** Transitions: time spent in `from`. NDC messages: the request's end-to-end duration. */
  readonly durationMs: number;
  /** NDC messages: e.g. `AirShoppingRQ`, the NDC version and the outcome (`ok` or the error code). */
  readonly message?: string;
  readonly version?: string;
  readonly outcome?: string;
  /** Experiment id → variant the journey was assigned. */
  readonly variants: Readonly<Record<string, string>>;
  /** Features known at the time of the event, for analytics and outcome prediction. */
  readonly partySize?: number;
  readonly daysToDeparture?: number;
  readonly paymentFailures?: number;
  readonly orderId?: string;
}

/** Where journey events go: a Redis Stream read by a consumer group, or an in-process stream with the same contract. */
export interface JourneyEventStream {
  /** Appends an event; resolves once it is stored in the stream. */
  publish(event: JourneyEvent): Promise<void>;
  /**
   * Delivers events to `handle` for a consumer group, at least once: an event is acknowledged only
   * after `handle` resolved, and a restarted consumer resumes with what it had not acknowledged.
   */
  consume(group: string, consumer: string, handle: (events: readonly JourneyEvent[]) => Promise<void>): JourneyEventConsumer;
  close(): Promise<void>;
}

export interface JourneyEventConsumer {
  /** Stops reading; events delivered but not acknowledged are delivered again later. */
  stop(): Promise<void>;
}
