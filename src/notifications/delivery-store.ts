import type { JsonValue } from '../orders/json-value.ts';
import { NOTICE_TYPES, type NoticeType } from '../orders/order-notices.ts';
import type { OrderStoreSql } from '../orders/order-store.ts';
import { quoteSchema, type SqlSession } from '../orders/sql-database.ts';
import type { DeliveryTargetKind } from './notice-renderer.ts';
import type { Subscription } from './subscriptions.ts';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** A row of notification_deliveries (migration 0008), as the API shows it. */
export interface Delivery {
  /** The event id the receiver de-duplicates on. */
  readonly deliveryId: string;
  readonly clientId: string;
  readonly targetKind: DeliveryTargetKind;
  readonly url: string;
  readonly format: 'json' | 'ndc';
  readonly version?: string;
  readonly eventType: NoticeType;
  readonly orderId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly expiresAt: string;
  readonly lastStatus?: number;
  readonly lastError?: string;
  readonly createdAt: string;
  readonly deliveredAt?: string;
}

/** A delivery with the notice it carries. */
export interface DeliveryWithNotice extends Delivery {
  readonly noticeAt: string;
  readonly orderVersion: number;
  readonly data: { readonly [key: string]: JsonValue };
}

export interface DeliveryListFilter {
  /** Only this client's; undefined: every client's (operators). */
  readonly clientId?: string;
  readonly targetKind?: DeliveryTargetKind;
  readonly status?: DeliveryStatus;
  readonly orderId?: string;
  /** A delivery id: the page continues after it (newest first). */
  readonly after?: string;
  /** @defaultValue 50 */
  readonly limit?: number;
}

/** A notice not yet dispatched, as the dispatcher reads it. */
export interface UndispatchedNotice {
  readonly noticeId: string;
  readonly orderId: string;
  readonly ownerClientId: string;
  readonly type: NoticeType;
}

/** The outcome of a failed attempt, as recorded: retried at `nextAttemptAt`, or dead. */
export interface FailureRecorded {
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** Milliseconds from now to the next attempt (0 or more); meaningless once dead. */
  readonly delayMs: number;
}

/** Stored error texts are capped: a receiver's answer can be long and says nothing more after this. */
export const LAST_ERROR_MAX_CHARS = 500;

interface DeliveryRow {
  delivery_id: string; client_id: string; target_kind: DeliveryTargetKind; url: string; format: 'json' | 'ndc'; version: string | null;
  event_type: string; order_id: string; status: DeliveryStatus; attempts: number; next_attempt_at: Date | string; expires_at: Date | string;
  last_status: number | null; last_error: string | null; created_at: Date | string; delivered_at: Date | string | null;
}

const COLUMNS = `d.delivery_id, d.client_id, d.target_kind, d.url, d.format, d.version, d.event_type, d.order_id, d.status, d.attempts,
  d.next_attempt_at, d.expires_at, d.last_status, d.last_error, d.created_at, d.delivered_at`;

const iso = (value: Date | string): string => new Date(value).toISOString();

function toNoticeType(value: string): NoticeType {
  return (NOTICE_TYPES as readonly string[]).includes(value) ? value as NoticeType : 'order.ticketed';
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    deliveryId: row.delivery_id,
    clientId: row.client_id,
    targetKind: row.target_kind,
    url: row.url,
    format: row.format,
    ...(row.version !== null ? { version: row.version } : {}),
    eventType: toNoticeType(row.event_type),
    orderId: row.order_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at),
    expiresAt: iso(row.expires_at),
    ...(row.last_status !== null ? { lastStatus: row.last_status } : {}),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    createdAt: iso(row.created_at),
    ...(row.delivered_at !== null ? { deliveredAt: iso(row.delivered_at) } : {}),
  };
}

/**
 * The deliveries table, in the order store's database (`store.sql()`): what the dispatcher, the
 * delivery attempts and the API read and write. Every state change is one statement guarded by
 * the status it expects, so two processes never both move a delivery on.
 */
export interface DeliveryStore {
  /**
   * Takes up to `limit` undispatched notices (locked, skipping those another dispatcher holds),
   * inserts a delivery per target `targetsOf` gives (once per notice and target, whatever runs
   * twice), stamps the notices dispatched, all in one transaction. Returns how many notices were
   * taken and the ids of the deliveries created.
   */
  dispatch(limit: number, targetsOf: (notice: UndispatchedNotice) => readonly Subscription[], maxAgeMs: number, newId: () => string): Promise<{ notices: number; created: string[] }>;
  /**
   * Takes a pending delivery that is due for one attempt: its next attempt moves `leaseMs` ahead,
   * so nothing else attempts it meanwhile (a second job, a sweep, another process); the outcome of
   * the attempt then sets it. `later` when it is not due yet, `none` when it is not pending.
   */
  claim(deliveryId: string, leaseMs: number): Promise<'claimed' | 'none' | { readonly laterMs: number }>;
  get(deliveryId: string): Promise<DeliveryWithNotice | undefined>;
  list(filter: DeliveryListFilter): Promise<Delivery[]>;
  /** Pending → delivered; false when it was not pending. */
  recordDelivered(deliveryId: string, httpStatus: number): Promise<boolean>;
  /**
   * Records a failed attempt: pending with the next attempt `delayMs` from now (never past its
   * expiry), or dead when the expiry has come. Undefined when it was not pending.
   */
  recordFailure(deliveryId: string, httpStatus: number | undefined, error: string, delayMs: number): Promise<FailureRecorded | undefined>;
  /** Ends a delivery that cannot be attempted at all (no subscription any more, no order). */
  recordDead(deliveryId: string, error: string): Promise<boolean>;
  /**
   * Dead or delivered → pending, due now, with a fresh window of `maxAgeMs` and its attempts counted
   * from 0 again (so the back-off starts short); undefined when it is pending (or unknown).
   */
  redeliver(deliveryId: string, maxAgeMs: number): Promise<Delivery | undefined>;
  /** Pending deliveries due within `withinMs`, with how long until each is due (0 when overdue). */
  due(withinMs: number, limit: number): Promise<{ deliveryId: string; delayMs: number }[]>;
  countPending(): Promise<number>;
}

export function createDeliveryStore(sql: () => Promise<OrderStoreSql>): DeliveryStore {
  const tables = async () => {
    const { database, schema } = await sql();
    const s = quoteSchema(schema);
    return { database, deliveries: `${s}.notification_deliveries`, notices: `${s}.order_notices` };
  };
  const insertDelivery = async (tx: SqlSession, table: string, notice: UndispatchedNotice, target: Subscription, maxAgeMs: number, id: string): Promise<string | undefined> => {
    const { rows } = await tx.query<{ delivery_id: string }>(
      `INSERT INTO ${table} (delivery_id, notice_id, client_id, target_kind, url, format, version, event_type, order_id, expires_at)
       VALUES ($1, $2::bigint, $3, $4, $5, $6, $7, $8, $9, now() + $10::double precision * interval '1 millisecond')
       ON CONFLICT (notice_id, target_kind) DO NOTHING RETURNING delivery_id`,
      [id, notice.noticeId, notice.ownerClientId, target.kind, target.url, target.format, target.version ?? null, notice.type, notice.orderId, maxAgeMs],
    );
    return rows[0]?.delivery_id;
  };
  return {
    async dispatch(limit, targetsOf, maxAgeMs, newId) {
      const { database, deliveries, notices } = await tables();
      return database.transaction(async (tx) => {
        const { rows } = await tx.query<{ notice_id: string; order_id: string; owner_client_id: string; type: string }>(
          `SELECT notice_id::text AS notice_id, order_id, owner_client_id, type FROM ${notices}
           WHERE dispatched_at IS NULL ORDER BY notice_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [limit],
        );
        const created: string[] = [];
        for (const row of rows) {
          const notice: UndispatchedNotice = { noticeId: row.notice_id, orderId: row.order_id, ownerClientId: row.owner_client_id, type: toNoticeType(row.type) };
          for (const target of targetsOf(notice)) {
            const id = await insertDelivery(tx, deliveries, notice, target, maxAgeMs, newId());
            if (id !== undefined) created.push(id);
          }
        }
        if (rows.length > 0) {
          await tx.query(`UPDATE ${notices} SET dispatched_at = now() WHERE notice_id = ANY($1::bigint[])`, [rows.map((r) => r.notice_id)]);
        }
        return { notices: rows.length, created };
      });
    },
    async claim(deliveryId, leaseMs) {
      const { database, deliveries } = await tables();
      const { rows } = await database.query<{ claimed: boolean; delay_ms: number | string }>(
        `WITH taken AS (
           UPDATE ${deliveries} SET next_attempt_at = now() + $2::double precision * interval '1 millisecond'
           WHERE delivery_id = $1 AND status = 'pending' AND next_attempt_at <= now() RETURNING delivery_id)
         SELECT EXISTS (SELECT 1 FROM taken) AS claimed, GREATEST(0, EXTRACT(EPOCH FROM (d.next_attempt_at - now())) * 1000) AS delay_ms
         FROM ${deliveries} d WHERE d.delivery_id = $1 AND d.status = 'pending'`,
        [deliveryId, leaseMs],
      );
      const row = rows[0];
      if (!row) return 'none';
      return row.claimed ? 'claimed' : { laterMs: Math.max(1, Math.ceil(Number(row.delay_ms))) };
    },
    async get(deliveryId) {
      const { database, deliveries, notices } = await tables();
      const { rows } = await database.query<DeliveryRow & { at: Date | string; order_version: number; data: unknown }>(
        `SELECT ${COLUMNS}, n.at, n.order_version, n.data FROM ${deliveries} d JOIN ${notices} n ON n.notice_id = d.notice_id WHERE d.delivery_id = $1`,
        [deliveryId],
      );
      const row = rows[0];
      if (!row) return undefined;
      const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as { [key: string]: JsonValue };
      return { ...toDelivery(row), noticeAt: iso(row.at), orderVersion: row.order_version, data };
    },
    async list(filter) {
      const { database, deliveries } = await tables();
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (value: unknown): string => {
        params.push(value);
        return `$${params.length}`;
      };
      if (filter.clientId !== undefined) where.push(`d.client_id = ${add(filter.clientId)}`);
      if (filter.targetKind !== undefined) where.push(`d.target_kind = ${add(filter.targetKind)}`);
      if (filter.status !== undefined) where.push(`d.status = ${add(filter.status)}`);
      if (filter.orderId !== undefined) where.push(`d.order_id = ${add(filter.orderId)}`);
      if (filter.after !== undefined) {
        const after = add(filter.after);
        where.push(`(d.created_at, d.delivery_id) < (SELECT a.created_at, a.delivery_id FROM ${deliveries} a WHERE a.delivery_id = ${after})`);
      }
      const { rows } = await database.query<DeliveryRow>(
        `SELECT ${COLUMNS} FROM ${deliveries} d ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY d.created_at DESC, d.delivery_id DESC LIMIT ${add(filter.limit ?? 50)}`,
        params,
      );
      return rows.map(toDelivery);
    },
    async recordDelivered(deliveryId, httpStatus) {
      const { database, deliveries } = await tables();
      const { rows } = await database.query(
        `UPDATE ${deliveries} SET status = 'delivered', attempts = attempts + 1, last_status = $2, last_error = NULL, delivered_at = now()
         WHERE delivery_id = $1 AND status = 'pending' RETURNING delivery_id`,
        [deliveryId, httpStatus],
      );
      return rows.length > 0;
    },
    async recordFailure(deliveryId, httpStatus, error, delayMs) {
      const { database, deliveries } = await tables();
      const { rows } = await database.query<{ status: DeliveryStatus; attempts: number; delay_ms: number | string }>(
        `UPDATE ${deliveries} SET attempts = attempts + 1, last_status = $2, last_error = $3,
           status = CASE WHEN now() >= expires_at THEN 'dead' ELSE 'pending' END,
           next_attempt_at = LEAST(now() + $4::double precision * interval '1 millisecond', expires_at)
         WHERE delivery_id = $1 AND status = 'pending'
         RETURNING status, attempts, GREATEST(0, EXTRACT(EPOCH FROM (next_attempt_at - now())) * 1000) AS delay_ms`,
        [deliveryId, httpStatus ?? null, error.slice(0, LAST_ERROR_MAX_CHARS), delayMs],
      );
      const row = rows[0];
      return row ? { status: row.status, attempts: row.attempts, delayMs: Math.ceil(Number(row.delay_ms)) } : undefined;
    },
    async recordDead(deliveryId, error) {
      const { database, deliveries } = await tables();
      const { rows } = await database.query(
        `UPDATE ${deliveries} SET status = 'dead', last_error = $2 WHERE delivery_id = $1 AND status = 'pending' RETURNING delivery_id`,
        [deliveryId, error.slice(0, LAST_ERROR_MAX_CHARS)],
      );
      return rows.length > 0;
    },
    async redeliver(deliveryId, maxAgeMs) {
      const { database, deliveries } = await tables();
      const { rows } = await database.query<DeliveryRow>(
        `UPDATE ${deliveries} d SET status = 'pending', attempts = 0, next_attempt_at = now(), expires_at = now() + $2::double precision * interval '1 millisecond', delivered_at = NULL
         WHERE d.delivery_id = $1 AND d.status IN ('dead', 'delivered') RETURNING ${COLUMNS}`,
        [deliveryId, maxAgeMs],
      );
      return rows[0] ? toDelivery(rows[0]) : undefined;
    },
    async due(withinMs, limit) {
      const { database, deliveries } = await tables();
      const { rows } = await database.query<{ delivery_id: string; delay_ms: number | string }>(
        `SELECT delivery_id, GREATEST(0, EXTRACT(EPOCH FROM (next_attempt_at - now())) * 1000) AS delay_ms FROM ${deliveries}
         WHERE status = 'pending' AND next_attempt_at <= now() + $1::double precision * interval '1 millisecond'
         ORDER BY next_attempt_at LIMIT $2`,
        [withinMs, limit],
      );
      return rows.map((row) => ({ deliveryId: row.delivery_id, delayMs: Math.ceil(Number(row.delay_ms)) }));
    },
    async countPending() {
      const { database, deliveries } = await tables();
      const { rows } = await database.query<{ n: number | string }>(`SELECT count(*)::int AS n FROM ${deliveries} WHERE status = 'pending'`);
      return Number(rows[0]?.n ?? 0);
    },
  };
}
