/**
 * The one table of gateway errors. Every error answer the gateway gives comes from a row here.
 * `iataCode` follows the IATA/PADIS error code list (code set 9321) used in NDC `Error/Code`.
 * The README's error list is checked against this table by a test.
 */
export const ERROR_TABLE = {
  MALFORMED_XML: { httpStatus: 400, iataCode: '911', retryable: false, kind: 'request', message: 'The request is not well-formed XML' },
  FORBIDDEN_XML_CONSTRUCT: { httpStatus: 400, iataCode: '911', retryable: false, kind: 'request', message: 'DOCTYPE declarations, entities and processing of external resources are not allowed' },
  EMPTY_BODY: { httpStatus: 400, iataCode: '911', retryable: false, kind: 'request', message: 'The request body is empty' },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, iataCode: '911', retryable: false, kind: 'request', message: 'Send NDC XML as application/xml, text/xml or application/soap+xml' },
  UNKNOWN_MESSAGE: { httpStatus: 400, iataCode: '304', retryable: false, kind: 'request', message: 'The root element is not an NDC message this gateway serves' },
  MESSAGE_ROUTE_MISMATCH: { httpStatus: 400, iataCode: '304', retryable: false, kind: 'request', message: 'The root element does not match the message of the route' },
  UNSUPPORTED_VERSION: { httpStatus: 400, iataCode: '304', retryable: false, kind: 'request', message: 'The NDC version is not served by this gateway' },
  MESSAGE_UNAVAILABLE: { httpStatus: 503, iataCode: '911', retryable: false, kind: 'request', message: 'The schema of this message did not compile at start-up, so the message is refused' },
  XSD_INVALID: { httpStatus: 400, iataCode: '304', retryable: false, kind: 'request', message: 'The request does not validate against the IATA schema' },
  INVALID_COMMAND: { httpStatus: 400, iataCode: '304', retryable: false, kind: 'request', message: 'The request does not carry the data the message needs' },
  BODY_TOO_LARGE: { httpStatus: 413, iataCode: '911', retryable: false, kind: 'request', message: 'The request body is over the configured limit' },
  NOT_FOUND: { httpStatus: 404, iataCode: '911', retryable: false, kind: 'request', message: 'No such route' },
  AUTH_REQUIRED: { httpStatus: 401, iataCode: '433', retryable: false, kind: 'request', message: 'A valid API key is required (Authorization: Bearer or X-API-Key)' },
  MESSAGE_NOT_ALLOWED: { httpStatus: 403, iataCode: '433', retryable: false, kind: 'request', message: 'This client may not send this message' },
  REQUEST_IN_PROGRESS: { httpStatus: 409, iataCode: '911', retryable: true, kind: 'request', message: 'The same request (sender and message id) is still being processed' },
  JOURNEY_NOT_FOUND: { httpStatus: 404, iataCode: '911', retryable: false, kind: 'request', message: 'The journey is unknown, belongs to another client, or the resume token is wrong' },
  JOURNEY_TRANSITION_NOT_ALLOWED: { httpStatus: 409, iataCode: '911', retryable: false, kind: 'request', message: 'The journey cannot take this step from its current state' },
  JOURNEY_CONFLICT: { httpStatus: 409, iataCode: '911', retryable: true, kind: 'request', message: 'The journey was changed by another request meanwhile; read its status and retry' },
  OFFER_NOT_FOUND: { httpStatus: 200, iataCode: '720', retryable: false, kind: 'business', message: 'The offer is unknown' },
  OFFER_EXPIRED: { httpStatus: 200, iataCode: '721', retryable: false, kind: 'business', message: 'The offer has expired' },
  NO_AVAILABILITY: { httpStatus: 200, iataCode: '102', retryable: false, kind: 'business', message: 'No flights or seats are available for the request' },
  UNKNOWN_LOCATION: { httpStatus: 200, iataCode: '101', retryable: false, kind: 'business', message: 'An airport or city code is not served' },
  AIRLINE_UNKNOWN: { httpStatus: 200, iataCode: '304', retryable: false, kind: 'business', message: 'The owner code names no airline this gateway sells' },
  UNPROCESSABLE_REQUEST: { httpStatus: 200, iataCode: '304', retryable: false, kind: 'business', message: 'The request is valid NDC but cannot be processed as asked' },
  INVALID_BUSINESS_DATA: { httpStatus: 200, iataCode: '304', retryable: false, kind: 'business', message: 'The request cannot be fulfilled as asked' },
  BUSINESS_RULE_VIOLATION: { httpStatus: 200, iataCode: '304', retryable: false, kind: 'business', message: 'The request breaks a business rule of NDC (see docs/rules.md); each error names the rule' },
  OFFER_PRICE_CHANGED: { httpStatus: 200, iataCode: '722', retryable: false, kind: 'business', message: 'The offer price has changed; price it again' },
  ORDER_NOT_FOUND: { httpStatus: 200, iataCode: '730', retryable: false, kind: 'business', message: 'The order is unknown' },
  ORDER_VERSION_CONFLICT: { httpStatus: 200, iataCode: '731', retryable: false, kind: 'business', message: 'The order has changed since the version the request was based on' },
  ORDER_NOT_CHANGEABLE: { httpStatus: 200, iataCode: '732', retryable: false, kind: 'business', message: 'The order cannot be changed in its current state' },
  PAYMENT_DECLINED: { httpStatus: 200, iataCode: '741', retryable: false, kind: 'business', message: 'The payment was declined' },
  DEADLINE_EXCEEDED: { httpStatus: 504, iataCode: '911', retryable: true, kind: 'deadline', message: 'The request did not complete before its deadline' },
  DOWNSTREAM_UNAVAILABLE: { httpStatus: 502, iataCode: '911', retryable: true, kind: 'internal', message: 'A downstream service is unavailable' },
  AIRLINE_RESPONSE_INVALID: { httpStatus: 502, iataCode: '911', retryable: false, kind: 'internal', message: 'An airline answered with a message that does not validate against the IATA schema' },
  AIRLINE_REFUSED: { httpStatus: 200, iataCode: '911', retryable: false, kind: 'business', message: 'The airline refused the request with an error the gateway has no code for' },
  INVALID_RESPONSE: { httpStatus: 500, iataCode: '911', retryable: false, kind: 'internal', message: 'The gateway produced a response that does not validate against the IATA schema' },
  INTERNAL_ERROR: { httpStatus: 500, iataCode: '911', retryable: true, kind: 'internal', message: 'Internal error' },
  RATE_LIMITED: { httpStatus: 429, iataCode: '911', retryable: true, kind: 'request', message: 'The client is over its limit of requests per second or in flight; retry after Retry-After seconds' },
  EXPERIMENT_NOT_FOUND: { httpStatus: 404, iataCode: '911', retryable: false, kind: 'request', message: 'The experiment is unknown' },
  EXPERIMENT_EXISTS: { httpStatus: 409, iataCode: '911', retryable: false, kind: 'request', message: 'An experiment with this id exists' },
  JOURNEY_EVENTS_NOT_FOUND: { httpStatus: 404, iataCode: '911', retryable: false, kind: 'request', message: 'The analytics tables hold no event of this journey' },
  PREDICTION_MODEL_UNAVAILABLE: { httpStatus: 503, iataCode: '911', retryable: true, kind: 'internal', message: 'No journey outcome model is trained yet; the retrain job trains one once enough journeys have finished' },
  DELIVERY_NOT_FOUND: { httpStatus: 404, iataCode: '911', retryable: false, kind: 'request', message: 'The notification delivery is unknown or belongs to another client' },
  DELIVERY_PENDING: { httpStatus: 409, iataCode: '911', retryable: false, kind: 'request', message: 'The notification delivery is still pending: it is being retried, so it cannot be redelivered' },
  GATEWAY_BUSY: { httpStatus: 503, iataCode: '911', retryable: true, kind: 'internal', message: 'The gateway has as many requests in flight as it takes; retry after Retry-After seconds' },
} as const satisfies Record<string, ErrorDefinition>;

export interface ErrorDefinition {
  readonly httpStatus: number;
  readonly iataCode: string;
  readonly retryable: boolean;
  /** request: the client sent something wrong; business: a valid request the airline refuses; deadline/internal: our side. */
  readonly kind: 'request' | 'business' | 'deadline' | 'internal';
  readonly message: string;
}

export type ErrorCode = keyof typeof ERROR_TABLE;
