import { createExpiryWheel } from '../collections/expiry-wheel.ts';
import { createInsertionOrderedMap } from '../collections/insertion-ordered-map.ts';
import { FINAL_STATES } from './journey-states.ts';
import { JourneyConflictError, type JourneyRecord, type JourneyStore, type JourneyStoreOptions } from './journey-store.ts';

/** Options of the embedded store: those of every store, plus how long an idle journey stays readable. */
export interface MemoryJourneyStoreOptions extends JourneyStoreOptions {
  /**
   * How long a journey stays readable after its idle deadline, so a sweeper that claims it a
   * little late can still read it and abandon it. @defaultValue 60000
   */
  readonly idleGraceMs?: number;
  /** The clock, for tests. @defaultValue Date.now */
  readonly now?: () => number;
}

/** One journey as kept: the document as JSON, so no caller ever shares an object with the store. */
interface Entry {
  readonly json: string;
  readonly version: number;
  readonly final: boolean;
  /** Idle deadline (not final) in epoch ms; undefined once claimed or final. */
  deadline: number | undefined;
  /** When the entry goes. */
  readonly expiresAt: number;
}

interface OfferLink {
  readonly journeyId: string;
  readonly expiresAt: number;
}

/** The grace after the idle deadline, shared with the Redis store so both keep a journey as long. */
export const DEFAULT_IDLE_GRACE_MS = 60_000;

/**
 * The journey store of a gateway without Redis: the same contract as the Redis one, in this
 * process. Idle deadlines and expiries sit in timer wheels, so neither a write nor a sweep walks
 * the journeys that are not due; offer links all live `idleMs`, so they expire oldest first.
 */
export function createMemoryJourneyStore(options: MemoryJourneyStoreOptions): JourneyStore {
  const { idleMs, finalRetentionMs } = options;
  const graceMs = options.idleGraceMs ?? DEFAULT_IDLE_GRACE_MS;
  const now = options.now ?? Date.now;
  // Slots of a twentieth of the idle time (at most a second): a claim is at most that late.
  const slotMs = Math.max(1, Math.min(1000, Math.floor(idleMs / 20)));
  const entries = new Map<string, Entry>();
  const deadlines = createExpiryWheel<string>({ slotMs });
  const expiries = createExpiryWheel<string>({ slotMs });
  const offerLinks = createInsertionOrderedMap<string, OfferLink>();
  /** Claimed by the wheel but not yet handed out, because of a caller's limit. */
  const due: string[] = [];
  /** Journeys not final, not expired and not claimed: what count() reports. */
  let held = 0;
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new Error('The journey store is closed');
  }

  function drop(journeyId: string): void {
    const entry = entries.get(journeyId);
    if (!entry) return;
    entries.delete(journeyId);
    if (entry.deadline !== undefined) {
      deadlines.cancel(journeyId);
      held -= 1;
    }
    expiries.cancel(journeyId);
  }

  /** Drops what has expired by `at`: costs the entries dropped, never a walk of the others. */
  function purge(at: number): void {
    for (const journeyId of expiries.takeDue(at)) {
      const entry = entries.get(journeyId);
      if (entry && entry.expiresAt <= at) drop(journeyId);
      else if (entry) expiries.schedule(journeyId, entry.expiresAt);
    }
    offerLinks.dropOldestWhile((link) => link.expiresAt <= at);
  }

  function write(record: JourneyRecord, at: number): void {
    const previous = entries.get(record.journeyId);
    if (previous?.deadline !== undefined) held -= 1;
    const final = FINAL_STATES.has(record.state);
    const entry: Entry = {
      json: JSON.stringify(record),
      version: record.version,
      final,
      deadline: final ? undefined : at + idleMs,
      expiresAt: final ? at + finalRetentionMs : at + idleMs + graceMs,
    };
    entries.set(record.journeyId, entry);
    if (entry.deadline === undefined) deadlines.cancel(record.journeyId);
    else {
      deadlines.schedule(record.journeyId, entry.deadline);
      held += 1;
    }
    expiries.schedule(record.journeyId, entry.expiresAt);
  }

  return {
    async create(record) {
      assertOpen();
      if (record.version !== 1) throw new RangeError(`A new journey starts at version 1, not ${record.version}`);
      const at = now();
      purge(at);
      const existing = entries.get(record.journeyId);
      if (existing) throw new JourneyConflictError(record.journeyId, 0, existing.version);
      write(record, at);
    },

    async get(journeyId) {
      assertOpen();
      purge(now());
      const entry = entries.get(journeyId);
      return entry ? (JSON.parse(entry.json) as JourneyRecord) : undefined;
    },

    async replace(next, expectedVersion) {
      assertOpen();
      if (next.version !== expectedVersion + 1) {
        throw new RangeError(`The next version of journey ${next.journeyId} must be ${expectedVersion + 1}, not ${next.version}`);
      }
      const at = now();
      purge(at);
      const current = entries.get(next.journeyId);
      if (current?.version !== expectedVersion) throw new JourneyConflictError(next.journeyId, expectedVersion, current?.version);
      write(next, at);
    },

    async takeIdle(at, limit) {
      assertOpen();
      purge(now());
      due.push(...deadlines.takeDue(at));
      const taken: string[] = [];
      let next = 0;
      for (; next < due.length && taken.length < limit; next += 1) {
        const journeyId = due[next] as string;
        const entry = entries.get(journeyId);
        // Written again (rescheduled) or gone since the wheel handed it over.
        if (entry?.deadline === undefined) continue;
        if (entry.deadline > at) {
          deadlines.schedule(journeyId, entry.deadline);
          continue;
        }
        entry.deadline = undefined;
        held -= 1;
        taken.push(journeyId);
      }
      due.splice(0, next);
      return taken;
    },

    async linkOffers(journeyId, ids) {
      assertOpen();
      const at = now();
      purge(at);
      for (const id of ids) offerLinks.set(id, { journeyId, expiresAt: at + idleMs });
    },

    async journeyOfOffer(id) {
      assertOpen();
      purge(now());
      return offerLinks.get(id)?.journeyId;
    },

    async count() {
      assertOpen();
      purge(now());
      return held;
    },

    async close() {
      closed = true;
      entries.clear();
      offerLinks.clear();
      due.length = 0;
      held = 0;
    },
  };
}
