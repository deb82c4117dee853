import type { Journey, Segment } from '../../contracts/airline/index.ts';
import { GatewayError } from '../../errors/index.ts';
import type { DatedFlight, FlightChange } from './flight-network.ts';
import { iso, nowMs, refuse, type Booking, type BookingFlightChange, type InventoryState } from './inventory-state.ts';
import { localToUtcMs } from './local-time.ts';

/**
 * An airline-initiated change to one flight of one day: new times, a cancellation or another
 * aircraft. The airline's schedule changes first (later shopping no longer sells a cancelled
 * flight and shows new times and aircraft), then every booking holding or ticketed on the flight
 * gets the new flight in its own view, and the change becomes one event naming those orders: the
 * gateway's `order.airline-change` command, without its idempotency key.
 */

export type FlightChangeKind = BookingFlightChange['kind'];

export interface FlightChangeRequest {
  /** @defaultValue the airline's designator; another carrier's flight is refused. */
  readonly carrier?: string;
  /** With `date`; or the flight's `segmentId` instead of both. */
  readonly flightNumber?: string;
  /** Scheduled local departure date, YYYY-MM-DD. */
  readonly date?: string;
  readonly segmentId?: string;
  readonly kind: FlightChangeKind;
  /** New local departure time at the origin, YYYY-MM-DDTHH:MM[:SS]. */
  readonly departure?: string;
  /** New local arrival time at the destination, YYYY-MM-DDTHH:MM[:SS]. */
  readonly arrival?: string;
  /** Moves departure and arrival by this many minutes (instead of departure and arrival). */
  readonly shiftMinutes?: number;
  /** New aircraft code (one of the airline data's aircraft). */
  readonly aircraft?: string;
  readonly reason?: string;
  /** ISO instant by which the sellers should answer. @defaultValue 24 hours from now */
  readonly actionTimeLimit?: string;
  /** @defaultValue CANCEL for a cancellation, else ACCEPT */
  readonly defaultAction?: 'ACCEPT' | 'CANCEL';
  /** @defaultValue a fresh id */
  readonly changeId?: string;
}

/** The `order.airline-change` command as the airline sends it (schemas/commands/order.airline-change.json). */
export interface AirlineChangeEvent {
  readonly changeId: string;
  readonly owner: string;
  readonly kind: FlightChangeKind;
  readonly reason?: string;
  readonly orders: readonly { readonly orderId: string }[];
  readonly segments: readonly {
    readonly segmentId: string; readonly carrier: string; readonly flightNumber: string; readonly departureDate: string;
    readonly departure: string; readonly arrival: string; readonly aircraft: string; readonly cancelled: boolean;
  }[];
  readonly actionTimeLimit: string;
  readonly defaultAction: 'ACCEPT' | 'CANCEL';
}

interface FlightView { readonly departure: string; readonly arrival: string; readonly aircraft: string }

export interface FlightChangeOutcome {
  readonly changeId: string;
  readonly kind: FlightChangeKind;
  readonly flight: {
    readonly segmentId: string; readonly carrier: string; readonly flightNumber: string; readonly date: string;
    readonly origin: string; readonly destination: string; readonly before: FlightView; readonly after: FlightView; readonly cancelled: boolean;
  };
  /** The orders holding or ticketed on the flight, in booking order. */
  readonly orderIds: readonly string[];
  /** Absent when no order is hit: the schedule changed, and nobody needs telling. */
  readonly event?: AirlineChangeEvent;
}

const DAY_MS = 86_400_000;

const viewOf = (flight: DatedFlight): FlightView => ({ departure: flight.departureLocal, arrival: flight.arrivalLocal, aircraft: flight.aircraft });

/** `SEG-XR101-20261201` → flight number and date, for the airline's own segment ids. */
function parseSegmentId(state: InventoryState, segmentId: string): { flightNumber: string; date: string } {
  const match = /^SEG-([A-Z0-9]{2})(\d{1,4}[A-Z]?)-(\d{4})(\d{2})(\d{2})$/.exec(segmentId);
  if (!match || match[1] !== state.ctx.designator) throw refuse(`${segmentId} is not a segment id of ${state.ctx.designator}`, '/segmentId');
  return { flightNumber: match[2] as string, date: `${match[3]}-${match[4]}-${match[5]}` };
}

function flightOf(state: InventoryState, request: FlightChangeRequest): { flightNumber: string; date: string } {
  if (request.carrier !== undefined && request.carrier !== state.ctx.designator) throw refuse(`${request.carrier} flights are not ${state.ctx.designator}'s to change`, '/carrier');
  if (request.segmentId !== undefined) return parseSegmentId(state, request.segmentId);
  if (request.flightNumber === undefined || request.date === undefined) throw refuse('A change names the flight: flightNumber and date, or segmentId', '/flightNumber');
  // "XR123" and "123" both name flight 123 of XR.
  const number = request.flightNumber.startsWith(state.ctx.designator) ? request.flightNumber.slice(state.ctx.designator.length) : request.flightNumber;
  return { flightNumber: number, date: request.date };
}

function localInstant(state: InventoryState, local: string, airportCode: string, path: string): number {
  const timeZone = state.ctx.network.airport(airportCode)?.timeZone;
  if (!timeZone) throw refuse(`Airport ${airportCode} has no time zone`, path);
  return localToUtcMs(local.slice(0, 10), local.slice(11, 16), timeZone);
}

/** What the request changes, worked out against the flight as it is now (earlier changes included). */
function changeOf(state: InventoryState, request: FlightChangeRequest, current: DatedFlight): FlightChange {
  if (request.kind === 'CANCELLATION') return { cancelled: true };
  const change: { departureUtc?: number; arrivalUtc?: number; aircraft?: string } = {};
  if (request.aircraft !== undefined) {
    if (!state.ctx.data.aircraft[request.aircraft]) throw refuse(`Aircraft ${request.aircraft} is not in the airline's fleet`, '/aircraft');
    change.aircraft = request.aircraft;
  }
  if (request.shiftMinutes !== undefined) {
    change.departureUtc = current.departureUtc + request.shiftMinutes * 60_000;
    change.arrivalUtc = current.arrivalUtc + request.shiftMinutes * 60_000;
  }
  if (request.departure !== undefined) change.departureUtc = localInstant(state, request.departure, current.origin, '/departure');
  if (request.arrival !== undefined) change.arrivalUtc = localInstant(state, request.arrival, current.destination, '/arrival');
  // A new departure alone keeps the block time; a new arrival alone keeps the departure.
  if (request.departure !== undefined && request.arrival === undefined && request.shiftMinutes === undefined) {
    change.arrivalUtc = (change.departureUtc as number) + (current.arrivalUtc - current.departureUtc);
  }
  const departs = change.departureUtc ?? current.departureUtc;
  const arrives = change.arrivalUtc ?? current.arrivalUtc;
  if (arrives <= departs) throw refuse('The changed flight would arrive before it departs', '/arrival');
  if (request.kind === 'SCHEDULE_CHANGE' && departs === current.departureUtc && arrives === current.arrivalUtc) {
    throw refuse('A schedule change moves the departure or the arrival (departure, arrival or shiftMinutes)', '/departure');
  }
  if (request.kind === 'EQUIPMENT_CHANGE' && change.aircraft === undefined) throw refuse('An equipment change names the new aircraft', '/aircraft');
  return change;
}

function flownBy(booking: Booking, segmentId: string): boolean {
  for (const item of booking.items.values()) {
    if ((item.status === 'HELD' || item.status === 'ISSUED') && item.segmentIds.includes(segmentId)) return true;
  }
  return false;
}

/** The booking's offer with the changed flight in place of the old one; journey durations follow. */
function withFlight(booking: Pick<Booking, 'offer'>, flight: DatedFlight): Booking['offer'] {
  const offer = booking.offer;
  const pricedJourneys = offer.pricedJourneys.map((j) => (j.flights.some((f) => f.key === flight.key) ? { ...j, flights: j.flights.map((f) => (f.key === flight.key ? flight : f)) } : j));
  const segments = offer.segments.map((s): Segment => (s.segmentId === flight.key
    ? { ...s, departure: flight.departureLocal, arrival: flight.arrivalLocal, aircraft: flight.aircraft, durationMinutes: flight.durationMinutes }
    : s));
  const flights = new Map(pricedJourneys.flatMap((j) => j.flights).map((f) => [f.key, f]));
  const journeys = offer.journeys.map((j): Journey => {
    if (!j.segmentIds.includes(flight.key)) return j;
    const first = flights.get(j.segmentIds[0] as string);
    const last = flights.get(j.segmentIds[j.segmentIds.length - 1] as string);
    return first && last ? { ...j, durationMinutes: Math.round((last.arrivalUtc - first.departureUtc) / 60_000) } : j;
  });
  return { ...offer, pricedJourneys, segments, journeys };
}

/**
 * An offer made before its flights changed, as a new booking takes it: with the flights as they
 * are now. A cancelled flight is no longer sold (NO_AVAILABILITY).
 */
export function offerAsFlownNow(state: InventoryState, offer: Booking['offer']): Booking['offer'] {
  const changes = state.ctx.network.flightChanges();
  if (changes.size === 0) return offer;
  let current = offer;
  for (const flight of offer.pricedJourneys.flatMap((j) => j.flights)) {
    if (!changes.has(`${flight.flightNumber}|${flight.date}`)) continue;
    const now = state.ctx.network.scheduledFlight(flight.flightNumber, flight.date);
    if (!now || now.cancelled) {
      throw new GatewayError('NO_AVAILABILITY', `${flight.carrier}${flight.flightNumber} on ${flight.date} is cancelled`, [{ message: 'flight cancelled', path: '/offerId' }]);
    }
    current = withFlight({ offer: current }, now.flight);
  }
  return current;
}

/**
 * Applies the change to the schedule and to the bookings on the flight, and builds the event.
 * Returns the bookings it changed, for the journal.
 */
export function changeFlight(state: InventoryState, request: FlightChangeRequest): { outcome: FlightChangeOutcome; changedBookings: Booking[]; flightKey: string } {
  const { flightNumber, date } = flightOf(state, request);
  const scheduled = state.ctx.network.scheduledFlight(flightNumber, date);
  if (!scheduled) {
    throw new GatewayError('NO_AVAILABILITY', `${state.ctx.designator}${flightNumber} does not fly on ${date}`, [{ message: 'unknown flight', path: request.segmentId !== undefined ? '/segmentId' : '/flightNumber' }]);
  }
  if (scheduled.cancelled) throw refuse(`${state.ctx.designator}${flightNumber} on ${date} is already cancelled`, '/kind');
  const before = scheduled.flight;
  const change = changeOf(state, request, before);
  state.ctx.network.changeFlight(flightNumber, date, change);
  const after = (state.ctx.network.scheduledFlight(flightNumber, date) as { flight: DatedFlight }).flight;
  // A new aircraft has its own seat map: capacities are counted again on first use.
  if (change.aircraft !== undefined) for (const key of [...state.capacities.keys()]) if (key.startsWith(`${before.key}|`)) state.capacities.delete(key);

  const changeId = request.changeId ?? `CHG${state.ctx.newId()}`;
  const cancelled = change.cancelled === true;
  const at = iso(nowMs(state));
  const changedBookings: Booking[] = [];
  for (const booking of state.bookings.values()) {
    if (!flownBy(booking, before.key)) continue;
    booking.offer = withFlight(booking, after);
    booking.airlineChanges = [...(booking.airlineChanges ?? []), {
      changeId, kind: request.kind, segmentId: before.key, cancelled, before: viewOf(before), at, ...(request.reason !== undefined ? { reason: request.reason } : {}),
    }];
    changedBookings.push(booking);
  }

  const orderIds = changedBookings.map((b) => b.orderId);
  const outcome: FlightChangeOutcome = {
    changeId, kind: request.kind,
    flight: { segmentId: before.key, carrier: before.carrier, flightNumber: before.flightNumber, date, origin: before.origin, destination: before.destination, before: viewOf(before), after: viewOf(after), cancelled },
    orderIds,
    ...(orderIds.length > 0 ? {
      event: {
        changeId, owner: state.ctx.designator, kind: request.kind, ...(request.reason !== undefined ? { reason: request.reason } : {}),
        orders: orderIds.map((orderId) => ({ orderId })),
        segments: [{
          segmentId: before.key, carrier: before.carrier, flightNumber: before.flightNumber, departureDate: date,
          departure: after.departureLocal, arrival: after.arrivalLocal, aircraft: after.aircraft, cancelled,
        }],
        actionTimeLimit: request.actionTimeLimit ?? iso(nowMs(state) + DAY_MS),
        defaultAction: request.defaultAction ?? (cancelled ? 'CANCEL' : 'ACCEPT'),
      },
    } : {}),
  };
  return { outcome, changedBookings, flightKey: `${flightNumber}|${date}` };
}
