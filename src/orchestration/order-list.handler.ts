import type { OrderListFilter, OrderSummary } from '../orders/order-store.ts';
import type { CommandHandler } from '../queue/command-queue.ts';
import { requireClient } from './idempotent-request.ts';
import type { OrderListCommand } from './order-commands.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';

export interface OrderListResult {
  readonly orders: readonly OrderSummary[];
  readonly limit: number;
  readonly offset: number;
}

const DEFAULT_LIMIT = 50;

/** order.list: the client's own orders, newest first, filtered and paged by the store. */
export function createOrderListHandler(deps: ResolvedDeps): CommandHandler {
  return async (payload, context) => {
    const command = payload as OrderListCommand;
    const clientId = requireClient(context.meta);
    const filter: OrderListFilter = { ...command, limit: command.limit ?? DEFAULT_LIMIT, offset: command.offset ?? 0 };
    const orders = await deps.store.list(clientId, filter);
    const result: OrderListResult = { orders, limit: filter.limit ?? DEFAULT_LIMIT, offset: filter.offset ?? 0 };
    return result;
  };
}
