import { GatewayError } from '../errors/index.ts';
import type { CommandHandler } from '../queue/command-queue.ts';
import { requireClient } from './idempotent-request.ts';
import type { OrderRetrieveCommand } from './order-commands.ts';
import { toOrderView, type OrderView } from './order-view.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';

export interface OrderRetrieveResult {
  readonly order: OrderView;
}

/**
 * order.retrieve (OrderRetrieveRQ): the order by id or booking reference. The store only answers
 * the owner, so another client's order is ORDER_NOT_FOUND, exactly like one that never existed.
 */
export function createOrderRetrieveHandler(deps: ResolvedDeps): CommandHandler {
  return async (payload, context) => {
    const command = payload as OrderRetrieveCommand;
    const clientId = requireClient(context.meta);
    const order = command.orderId !== undefined
      ? await deps.store.get(command.orderId, clientId)
      : command.bookingReference !== undefined ? await deps.store.findByBookingReference(command.bookingReference, clientId) : undefined;
    if (!order) {
      throw new GatewayError('ORDER_NOT_FOUND', `Order ${command.orderId ?? command.bookingReference ?? ''} is unknown`,
        [{ message: 'unknown order', path: command.orderId !== undefined ? '/orderId' : '/bookingReference' }]);
    }
    if (command.orderId !== undefined && command.bookingReference !== undefined && order.bookingReference !== command.bookingReference.trim().toUpperCase()) {
      throw new GatewayError('ORDER_NOT_FOUND', `Order ${command.orderId} has another booking reference`, [{ message: 'booking reference does not match', path: '/bookingReference' }]);
    }
    const result: OrderRetrieveResult = { order: toOrderView(order) };
    return result;
  };
}
