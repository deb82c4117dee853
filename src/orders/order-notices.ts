import type { JsonValue } from './json-value.ts';
import type { Order } from './one-order.ts';
import type { NewEvent } from './order-store.ts';

/**
 * What happened to an order that somebody outside the gateway must hear of: the seller that owns
 * the order (a webhook or an NDC notification) and the airline's accounting. The store writes a
 * notice in the same statement as the change that caused it, so a change that committed cannot
 * lack its notice; the notifications module delivers it from there (an outbox).
 */
export const NOTICE_TYPES = [
  'order.airline_initiated_change',
  'order.ticketed',
  'order.cancelled',
  'order.hold_expired',
  'order.service_delivered',
  /** A sale to report to accounting: tickets or EMDs issued against a successful payment. */
  'order.sales_reported',
] as const;

export type NoticeType = (typeof NOTICE_TYPES)[number];

/** A notice as a write produces it; the store adds the order, its owner, version and time. */
export interface NewNotice {
  readonly type: NoticeType;
  readonly data: { readonly [key: string]: JsonValue };
}

/** Event types of changes that the notices name by what they are rather than by their effect. */
export const AIRLINE_CHANGE_EVENT = 'order.airline-change';
export const HOLD_EXPIRED_EVENT = 'order.hold-expired';
export const SERVICES_DELIVERED_EVENT = 'order.services-delivered';

const allCancelled = (order: Order): boolean => order.items.length > 0 && order.items.every((item) => item.status === 'CANCELLED');

/**
 * The notices a change of an order produces (`before` is undefined for a new order). A pure
 * function of the two versions and the event, so every writer gets the same notices without
 * saying so.
 */
export function noticesFor(before: Order | undefined, after: Order, event: NewEvent): NewNotice[] {
  const notices: NewNotice[] = [];
  if (event.type === AIRLINE_CHANGE_EVENT) notices.push({ type: 'order.airline_initiated_change', data: event.data?.['changeId'] !== undefined ? { changeId: event.data['changeId'] } : {} });
  const known = new Set(before?.documents.map((d) => d.number) ?? []);
  const issued = after.documents.filter((d) => !known.has(d.number)).map((d) => d.number);
  if (issued.length > 0) {
    notices.push({ type: 'order.ticketed', data: { documents: issued } });
    if (after.payments.some((p) => p.status === 'SUCCESSFUL')) notices.push({ type: 'order.sales_reported', data: { documents: issued } });
  }
  if (event.type === HOLD_EXPIRED_EVENT) notices.push({ type: 'order.hold_expired', data: {} });
  else if (allCancelled(after) && !(before && allCancelled(before))) notices.push({ type: 'order.cancelled', data: {} });
  if (event.type === SERVICES_DELIVERED_EVENT) notices.push({ type: 'order.service_delivered', data: event.data?.['serviceIds'] !== undefined ? { serviceIds: event.data['serviceIds'] } : {} });
  return notices;
}
