/**
 * An API client of the gateway as the rest of the code sees it. Key material stays inside the
 * client registry, so a client object can travel with a request (and into a log) safely.
 */
export interface ApiClient {
  /** Stable id; it owns the orders the client creates (`meta.clientId`). */
  readonly id: string;
  readonly name: string;
  /** NDC message names (`AirShoppingRQ`) the client may send; `*` allows every message. */
  readonly messages: readonly string[];
  /** May call the operator routes under `/api/v1/admin`; only an explicit `admin: true` grants it. */
  readonly admin: boolean;
  /** May read health details and metrics under `/api/v1/monitoring`. */
  readonly monitoring: boolean;
  /** May read the journey analytics and run experiments under `/api/v1/analytics`; only an explicit `analytics: true` grants it. */
  readonly analytics: boolean;
  /** How much the client may ask of the gateway; left out, nothing but the global cap on requests in flight. */
  readonly limits?: ClientLimits;
  /** The airlines whose events (changes to flights) the client may send; left out, any airline's. */
  readonly airlines?: readonly string[];
  /** What business rules do to the client's requests; left out, the gateway's REQUEST_RULES decides. */
  readonly rules?: 'off' | 'warn' | 'refuse';
}

/** Per-client limits from CLIENTS_FILE; each one left out is no limit. */
export interface ClientLimits {
  /** Requests per second, with bursts of up to one second's worth. */
  readonly requestsPerSecond?: number;
  /** Requests in flight at once. */
  readonly concurrentRequests?: number;
}

/** The message list entry that allows every message. */
export const ALL_MESSAGES = '*';

/** Whether `client` may send `message` (a version-neutral name such as `OrderCreateRQ`). */
export function mayUseMessage(client: ApiClient, message: string): boolean {
  return client.messages.includes(ALL_MESSAGES) || client.messages.includes(message);
}

/** Whether `client` may speak for airline `owner` (an airline event); without an owner, only a client bound to no airline may. */
export function maySpeakForAirline(client: ApiClient, owner: string | undefined): boolean {
  if (client.airlines === undefined) return true;
  return owner !== undefined && client.airlines.includes(owner);
}
