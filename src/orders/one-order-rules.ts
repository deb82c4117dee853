import { GatewayError } from '../errors/index.ts';
import type { Order, OrderItem, OrderService, OrderStatus } from './one-order.ts';

/**
 * The ONE Order status rules, as pure functions that return a new record. Workers compose them
 * inside `OrderStore.update`, so every status change is versioned and leaves an event.
 */

/** A service needs nothing more from anyone once it is cancelled, or delivered and settled. */
export function isServiceFinished(service: OrderService): boolean {
  if (service.status === 'CANCELLED') return true;
  return service.delivery.status === 'DELIVERED' && service.settlement?.status === 'SETTLED';
}

function isItemFinished(item: OrderItem): boolean {
  if (item.status === 'CANCELLED') return true;
  return item.services.length > 0 && item.services.every(isServiceFinished);
}

/**
 * An order CLOSES when every item is cancelled or has every service delivered and settled.
 * CLOSED is final: nothing reopens a closed order. An order without items stays OPENED.
 */
export function deriveOrderStatus(order: Order): OrderStatus {
  if (order.status === 'CLOSED') return 'CLOSED';
  return order.items.length > 0 && order.items.every(isItemFinished) ? 'CLOSED' : 'OPENED';
}

/** The record with its status brought in line with its items. */
export function withDerivedStatus(order: Order): Order {
  const status = deriveOrderStatus(order);
  return status === order.status ? order : { ...order, status };
}

/** Throws ORDER_NOT_CHANGEABLE for a closed order: a finished order is an audit record. */
export function assertOrderChangeable(order: Order): void {
  if (order.status === 'CLOSED') throw new GatewayError('ORDER_NOT_CHANGEABLE', `Order ${order.orderId} is closed`);
}

function findItem(order: Order, orderItemId: string): OrderItem {
  const item = order.items.find((i) => i.orderItemId === orderItemId);
  if (!item) throw new GatewayError('INVALID_BUSINESS_DATA', `Order ${order.orderId} has no item ${orderItemId}`);
  return item;
}

function cancelService(service: OrderService): OrderService {
  return { ...service, status: 'CANCELLED', delivery: { ...service.delivery, status: 'CANCELLED' } };
}

function cancelItem(order: Order, item: OrderItem): OrderItem {
  if (item.status === 'CANCELLED') return item;
  const delivered = item.services.find((s) => s.delivery.status === 'DELIVERED');
  if (delivered) {
    throw new GatewayError('ORDER_NOT_CHANGEABLE', `Item ${item.orderItemId} of order ${order.orderId} has a delivered service (${delivered.serviceId})`);
  }
  return { ...item, status: 'CANCELLED', services: item.services.map(cancelService) };
}

/**
 * Cancels one item with its services and their deliveries; the order closes if nothing else is
 * left open. An item with a delivered service cannot be cancelled (it has been flown or used).
 */
export function cancelOrderItem(order: Order, orderItemId: string): Order {
  assertOrderChangeable(order);
  const target = findItem(order, orderItemId);
  return withDerivedStatus({ ...order, items: order.items.map((item) => (item === target ? cancelItem(order, item) : item)) });
}

/** Cancels every item that is still active, which closes the order. */
export function cancelOrder(order: Order): Order {
  assertOrderChangeable(order);
  return withDerivedStatus({ ...order, items: order.items.map((item) => cancelItem(order, item)) });
}

function changeService(order: Order, serviceId: string, change: (service: OrderService) => OrderService): Order {
  assertOrderChangeable(order);
  let found = false;
  const items = order.items.map((item) => {
    if (!item.services.some((s) => s.serviceId === serviceId)) return item;
    found = true;
    return { ...item, services: item.services.map((s) => (s.serviceId === serviceId ? change(s) : s)) };
  });
  if (!found) throw new GatewayError('INVALID_BUSINESS_DATA', `Order ${order.orderId} has no service ${serviceId}`);
  return withDerivedStatus({ ...order, items });
}

function assertNotCancelled(order: Order, service: OrderService): void {
  if (service.status === 'CANCELLED') {
    throw new GatewayError('ORDER_NOT_CHANGEABLE', `Service ${service.serviceId} of order ${order.orderId} is cancelled`);
  }
}

/** Marks a service delivered (ticket or EMD issued, seat assigned...); closes the order when it was the last open one. */
export function deliverService(order: Order, serviceId: string, delivery: { readonly deliveredAt: string; readonly documentNumber?: string }): Order {
  return changeService(order, serviceId, (service) => {
    assertNotCancelled(order, service);
    return { ...service, delivery: { ...service.delivery, ...delivery, status: 'DELIVERED' } };
  });
}

/** Marks a service settled (paid to the airline); closes the order when it was the last open one. */
export function settleService(order: Order, serviceId: string, settledAt: string): Order {
  return changeService(order, serviceId, (service) => {
    assertNotCancelled(order, service);
    return { ...service, settlement: { status: 'SETTLED', settledAt } };
  });
}
