import { GatewayError } from '../errors/index.ts';
import { toOrderView, type OrderView } from '../orchestration/index.ts';
import { deliverService, settleService, type Order, type OrderService, type OrderStore } from '../orders/index.ts';

/**
 * Delivery and settlement of services, for the REST routes `/{id}/deliver` and `/{id}/settle`.
 * These are record keeping only (no airline or payment call), so they are composed here from the
 * ONE Order rules (`deliverService`, `settleService`) inside `OrderStore.update`: each call is one
 * new version with one event, and the rules close the order once every active service is
 * delivered and settled.
 */

/** Which services: the listed ones, or every active one not done yet. */
export type ServiceSelection = { readonly serviceIds: readonly string[] } | { readonly all: true };

export interface FulfilmentRequest {
  readonly orderId: string;
  readonly clientId: string;
  readonly correlationId: string;
  readonly selection: ServiceSelection;
  /** The version the caller saw; another one is ORDER_VERSION_CONFLICT. */
  readonly expectedVersion?: number;
}

interface FulfilmentKind {
  /** Already done: asking again changes nothing. */
  readonly isDone: (service: OrderService) => boolean;
  readonly apply: (order: Order, serviceId: string, at: string) => Order;
  readonly event: string;
}

const DELIVERY: FulfilmentKind = {
  isDone: (service) => service.delivery.status === 'DELIVERED',
  apply: (order, serviceId, at) => deliverService(order, serviceId, { deliveredAt: at }),
  event: 'order.services-delivered',
};

const SETTLEMENT: FulfilmentKind = {
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

/** Attempts when the caller named no version and another writer got in between the read and the write. */
const UNVERSIONED_ATTEMPTS = 3;

async function fulfil(store: OrderStore, request: FulfilmentRequest, kind: FulfilmentKind): Promise<OrderView> {
  const { orderId, clientId } = request;
  for (let attempt = 1; ; attempt += 1) {
    const order = await store.get(orderId, clientId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND', `Order ${orderId} is unknown`, [{ message: 'unknown order', path: '/orderId' }]);
    if (request.expectedVersion !== undefined && order.version !== request.expectedVersion) {
      throw new GatewayError('ORDER_VERSION_CONFLICT', `Order ${orderId} is at version ${order.version}, not ${request.expectedVersion}`);
    }
    const targets = pending(order, request.selection, kind);
    // Asking again for what is done answers the order as it is: no new version, no event.
    if (targets.length === 0) return toOrderView(order);
    const at = new Date().toISOString();
    try {
      // Written only over the version just read, so `targets` are exactly what this write does.
      const updated = await store.updateFrom(order,
        (current) => targets.reduce((next, serviceId) => kind.apply(next, serviceId, at), current),
        { type: kind.event, clientId, correlationId: request.correlationId, data: { serviceIds: targets, at } });
      return toOrderView(updated);
    } catch (error) {
      const raced = error instanceof GatewayError && error.code === 'ORDER_VERSION_CONFLICT';
      if (!raced || request.expectedVersion !== undefined || attempt >= UNVERSIONED_ATTEMPTS) throw error;
    }
  }
}

/** Marks the selected services delivered. @throws GatewayError ORDER_NOT_FOUND, ORDER_VERSION_CONFLICT, ORDER_NOT_CHANGEABLE, INVALID_BUSINESS_DATA */
export function deliverServices(store: OrderStore, request: FulfilmentRequest): Promise<OrderView> {
  return fulfil(store, request, DELIVERY);
}

/** Records order-based settlement of the selected services. @throws like {@link deliverServices} */
export function settleServices(store: OrderStore, request: FulfilmentRequest): Promise<OrderView> {
  return fulfil(store, request, SETTLEMENT);
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
