import type { AbandonReason, JourneyChannel, JourneyState } from './journey-states.ts';

/** One move of a journey, as its history shows it. */
export interface JourneyTransition {
  readonly from: JourneyState;
  readonly to: JourneyState;
  /** The channel the step came in on. */
  readonly channel: JourneyChannel;
  /** ISO 8601, UTC. */
  readonly at: string;
  readonly reason?: AbandonReason;
}

/**
 * A journey as the store keeps it: one JSON document per journey. The store reads only the fields
 * named here; `data` is the journey service's (search criteria, offers, selection, passengers,
 * payment attempts, order id) and is stored as it is given. Card data never enters it: cards are
 * tokenised at the edge before a journey sees them.
 */
export interface JourneyRecord {
  readonly journeyId: string;
  /** SHA-256 (hex) of the resume token; the token itself is shown once, when the journey starts. */
  readonly resumeTokenHash: string;
  /** The API client that owns the journey; other clients cannot see it. */
  readonly clientId: string;
  /** The channel the journey started on. */
  readonly channel: JourneyChannel;
  readonly customerRef?: string;
  readonly state: JourneyState;
  /** Starts at 1; every write adds 1. A write based on an older version loses (JourneyConflictError). */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the journey entered its current state. */
  readonly enteredStateAt: string;
  readonly history: readonly JourneyTransition[];
  /** Experiment id → variant, assigned when the journey starts. */
  readonly variants: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A write lost against another one: the journey moved on since it was read. */
export class JourneyConflictError extends Error {
  constructor(readonly journeyId: string, readonly expectedVersion: number, readonly currentVersion: number | undefined) {
    super(`Journey ${journeyId} is at version ${currentVersion ?? '(gone)'}, not ${expectedVersion}`);
    this.name = 'JourneyConflictError';
  }
}

/**
 * Where journeys live: Redis with `REDIS_URL` (one key per journey), else in process. Both keep
 * the same contract, tested by one suite:
 * - a journey that is not final expires `idleMs` after its last write (sliding), and is then
 *   listed by `takeIdle` exactly once across every process sharing the store, so a sweeper can
 *   abandon it with the reason `timeout` even if nobody calls it again;
 * - a final journey (complete or abandoned) stays readable for `finalRetentionMs`, then is gone;
 * - `replace` wins only against the version it read (compare-and-set), so two channels updating
 *   one journey at the same moment cannot both win.
 */
export interface JourneyStore {
  /** Stores a new journey (version 1). */
  create(record: JourneyRecord): Promise<void>;
  get(journeyId: string): Promise<JourneyRecord | undefined>;
  /**
   * Writes `next` (whose version must be `expectedVersion + 1`) if the stored journey is still at
   * `expectedVersion`; else throws JourneyConflictError. Restarts the idle clock, or, for a final
   * state, sets the retention.
   */
  replace(next: JourneyRecord, expectedVersion: number): Promise<void>;
  /**
   * Claims up to `limit` journeys idle past their deadline at `now`: each id is returned to one
   * caller only. A journey written again after it was claimed is not abandoned by the claimer's
   * CAS write, because its version moved on.
   */
  takeIdle(now: number, limit: number): Promise<string[]>;
  /** Remembers which journey an offer (or a ShoppingResponseID) belongs to, for NDC traffic. */
  linkOffers(journeyId: string, ids: readonly string[]): Promise<void>;
  journeyOfOffer(id: string): Promise<string | undefined>;
  /** Journeys held now (not final and not expired), for readiness and the benchmark. */
  count(): Promise<number>;
  close(): Promise<void>;
}

export interface JourneyStoreOptions {
  /** Idle time after which a journey is abandoned (`timeout`). @defaultValue 1800000 (JOURNEY_TIMEOUT_S=1800) */
  readonly idleMs: number;
  /** How long a final journey stays readable. @defaultValue 86400000 */
  readonly finalRetentionMs: number;
  /** Key prefix in Redis, so tests and deployments can share a server. @defaultValue `${QUEUE_PREFIX}:journey` */
  readonly prefix: string;
}
