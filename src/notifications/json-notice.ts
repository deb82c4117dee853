import { toOrderView, type OrderView } from '../orchestration/order-view.ts';
import type { JsonValue } from '../orders/json-value.ts';
import type { NoticeType } from '../orders/order-notices.ts';
import type { NoticeContent, RenderedNotice } from './notice-renderer.ts';

/** The JSON webhook body (docs/notifications.md). */
export interface JsonNotice {
  /** The event id: the same on every retry and redelivery. */
  readonly id: string;
  readonly type: NoticeType;
  readonly createdAt: string;
  readonly orderId: string;
  readonly bookingReference: string;
  /** The version of the order the change produced; `order.version` may be later. */
  readonly orderVersion: number;
  readonly data: { readonly [key: string]: JsonValue };
  /** The order as the REST API shows it now (no owner, no payment tokens). */
  readonly order: OrderView;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function buildJsonNotice(content: NoticeContent): JsonNotice {
  return {
    id: content.eventId,
    type: content.type,
    createdAt: content.createdAt,
    orderId: content.order.orderId,
    bookingReference: content.order.bookingReference,
    orderVersion: content.orderVersion,
    data: content.data,
    order: toOrderView(content.order),
  };
}

export function renderJsonNotice(content: NoticeContent): RenderedNotice {
  return { body: JSON.stringify(buildJsonNotice(content)), contentType: JSON_CONTENT_TYPE };
}
