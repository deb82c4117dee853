import type { ValidateFunction } from 'ajv';
import { GatewayError, type ErrorDetail } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { Authorisation, AuthorisationRequest, CardInput, CardToken, Refund, RefundRequest } from '../contracts/payment/payment-types.ts';
import { loadPaymentSchemas } from '../contracts/payment/payment-schemas.ts';
import { withCardDataRedaction } from '../security/card-data.ts';
import { createDownstreamTransport, readErrorBody, type CircuitBreakerOptions, type DownstreamAnswer, type DownstreamCallOptions } from './downstream-transport.ts';

export type PaymentCallOptions = DownstreamCallOptions;

export interface PaymentClientOptions {
  /** e.g. `http://127.0.0.1:8091`. */
  readonly baseUrl: string;
  /** Longest wait for one attempt; the deadline can make it shorter. */
  readonly timeoutMs: number;
  /** Further attempts after the first on network errors and 5xx, for idempotent calls only. */
  readonly retries: number;
  readonly logger?: Logger;
  /** Keep-alive connections to the payment service. @defaultValue 16 */
  readonly connections?: number;
  /** First backoff; doubled per retry, with jitter. @defaultValue 50 */
  readonly retryBackoffMs?: number;
  readonly breaker?: CircuitBreakerOptions;
}

/**
 * The payment service's API. A declined authorisation is an answer, not an error: it comes back
 * with status DECLINED and the orchestration decides to raise PAYMENT_DECLINED. Transport
 * failures throw DOWNSTREAM_UNAVAILABLE or DEADLINE_EXCEEDED, refusals a {@link PaymentServiceError}.
 */
export interface PaymentClient {
  /** Exchanges card data for a token. Not retried: a repeat would vault the card twice. */
  tokenise(card: CardInput, options?: PaymentCallOptions): Promise<CardToken>;
  /** Retried on transient failures: the idempotency key makes a repeat return the first authorisation. */
  authorise(request: AuthorisationRequest, options?: PaymentCallOptions): Promise<Authorisation>;
  /** Releases an authorisation that will not be captured (compensation); idempotent, so retried. */
  void(authorisationId: string, options?: PaymentCallOptions): Promise<Authorisation>;
  /** Takes the whole authorised amount; idempotent, so retried. */
  capture(authorisationId: string, options?: PaymentCallOptions): Promise<Authorisation>;
  /** Retried only when the request carries an idempotency key. */
  refund(request: RefundRequest, options?: PaymentCallOptions): Promise<Refund>;
  getAuthorisation(authorisationId: string, options?: PaymentCallOptions): Promise<Authorisation>;
  /** The authorisations made with `reference` (an order id), e.g. to find one whose answer was lost. */
  listAuthorisations(reference: string, options?: PaymentCallOptions): Promise<Authorisation[]>;
  /** GET /health answered 200 within a second (bypasses the breaker). */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The payment service refused the request: bad card data, an unknown token or authorisation, a
 * state that does not allow the call, or a refund over what was captured. The gateway code is
 * INVALID_BUSINESS_DATA; `serviceCode` keeps the service's own code so the orchestration can
 * tell, say, INVALID_CARD_NUMBER from INVALID_STATE.
 */
export class PaymentServiceError extends GatewayError {
  readonly serviceCode: string;

  constructor(serviceCode: string, message: string, details: readonly ErrorDetail[] = []) {
    super('INVALID_BUSINESS_DATA', message, details);
    this.name = 'PaymentServiceError';
    this.serviceCode = serviceCode;
  }
}

/** Statuses the service answers refusals with; anything else below 500 means it is not the API we expect. */
const REFUSAL_STATUSES = new Set([400, 404, 409, 422]);

/** Codes of 404s that are refusals; any other 404 is a wrong base URL. */
const NOT_FOUND_REFUSALS = new Set(['TOKEN_NOT_FOUND', 'AUTHORISATION_NOT_FOUND']);

export function createPaymentClient(options: PaymentClientOptions): PaymentClient {
  // The payment service's messages name fields, not values; redacting is the second line of defence.
  const logger = options.logger ? withCardDataRedaction(options.logger) : undefined;
  const transport = createDownstreamTransport({ name: 'payment service', ...options, logger });
  const schemas = loadPaymentSchemas();

  function reader<T>(operation: string, schema: string): (answer: DownstreamAnswer) => T {
    const validate = schemas.get(schema) as ValidateFunction | undefined;
    if (!validate) throw new Error(`No payment schema ${schema}`);
    return ({ status, body }) => {
      if (status === 200 || status === 201) {
        // Parse, validate, then type: a PSP that answers another shape must not reach the order.
        if (!validate(body)) throw new GatewayError('INTERNAL_ERROR', `Payment service answered ${operation} with a body that breaks ${schema}`);
        return body as T;
      }
      const error = readErrorBody(body);
      if (REFUSAL_STATUSES.has(status) && error.code && (status !== 404 || NOT_FOUND_REFUSALS.has(error.code))) {
        throw new PaymentServiceError(error.code, error.message ?? `Payment service refused ${operation}`, error.details ?? []);
      }
      throw new GatewayError('INTERNAL_ERROR', `Payment service answered ${status} for ${operation}${error.message ? `: ${error.message}` : ''}`);
    };
  }

  const readToken = reader<CardToken>('tokenise', 'token');
  const readAuthorisation = (operation: string): ((answer: DownstreamAnswer) => Authorisation) => reader<Authorisation>(operation, 'authorisation');
  const readRefund = reader<Refund>('refund', 'refund');
  const readOne = readAuthorisation('list authorisations');
  const readList = (answer: DownstreamAnswer): Authorisation[] => {
    const { authorisations } = (answer.body ?? {}) as { authorisations?: unknown };
    if (answer.status === 200 && Array.isArray(authorisations)) return authorisations.map((body: unknown) => readOne({ ...answer, body }));
    readOne(answer); // a refusal throws as it does for any call
    throw new GatewayError('INTERNAL_ERROR', 'Payment service answered list authorisations without a list');
  };
  const authorisationPath = (id: string, action = ''): string => `/v1/authorisations/${encodeURIComponent(id)}${action}`;

  return {
    tokenise(card, callOptions = {}) {
      return transport.send({ ...callOptions, method: 'POST', path: '/v1/tokens', body: card, operation: 'tokenise', idempotent: false, read: readToken });
    },
    authorise(request, callOptions = {}) {
      return transport.send({ ...callOptions, method: 'POST', path: '/v1/authorisations', body: request, operation: 'authorise', idempotent: true, read: readAuthorisation('authorise') });
    },
    void(authorisationId, callOptions = {}) {
      return transport.send({ ...callOptions, method: 'POST', path: authorisationPath(authorisationId, '/void'), operation: 'void', idempotent: true, read: readAuthorisation('void') });
    },
    capture(authorisationId, callOptions = {}) {
      return transport.send({ ...callOptions, method: 'POST', path: authorisationPath(authorisationId, '/capture'), operation: 'capture', idempotent: true, read: readAuthorisation('capture') });
    },
    refund(request, callOptions = {}) {
      return transport.send({ ...callOptions, method: 'POST', path: '/v1/refunds', body: request, operation: 'refund', idempotent: request.idempotencyKey !== undefined, read: readRefund });
    },
    getAuthorisation(authorisationId, callOptions = {}) {
      return transport.send({ ...callOptions, method: 'GET', path: authorisationPath(authorisationId), operation: 'get authorisation', idempotent: true, read: readAuthorisation('get authorisation') });
    },
    listAuthorisations(reference, callOptions = {}) {
      return transport.send({ ...callOptions, method: 'GET', path: `/v1/authorisations?reference=${encodeURIComponent(reference)}`, operation: 'list authorisations', idempotent: true, read: readList });
    },
    isReachable: () => transport.isReachable(),
    close: () => transport.close(),
  };
}
