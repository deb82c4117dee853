import type { Logger } from '../log/logger.ts';
import type { OrderView } from '../orchestration/index.ts';
import { deliverService, settleService, type Order, type OrderService, type OrderStore } from '../orders/index.ts';
import { changeRecord, type RecordChangeRequest } from './one-order-record-change.ts';

/**
 * Delivery and settlement of services, for the REST routes `/{id}/deliver` and `/{id}/settle`.
 * These are record keeping only (no airline or payment call), so they are composed here from the
 * ONE Order rules (`deliverService`, `settleService`) as a record change (one-order-record-change.ts):
 * each call is one new version with one event and its audit row, and the rules close the order
 * once every active service is delivered and settled.
 */

/** Which services: the listed ones, or every active one not done yet. */
export type ServiceSelection = { readonly serviceIds: readonly string[] } | { readonly all: true };

export interface FulfilmentRequest extends RecordChangeRequest {
  readonly selection: ServiceSelection;
}

interface FulfilmentKind {
  /** The REST operation, as the audit trail names it. */
  readonly operation: string;
  /** Already done: asking again changes nothing. */
  readonly isDone: (service: OrderService) => boolean;
  readonly apply: (order: Order, serviceId: string, at: string) => Order;
  readonly event: string;
}

const DELIVERY: FulfilmentKind = {
  operation: 'one-order.deliver',
  isDone: (service) => service.delivery.status === 'DELIVERED',
  apply: (order, serviceId, at) => deliverService(order, serviceId, { deliveredAt: at }),
  event: 'order.services-delivered',
};

const SETTLEMENT: FulfilmentKind = {
  operation: 'one-order.settle',
  isDone: (service) => service.settlement?.status === 'SETTLED',
  apply: (order, serviceId, at) => settleService(order, serviceId, at),
  event: 'order.services-settled',
};

/**
 * The services still to do. `all` skips cancelled services; a listed service that is cancelled
 * or unknown stays in, so the rules refuse it by name.
 */
function pending(order: Order, selection: ServiceSelection, kind: FulfilmentKind): string[] {
  const services = order.items.flatMap((item) => item.services);
  if ('all' in selection) return services.filter((s) => s.status !== 'CANCELLED' && !kind.isDone(s)).map((s) => s.serviceId);
  return selection.serviceIds.filter((id) => {
    const service = services.find((s) => s.serviceId === id);
    return !service || service.status === 'CANCELLED' || !kind.isDone(service);
  });
}

function fulfil(store: OrderStore, request: FulfilmentRequest, logger: Logger, kind: FulfilmentKind): Promise<OrderView> {
  return changeRecord(store, kind.operation, request, logger, (order) => {
    const targets = pending(order, request.selection, kind);
    // Asking again for what is done answers the order as it is: no new version, no event.
    if (targets.length === 0) return undefined;
    const at = new Date().toISOString();
    // Written only over the version just read, so `targets` are exactly what this write does.
    return { change: (current) => targets.reduce((next, serviceId) => kind.apply(next, serviceId, at), current), event: kind.event, data: { serviceIds: targets, at } };
  });
}

/** Marks the selected services delivered. @throws GatewayError ORDER_NOT_FOUND, ORDER_VERSION_CONFLICT, ORDER_NOT_CHANGEABLE, INVALID_BUSINESS_DATA */
export function deliverServices(store: OrderStore, request: FulfilmentRequest, logger: Logger): Promise<OrderView> {
  return fulfil(store, request, logger, DELIVERY);
}

/** Records order-based settlement of the selected services. @throws like {@link deliverServices} */
export function settleServices(store: OrderStore, request: FulfilmentRequest, logger: Logger): Promise<OrderView> {
  return fulfil(store, request, logger, SETTLEMENT);
}

/** What `GET /{id}/status` answers: every status of the order, and the version to change it at. */
export interface OrderStatusView {
  readonly orderId: string;
  readonly bookingReference: string;
  readonly status: OrderView['status'];
  readonly version: number;
  readonly amountDue: number;
  readonly items: readonly {
    readonly orderItemId: string;
    readonly status: OrderView['items'][number]['status'];
    readonly services: readonly (Pick<OrderService, 'serviceId' | 'type' | 'paxId' | 'segmentId' | 'status' | 'delivery'> & {
      readonly settlement: NonNullable<OrderService['settlement']>;
    })[];
  }[];
  readonly payments: readonly { readonly paymentId: string; readonly status: string; readonly amount: number; readonly currency: string }[];
}

/** The statuses of an order view; a service without a settlement record is PENDING. */
export function toOrderStatusView(order: OrderView): OrderStatusView {
  return {
    orderId: order.orderId,
    bookingReference: order.bookingReference,
    status: order.status,
    version: order.version,
    amountDue: order.amountDue,
    items: order.items.map((item) => ({
      orderItemId: item.orderItemId,
      status: item.status,
      services: item.services.map((s) => ({
        serviceId: s.serviceId, type: s.type, paxId: s.paxId, ...(s.segmentId !== undefined ? { segmentId: s.segmentId } : {}),
        status: s.status, delivery: s.delivery, settlement: s.settlement ?? { status: 'PENDING' },
      })),
    })),
    payments: order.payments.map((p) => ({ paymentId: p.paymentId, status: p.status, amount: p.amount, currency: p.currency })),
  };
}
