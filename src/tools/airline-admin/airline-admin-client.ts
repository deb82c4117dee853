import type { FlightChangeRequest } from '../../reference/airline/inventory-flight-change.ts';

/**
 * The reference airline's admin routes as the tools call them (`ndc-gateway airline` and the
 * `airlineChange` scenario step): `POST /admin/flights/change` and `GET /admin/events`, with the
 * admin key as a bearer key when one is set.
 */

/** The body of `POST /admin/flights/change` (see docs/airline-changes.md): the airline's own request type, as it reads it. */
export type FlightChangeBody = FlightChangeRequest;

export interface AdminAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

export interface AdminCallOptions {
  readonly adminKey?: string;
  /** @defaultValue 30000 */
  readonly timeoutMs?: number;
}

async function callAdmin(airlineUrl: string, method: 'GET' | 'POST', path: string, body: unknown, options: AdminCallOptions): Promise<AdminAnswer> {
  const response = await fetch(`${airlineUrl.replace(/\/+$/, '')}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(options.adminKey ? { authorization: `Bearer ${options.adminKey}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** Changes a flight at the airline; the answer lists the orders hit, the event and its delivery. */
export function postFlightChange(airlineUrl: string, body: FlightChangeBody, options: AdminCallOptions = {}): Promise<AdminAnswer> {
  return callAdmin(airlineUrl, 'POST', '/admin/flights/change', body, options);
}

/** The change events the airline sent and where their delivery stands. */
export function listAirlineEvents(airlineUrl: string, options: AdminCallOptions = {}): Promise<AdminAnswer> {
  return callAdmin(airlineUrl, 'GET', '/admin/events', undefined, options);
}
