import type { PaymentClient } from '../downstream/payment-client.ts';
import type { Logger } from '../log/logger.ts';
import type { OrderStore } from '../orders/order-store.ts';

/** The airline API as the orchestration calls it (the downstream AirlineClient satisfies it). */
export interface AirlinePort {
  call(command: string, payload: unknown, options: { correlationId: string; deadline?: number }): Promise<unknown>;
}

/**
 * Finds the gateway's order of an airline's own OrderID (aggregator mode: the airline order links;
 * `AirlineOrderLinks` satisfies it).
 */
export interface AirlineOrderLookup {
  findByAirlineOrderId(owner: string, airlineOrderId: string): Promise<{ readonly gatewayOrderId: string } | undefined>;
}

/** The payment service calls the order lifecycle needs (the downstream PaymentClient satisfies it). */
export type PaymentPort = Pick<PaymentClient, 'authorise' | 'capture' | 'void' | 'refund' | 'getAuthorisation'> & Partial<Pick<PaymentClient, 'listAuthorisations'>>;

export interface OrchestrationOptions {
  /**
   * Time allowed to finish once an order has been written, even past the request's deadline:
   * stopping halfway would leave work to undo, and a replay of the request gets the finished answer.
   * @defaultValue 20000
   */
  readonly completionBudgetMs?: number;
  /** Time allowed to each compensation (release, void, refund) after a failure. @defaultValue 10000 */
  readonly undoBudgetMs?: number;
  /** Extra attempts of a keyed downstream call after DOWNSTREAM_UNAVAILABLE or DEADLINE_EXCEEDED. @defaultValue 2 */
  readonly transientRetries?: number;
  /** First pause between those attempts; doubled each time. @defaultValue 100 */
  readonly retryBackoffMs?: number;
  /** How long an answer is kept for replays of the same request. @defaultValue the store's (24 hours) */
  readonly idempotencyTtlMs?: number;
}

/** What the order handlers are built from. */
export interface OrchestrationDeps {
  readonly store: OrderStore;
  readonly airline: AirlinePort;
  readonly payment: PaymentPort;
  readonly logger: Logger;
  /** Where an airline's OrderID leads to the gateway's order; without it, an airline OrderID is taken for the gateway's. */
  readonly links?: AirlineOrderLookup;
  readonly options?: OrchestrationOptions;
  /** Clock; tests inject one. */
  readonly now?: () => Date;
}

/** Defaults filled in, once, when the handlers are built. */
export interface ResolvedDeps {
  readonly store: OrderStore;
  readonly airline: AirlinePort;
  readonly payment: PaymentPort;
  readonly logger: Logger;
  readonly links: AirlineOrderLookup | undefined;
  readonly now: () => Date;
  readonly completionBudgetMs: number;
  readonly undoBudgetMs: number;
  readonly transientRetries: number;
  readonly retryBackoffMs: number;
  readonly idempotencyTtlMs: number | undefined;
}

export function resolveDeps(deps: OrchestrationDeps): ResolvedDeps {
  const options = deps.options ?? {};
  return {
    store: deps.store,
    airline: deps.airline,
    payment: deps.payment,
    logger: deps.logger,
    links: deps.links,
    now: deps.now ?? (() => new Date()),
    completionBudgetMs: options.completionBudgetMs ?? 20_000,
    undoBudgetMs: options.undoBudgetMs ?? 10_000,
    transientRetries: options.transientRetries ?? 2,
    retryBackoffMs: options.retryBackoffMs ?? 100,
    idempotencyTtlMs: options.idempotencyTtlMs,
  };
}
