import type { OrderContact, OrderPassenger, OrderStatus } from '../orders/one-order.ts';

/**
 * TypeScript view of the order commands in schemas/commands/order.*.json. The schemas are the
 * source of truth; these types describe payloads after they have been validated against them.
 */

/**
 * A card as the edge hands it over: the request mapping writes `card` in clear and the gateway
 * exchanges it at the payment service before the command is checked and queued, so a command only
 * ever holds the token and the masked number (schemas/commands/README.md, "Card data").
 */
export interface TokenisedCard {
  readonly token: string;
  readonly maskedNumber: string;
  /** The payment service's brand name, e.g. VISA. */
  readonly brand?: string;
  /** YYYY-MM. */
  readonly expiry?: string;
}

export interface PaymentInput {
  readonly card: TokenisedCard;
  readonly holderName?: string;
  /** The amount the seller expects to pay; refused with OFFER_PRICE_CHANGED when the order costs something else. */
  readonly amount?: number;
}

/** An ancillary from the service list: an a-la-carte offer item, or a service code with the segments it covers. */
export interface ServiceInput {
  readonly paxIds: readonly string[];
  readonly code?: string;
  readonly segmentIds?: readonly string[];
  readonly offerId?: string;
  readonly offerItemId?: string;
}

export interface SeatInput {
  readonly paxId: string;
  readonly segmentId: string;
  readonly row: number;
  readonly column: string;
}

export interface OrderCreateCommand {
  /** Sender + message id: a repeat of the request returns the first answer and never makes a second order. */
  readonly idempotencyKey: string;
  /** The airline that owns the offer (OwnerCode); an aggregator prices and holds it there. */
  readonly owner?: string;
  readonly offerId: string;
  /** @defaultValue every item of the offer */
  readonly offerItemIds?: readonly string[];
  /** The total the seller accepted (from OfferPriceRS); a different price now is OFFER_PRICE_CHANGED. */
  readonly expectedTotal?: { readonly total: number; readonly currency: string };
  readonly passengers: readonly OrderPassenger[];
  readonly contacts?: readonly OrderContact[];
  readonly services?: readonly ServiceInput[];
  readonly seats?: readonly SeatInput[];
  /** Absent for a hold booking: the order is created unpaid, with a payment time limit. */
  readonly payment?: PaymentInput;
}

export interface OrderChangeCommand {
  readonly idempotencyKey: string;
  readonly orderId: string;
  /** The version the change was based on; another one is ORDER_VERSION_CONFLICT. */
  readonly expectedVersion?: number;
  readonly addServices?: readonly ServiceInput[];
  readonly addSeats?: readonly SeatInput[];
  /** Contacts replaced by contactId, or added. */
  readonly contacts?: readonly OrderContact[];
  /** Pays what is due (a hold booking and/or what is added); without it, additions to a paid order use its card. */
  readonly payment?: PaymentInput;
  readonly cancelOrderItemIds?: readonly string[];
  readonly cancelOrder?: boolean;
  /** Accepts the airline's pending changes to the order's flights; sent alone. */
  readonly acceptAirlineChange?: true;
}

export interface OrderCancelCommand {
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly expectedVersion?: number;
  /** @defaultValue the whole order */
  readonly orderItemIds?: readonly string[];
}

export interface OrderRetrieveCommand {
  readonly orderId?: string;
  readonly bookingReference?: string;
}

export interface OrderListCommand {
  readonly createdFrom?: string;
  readonly createdTo?: string;
  readonly status?: OrderStatus;
  readonly paxSurname?: string;
  readonly bookingReference?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface OrderHistoryCommand {
  readonly orderId: string;
}

export interface OrderReshopCommand {
  readonly orderId: string;
  /** CANCEL: what cancelling would refund. REPRICE: the order at today's fares. */
  readonly action: 'CANCEL' | 'REPRICE';
  /** @defaultValue the whole order */
  readonly orderItemIds?: readonly string[];
}

export interface OrderQuoteCommand {
  readonly orderId: string;
}
