import type { AuditEntry, AuditQuery, AuditStamp, NewAuditEntry } from './audit-trail.ts';
import type { JsonValue } from './json-value.ts';
import type { Money, NewOrder, Order, OrderStatus } from './one-order.ts';
import type { SqlDatabase } from './sql-database.ts';

export type { JsonValue };

/** What a writer says about a change; the store adds the order id, sequence, version and time. */
export interface NewEvent {
  /** e.g. `order.created`, `order.item-cancelled`, `payment.captured`. */
  readonly type: string;
  /** The API client (or internal actor) that caused the change. */
  readonly clientId: string;
  readonly correlationId?: string;
  /** Whatever explains the change; never card data. */
  readonly data?: { readonly [key: string]: JsonValue };
}

/** One entry of an order's event history: one per change. Entries are never changed or removed. */
export interface OrderEvent {
  readonly orderId: string;
  /** 1, 2, 3... per order, in the order the changes were made. */
  readonly seq: number;
  readonly type: string;
  /** ISO 8601 instant. */
  readonly at: string;
  readonly clientId: string;
  readonly correlationId?: string;
  /** The version of the order this change produced. */
  readonly version: number;
  readonly data: { readonly [key: string]: JsonValue };
}

/** A line of an order list: enough to pick an order, not the whole record. */
export interface OrderSummary {
  readonly orderId: string;
  readonly bookingReference: string;
  readonly status: OrderStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly totalPrice: Money;
  readonly passengers: readonly { readonly paxId: string; readonly ptc: string; readonly accompanyingPaxId?: string; readonly givenName?: string; readonly surname?: string }[];
}

export interface OrderListFilter {
  /** ISO 8601 instant, inclusive. */
  readonly createdFrom?: string;
  /** ISO 8601 instant, exclusive. */
  readonly createdTo?: string;
  readonly status?: OrderStatus;
  /** Any passenger's surname, compared case-insensitively. */
  readonly paxSurname?: string;
  readonly bookingReference?: string;
  /** @defaultValue 50, at most 500 */
  readonly limit?: number;
  /** @defaultValue 0 */
  readonly offset?: number;
}

/** An order held without payment whose payment time limit has passed (see `OrderStore.expiredHolds`). */
export interface ExpiredHold {
  readonly orderId: string;
  readonly ownerClientId: string;
  /** The version read: cancelling it only over this version keeps two sweeps from both acting. */
  readonly version: number;
  /** ISO 8601 instant. */
  readonly paymentTimeLimit: string;
}

export interface CreateOrderOptions {
  /** The first event of the order's history, written in the same transaction as the order. */
  readonly event: NewEvent;
  /**
   * A key this request claimed with `claim`. The order is linked to it in the same transaction,
   * so a retry of the request learns that the order exists instead of creating a second one.
   */
  readonly idempotencyKey?: string;
  /** The audit row of the message that creates the order, written in the same statement. */
  readonly audit?: AuditStamp;
}

export interface UpdateOptions {
  /**
   * Stores the answer of a claimed request under its key with the change, in the same statement,
   * as `complete` would: a replay then finds the answer exactly when the change was made.
   * `response` builds the answer from the order's new version.
   */
  readonly complete?: { readonly key: string; readonly response: (order: Order) => string };
  /** The audit row of the message that makes the change, written in the same statement. */
  readonly audit?: AuditStamp;
  /**
   * Deletes the answers stored for replays of the order's requests, in the same statement: they
   * hold the order as it was (an erasure must not leave it there). A replay then answers from the
   * order as it is. Not together with `complete`.
   */
  readonly forgetAnswers?: boolean;
}

/**
 * What `claim` found:
 * - claimed: go ahead. `orderId` is set when an earlier attempt of the same request created that
 *   order before it failed or timed out: carry on from it instead of creating another. `order` is
 *   that order's record; it is also set without `orderId` when the order the request would create
 *   (the `orderId` given to `claim`) exists although the key does not link it, because the key's
 *   answer expired and the key was claimed again.
 * - completed: the request ran before; answer with `response` again.
 * - in-progress: the same request is running elsewhere right now (answer REQUEST_IN_PROGRESS).
 * - mismatch: the key was used by another client or for another request body.
 */
export type ClaimResult =
  | { readonly state: 'claimed'; readonly orderId?: string; readonly order?: Order }
  | { readonly state: 'completed'; readonly orderId?: string; readonly response: string }
  | { readonly state: 'in-progress' }
  | { readonly state: 'mismatch' };

/**
 * The ONE Order record store. One port, two adapters (PostgreSQL and embedded PGlite) running the
 * same SQL. Every read and write is scoped to the owning client: another client's order is
 * simply not there.
 */
export interface OrderStore {
  /** Applies pending migrations; safe to call from several processes at once, and again. */
  migrate(): Promise<void>;
  /**
   * Stores a new order (version 1) and its first event atomically, together with the link to
   * the idempotency key. Picks a booking reference when the order has none.
   */
  create(order: NewOrder, options: CreateOrderOptions): Promise<Order>;
  get(orderId: string, ownerClientId: string): Promise<Order | undefined>;
  findByBookingReference(bookingReference: string, ownerClientId: string): Promise<Order | undefined>;
  /**
   * Reads the order, applies `change` and writes the result as the next version with `event`,
   * only if nobody wrote in between. Throws ORDER_NOT_FOUND (unknown or another client's order)
   * or ORDER_VERSION_CONFLICT (the version is not `expectedVersion`, or a concurrent writer won).
   * `change` runs outside any transaction and must not call the store.
   */
  update(
    orderId: string,
    ownerClientId: string,
    expectedVersion: number | undefined,
    change: (order: Order) => Order | Promise<Order>,
    event: NewEvent,
    options?: UpdateOptions,
  ): Promise<Order>;
  /**
   * `update` for a caller that holds the order as the store last returned it: no read, so one
   * round trip. Throws ORDER_VERSION_CONFLICT when the stored order is no longer `current`'s version.
   */
  updateFrom(current: Order, change: (order: Order) => Order | Promise<Order>, event: NewEvent, options?: UpdateOptions): Promise<Order>;
  /** Newest first. */
  list(ownerClientId: string, filter?: OrderListFilter): Promise<OrderSummary[]>;
  /** The order's event history, oldest first. Throws ORDER_NOT_FOUND for an unknown or another client's order. */
  history(orderId: string, ownerClientId: string): Promise<OrderEvent[]>;
  /**
   * Claims an idempotency key (sender + message id) for a request whose body hashes to
   * `requestHash`. Exactly one of any number of concurrent claims wins.
   * @param ttlMs how long the answer is kept for replays. @defaultValue 24 hours
   * @param orderId the id of the order the request creates, if it creates one (see ClaimResult).
   */
  claim(key: string, ownerClientId: string, requestHash: string, ttlMs?: number, orderId?: string): Promise<ClaimResult>;
  /** Stores the answer of a claimed request, so replays get it back. */
  complete(key: string, response: string, orderId?: string): Promise<void>;
  /** Gives a claimed key up after a failure, so a retry of the request can run again. */
  release(key: string): Promise<void>;
  /**
   * Deletes up to `limit` idempotency keys whose time to live has passed, oldest first, and
   * returns how many went. A retry after that is a new request, as it was once the key expired;
   * the order it made stays and is found by its id. The housekeeping job `idempotency.purge`
   * calls it on its schedule.
   */
  purgeExpiredKeys(limit: number): Promise<number>;
  /**
   * Orders of every client that are open, hold no successful payment and no document, and whose
   * payment time limit is at or before `before` (ISO 8601): holds to release. Oldest limit first,
   * at most `limit`.
   */
  expiredHolds(before: string, limit: number): Promise<ExpiredHold[]>;
  /** The client that owns an order, for operators acting on any client's order; undefined when there is no such order. */
  ownerOf(orderId: string): Promise<string | undefined>;
  /** Adds one row to the audit trail (a message that wrote nothing, or failed). */
  recordAudit(entry: NewAuditEntry): Promise<void>;
  /**
   * Rows of the audit trail, oldest first. Not scoped to a client: the caller decides who may
   * read which rows.
   */
  auditTrail(query: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Seals again, with the current key, the personal data of up to `limit` records sealed with an
   * older configured key (or kept in clear before sealing), and returns how many it rewrote. It
   * changes how a record is stored, not the order: no new version, no event. The store also does
   * this on its timer, so an old key can be retired once no record names it.
   */
  resealPersonalData(limit: number): Promise<number>;
  /**
   * The database and schema the store keeps its tables in (migrated), for the journey analytics
   * tables its migrations create: with PGlite there is one database per process, owned by the
   * store, so other readers and writers must go through it rather than open their own.
   */
  sql(): Promise<OrderStoreSql>;
  close(): Promise<void>;
}

/**
 * See `OrderStore.sql`. Queries name tables with the quoted schema (`quoteSchema(schema)`); the
 * store keeps the database open and closes it, so it is not the caller's to close.
 */
export interface OrderStoreSql {
  readonly database: Omit<SqlDatabase, 'close'>;
  readonly schema: string;
}
