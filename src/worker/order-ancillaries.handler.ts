import type { InventoryCommandName, InventoryOfferQuery, OfferCommandName, PostShoppingCommand } from '../contracts/airline/index.ts';
import { GatewayError } from '../errors/index.ts';
import { requireClient } from '../orchestration/idempotent-request.ts';
import { assertOrderChangeable } from '../orders/one-order-rules.ts';
import type { OrderStore } from '../orders/order-store.ts';
import type { CommandHandler } from '../queue/index.ts';
import type { AirlineCaller } from './airline-caller.ts';

/** The commands that list what can be added to an offer or an order, and the inventory command that answers them for an order. */
const BY_ORDER = {
  'service.list': 'inventory.services',
  'seat.availability': 'inventory.seats',
} as const satisfies Partial<Record<OfferCommandName, InventoryCommandName>>;

/** Turns the command's order form into the inventory query: the passengers by id, as the order knows their types. */
function orderQuery(orderId: string, command: PostShoppingCommand): InventoryOfferQuery {
  return {
    orderId,
    ...(command.segmentIds ? { segmentIds: command.segmentIds } : {}),
    ...(command.passengers ? { paxIds: command.passengers.map((p) => p.id) } : {}),
    ...(command.currency ? { currency: command.currency } : {}),
  };
}

/**
 * service.list and seat.availability (ServiceListRQ, SeatAvailabilityRQ). For an offer they are
 * forwarded to the airline as they are. For an order, which is how agencies add bags and seats
 * after booking, the order must be the client's and still open (another client's order is
 * ORDER_NOT_FOUND, as if it did not exist); the airline then answers from its booking of that
 * order (inventory.services, inventory.seats). The answer is an a-la-carte offer made for the
 * order's flights, so an OrderChangeRQ accepting its items adds them to the order.
 */
export function createOrderAncillaryHandlers(deps: { readonly store: OrderStore; readonly airline: AirlineCaller }): Map<string, CommandHandler> {
  const handlerOf = (command: keyof typeof BY_ORDER): CommandHandler => async (payload, { meta }) => {
    const scope = { correlationId: meta.correlationId, deadline: meta.deadline };
    const asked = payload as PostShoppingCommand;
    if (asked.orderId === undefined) return deps.airline.call(command, payload, scope);
    const order = await deps.store.get(asked.orderId, requireClient(meta));
    if (!order) throw new GatewayError('ORDER_NOT_FOUND', `Order ${asked.orderId} is unknown`, [{ message: 'unknown order', path: '/orderId' }]);
    assertOrderChangeable(order);
    return deps.airline.call(BY_ORDER[command], orderQuery(order.orderId, asked), scope);
  };
  return new Map(Object.keys(BY_ORDER).map((command) => [command, handlerOf(command as keyof typeof BY_ORDER)]));
}
