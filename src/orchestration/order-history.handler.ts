import type { OrderEvent } from '../orders/order-store.ts';
import type { CommandHandler } from '../queue/command-queue.ts';
import { requireClient } from './idempotent-request.ts';
import type { OrderHistoryCommand } from './order-commands.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';

export interface OrderHistoryResult {
  readonly orderId: string;
  /** Oldest first; each event names the version it produced. */
  readonly events: readonly Omit<OrderEvent, 'orderId'>[];
}

/** order.history: the order's audit trail (ORDER_NOT_FOUND for another client's order). */
export function createOrderHistoryHandler(deps: ResolvedDeps): CommandHandler {
  return async (payload, context) => {
    const command = payload as OrderHistoryCommand;
    const clientId = requireClient(context.meta);
    const events = await deps.store.history(command.orderId, clientId);
    const result: OrderHistoryResult = { orderId: command.orderId, events: events.map(({ orderId: _orderId, ...event }) => event) };
    return result;
  };
}
