import type { FareFamily } from '../contracts/airline/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { Order } from '../orders/one-order.ts';
import { assertOrderChangeable } from '../orders/one-order-rules.ts';
import type { CommandHandler } from '../queue/command-queue.ts';
import type { CallScope, DownstreamSteps } from './downstream-steps.ts';
import { requireClient } from './idempotent-request.ts';
import { quoteCancellation, resolveCancellation, type CancellationQuoteItem } from './order-cancellation.ts';
import type { OrderReshopCommand } from './order-commands.ts';
import { fromMinor, toMinor } from './order-money.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';

export interface RefundQuote {
  /** The items cancelling would cover: those asked for plus the ancillaries of passengers who no longer fly. */
  readonly orderItemIds: readonly string[];
  readonly items: readonly CancellationQuoteItem[];
  readonly penalty: number;
  readonly refundAmount: number;
  readonly fareFamily: FareFamily;
  readonly description: string;
}

export interface RepriceQuote {
  readonly previousTotal: number;
  readonly currentTotal: number;
  /** currentTotal - previousTotal. */
  readonly difference: number;
  readonly priceChanged: boolean;
  readonly items: readonly { readonly orderItemId: string; readonly previousTotal: number; readonly currentTotal: number }[];
}

export interface OrderReshopResult {
  /** The airline that owns the order (aggregator mode). */
  readonly owner?: string;
  readonly orderId: string;
  readonly version: number;
  readonly currency: string;
  readonly action: OrderReshopCommand['action'];
  readonly refundQuote?: RefundQuote;
  readonly repriceQuote?: RepriceQuote;
}

export async function loadOrder(deps: ResolvedDeps, orderId: string, clientId: string): Promise<Order> {
  const order = await deps.store.get(orderId, clientId);
  if (!order) throw new GatewayError('ORDER_NOT_FOUND', `Order ${orderId} is unknown`, [{ message: 'unknown order', path: '/orderId' }]);
  return order;
}

/** The order's flights at today's fares, from the airline; ancillaries keep their price. */
export async function repriceOrder(steps: DownstreamSteps, order: Order, scope: CallScope): Promise<RepriceQuote> {
  const quote = await steps.inventory('inventory.reprice', { orderId: order.orderId }, scope);
  return {
    previousTotal: quote.previousTotal,
    currentTotal: quote.currentTotal,
    difference: fromMinor(toMinor(quote.currentTotal, order.currency) - toMinor(quote.previousTotal, order.currency), order.currency),
    priceChanged: quote.priceChanged,
    items: quote.items.map((i) => ({ orderItemId: i.itemId, previousTotal: i.previous.total, currentTotal: i.current.total })),
  };
}

/**
 * order.reshop (OrderReshopRQ): quotes, never changes. CANCEL says what cancelling (some items
 * or all) would refund under the fare family's rules: a refundable fare gives everything back, a
 * non-refundable one its taxes; unpaid items refund nothing. REPRICE prices the flights again.
 * Accepting a quote is an order.change or order.cancel.
 */
export function createOrderReshopHandler(deps: ResolvedDeps, steps: DownstreamSteps): CommandHandler {
  return async (payload, context) => {
    const command = payload as OrderReshopCommand;
    const clientId = requireClient(context.meta);
    const order = await loadOrder(deps, command.orderId, clientId);
    const scope: CallScope = { correlationId: context.meta.correlationId, deadline: context.meta.deadline };
    const base = { ...(order.airline ? { owner: order.airline.owner } : {}), orderId: order.orderId, version: order.version, currency: order.currency, action: command.action };
    if (command.action === 'REPRICE') {
      assertOrderChangeable(order);
      const result: OrderReshopResult = { ...base, repriceQuote: await repriceOrder(steps, order, scope) };
      return result;
    }
    const targets = resolveCancellation(order, command.orderItemIds);
    const quote = await quoteCancellation(steps, order, targets, scope);
    const result: OrderReshopResult = {
      ...base,
      refundQuote: {
        orderItemIds: quote.orderItemIds, items: quote.items, penalty: quote.penalty, refundAmount: quote.refundAmount,
        fareFamily: quote.fareFamily, description: quote.description,
      },
    };
    return result;
  };
}

