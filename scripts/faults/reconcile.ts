/**
 * Reconciliation after a fault run: what the sellers were told (LoadReport.creates) against what
 * the order store (PostgreSQL, the cluster's schema), the payment service (its captures) and the
 * airline (its tickets) hold. Every OrderCreate answered with an OrderID has exactly one order,
 * found by the request's marker (its passenger's surname); every order exactly one capture and
 * one set of tickets; and nothing was made for a request that was refused or never answered.
 */
import pg from 'pg';
import type { InventoryBookingResult } from '../../src/contracts/airline/index.ts';
import type { Authorisation } from '../../src/contracts/payment/payment-types.ts';
import type { LoadReport, Reconciliation } from './types.ts';

export interface ReconcileSources {
  /** The order store's database (PostgreSQL URL) and schema. */
  readonly databaseUrl: string;
  readonly schema: string;
  /** The reference airline and payment service themselves, not their proxies. */
  readonly airlineUrl: string;
  readonly paymentUrl: string;
}

interface StoredOrder {
  readonly orderId: string;
  readonly surname: string;
  readonly status: string;
  readonly payments: readonly { readonly status: string }[];
  readonly tickets: readonly string[];
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function readOrders(sources: ReconcileSources): Promise<StoredOrder[]> {
  const client = new pg.Client({ connectionString: sources.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ order_id: string; surnames: string[]; status: string; payments: { status: string }[] | null; documents: { type: string; number: string }[] | null }>(
      `SELECT order_id, pax_surnames AS surnames, status, record->'payments' AS payments, record->'documents' AS documents FROM "${sources.schema}".orders`);
    return rows.map((row) => ({
      orderId: row.order_id, surname: row.surnames[0] ?? '', status: row.status, payments: row.payments ?? [],
      tickets: (row.documents ?? []).filter((d) => d.type === 'ET').map((d) => d.number),
    }));
  } catch (error) {
    // No order was ever written: the store's tables do not exist yet.
    if ((error as { code?: string }).code === '42P01') return [];
    throw error;
  } finally {
    await client.end();
  }
}

export async function reconcile(load: Pick<LoadReport, 'creates'>, sources: ReconcileSources): Promise<Reconciliation> {
  const [orders, { bookings }, { authorisations }] = await Promise.all([
    readOrders(sources),
    getJson<{ bookings: InventoryBookingResult[] }>(`${sources.airlineUrl}/admin/bookings`),
    getJson<{ authorisations: Omit<Authorisation, 'maskedNumber' | 'brand'>[] }>(`${sources.paymentUrl}/admin/authorisations`),
  ]);
  const ordersByMarker = new Map<string, StoredOrder[]>();
  for (const order of orders) ordersByMarker.set(order.surname, [...(ordersByMarker.get(order.surname) ?? []), order]);
  const bookingByOrder = new Map(bookings.map((b) => [b.orderId, b]));
  const authorisationsByOrder = new Map<string, typeof authorisations>();
  for (const a of authorisations) authorisationsByOrder.set(a.reference, [...(authorisationsByOrder.get(a.reference) ?? []), a]);

  const problems: string[] = [];
  let ordersExpected = 0;
  let ordersFound = 0;
  let duplicates = 0;
  let missing = 0;
  let orphans = 0;

  /** One capture and one set of tickets for an order the store holds: the problems found, if any. */
  function checkOrder(order: StoredOrder, label: string): { duplicate: boolean; missing: boolean } {
    let duplicate = false;
    let lacking = false;
    const charges = authorisationsByOrder.get(order.orderId) ?? [];
    const captured = charges.filter((a) => a.status === 'CAPTURED' || a.status === 'REFUNDED');
    if (captured.length > 1) {
      duplicate = true;
      problems.push(`${label}: order ${order.orderId} captured ${captured.length} times`);
    } else if (captured.length === 0) {
      lacking = true;
      problems.push(`${label}: order ${order.orderId} has no capture (authorisations: ${charges.map((a) => a.status).join(', ') || 'none'})`);
    }
    const open = charges.filter((a) => a.status === 'AUTHORISED');
    if (open.length > 0) problems.push(`${label}: order ${order.orderId} left ${open.length} authorisation(s) open`);
    if (order.payments.filter((p) => p.status === 'SUCCESSFUL').length !== 1) {
      lacking = true;
      problems.push(`${label}: order ${order.orderId} records payments ${order.payments.map((p) => p.status).join(', ') || 'none'}`);
    }
    const booking = bookingByOrder.get(order.orderId);
    const issued = (booking?.documents ?? []).filter((d) => d.type === 'ET' && d.status === 'ISSUED');
    // A ticket per passenger and flight item: an item ticketed twice for the same passenger is a second set.
    const covered = new Map<string, number>();
    for (const doc of issued) for (const item of doc.itemIds) covered.set(`${doc.paxId}/${item}`, (covered.get(`${doc.paxId}/${item}`) ?? 0) + 1);
    const extra = issued.filter((d) => !order.tickets.includes(d.number));
    if ([...covered.values()].some((n) => n > 1) || extra.length > 0) {
      duplicate = true;
      problems.push(`${label}: order ${order.orderId} has tickets issued more than once (airline: ${issued.map((d) => d.number).join(', ')}; order: ${order.tickets.join(', ')})`);
    } else if (issued.length === 0 || order.tickets.length === 0) {
      lacking = true;
      problems.push(`${label}: order ${order.orderId} has no tickets (airline: ${issued.length}, order: ${order.tickets.length})`);
    }
    const held = (booking?.items ?? []).filter((i) => i.status === 'HELD');
    if (held.length > 0) problems.push(`${label}: order ${order.orderId} still holds ${held.length} item(s) at the airline`);
    return { duplicate, missing: lacking };
  }

  const markers = new Set<string>();
  for (const create of load.creates) {
    markers.add(create.marker);
    const found = ordersByMarker.get(create.marker) ?? [];
    const label = `key ${create.idempotencyKey} (${create.marker})`;
    if (create.orderId === undefined) {
      if (found.length > 0) {
        orphans += 1;
        problems.push(`${label}: ${create.refusedCode ? `refused ${create.refusedCode}` : `never answered after ${create.attempts} attempts`} but the store holds order(s) ${found.map((o) => o.orderId).join(', ')}`);
      }
      continue;
    }
    ordersExpected += 1;
    if (found.length === 0) {
      missing += 1;
      problems.push(`${label}: answered with order ${create.orderId}, which the store does not hold`);
      continue;
    }
    ordersFound += 1;
    if (found.length > 1) {
      duplicates += 1;
      problems.push(`${label}: ${found.length} orders (${found.map((o) => o.orderId).join(', ')})`);
      continue;
    }
    const order = found[0]!;
    if (order.orderId !== create.orderId) {
      duplicates += 1;
      problems.push(`${label}: answered with order ${create.orderId}, the store holds ${order.orderId}`);
      continue;
    }
    const checked = checkOrder(order, label);
    if (checked.duplicate) duplicates += 1;
    else if (checked.missing) missing += 1;
  }

  // Whatever the sellers never asked for, or money and seats kept for orders that do not exist.
  const storedIds = new Set(orders.map((o) => o.orderId));
  for (const order of orders) {
    if (!markers.has(order.surname)) {
      orphans += 1;
      problems.push(`order ${order.orderId} (${order.surname}) matches no request sent`);
    }
  }
  for (const a of authorisations) {
    if (storedIds.has(a.reference)) continue;
    if (a.status === 'AUTHORISED' || a.status === 'CAPTURED') {
      orphans += 1;
      problems.push(`authorisation ${a.authorisationId} ${a.status} for ${a.reference}, an order the store does not hold`);
    }
  }
  for (const booking of bookings) {
    if (storedIds.has(booking.orderId)) continue;
    const issued = booking.documents.filter((d) => d.status === 'ISSUED');
    const held = booking.items.filter((i) => i.status === 'HELD');
    if (issued.length > 0 || held.length > 0) {
      orphans += 1;
      problems.push(`airline booking ${booking.orderId} (no such order) has ${issued.length} ticket(s) issued and ${held.length} item(s) held`);
    }
  }
  return { ordersExpected, ordersFound, duplicates, missing, orphans, problems };
}
