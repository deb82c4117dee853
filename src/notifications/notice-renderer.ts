import type { JsonValue } from '../orders/json-value.ts';
import type { AirlineChange, Order } from '../orders/one-order.ts';
import type { NoticeType } from '../orders/order-notices.ts';

/** Who a delivery goes to: the seller that owns the order, or the airline's accounting. */
export type DeliveryTargetKind = 'seller' | 'accounting';

/**
 * A notice as the delivery sends it: the outbox row (src/orders/order-notices.ts) with the order
 * as it is when the body is built. The order may be newer than `orderVersion` (a later change
 * committed first); the body says both.
 */
export interface NoticeContent {
  /** The delivery id: stable across retries and redeliveries, what the receiver de-duplicates on. */
  readonly eventId: string;
  readonly type: NoticeType;
  /** ISO 8601 instant the change was written. */
  readonly createdAt: string;
  /** The version of the order the change produced. */
  readonly orderVersion: number;
  /** The notice's own data, e.g. `{ changeId }` or `{ documents }`. */
  readonly data: { readonly [key: string]: JsonValue };
  /** The order record as stored now (owner and payment tokens included: never send it raw). */
  readonly order: Order;
  /** Set for `order.airline_initiated_change`: the change `data.changeId` names, from `order.airlineChanges`. */
  readonly airlineChange?: AirlineChange;
}

/** The NDC message a subscription asks for. */
export interface NdcRenderTarget {
  readonly format: 'ndc';
  /** NDC version, e.g. `21.3` or `17.2`. */
  readonly version: string;
  /** seller: OrderChangeNotifRQ (17.2: its notification message); accounting: OrderSalesInformationNotifRQ. */
  readonly kind: DeliveryTargetKind;
}

export interface RenderedNotice {
  readonly body: string;
  readonly contentType: string;
}

/**
 * Builds NDC notification bodies for the delivery (implemented in the NDC messages module). The
 * delivery calls it for subscriptions with `format: ndc`; for JSON it builds the body itself
 * (see `buildJsonNotice`).
 */
export interface NoticeRenderer {
  /**
   * The body of `content` in the target's message and version, XSD-valid, or undefined when that
   * version cannot carry the notice (e.g. no such message in the version, or a notice type the
   * message has no place for): the delivery then sends the JSON body instead.
   */
  render(content: NoticeContent, target: NdcRenderTarget): RenderedNotice | undefined;
  /**
   * Whether the receiver's answer to an NDC notification acknowledges it (e.g. an
   * IATA_Acknowledgement without errors). Called only for 2xx answers; false means retry.
   */
  acknowledged(status: number, body: string, contentType: string): boolean;
}
