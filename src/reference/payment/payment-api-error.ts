import type { ErrorDetail } from '../../errors/index.ts';
import { PAYMENT_ERROR_STATUS, type PaymentErrorCode } from '../../contracts/payment/payment-types.ts';

/**
 * A refusal of the reference payment service, answered as `{ error: { code, message, details } }`
 * with the code's HTTP status. Messages never carry card data: they name fields, not values.
 */
export class PaymentApiError extends Error {
  override name = 'PaymentApiError';
  readonly code: PaymentErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(code: PaymentErrorCode, message: string, details: readonly ErrorDetail[] = []) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return PAYMENT_ERROR_STATUS[this.code];
  }
}
