import type { InventoryCommandName, InventoryCommands, OfferPriceCommand, OfferPriceResult } from '../contracts/airline/index.ts';
import { CARD_BRAND_CODES, type CardBrand } from '../security/card-data.ts';
import { GatewayError } from '../errors/index.ts';
import { formatMoney, fromMinorUnits, toMinorUnits } from '../money/index.ts';
import type { OrderPayment } from '../orders/one-order.ts';
import type { Authorisation } from '../contracts/payment/payment-types.ts';
import { sha256, stableJson } from './idempotent-request.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';
import { withRetries } from './step-runner.ts';

/** Which request a downstream call belongs to, and until when anybody waits for it. */
export interface CallScope {
  readonly correlationId: string;
  /** Epoch ms. */
  readonly deadline: number;
}

/** Attempts of one authorisation request; a new attempt is only made after the previous one was undone. */
const AUTHORISATION_ATTEMPTS = 5;

/**
 * The downstream calls of the order lifecycle. Every writing call carries a key derived from the
 * request's idempotency key, so each may be repeated after a transient failure or a crash without
 * holding, issuing or charging twice.
 */
export interface DownstreamSteps {
  priceOffer(command: OfferPriceCommand, scope: CallScope): Promise<OfferPriceResult>;
  inventory<N extends InventoryCommandName>(name: N, command: InventoryCommands[N]['command'], scope: CallScope): Promise<InventoryCommands[N]['result']>;
  /** Authorises, or throws PAYMENT_DECLINED. */
  authorise(request: AuthoriseRequest, scope: CallScope): Promise<Authorisation>;
  capture(authorisationId: string, scope: CallScope): Promise<Authorisation>;
  /** Gives a payment back whatever state it reached: voids an authorisation, refunds a capture. */
  releasePayment(authorisationId: string, key: string, scope: CallScope): Promise<void>;
  refund(authorisationId: string, amount: number, key: string, scope: CallScope): Promise<{ refundId: string; amount: number }>;
  getAuthorisation(authorisationId: string, scope: CallScope): Promise<Authorisation>;
  /**
   * Voids the authorisations of the order, for the same amount, other than `kept`, still open: made
   * by an earlier attempt of the request whose answer was lost, then retried under a new card token
   * (the edge tokenises the card again for every attempt, so the payment key differs). Returns the
   * ids voided; a payment service without the listing voids nothing.
   */
  voidOtherAuthorisations(kept: Pick<Authorisation, 'authorisationId' | 'amount' | 'currency' | 'reference'>, scope: CallScope): Promise<string[]>;
}

export interface AuthoriseRequest {
  readonly token: string;
  readonly amount: number;
  readonly currency: string;
  readonly orderId: string;
  /** The request's key; the payment's own key adds what is charged, so a new card is a new charge. */
  readonly key: string;
}

export function createDownstreamSteps(deps: ResolvedDeps): DownstreamSteps {
  const retrying = <T>(scope: CallScope, action: () => Promise<T>): Promise<T> =>
    withRetries(action, { retries: deps.transientRetries, backoffMs: deps.retryBackoffMs, deadline: scope.deadline });

  // Airline answers reach here only after the airline client checked them against their result schema.
  return {
    async priceOffer(command, scope) {
      const result = await retrying(scope, () => deps.airline.call('offer.price', command, scope)) as OfferPriceResult;
      if (!result.offers?.[0]) throw new GatewayError('INTERNAL_ERROR', `The airline priced offer ${command.offerId} without answering it`);
      return result;
    },

    inventory(name, command, scope) {
      return retrying(scope, () => deps.airline.call(name, command, scope)) as Promise<InventoryCommands[typeof name]['result']>;
    },

    async authorise(request, scope) {
      const base = `${request.key}:${sha256(stableJson([request.token, request.amount, request.currency])).slice(0, 16)}`;
      for (let attempt = 1; attempt <= AUTHORISATION_ATTEMPTS; attempt += 1) {
        const authorisation = await retrying(scope, () => deps.payment.authorise({
          token: request.token, amount: request.amount, currency: request.currency, reference: request.orderId, idempotencyKey: `${base}:${attempt}`,
        }, scope));
        // An earlier attempt of this request was undone; its key answers that for good, so charge under the next one.
        if (authorisation.status === 'VOIDED' || authorisation.status === 'REFUNDED') continue;
        if (authorisation.status === 'DECLINED') {
          throw new GatewayError('PAYMENT_DECLINED', `Payment of ${formatMoney(request.amount, request.currency)} ${request.currency} was declined (${authorisation.declineReason ?? 'no reason given'})`);
        }
        return authorisation;
      }
      throw new GatewayError('INTERNAL_ERROR', `Payment for order ${request.orderId} was undone ${AUTHORISATION_ATTEMPTS} times; not trying again`);
    },

    capture(authorisationId, scope) {
      return retrying(scope, () => deps.payment.capture(authorisationId, scope));
    },

    async releasePayment(authorisationId, key, scope) {
      const authorisation = await retrying(scope, () => deps.payment.getAuthorisation(authorisationId, scope));
      if (authorisation.status === 'AUTHORISED') {
        await retrying(scope, () => deps.payment.void(authorisationId, scope));
      } else if (authorisation.status === 'CAPTURED') {
        const left = fromMinorUnits(toMinorUnits(authorisation.capturedAmount, authorisation.currency) - toMinorUnits(authorisation.refundedAmount, authorisation.currency), authorisation.currency);
        if (left > 0) {
          await retrying(scope, () => deps.payment.refund({ authorisationId, amount: left, idempotencyKey: `${key}:undo:${authorisationId}` }, scope));
        }
      }
    },

    async refund(authorisationId, amount, key, scope) {
      const refund = await retrying(scope, () => deps.payment.refund({ authorisationId, amount, idempotencyKey: `${key}:refund:${authorisationId}` }, scope));
      return { refundId: refund.refundId, amount: refund.amount };
    },

    getAuthorisation(authorisationId, scope) {
      return retrying(scope, () => deps.payment.getAuthorisation(authorisationId, scope));
    },

    async voidOtherAuthorisations(kept, scope) {
      const list = deps.payment.listAuthorisations;
      if (!list) return [];
      const all = await retrying(scope, () => list(kept.reference, scope));
      const others = all.filter((a) => a.status === 'AUTHORISED' && a.authorisationId !== kept.authorisationId
        && a.currency === kept.currency && Math.round(a.amount * 100) === Math.round(kept.amount * 100));
      for (const other of others) await retrying(scope, () => deps.payment.void(other.authorisationId, scope));
      return others.map((a) => a.authorisationId);
    },
  };
}

/** The card an authorisation was made with, as the order keeps it. */
export interface CardOnRecord {
  readonly token: string;
  readonly holderName?: string;
  /** YYYY-MM. */
  readonly expiry?: string;
}

/** The order's record of an authorisation: masked number and token only, never the card. */
export function toOrderPayment(authorisation: Authorisation, card: CardOnRecord): OrderPayment {
  const brand = authorisation.brand === 'UNKNOWN' ? undefined : CARD_BRAND_CODES[authorisation.brand as CardBrand];
  const { token, holderName, expiry } = card;
  return {
    paymentId: authorisation.authorisationId,
    status: authorisation.status === 'CAPTURED' ? 'SUCCESSFUL' : 'PENDING',
    amount: authorisation.amount,
    currency: authorisation.currency,
    method: {
      type: 'CARD', token, maskedNumber: authorisation.maskedNumber,
      ...(brand ? { brand } : {}), ...(expiry && /^\d{4}-(0[1-9]|1[0-2])$/.test(expiry) ? { expiry } : {}), ...(holderName ? { holderName } : {}),
    },
    ...(authorisation.authorisationCode ? { authorisationCode: authorisation.authorisationCode } : {}),
    createdAt: authorisation.createdAt,
  };
}
