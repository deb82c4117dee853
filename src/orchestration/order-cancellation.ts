import type { FareFamily } from '../contracts/airline/index.ts';
import { GatewayError, toGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { AuditStamp, MessageAudit } from '../orders/audit-trail.ts';
import type { Order, OrderPayment } from '../orders/one-order.ts';
import { assertOrderChangeable, cancelOrderItem } from '../orders/one-order-rules.ts';
import type { JsonValue, NewEvent, OrderEvent } from '../orders/order-store.ts';
import { involuntaryItemIds, refundAnsweredChanges } from './airline-change.ts';
import type { CallScope, DownstreamSteps } from './downstream-steps.ts';
import { fromMinor, isItemPaid, toMinor } from './order-money.ts';
import { withTotal } from './order-items.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';

/**
 * Cancelling order items (OrderCancelRQ, and OrderChangeRQ cancelling items). A cancellation
 * cannot be undone once the airline and the card have acted, so it commits first and settles
 * after: the order records the decision (items cancelled, refund planned) in one versioned write,
 * then the airline gives the seats back and voids the documents and the card is refunded, each
 * keyed by the request. If settling fails, the same request sent again carries on from the
 * recorded decision (roll forward) rather than undoing it.
 */

export interface CancellationQuoteItem {
  readonly orderItemId: string;
  readonly total: number;
  readonly paid: boolean;
  /** What the airline keeps of the item. */
  readonly penalty: number;
  /** The airline changed or cancelled the item's flight: no penalty, whatever the fare rules say. */
  readonly involuntary?: boolean;
  /** What cancelling gives back: total - penalty when paid, 0 when never paid. */
  readonly refundAmount: number;
}

export interface CancellationQuote {
  readonly orderItemIds: readonly string[];
  readonly currency: string;
  readonly items: readonly CancellationQuoteItem[];
  readonly penalty: number;
  readonly refundAmount: number;
  readonly fareFamily: FareFamily;
  readonly description: string;
}

export interface RefundLine {
  readonly paymentId: string;
  readonly amount: number;
  readonly refundId?: string;
}

export interface CancellationOutcome {
  readonly order: Order;
  readonly orderItemIds: readonly string[];
  readonly currency: string;
  readonly penalty: number;
  readonly refundAmount: number;
  readonly refunds: readonly RefundLine[];
  /** Numbers of the tickets and EMDs the airline voided. */
  readonly voidedDocuments: readonly string[];
}

export interface CancellationRequest {
  readonly orderId: string;
  readonly clientId: string;
  /** `<command>:<idempotency key>`: marks the request's progress in the order's events and prefixes the downstream keys. */
  readonly key: string;
  readonly expectedVersion?: number;
  /** @defaultValue every active item */
  readonly orderItemIds?: readonly string[];
  readonly correlationId: string;
  readonly deadline: number;
  readonly logger: Logger;
  /** Both writes (the decision, then the settling) carry the request's audit row. */
  readonly audit: MessageAudit;
  /**
   * The event type of the decision, which names the notice it produces (see order-notices.ts).
   * @defaultValue 'order.cancelled'
   */
  readonly eventType?: string;
  /** Who acts, in the events, when it is not the owner (e.g. `housekeeping`). @defaultValue clientId */
  readonly actor?: string;
  /** Why, recorded in the decision's event (e.g. `hold-expired`). */
  readonly reason?: string;
}

const COMMITTED = 'order.cancelled';
const SETTLED_TYPES = new Set(['order.refunded', 'order.inventory-released']);

function hasFlight(order: Order, itemId: string): boolean {
  return order.items.some((i) => i.orderItemId === itemId && i.services.some((s) => s.type === 'FLIGHT'));
}

/**
 * The items a cancellation covers: the ones named (every active one when none are), plus the
 * ancillaries of passengers whose flights go, since they no longer travel.
 */
export function resolveCancellation(order: Order, orderItemIds: readonly string[] | undefined): string[] {
  assertOrderChangeable(order);
  const active = order.items.filter((i) => i.status === 'ACTIVE');
  if (!orderItemIds) return active.map((i) => i.orderItemId);
  const named = orderItemIds.map((id, index) => {
    const item = order.items.find((i) => i.orderItemId === id);
    if (!item) throw new GatewayError('INVALID_BUSINESS_DATA', `Order ${order.orderId} has no item ${id}`, [{ message: `unknown order item ${id}`, path: `/orderItemIds/${index}` }]);
    if (item.status === 'CANCELLED') throw new GatewayError('ORDER_NOT_CHANGEABLE', `Item ${id} of order ${order.orderId} is already cancelled`);
    return id;
  });
  const leaving = new Set(named.filter((id) => hasFlight(order, id)).flatMap((id) => order.items.find((i) => i.orderItemId === id)?.paxIds ?? []));
  const stillFlying = new Set(active.filter((i) => hasFlight(order, i.orderItemId) && !named.includes(i.orderItemId)).flatMap((i) => i.paxIds));
  const dependants = active
    .filter((i) => !named.includes(i.orderItemId) && !hasFlight(order, i.orderItemId))
    .filter((i) => i.paxIds.every((p) => leaving.has(p) && !stillFlying.has(p)))
    .map((i) => i.orderItemId);
  return [...named, ...dependants];
}

/**
 * What cancelling the items would cost and give back, from the airline's fare rules; an item
 * whose flight the airline changed or cancelled (a pending airline change) is refunded in full,
 * as the change was involuntary for the passenger.
 */
export async function quoteCancellation(steps: DownstreamSteps, order: Order, orderItemIds: readonly string[], scope: CallScope): Promise<CancellationQuote> {
  const quote = await steps.inventory('inventory.refund-quote', { orderId: order.orderId, itemIds: orderItemIds }, scope);
  const involuntary = involuntaryItemIds(order);
  let penalty = 0;
  let refund = 0;
  const items = orderItemIds.map((id): CancellationQuoteItem => {
    const item = order.items.find((i) => i.orderItemId === id);
    const line = quote.items.find((i) => i.itemId === id);
    const total = item?.price.total ?? 0;
    const paid = item !== undefined && isItemPaid(item);
    const waived = involuntary.has(id);
    const itemPenalty = paid && !waived ? Math.min(line?.penalty ?? 0, total) : 0;
    const refundAmount = paid ? fromMinor(toMinor(total, order.currency) - toMinor(itemPenalty, order.currency), order.currency) : 0;
    penalty += toMinor(itemPenalty, order.currency);
    refund += toMinor(refundAmount, order.currency);
    return { orderItemId: id, total, paid, penalty: itemPenalty, refundAmount, ...(waived ? { involuntary: true } : {}) };
  });
  const waivedAny = items.some((i) => i.involuntary === true);
  return {
    orderItemIds: [...orderItemIds], currency: order.currency, items, penalty: fromMinor(penalty, order.currency), refundAmount: fromMinor(refund, order.currency),
    fareFamily: quote.fareFamily,
    description: waivedAny ? `${quote.description} The airline changed the flights: involuntary, refunded in full.` : quote.description,
  };
}

/** Retries a bookkeeping write that has no expected version when another writer got in between. */
async function updateLatest(deps: ResolvedDeps, order: Order, clientId: string, change: (o: Order) => Order, event: NewEvent, audit: AuditStamp): Promise<Order> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await deps.store.update(order.orderId, clientId, undefined, change, event, { audit });
    } catch (error) {
      if (toGatewayError(error).code !== 'ORDER_VERSION_CONFLICT' || attempt >= 3) throw error;
    }
  }
}

/** Which payment settled each item, from the events that recorded the settling. */
function payersOf(history: readonly OrderEvent[]): Map<string, string> {
  const paidBy = new Map<string, string>();
  for (const event of history) {
    const { paymentId, settledItems } = event.data;
    if (typeof paymentId !== 'string' || !Array.isArray(settledItems)) continue;
    for (const id of settledItems) if (typeof id === 'string') paidBy.set(id, paymentId);
  }
  return paidBy;
}

/**
 * Spreads a refund over the captured payments: each item back to the card that paid for it,
 * anything left newest payment first, never more than a payment has left to refund.
 */
async function planRefunds(
  steps: DownstreamSteps, order: Order, items: readonly CancellationQuoteItem[], paidBy: ReadonlyMap<string, string>, scope: CallScope, logger: Logger,
): Promise<RefundLine[]> {
  const captured = order.payments.filter((p) => p.status === 'SUCCESSFUL');
  const remaining = new Map<string, number>();
  const left = async (paymentId: string): Promise<number> => {
    let minor = remaining.get(paymentId);
    if (minor === undefined) {
      const authorisation = await steps.getAuthorisation(paymentId, scope);
      minor = toMinor(authorisation.capturedAmount, order.currency) - toMinor(authorisation.refundedAmount, order.currency);
      remaining.set(paymentId, minor);
    }
    return minor;
  };
  const planned = new Map<string, number>();
  const take = async (paymentId: string, minor: number): Promise<number> => {
    const taken = Math.max(0, Math.min(minor, await left(paymentId)));
    if (taken > 0) {
      remaining.set(paymentId, (remaining.get(paymentId) ?? 0) - taken);
      planned.set(paymentId, (planned.get(paymentId) ?? 0) + taken);
    }
    return taken;
  };
  let unassigned = 0;
  for (const item of items) {
    const minor = toMinor(item.refundAmount, order.currency);
    if (minor <= 0) continue;
    const payer = paidBy.get(item.orderItemId);
    unassigned += payer !== undefined && captured.some((p) => p.paymentId === payer) ? minor - await take(payer, minor) : minor;
  }
  for (const payment of [...captured].reverse()) {
    if (unassigned <= 0) break;
    unassigned -= await take(payment.paymentId, unassigned);
  }
  if (unassigned > 0) logger.warn({ orderId: order.orderId, unrefunded: fromMinor(unassigned, order.currency) }, 'refund larger than what the payments have left');
  return captured.filter((p) => planned.has(p.paymentId)).map((p) => ({ paymentId: p.paymentId, amount: fromMinor(planned.get(p.paymentId) ?? 0, order.currency) }));
}

function readPlan(event: OrderEvent): { orderItemIds: string[]; refunds: RefundLine[]; penalty: number; refundAmount: number } {
  const data = event.data as { [key: string]: JsonValue };
  return {
    orderItemIds: (data.orderItemIds as string[] | undefined) ?? [],
    refunds: ((data.refunds as { paymentId: string; amount: number }[] | undefined) ?? []).map((r) => ({ paymentId: r.paymentId, amount: r.amount })),
    penalty: typeof data.penalty === 'number' ? data.penalty : 0,
    refundAmount: typeof data.refundAmount === 'number' ? data.refundAmount : 0,
  };
}

/**
 * Cancels items (or the whole order): commit the decision, then give back the inventory and the
 * money. Safe to run again with the same request: each phase is found in the order's history.
 */
export async function cancelOrderItems(deps: ResolvedDeps, steps: DownstreamSteps, request: CancellationRequest): Promise<CancellationOutcome> {
  const { clientId, logger } = request;
  const committedType = request.eventType ?? COMMITTED;
  const actor = request.actor ?? clientId;
  const scope: CallScope = { correlationId: request.correlationId, deadline: request.deadline };
  // Once committed, settling is worth finishing even past the deadline.
  const settleScope = (): CallScope => ({ correlationId: request.correlationId, deadline: Math.max(request.deadline, Date.now() + deps.completionBudgetMs) });

  const found = await deps.store.get(request.orderId, clientId);
  if (!found) throw new GatewayError('ORDER_NOT_FOUND', `Order ${request.orderId} is unknown`);
  let order: Order = found;
  const history = await deps.store.history(request.orderId, clientId);
  const mine = history.filter((e) => e.data.idempotencyKey === request.key);
  const committed = mine.find((e) => e.type === committedType);
  const settled = mine.find((e) => SETTLED_TYPES.has(e.type));

  let plan: ReturnType<typeof readPlan>;
  if (committed) {
    plan = readPlan(committed);
    logger.info({ orderId: order.orderId }, 'carrying on with a committed cancellation');
  } else {
    if (request.expectedVersion !== undefined && order.version !== request.expectedVersion) {
      throw new GatewayError('ORDER_VERSION_CONFLICT', `Order ${order.orderId} is at version ${order.version}, not ${request.expectedVersion}`);
    }
    const targets = resolveCancellation(order, request.orderItemIds);
    if (targets.length === 0) throw new GatewayError('ORDER_NOT_CHANGEABLE', `Order ${order.orderId} has nothing left to cancel`);
    const quote = await quoteCancellation(steps, order, targets, scope);
    const refunds = quote.refundAmount > 0 ? await planRefunds(steps, order, quote.items, payersOf(history), scope, logger) : [];
    plan = { orderItemIds: targets, refunds, penalty: quote.penalty, refundAmount: quote.refundAmount };
    const current = order;
    order = await request.audit.write((audit) => deps.store.updateFrom(current, (read) => {
      let next = read;
      for (const id of targets) next = cancelOrderItem(next, id);
      // A pending airline change whose flights are now all cancelled was answered with this refund.
      return refundAnsweredChanges(withTotal(next), deps.now().toISOString());
    }, {
      type: committedType, clientId: actor, correlationId: request.correlationId,
      data: {
        ...(request.reason === undefined ? {} : { reason: request.reason }),
        idempotencyKey: request.key, orderItemIds: targets, wholeOrder: request.orderItemIds === undefined,
        penalty: quote.penalty, refundAmount: quote.refundAmount, currency: current.currency,
        refunds: refunds.map((r) => ({ paymentId: r.paymentId, amount: r.amount })),
      },
    }, { audit }));
  }

  if (settled) {
    const data = settled.data as { [key: string]: JsonValue };
    return {
      order, orderItemIds: plan.orderItemIds, currency: order.currency, penalty: plan.penalty, refundAmount: plan.refundAmount,
      refunds: ((data.refunds as RefundLine[] | undefined) ?? []).map((r) => ({ ...r })),
      voidedDocuments: (data.voidedDocuments as string[] | undefined) ?? [],
    };
  }

  const released = await steps.inventory('inventory.cancel', { orderId: order.orderId, requestKey: `${request.key}:cancel`, itemIds: plan.orderItemIds }, settleScope());
  const refunds: RefundLine[] = [];
  const fullyRefunded: string[] = [];
  for (const line of plan.refunds) {
    const refund = await steps.refund(line.paymentId, line.amount, request.key, settleScope());
    refunds.push({ paymentId: line.paymentId, amount: refund.amount, refundId: refund.refundId });
    const after = await steps.getAuthorisation(line.paymentId, settleScope());
    if (after.status === 'REFUNDED') fullyRefunded.push(line.paymentId);
  }
  const voidedDocuments = released.voidedDocuments.map((d) => d.number);
  const decided = order;
  order = await request.audit.write((audit) => updateLatest(deps, decided, clientId, (current) => ({
    ...current,
    payments: current.payments.map((p): OrderPayment => (fullyRefunded.includes(p.paymentId) ? { ...p, status: 'REFUNDED' } : p)),
  }), {
    type: refunds.length > 0 ? 'order.refunded' : 'order.inventory-released', clientId: actor, correlationId: request.correlationId,
    data: {
      idempotencyKey: request.key, orderItemIds: plan.orderItemIds, releasedItems: released.cancelled.length,
      voidedDocuments, currency: decided.currency,
      refunds: refunds.map((r) => ({ paymentId: r.paymentId, amount: r.amount, ...(r.refundId ? { refundId: r.refundId } : {}) })),
    },
  }, audit));
  logger.info({ orderId: order.orderId, cancelled: plan.orderItemIds.length, refunded: plan.refundAmount }, 'order items cancelled');
  return { order, orderItemIds: plan.orderItemIds, currency: order.currency, penalty: plan.penalty, refundAmount: plan.refundAmount, refunds, voidedDocuments };
}
