import type { CardBrand } from '../../security/card-data.ts';

/**
 * The payment service API, as schemas/payment/ defines it. The gateway's payment client and the
 * reference service share these types; a production PSP adapter answers the same shapes.
 */

/** Card data sent once, to be exchanged for a token. Never stored or logged by the gateway. */
export interface CardInput {
  /** 12–19 digits; spaces and hyphens are allowed. */
  readonly cardNumber: string;
  /** `MM/YY` or `YYYY-MM`. */
  readonly expiry: string;
  readonly cvv: string;
  readonly holderName: string;
}

/** What the gateway may keep about a card: the token and its masked number. */
export interface CardToken {
  readonly token: string;
  /** `************1111`, or `411111XXXXXX1111` when the service shows the BIN. */
  readonly maskedNumber: string;
  readonly brand: CardBrand | 'UNKNOWN';
  /** `YYYY-MM`. */
  readonly expiry: string;
}

export interface AuthorisationRequest {
  readonly token: string;
  /** Major units, with at most the currency's ISO 4217 decimals. */
  readonly amount: number;
  readonly currency: string;
  /** The order id. */
  readonly reference: string;
  /** Unique per intended charge: a repeat with the same key returns the first authorisation and never charges twice. */
  readonly idempotencyKey: string;
}

export type AuthorisationStatus = 'AUTHORISED' | 'DECLINED' | 'VOIDED' | 'CAPTURED' | 'REFUNDED';

export type DeclineReason = 'CARD_DECLINED' | 'INSUFFICIENT_FUNDS' | 'EXPIRED_CARD' | 'AMOUNT_LIMIT_EXCEEDED';

export interface Authorisation {
  readonly authorisationId: string;
  /** AUTHORISED or DECLINED when created; then VOIDED, CAPTURED, and REFUNDED once all is given back. */
  readonly status: AuthorisationStatus;
  readonly declineReason?: DeclineReason;
  /** The issuer's approval code, for AUTHORISED and what follows it. */
  readonly authorisationCode?: string;
  readonly amount: number;
  readonly currency: string;
  readonly reference: string;
  readonly maskedNumber: string;
  readonly brand: CardBrand | 'UNKNOWN';
  readonly capturedAmount: number;
  readonly refundedAmount: number;
  /** ISO 8601 instant. */
  readonly createdAt: string;
}

export interface RefundRequest {
  readonly authorisationId: string;
  readonly amount: number;
  /** With a key a repeat returns the first refund; without one every call refunds again. */
  readonly idempotencyKey?: string;
}

export interface Refund {
  readonly refundId: string;
  readonly authorisationId: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: 'REFUNDED';
  readonly createdAt: string;
}

/** Codes of the service's `{ error: { code, message, details } }` answers, with their HTTP status. */
export const PAYMENT_ERROR_STATUS = {
  INVALID_REQUEST: 400,
  INVALID_CARD_NUMBER: 400,
  INVALID_CVV: 400,
  INVALID_AMOUNT: 400,
  TOKEN_NOT_FOUND: 404,
  AUTHORISATION_NOT_FOUND: 404,
  NOT_FOUND: 404,
  IDEMPOTENCY_KEY_REUSED: 409,
  INVALID_STATE: 409,
  BODY_TOO_LARGE: 413,
  REFUND_EXCEEDS_CAPTURED: 422,
  INTERNAL_ERROR: 500,
  PROCESSING_ERROR: 503,
} as const;

export type PaymentErrorCode = keyof typeof PAYMENT_ERROR_STATUS;
