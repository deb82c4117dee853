import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { generateBookingReference, normaliseBookingReference } from './booking-reference.ts';
import type { AuditEntry, AuditStamp, NewAuditEntry } from './audit-trail.ts';
import { noticesFor, type NewNotice } from './order-notices.ts';
import { applyMigrations } from './order-migrations.ts';
import { assertValidOrderRecord } from './one-order.schema.ts';
import type { Money, NewOrder, Order, OrderStatus } from './one-order.ts';
import { createPersonalDataCipher, DEVELOPMENT_KEY, type PersonalDataCipher } from './personal-data-cipher.ts';
import { openRecord, sealRecord, type StoredRecord } from './sealed-record.ts';
import type {
  ClaimResult,
  CreateOrderOptions,
  ExpiredHold,
  JsonValue,
  NewEvent,
  OrderEvent,
  OrderListFilter,
  OrderStore,
  OrderSummary,
  UpdateOptions,
} from './order-store.ts';
import { prepared, quoteSchema, sqlConstraint, sqlState, type SqlDatabase, type SqlStatement } from './sql-database.ts';

export interface SqlOrderStoreOptions {
  readonly database: SqlDatabase;
  /** Schema holding the tables; created by `migrate`. */
  readonly schema: string;
  readonly logger: Logger;
  /**
   * How long a claimed idempotency key stays 'in-progress' before a retry may take it over,
   * e.g. after the process holding it died. Keep it above the request deadline.
   * @defaultValue 60000
   */
  readonly idempotencyLeaseMs?: number;
  /** Closes `database` on `close()`; false when the caller shares it. @defaultValue true */
  readonly ownsDatabase?: boolean;
  /**
   * How often records sealed with an older personal-data key are sealed again with the current
   * one, once the store is migrated; 0 never. (Expired idempotency keys are deleted by the
   * housekeeping job `idempotency.purge`, once per tick across processes.)
   * @defaultValue 60000
   */
  readonly resealIntervalMs?: number;
  /**
   * Seals contacts, identity documents and stored answers. Records sealed with an older key it
   * holds are sealed again with its current key on the reseal timer.
   * @defaultValue the published development key (see DEVELOPMENT_KEY)
   */
  readonly personalData?: PersonalDataCipher;
}

const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;
const DEFAULT_LIST_LIMIT = 50;
const MAX_EXPIRED_HOLDS = 1000;
const MAX_LIST_LIMIT = 500;
/** Attempts at drawing a free booking reference before giving up. */
const BOOKING_REFERENCE_ATTEMPTS = 5;
const UNIQUE_VIOLATION = '23505';
/** Records sealed again per statement pair, and per timer tick at most. */
const RESEAL_BATCH = 200;
const RESEAL_BATCHES = 10;
const DEFAULT_AUDIT_LIMIT = 100;
const MAX_AUDIT_LIMIT = 1000;
/** `personal_data_key` of records written before sealing, with their contacts in clear. */
const IN_CLEAR = '';
/** Stored answers are sealed; one in clear was stored before sealing and is read as it is. */
const SEALED_ANSWER = /^pd1\./;

interface EventRow {
  order_id: string;
  seq: number;
  type: string;
  at: Date | string;
  client_id: string;
  correlation_id: string | null;
  version: number;
  data: { [key: string]: JsonValue } | null;
}

interface SummaryRow {
  order_id: string;
  booking_reference: string;
  status: OrderStatus;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  total_price: Money;
  passengers: { paxId: string; ptc: string; accompanyingPaxId?: string; givenName?: string; surname?: string }[] | null;
}

interface AuditRow {
  id: string | number | bigint;
  at: Date | string;
  client_id: string;
  message: string;
  channel: string;
  order_id: string | null;
  order_version: number | null;
  outcome: string;
  correlation_id: string | null;
  detail: { [key: string]: JsonValue } | null;
}

interface IdempotencyRow {
  owner_client_id: string;
  request_hash: string;
  state: 'in-progress' | 'completed' | 'released';
  order_id: string | null;
  response: string | null;
}

function toIso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** A timestamp strictly after `previous`, so updatedAt never goes back even if the clock does. */
function nextInstant(previous: string): string {
  const now = Date.now();
  const before = Date.parse(previous);
  return new Date(Number.isNaN(before) || now > before ? now : before + 1).toISOString();
}

function surnamesOf(order: Order): string[] {
  return [...new Set(order.passengers.flatMap((p) => (p.surname === undefined ? [] : [p.surname.toUpperCase()])))];
}

function toEvent(row: EventRow): OrderEvent {
  return {
    orderId: row.order_id,
    seq: row.seq,
    type: row.type,
    at: toIso(row.at),
    clientId: row.client_id,
    ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id }),
    version: row.version,
    data: row.data ?? {},
  };
}

function toSummary(row: SummaryRow): OrderSummary {
  return {
    orderId: row.order_id,
    bookingReference: row.booking_reference,
    status: row.status,
    version: row.version,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    totalPrice: row.total_price,
    passengers: (row.passengers ?? []).map((p) => ({
      paxId: p.paxId,
      ptc: p.ptc,
      ...(p.accompanyingPaxId === undefined ? {} : { accompanyingPaxId: p.accompanyingPaxId }),
      ...(p.givenName === undefined ? {} : { givenName: p.givenName }),
      ...(p.surname === undefined ? {} : { surname: p.surname }),
    })),
  };
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    at: toIso(row.at),
    clientId: row.client_id,
    message: row.message,
    channel: row.channel,
    ...(row.order_id === null ? {} : { orderId: row.order_id }),
    ...(row.order_version === null ? {} : { orderVersion: row.order_version }),
    outcome: row.outcome,
    ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id }),
    detail: row.detail ?? {},
  };
}

/** The audit parameters of a write: message, channel, outcome, detail (all null without a stamp). */
function stampParams(stamp: AuditStamp | undefined): unknown[] {
  return stamp ? [stamp.message, stamp.channel, stamp.outcome ?? 'ok', JSON.stringify(stamp.detail ?? {})] : [null, null, null, null];
}

function milliseconds(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`Expected a whole number of milliseconds, got ${ms}`);
  return `${ms} milliseconds`;
}

/** Fields a change may never touch: they identify the order and who owns it. */
const IMMUTABLE_FIELDS = ['orderId', 'ownerClientId', 'bookingReference', 'createdAt'] as const;

/** What identifies the stored version an update starts from. */
type Stored = Pick<Order, (typeof IMMUTABLE_FIELDS)[number] | 'version' | 'updatedAt'>;

/**
 * The order store over any PostgreSQL connection. Both adapters are this code with a different
 * SqlDatabase, so the SQL (and the concurrency it guarantees) is written and tested once.
 *
 * Concurrency: an update reads the order (updateFrom takes the caller's), runs the caller's change
 * with no transaction open, then writes with `WHERE version = <read version>`. Of concurrent
 * writers, the first to commit wins; the others match no row and get ORDER_VERSION_CONFLICT.
 * Idempotency claims rely on `INSERT … ON CONFLICT DO UPDATE … WHERE`, which PostgreSQL
 * serialises on the key's row.
 *
 * Round trips: every write is one statement (data-modifying CTEs where it touches several
 * tables), so it needs no BEGIN or COMMIT of its own, and the statements are prepared once per
 * connection.
 */
export function createSqlOrderStore(options: SqlOrderStoreOptions): OrderStore {
  const { database: db, logger } = options;
  const s = quoteSchema(options.schema);
  const leaseMs = options.idempotencyLeaseMs ?? 60_000;
  const ownsDatabase = options.ownsDatabase ?? true;
  const cipher = options.personalData ?? createPersonalDataCipher([DEVELOPMENT_KEY]);
  /** Key ids whose records the timer seals again with the current key. */
  const staleKeys = [IN_CLEAR, ...cipher.keyIds.filter((id) => id !== cipher.currentKeyId)];

  const sql = {
    // One statement, so one round trip and one commit: the order, its first event and notices ($19), when a key is
    // given ($9) the key's link to the order, and when a stamp is given ($15) the message's audit
    // row. A key that is not held by this request (linked finds no row) inserts nothing, and the
    // caller learns it from `inserted`.
    createOrder: prepared(`WITH linked AS (
        UPDATE ${s}.idempotency_keys SET order_id = $1
        WHERE key = $9 AND owner_client_id = $3 AND state = 'in-progress' AND order_id IS NULL
        RETURNING key),
      inserted AS (
        INSERT INTO ${s}.orders (order_id, booking_reference, owner_client_id, status, version, created_at, updated_at, pax_surnames, record, personal_data_key)
        SELECT $1, $2, $3, $4, $5, $6, $6, $7::text[], $8::jsonb, $14
        WHERE $9::text IS NULL OR EXISTS (SELECT 1 FROM linked)
        RETURNING order_id),
      event AS (
        INSERT INTO ${s}.order_events (order_id, seq, type, at, client_id, correlation_id, version, data)
        SELECT order_id, $5, $10, $6, $11, $12, $5, $13::jsonb FROM inserted),
      audited AS (
        INSERT INTO ${s}.audit_trail (at, client_id, message, channel, order_id, order_version, outcome, correlation_id, detail)
        SELECT $6, $11, $15, $16, order_id, $5, $17, $12, $18::jsonb FROM inserted WHERE $15::text IS NOT NULL),
      noticed AS (
        INSERT INTO ${s}.order_notices (order_id, owner_client_id, type, order_version, at, data)
        SELECT order_id, $3, n.type, $5, $6, n.data FROM inserted, jsonb_to_recordset($19::jsonb) AS n(type text, data jsonb))
      SELECT count(*)::int AS inserted FROM inserted`),
    selectOrder: prepared(`SELECT record FROM ${s}.orders WHERE order_id = $1 AND owner_client_id = $2`),
    selectByReference: prepared(`SELECT record FROM ${s}.orders WHERE booking_reference = $1 AND owner_client_id = $2`),
    // One statement: the next version only if the stored one is still $3, its event and notices ($21), when a key
    // is given ($13) the request's answer stored under it, when a stamp is given ($16) the
    // message's audit row, and with $20 the order's stored answers deleted. No row: somebody
    // wrote first.
    updateOrder: prepared(`WITH updated AS (
        UPDATE ${s}.orders
        SET status = $4, version = $5, updated_at = $6, pax_surnames = $7::text[], record = $8::jsonb, personal_data_key = $15
        WHERE order_id = $1 AND owner_client_id = $2 AND version = $3
        RETURNING order_id),
      event AS (
        INSERT INTO ${s}.order_events (order_id, seq, type, at, client_id, correlation_id, version, data)
        SELECT order_id, $5, $9, $6, $10, $11, $5, $12::jsonb FROM updated),
      completed AS (
        UPDATE ${s}.idempotency_keys SET state = 'completed', response = $14, order_id = $1
        WHERE key = $13 AND state = 'in-progress' AND EXISTS (SELECT 1 FROM updated)
        RETURNING key),
      audited AS (
        INSERT INTO ${s}.audit_trail (at, client_id, message, channel, order_id, order_version, outcome, correlation_id, detail)
        SELECT $6, $10, $16, $17, order_id, $5, $18, $11, $19::jsonb FROM updated WHERE $16::text IS NOT NULL),
      forgotten AS (
        DELETE FROM ${s}.idempotency_keys
        WHERE $20::boolean AND order_id = $1 AND state = 'completed' AND EXISTS (SELECT 1 FROM updated)),
      noticed AS (
        INSERT INTO ${s}.order_notices (order_id, owner_client_id, type, order_version, at, data)
        SELECT order_id, $2, n.type, $5, $6, n.data FROM updated, jsonb_to_recordset($21::jsonb) AS n(type text, data jsonb))
      SELECT (SELECT count(*) FROM updated)::int AS updated, (SELECT count(*) FROM completed)::int AS completed`),
    history: prepared(`SELECT e.order_id, e.seq, e.type, e.at, e.client_id, e.correlation_id, e.version, e.data
      FROM ${s}.order_events e
      WHERE e.order_id = $1 AND EXISTS (SELECT 1 FROM ${s}.orders o WHERE o.order_id = $1 AND o.owner_client_id = $2)
      ORDER BY e.seq`),
    // Takes the key when it is new, expired, released by the same request, or held by the same
    // request past its lease. Anything else leaves the row alone and returns nothing. With the
    // key, it returns the order the request made: the one the key links, else the one with the
    // id the caller would give it ($6), still there after the key's answer expired.
    claim: prepared(`INSERT INTO ${s}.idempotency_keys AS k (key, owner_client_id, request_hash, state, created_at, expires_at)
      VALUES ($1, $2, $3, 'in-progress', now(), now() + $4::interval)
      ON CONFLICT (key) DO UPDATE SET
        owner_client_id = EXCLUDED.owner_client_id,
        request_hash = EXCLUDED.request_hash,
        state = 'in-progress',
        response = NULL,
        order_id = CASE WHEN k.expires_at <= now() THEN NULL ELSE k.order_id END,
        created_at = EXCLUDED.created_at,
        expires_at = EXCLUDED.expires_at
      WHERE k.expires_at <= now()
         OR (k.owner_client_id = EXCLUDED.owner_client_id AND k.request_hash = EXCLUDED.request_hash
             AND (k.state = 'released' OR (k.state = 'in-progress' AND k.created_at <= now() - $5::interval)))
      RETURNING order_id,
        (SELECT o.record FROM ${s}.orders o WHERE o.order_id = COALESCE(k.order_id, $6::text) AND o.owner_client_id = $2) AS record`),
    selectKey: prepared(`SELECT owner_client_id, request_hash, state, order_id, response FROM ${s}.idempotency_keys WHERE key = $1`),
    completeKey: prepared(`UPDATE ${s}.idempotency_keys SET state = 'completed', response = $2, order_id = COALESCE($3, order_id)
      WHERE key = $1 AND state = 'in-progress'
      RETURNING key`),
    // Nothing was created: forget the key. An order was created: keep the link, so the retry
    // continues with that order instead of making a second one.
    releaseKey: prepared(`WITH forgotten AS (
        DELETE FROM ${s}.idempotency_keys WHERE key = $1 AND state = 'in-progress' AND order_id IS NULL RETURNING key)
      UPDATE ${s}.idempotency_keys SET state = 'released'
      WHERE key = $1 AND state = 'in-progress' AND order_id IS NOT NULL`),
    // SKIP LOCKED: purges of several processes share the work instead of waiting on each other.
    purgeKeys: prepared(`DELETE FROM ${s}.idempotency_keys WHERE key IN (
        SELECT key FROM ${s}.idempotency_keys WHERE expires_at <= now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING key`),
    // The partial index of migration 0009 holds exactly the open orders with a time limit.
    expiredHolds: prepared(`SELECT order_id, owner_client_id, version, record->>'paymentTimeLimit' AS payment_time_limit
      FROM ${s}.orders
      WHERE status = 'OPENED' AND record ? 'paymentTimeLimit'
        AND (record->>'paymentTimeLimit')::timestamptz <= $1::timestamptz
        AND jsonb_array_length(COALESCE(record->'documents', '[]'::jsonb)) = 0
        AND NOT COALESCE(record->'payments', '[]'::jsonb) @> '[{"status": "SUCCESSFUL"}]'::jsonb
      ORDER BY (record->>'paymentTimeLimit')::timestamptz, order_id
      LIMIT $2`),
    selectOwner: prepared(`SELECT owner_client_id FROM ${s}.orders WHERE order_id = $1`),
    insertAudit: prepared(`INSERT INTO ${s}.audit_trail (at, client_id, message, channel, order_id, order_version, outcome, correlation_id, detail)
      VALUES (now(), $1, $2, $3, $4, $5, $6, $7, $8::jsonb)`),
    selectStale: prepared(`SELECT order_id, version, record FROM ${s}.orders WHERE personal_data_key = ANY($1::text[]) LIMIT $2`),
    // Only over the version read: a record changed meanwhile was sealed with the current key by that change.
    resealRecords: prepared(`UPDATE ${s}.orders o SET record = r.record, personal_data_key = r.key
      FROM jsonb_to_recordset($1::jsonb) AS r(order_id text, version integer, record jsonb, key text)
      WHERE o.order_id = r.order_id AND o.version = r.version
      RETURNING o.order_id`),
  };
  let resealTimer: NodeJS.Timeout | undefined;

  async function purgeExpiredKeys(limit: number): Promise<number> {
    const { rows } = await db.query(sql.purgeKeys, [limit]);
    return rows.length;
  }

  async function resealOnTimer(): Promise<void> {
    let resealed = 0;
    for (let batch = 0; batch < RESEAL_BATCHES; batch++) {
      const count = await resealPersonalData(RESEAL_BATCH);
      resealed += count;
      if (count < RESEAL_BATCH) break;
    }
    if (resealed > 0) logger.info({ resealed, keyId: cipher.currentKeyId }, 'personal data sealed again with the current key');
  }

  async function resealPersonalData(limit: number): Promise<number> {
    const { rows } = await db.query<{ order_id: string; version: number; record: StoredRecord }>(sql.selectStale, [staleKeys, limit]);
    if (rows.length === 0) return 0;
    const resealed = rows.map((row) => {
      const { record, keyId } = sealRecord(openRecord(row.record, cipher), cipher);
      return { order_id: row.order_id, version: row.version, record, key: keyId };
    });
    return (await db.query(sql.resealRecords, [JSON.stringify(resealed)])).rows.length;
  }

  async function readOrder(statement: SqlStatement, key: string, ownerClientId: string): Promise<Order | undefined> {
    const { rows } = await db.query<{ record: StoredRecord }>(statement, [key, ownerClientId]);
    return rows[0] && openRecord(rows[0].record, cipher);
  }

  /** An answer kept for replays holds the order, contacts and all: it is sealed like them, under its key. */
  const sealAnswer = (key: string, response: string): string => cipher.seal(response, key);
  const openAnswer = (key: string, response: string): string => (SEALED_ANSWER.test(response) ? cipher.open(response, key) : response);

  async function insertOrder(order: Order, options: CreateOrderOptions): Promise<void> {
    const { event } = options;
    const { record, keyId } = sealRecord(order, cipher);
    const { rows } = await db.query<{ inserted: number }>(sql.createOrder, [
      order.orderId, order.bookingReference, order.ownerClientId, order.status, order.version, order.createdAt,
      surnamesOf(order), JSON.stringify(record), options.idempotencyKey ?? null,
      event.type, event.clientId, event.correlationId ?? null, JSON.stringify(event.data ?? {}), keyId, ...stampParams(options.audit),
      JSON.stringify(noticesFor(undefined, order, event)),
    ]);
    if (rows[0]?.inserted !== 1) {
      throw new GatewayError('REQUEST_IN_PROGRESS', 'The idempotency key is not held by this request, or already has an order');
    }
  }

  async function writeNext(current: Stored, next: Order, event: NewEvent, options: UpdateOptions, notices: readonly NewNotice[]): Promise<void> {
    const key = options.complete?.key ?? null;
    if (key !== null && options.forgetAnswers) throw new GatewayError('INTERNAL_ERROR', 'An update cannot store an answer and forget the answers at once');
    const { record, keyId } = sealRecord(next, cipher);
    const { rows } = await db.query<{ updated: number; completed: number }>(sql.updateOrder, [
      current.orderId, current.ownerClientId, current.version, next.status, next.version, next.updatedAt, surnamesOf(next), JSON.stringify(record),
      event.type, event.clientId, event.correlationId ?? null, JSON.stringify(event.data ?? {}),
      key, options.complete ? sealAnswer(options.complete.key, options.complete.response(next)) : null, keyId,
      ...stampParams(options.audit), options.forgetAnswers === true, JSON.stringify(notices),
    ]);
    if (rows[0]?.updated !== 1) {
      throw new GatewayError('ORDER_VERSION_CONFLICT', `Order ${current.orderId} was changed by another request since version ${current.version}`);
    }
    if (key !== null && rows[0].completed !== 1) logger.warn({ idempotencyKey: key }, 'idempotency key completed while not in progress; its lease had run out');
  }

  async function updateFrom(current: Order, change: (order: Order) => Order | Promise<Order>, event: NewEvent, options: UpdateOptions = {}): Promise<Order> {
    // What identifies the stored version is taken before `change` runs. The record is handed over
    // as it is, not copied: Order is readonly throughout, and the changes return new records.
    const stored: Stored = {
      orderId: current.orderId, ownerClientId: current.ownerClientId, bookingReference: current.bookingReference,
      createdAt: current.createdAt, version: current.version, updatedAt: current.updatedAt,
    };
    const changed = await change(current);
    for (const field of IMMUTABLE_FIELDS) {
      if (changed[field] !== stored[field]) throw new GatewayError('INTERNAL_ERROR', `An order change may not alter ${field}`);
    }
    const next: Order = { ...changed, version: stored.version + 1, updatedAt: nextInstant(stored.updatedAt) };
    assertValidOrderRecord(next);
    await writeNext(stored, next, event, options, noticesFor(current, next, event));
    return next;
  }

  return {
    async migrate() {
      await applyMigrations(db, options.schema, logger);
      const every = options.resealIntervalMs ?? 60_000;
      if (every > 0 && resealTimer === undefined) {
        resealTimer = setInterval(() => {
          resealOnTimer().catch((err: unknown) => logger.warn({ err }, 'could not seal personal data again with the current key'));
        }, every);
        resealTimer.unref();
      }
    },

    async create(newOrder, createOptions) {
      const given = newOrder.bookingReference === undefined ? undefined : normaliseBookingReference(newOrder.bookingReference);
      for (let attempt = 1; ; attempt++) {
        const now = new Date().toISOString();
        const order: Order = { ...newOrder, bookingReference: given ?? generateBookingReference(), version: 1, createdAt: now, updatedAt: now };
        assertValidOrderRecord(order);
        try {
          await insertOrder(order, createOptions);
          return order;
        } catch (error) {
          if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
          const constraint = sqlConstraint(error);
          if (constraint === 'orders_booking_reference_key') {
            if (given === undefined && attempt < BOOKING_REFERENCE_ATTEMPTS) continue;
            throw new GatewayError('INTERNAL_ERROR', `Booking reference ${order.bookingReference} is already taken`, [], error);
          }
          throw new GatewayError('INTERNAL_ERROR', `Order ${order.orderId} already exists`, [], error);
        }
      }
    },

    get(orderId, ownerClientId) {
      return readOrder(sql.selectOrder, orderId, ownerClientId);
    },

    findByBookingReference(bookingReference, ownerClientId) {
      return readOrder(sql.selectByReference, normaliseBookingReference(bookingReference), ownerClientId);
    },

    async update(orderId, ownerClientId, expectedVersion, change, event, updateOptions) {
      const current = await readOrder(sql.selectOrder, orderId, ownerClientId);
      if (!current) throw new GatewayError('ORDER_NOT_FOUND', `Order ${orderId} is unknown`);
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new GatewayError('ORDER_VERSION_CONFLICT', `Order ${orderId} is at version ${current.version}, not ${expectedVersion}`);
      }
      return updateFrom(current, change, event, updateOptions);
    },

    updateFrom,

    async list(ownerClientId, filter = {}) {
      const params: unknown[] = [ownerClientId];
      const where = ['owner_client_id = $1'];
      const add = (condition: (p: string) => string, value: unknown): void => {
        params.push(value);
        where.push(condition(`$${params.length}`));
      };
      if (filter.createdFrom !== undefined) add((p) => `created_at >= ${p}::timestamptz`, filter.createdFrom);
      if (filter.createdTo !== undefined) add((p) => `created_at < ${p}::timestamptz`, filter.createdTo);
      if (filter.status !== undefined) add((p) => `status = ${p}`, filter.status);
      if (filter.paxSurname !== undefined) add((p) => `pax_surnames @> ARRAY[${p}::text]`, filter.paxSurname.trim().toUpperCase());
      if (filter.bookingReference !== undefined) add((p) => `booking_reference = ${p}`, normaliseBookingReference(filter.bookingReference));
      const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_LIST_LIMIT), 1), MAX_LIST_LIMIT);
      const offset = Math.max(Math.trunc(filter.offset ?? 0), 0);
      params.push(limit, offset);
      const { rows } = await db.query<SummaryRow>(
        `SELECT order_id, booking_reference, status, version, created_at, updated_at,
                record->'totalPrice' AS total_price, record->'passengers' AS passengers
         FROM ${s}.orders WHERE ${where.join(' AND ')}
         ORDER BY created_at DESC, order_id
         LIMIT $${params.length - 1} OFFSET $${params.length}`,
        params,
      );
      return rows.map(toSummary);
    },

    async history(orderId, ownerClientId) {
      const { rows } = await db.query<EventRow>(sql.history, [orderId, ownerClientId]);
      if (rows.length === 0) throw new GatewayError('ORDER_NOT_FOUND', `Order ${orderId} is unknown`);
      return rows.map(toEvent);
    },

    async claim(key, ownerClientId, requestHash, ttlMs = DEFAULT_TTL_MS, orderId): Promise<ClaimResult> {
      // A row can vanish (released) or be freed between the two statements; look again then.
      for (let attempt = 0; attempt < 5; attempt++) {
        const claimed = await db.query<{ order_id: string | null; record: StoredRecord | null }>(sql.claim,
          [key, ownerClientId, requestHash, milliseconds(ttlMs), milliseconds(leaseMs), orderId ?? null]);
        const won = claimed.rows[0];
        if (won) {
          return {
            state: 'claimed',
            ...(won.order_id === null ? {} : { orderId: won.order_id }),
            ...(won.record === null ? {} : { order: openRecord(won.record, cipher) }),
          };
        }
        const row = (await db.query<IdempotencyRow>(sql.selectKey, [key])).rows[0];
        if (!row) continue;
        if (row.owner_client_id !== ownerClientId || row.request_hash !== requestHash) return { state: 'mismatch' };
        if (row.state === 'released') continue;
        if (row.state === 'completed') {
          const response = openAnswer(key, row.response ?? '');
          return row.order_id === null ? { state: 'completed', response } : { state: 'completed', orderId: row.order_id, response };
        }
        return { state: 'in-progress' };
      }
      return { state: 'in-progress' };
    },

    async complete(key, response, orderId) {
      const { rows } = await db.query(sql.completeKey, [key, sealAnswer(key, response), orderId ?? null]);
      if (rows.length === 0) logger.warn({ idempotencyKey: key }, 'idempotency key completed while not in progress; its lease had run out');
    },

    async release(key) {
      await db.query(sql.releaseKey, [key]);
    },

    purgeExpiredKeys,

    async expiredHolds(before, limit) {
      const { rows } = await db.query<{ order_id: string; owner_client_id: string; version: number; payment_time_limit: string }>(
        sql.expiredHolds, [before, Math.min(Math.max(Math.trunc(limit), 1), MAX_EXPIRED_HOLDS)]);
      return rows.map((row) => ({ orderId: row.order_id, ownerClientId: row.owner_client_id, version: row.version, paymentTimeLimit: row.payment_time_limit }));
    },

    async ownerOf(orderId) {
      const { rows } = await db.query<{ owner_client_id: string }>(sql.selectOwner, [orderId]);
      return rows[0]?.owner_client_id;
    },

    async recordAudit(entry: NewAuditEntry) {
      await db.query(sql.insertAudit, [
        entry.clientId, entry.message, entry.channel, entry.orderId ?? null, entry.orderVersion ?? null, entry.outcome,
        entry.correlationId ?? null, JSON.stringify(entry.detail ?? {}),
      ]);
    },

    async auditTrail(query) {
      if (query.orderId === undefined && query.clientId === undefined) throw new GatewayError('INTERNAL_ERROR', 'An audit query names an order or a client');
      const params: unknown[] = [];
      const where: string[] = [];
      const add = (condition: (p: string) => string, value: unknown): void => {
        params.push(value);
        where.push(condition(`$${params.length}`));
      };
      if (query.orderId !== undefined) add((p) => `order_id = ${p}`, query.orderId);
      if (query.clientId !== undefined) add((p) => `client_id = ${p}`, query.clientId);
      if (query.from !== undefined) add((p) => `at >= ${p}::timestamptz`, query.from);
      if (query.to !== undefined) add((p) => `at < ${p}::timestamptz`, query.to);
      if (query.after !== undefined) add((p) => `id > ${p}`, query.after);
      params.push(Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_AUDIT_LIMIT), 1), MAX_AUDIT_LIMIT));
      const { rows } = await db.query<AuditRow>(
        `SELECT id, at, client_id, message, channel, order_id, order_version, outcome, correlation_id, detail
         FROM ${s}.audit_trail WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.length}`,
        params,
      );
      return rows.map(toAuditEntry);
    },

    resealPersonalData,

    async sql() {
      return { database: db, schema: options.schema };
    },

    async close() {
      clearInterval(resealTimer);
      if (ownsDatabase) await db.close();
    },
  };
}
