import { assertOrderChangeable } from '../orders/one-order-rules.ts';
import type { CommandHandler } from '../queue/command-queue.ts';
import type { CallScope, DownstreamSteps } from './downstream-steps.ts';
import { requireClient } from './idempotent-request.ts';
import type { OrderQuoteCommand } from './order-commands.ts';
import { amountDue } from './order-money.ts';
import { loadOrder, repriceOrder, type RepriceQuote } from './order-reshop.handler.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';

export interface OrderQuoteResult {
  /** The airline that owns the order (aggregator mode). */
  readonly owner?: string;
  readonly orderId: string;
  readonly version: number;
  readonly currency: string;
  /** What paying the order now costs: the held price, guaranteed until the payment time limit. */
  readonly amountDue: number;
  readonly paymentTimeLimit?: string;
  /** The flights at today's fares, for comparison. */
  readonly repriceQuote: RepriceQuote;
}

/**
 * order.quote (OrderQuoteRQ): what a held order costs to pay now, and its flights repriced. The
 * airline keeps the held price until the payment time limit, so the amount due does not move
 * with today's fares; a client that wants them cancels and books again.
 */
export function createOrderQuoteHandler(deps: ResolvedDeps, steps: DownstreamSteps): CommandHandler {
  return async (payload, context) => {
    const command = payload as OrderQuoteCommand;
    const clientId = requireClient(context.meta);
    const order = await loadOrder(deps, command.orderId, clientId);
    assertOrderChangeable(order);
    const scope: CallScope = { correlationId: context.meta.correlationId, deadline: context.meta.deadline };
    const result: OrderQuoteResult = {
      ...(order.airline ? { owner: order.airline.owner } : {}),
      orderId: order.orderId, version: order.version, currency: order.currency, amountDue: amountDue(order),
      ...(order.paymentTimeLimit ? { paymentTimeLimit: order.paymentTimeLimit } : {}),
      repriceQuote: await repriceOrder(steps, order, scope),
    };
    return result;
  };
}
