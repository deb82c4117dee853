import { isGatewayError } from '../errors/index.ts';
import type { JsonValue } from '../orders/json-value.ts';
import type { OrderStore } from '../orders/order-store.ts';

/** Event type of the order's history entry that says accounting was told of a sale. */
export const SALES_REPORTED_EVENT = 'order.sales-reported';

/** The internal actor the history entry names. */
export const NOTIFICATIONS_ACTOR = 'gateway.notifications';

/**
 * Records on the order that accounting acknowledged the sale: a new version with an
 * `order.sales-reported` event `{ deliveryId, documents }`. The record itself is unchanged. A
 * concurrent writer makes the update conflict; it is tried again on the version that won.
 */
export async function recordSalesReported(orders: OrderStore, orderId: string, deliveryId: string, documents: JsonValue | undefined, attempts = 5): Promise<void> {
  const owner = await orders.ownerOf(orderId);
  if (owner === undefined) return;
  for (let attempt = 1; ; attempt++) {
    try {
      await orders.update(orderId, owner, undefined, (order) => order, {
        type: SALES_REPORTED_EVENT,
        clientId: NOTIFICATIONS_ACTOR,
        data: { deliveryId, documents: documents ?? [] },
      });
      return;
    } catch (error) {
      if (!(isGatewayError(error) && error.code === 'ORDER_VERSION_CONFLICT') || attempt >= attempts) throw error;
    }
  }
}
