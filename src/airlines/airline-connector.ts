import type { AirlineOrderReference } from '../orders/one-order.ts';

/**
 * One airline behind the gateway, as the router sees it: it takes the version-neutral airline
 * commands (offer.shop, offer.price, service.list, seat.availability, order.rules and the
 * inventory.* commands of schemas/airline/) and answers their results, checked against the airline
 * contract, or throws a GatewayError. A `reference` connector posts the JSON contract as it is; an
 * `ndc` connector turns each command into the airline's NDC RQ and its RS back into the result
 * through the outbound mappings (mappings/outbound/<version>/).
 */
export interface AirlineConnector {
  /** IATA designator, e.g. `XA`: the OwnerCode of the airline's offers and orders. */
  readonly designator: string;
  readonly kind: 'reference' | 'ndc';
  call(command: string, payload: unknown, options: ConnectorCallOptions): Promise<unknown>;
  /** The airline answers (GET /health for reference, a TCP/HTTP probe of the NDC endpoint for ndc); bypasses the breaker. */
  isReachable(): Promise<boolean>;
  /** `closed`, `open` or `half-open`, for metrics and readiness details. */
  breakerState(): 'closed' | 'open' | 'half-open';
  close(): Promise<void>;
}

export interface ConnectorCallOptions {
  /** Sent as X-Correlation-ID (and as the NDC CorrelationID) so the airline's logs join the gateway's. */
  readonly correlationId: string;
  /** Epoch ms after which nobody waits for the answer: the request's deadline, or the airline's own inside it. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
}

/**
 * What the gateway keeps about an order at the airline that owns it, keyed by the gateway's order
 * id: which airline, and for an NDC airline its own OrderID, booking reference and the airline's
 * order item id of each gateway order item. The router reads `owner` to send every later
 * inventory command of the order to the same airline; the NDC connector reads the rest to name
 * the airline's order and items in OrderChangeRQ, OrderCancelRQ and OrderReshopRQ.
 */
export interface AirlineOrderLink extends AirlineOrderReference {
  /** The gateway's order id. */
  readonly gatewayOrderId: string;
  /** Gateway order item id → the airline's OrderItemID. */
  readonly items: Readonly<Record<string, string>>;
  /** What the airline's order costs, as it last said (OrderViewRS): what the gateway pays it on issue. */
  readonly total?: { readonly amount: number; readonly currency: string };
}

export interface AirlineOrderLinks {
  get(gatewayOrderId: string): Promise<AirlineOrderLink | undefined>;
  /**
   * The link of the airline's own order: what an airline's notification names (its OrderID and
   * OwnerCode) leads to the gateway order. Undefined when no gateway order is linked to it.
   */
  findByAirlineOrderId(owner: string, airlineOrderId: string): Promise<AirlineOrderLink | undefined>;
  /** Inserts or replaces the link (items are merged with those already known). */
  put(link: AirlineOrderLink): Promise<void>;
}

/** The NDC versions an `ndc` airline may speak. */
export type AirlineNdcVersion = '17.2' | '21.3' | '24.4' | '26.1';

/** One airline of AIRLINES_FILE, once the file passed its JSON Schema and its secrets were read. */
export interface AirlineEntry {
  /** IATA designator (OwnerCode), unique in the file. */
  readonly designator: string;
  readonly name: string;
  readonly kind: 'reference' | 'ndc';
  /**
   * reference: base URL of the airline's JSON command API (left out: the embedded reference
   * airline, for the loopback demo only). ndc: the NDC endpoint every message is POSTed to; a
   * `{message}` in it is replaced by the message name without `IATA_` and `RQ` (`AirShopping`).
   */
  readonly url?: string;
  /** ndc only: the version the airline speaks. */
  readonly version?: AirlineNdcVersion;
  /** ndc only: wrap each RQ in a SOAP envelope of this version (and unwrap the RS). */
  readonly soap?: '1.1' | '1.2';
  /** Headers sent with every call, secrets resolved (e.g. `Authorization: Bearer …`). */
  readonly headers: Readonly<Record<string, string>>;
  /** What the airline flies: airports (IATA codes) and/or routes (`LHR-JFK`, either direction). Both empty: every route. */
  readonly serves: { readonly airports: readonly string[]; readonly routes: readonly string[] };
  /** The airline's own deadline for one call, inside the request's deadline. */
  readonly timeoutMs: number;
  /** Further attempts of idempotent calls after network errors and 5xx. */
  readonly retries: number;
  /** Keep-alive connections to the airline. */
  readonly connections: number;
  readonly breaker?: { readonly volumeThreshold?: number; readonly errorThresholdPercentage?: number; readonly resetTimeoutMs?: number; readonly rollingWindowMs?: number };
  /** ndc only: who the gateway is in the DistributionChain of its RQs (the seller/aggregator org). */
  readonly agency?: { readonly id: string; readonly name?: string };
  /**
   * ndc only: how the gateway pays the airline when it issues an order (the gateway takes the
   * customer's card itself and settles with the airline), e.g. the agency's virtual card. Read
   * from the environment, never written to a log, queue or table.
   */
  readonly settlement?: { readonly cardNumber: string; readonly expiry: string; readonly holderName: string; readonly cvv?: string; readonly brand?: string };
}
