/**
 * The fault harness's parts, as the modules of scripts/faults/ share them. The harness starts the
 * gateway's processes as production runs them (gateways, separate workers, the reference airline
 * and payment service, Redis and PostgreSQL) on loopback, drives NDC traffic through them,
 * injects one kind of fault again and again, and then reconciles what the sellers were told with
 * what the order store, the payment service and the airline hold.
 */

/** One process the harness started and can kill, stop and start again on the same port. */
export interface ManagedProcess {
  readonly name: string;
  /** Its pid while it runs. */
  pid(): number | undefined;
  running(): boolean;
  /** Starts it (again) and resolves once it answers (health or ready endpoint, or a ping). */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after its grace period; resolves once it exited. */
  stop(): Promise<void>;
  /** SIGKILL; resolves once it exited. */
  kill(): Promise<void>;
  /** The last lines it wrote, for failure messages. */
  output(): string;
}

/** Redis or PostgreSQL run by the harness, in a folder of its own, on a port of its own. */
export interface DataServer extends ManagedProcess {
  /** `redis://127.0.0.1:<port>` or `postgres://…@127.0.0.1:<port>/<db>` */
  readonly url: string;
  /** Stops it (`immediate`: as a crash, SIGKILL for Redis, `pg_ctl -m immediate` for PostgreSQL), waits `downMs`, starts it again with its data. */
  restart(options: { readonly mode: 'fast' | 'immediate'; readonly downMs: number }): Promise<void>;
}

/** How a TCP proxy in front of a downstream treats connections. */
export type ProxyMode =
  | { readonly kind: 'pass' }
  /** Holds every chunk `ms` before passing it on, both ways. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Stops listening: new connections are refused (ECONNREFUSED); open ones are reset. */
  | { readonly kind: 'refuse' }
  /** Accepts connections and closes them at once (ECONNRESET / socket hang up). */
  | { readonly kind: 'drop' };

export interface TcpProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Switches mode; resolves once the listener is in its new state (listening again after `refuse`). */
  mode(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

/** A loopback HTTP balancer in front of the gateways: round robin over those whose /ready says ok. */
export interface Balancer {
  readonly url: string;
  /** Requests it passed on, and those it could not place on any gateway (answered 502 by itself). */
  stats(): { readonly forwarded: number; readonly failed: number };
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly gateways: number;
  readonly workers: number;
  /** Own redis-server and postgres processes (needed to restart them); else the shared ones at REDIS_URL and DATABASE_URL, with own prefix and schema. */
  readonly ownDataServers: boolean;
  /** Extra settings for every gateway and worker process (DOWNSTREAM_TIMEOUT_MS, QUEUE_LOCK_MS…). */
  readonly env?: Readonly<Record<string, string>>;
  /** Where logs and data folders go; a temporary folder by default. */
  readonly dir?: string;
}

export interface Cluster {
  /** The balancer's URL: what sellers talk to. */
  readonly url: string;
  readonly gateways: readonly ManagedProcess[];
  readonly workers: readonly ManagedProcess[];
  readonly airline: ManagedProcess;
  readonly payment: ManagedProcess;
  /** Proxies the gateways and workers reach the airline and payment service through. */
  readonly airlineProxy: TcpProxy;
  readonly paymentProxy: TcpProxy;
  readonly balancer: Balancer;
  readonly redis: DataServer | { readonly url: string };
  readonly postgres: DataServer | { readonly url: string };
  /** The order store's schema and the queue prefix, both unique to this cluster. */
  readonly schema: string;
  readonly prefix: string;
  stop(): Promise<void>;
}

/** What one OrderCreate came to, from the seller's side. */
export interface CreateOutcome {
  readonly idempotencyKey: string;
  /** Unique per request, written as the first passenger's surname: how reconciliation finds the orders it made. */
  readonly marker: string;
  /** Attempts sent with this key (1 when the first got a final answer). */
  readonly attempts: number;
  /** The OrderID of the final answer; none when it never got one. */
  readonly orderId?: string;
  /** The NDC error code of a final refusal (e.g. offer expired); such a request expects no order. */
  readonly refusedCode?: string;
  /** Attempts that got no answer (connection reset, timeout) or a 5xx before a retry. */
  readonly lostAnswers: number;
}

/** Counts of the traffic the load driver sent. */
export interface LoadReport {
  readonly requests: number;
  readonly byMessage: Readonly<Record<string, number>>;
  /** Answers that were 5xx or no answer at all, before retries. */
  readonly failedAttempts: number;
  readonly creates: readonly CreateOutcome[];
}

export interface Reconciliation {
  /** OrderCreates that ended with an OrderID: each must have exactly one order. */
  readonly ordersExpected: number;
  /** Distinct markers with at least one order in the store. */
  readonly ordersFound: number;
  /** Markers with more than one order, orders with more than one capture, or with tickets issued more than once. */
  readonly duplicates: number;
  /** Answered OrderCreates whose order is missing, or has no capture or no tickets. */
  readonly missing: number;
  /** Orders in the store for a request that was refused or never answered (must converge to 0 after retries). */
  readonly orphans: number;
  /** One line per problem, for the report and the test's failure message. */
  readonly problems: readonly string[];
}

/** One line of the README's Reliability table. */
export interface FaultReport {
  readonly fault: string;
  readonly injections: number;
  readonly requests: number;
  readonly ordersExpected: number;
  readonly ordersFound: number;
  readonly duplicates: number;
  /** Attempts with no answer or a 5xx (each retried with its key until it converged). */
  readonly lostAnswers: number;
  /** Requests that never converged to a final answer, or a failed request where the fault promises none (rolling restart). */
  readonly failedRequests: number;
  /** Time from each injection to the first successful OrderCreate after it, in ms. */
  readonly recoveryMs: { readonly median: number; readonly max: number };
  readonly reconciliation: Reconciliation;
}

/** One answer the load driver got (or did not get), as a fault checks what sellers saw during it. */
export interface AnswerRecord {
  /** Date.now() when the request was sent. */
  readonly at: number;
  /** AirShoppingRQ, OfferPriceRQ or OrderCreateRQ. */
  readonly message: string;
  /** HTTP status; 0 when no answer came (connection refused or reset, client timeout). */
  readonly status: number;
  readonly ms: number;
  /** The gateway's error code of an `<Errors>` answer (the `ShortText`/`Code` the gateway writes), if any. */
  readonly errorCode?: string;
}

export interface FaultContext {
  readonly cluster: Cluster;
  /** 1 for the first injection. */
  readonly injection: number;
  /** Seeded (FAULT_SEED), so a run can be repeated. */
  random(): number;
  log(message: string): void;
  /** Answers to requests sent at or after `since` (Date.now()). */
  answersSince(since: number): readonly AnswerRecord[];
}

/** A kind of fault, as data: the runner repeats `inject` under load, then reconciles. */
export interface FaultDefinition {
  /** Stable name for the CLI and the README (`worker-kill`, `redis-restart`…). */
  readonly name: string;
  /** One line for the README's table. */
  readonly description: string;
  /** How the cluster must look for this fault (own data servers to restart them, two gateways to roll them). */
  readonly cluster?: Partial<ClusterOptions>;
  /** Pause between injections, so the system settles and recovery can be timed (ms). */
  readonly intervalMs?: number;
  /**
   * Injects one fault and resolves once the harness may expect recovery (the process is back, the
   * proxy passes again). Throws when a promise made during the fault was broken, e.g. an answer
   * that was slow or had the wrong code while the breaker was open.
   */
  inject(context: FaultContext): Promise<void>;
  /** The fault promises that no request fails at all (rolling restart): any 5xx or lost answer counts as a failure. */
  readonly noFailedRequests?: boolean;
}
