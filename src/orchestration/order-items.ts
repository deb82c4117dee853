import type { FlightSelection, InventoryIssueResult, InventoryItem, SeatSelection, ServiceSelection } from '../contracts/airline/index.ts';
import type { Order, OrderContact, OrderDocument, OrderItem, OrderService } from '../orders/one-order.ts';
import { withDerivedStatus } from '../orders/one-order-rules.ts';
import type { SeatInput, ServiceInput } from './order-commands.ts';
import { amountDue, orderTotal, toItemPrice } from './order-money.ts';

/**
 * Order items and services: numbered within the order (`OI<n>`, `SV<n>`), so an item id is also
 * the airline's id for it, and the same request always plans the same ids on the same version.
 */

export interface ItemPlan {
  readonly flights: readonly FlightSelection[];
  readonly services: readonly ServiceSelection[];
  readonly seats: readonly (SeatSelection & { readonly itemId: string })[];
}

interface Counters {
  item: number;
  service: number;
}

function highest(ids: readonly string[], prefix: string): number {
  let max = 0;
  for (const id of ids) {
    if (!id.startsWith(prefix)) continue;
    const n = Number(id.slice(prefix.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return max;
}

/** The numbers after the highest item and service ids of the order (or 0 for a new one). */
export function countersAfter(order: Order | undefined): Counters {
  if (!order) return { item: 0, service: 0 };
  return {
    item: highest(order.items.map((i) => i.orderItemId), 'OI'),
    service: highest(order.items.flatMap((i) => i.services.map((s) => s.serviceId)), 'SV'),
  };
}

/** Gives every flight offer item, service and seat asked for its order item id, in that order. */
export function planItems(
  counters: Counters,
  input: { readonly offerItemIds?: readonly string[]; readonly services?: readonly ServiceInput[]; readonly seats?: readonly SeatInput[] },
): ItemPlan {
  const nextItem = (): string => `OI${(counters.item += 1)}`;
  return {
    flights: (input.offerItemIds ?? []).map((offerItemId) => ({ itemId: nextItem(), offerItemId })),
    services: (input.services ?? []).map((s) => ({ itemId: nextItem(), ...s })),
    seats: (input.seats ?? []).map((s) => ({ itemId: nextItem(), ...s })),
  };
}

/**
 * The order items of what the airline holds: one service per passenger and segment for flights
 * and per-journey ancillaries, one per seat. Services are confirmed; their delivery is
 * IN_PROGRESS until the ticket or EMD is issued, and their settlement PENDING until paid.
 */
export function toOrderItems(held: readonly InventoryItem[], flightOfferId: string | undefined, counters: Counters, plan: ItemPlan): OrderItem[] {
  const nextService = (): string => `SV${(counters.service += 1)}`;
  const pending = { delivery: { status: 'IN_PROGRESS' as const }, settlement: { status: 'PENDING' as const } };
  return held.map((item): OrderItem => {
    let services: OrderService[];
    let source: { offerId?: string; offerItemId?: string } = {};
    if (item.kind === 'FLIGHT') {
      services = item.paxIds.flatMap((paxId) => item.segmentIds.map((segmentId): OrderService => ({
        serviceId: nextService(), type: 'FLIGHT', status: 'CONFIRMED', paxId, segmentId, ...pending,
      })));
      source = { ...(flightOfferId ? { offerId: flightOfferId } : {}), ...(item.offerItemId ? { offerItemId: item.offerItemId } : {}) };
    } else if (item.kind === 'SEAT' && item.seat) {
      const seat = item.seat;
      services = [{
        serviceId: nextService(), type: 'SEAT', status: 'CONFIRMED', paxId: seat.paxId, segmentId: seat.segmentId,
        seat: { row: seat.row, column: seat.column }, ...(item.code ? { code: item.code } : {}), ...(item.name ? { name: item.name } : {}), ...pending,
      }];
    } else {
      const type = item.serviceType ?? 'BAGGAGE';
      services = item.paxIds.flatMap((paxId) => item.segmentIds.map((segmentId): OrderService => ({
        serviceId: nextService(), type, status: 'CONFIRMED', paxId, segmentId,
        ...(item.code ? { code: item.code } : {}), ...(item.name ? { name: item.name } : {}), ...pending,
      })));
      const selection = plan.services.find((s) => s.itemId === item.itemId);
      if (selection?.offerId && selection.offerItemId) source = { offerId: selection.offerId, offerItemId: selection.offerItemId };
    }
    return { orderItemId: item.itemId, ...source, status: 'ACTIVE', paxIds: [...item.paxIds], price: toItemPrice(item.price), services };
  });
}

/**
 * Records what the airline issued: the documents, each issued item's services ready to proceed
 * with their ticket or EMD number, settled (paid), and the payments given as SUCCESSFUL. The
 * payment time limit goes once nothing is due.
 */
export function applyDelivery(order: Order, issue: Pick<InventoryIssueResult, 'documents' | 'issued'>, settledAt: string, paidBy: readonly string[]): Order {
  const issued = new Set(issue.issued);
  const known = new Set(order.documents.map((d) => d.number));
  const documents: OrderDocument[] = [
    ...order.documents,
    ...issue.documents.filter((d) => !known.has(d.number)).map((d) => ({ type: d.type, number: d.number, paxId: d.paxId, orderItemIds: [...d.itemIds], issuedAt: d.issuedAt })),
  ];
  const numberFor = (paxId: string, itemId: string): string | undefined =>
    documents.find((d) => d.paxId === paxId && d.orderItemIds.includes(itemId))?.number;
  const items = order.items.map((item) => (!issued.has(item.orderItemId) ? item : {
    ...item,
    services: item.services.map((service): OrderService => {
      const documentNumber = numberFor(service.paxId, item.orderItemId);
      return {
        ...service,
        delivery: { status: 'READY_TO_PROCEED', ...(documentNumber ? { documentNumber } : {}) },
        settlement: { status: 'SETTLED', settledAt },
      };
    }),
  }));
  const payments = order.payments.map((p) => (paidBy.includes(p.paymentId) ? { ...p, status: 'SUCCESSFUL' as const } : p));
  const next: Order = { ...order, items, documents, payments };
  if (amountDue(next) === 0 && next.paymentTimeLimit !== undefined) {
    const { paymentTimeLimit: _done, ...rest } = next;
    return withDerivedStatus(rest);
  }
  return withDerivedStatus(next);
}

/** Replaces contacts with the same contactId and adds the others. */
export function upsertContacts(order: Order, contacts: readonly OrderContact[]): Order {
  const replaced = order.contacts.map((c) => contacts.find((n) => n.contactId === c.contactId) ?? c);
  const added = contacts.filter((n) => !order.contacts.some((c) => c.contactId === n.contactId));
  return { ...order, contacts: [...replaced, ...added] };
}

/** The order with its total brought in line with its active items. */
export function withTotal(order: Order): Order {
  return { ...order, totalPrice: orderTotal(order) };
}
