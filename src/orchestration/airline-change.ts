import { GatewayError } from '../errors/index.ts';
import type { AirlineChange, Order, OrderSegment, SegmentSchedule } from '../orders/one-order.ts';
import type { JsonValue } from '../orders/order-store.ts';

/**
 * Airline-initiated changes as pure functions of the order record: applying the airline's change
 * to the order's flights, the seller's acceptance, and which items an involuntary change makes
 * refundable in full. The handlers compose them inside one versioned write each.
 */

/** One flight of an `order.airline-change` command, as it is now. */
export interface AirlineChangeSegmentInput {
  readonly segmentId?: string;
  readonly carrier?: string;
  readonly flightNumber?: string;
  /** The scheduled (old) local departure date, YYYY-MM-DD. */
  readonly departureDate?: string;
  readonly departure?: string;
  readonly arrival?: string;
  readonly aircraft?: string;
  readonly cancelled?: boolean;
}

/** The `order.airline-change` command (schemas/commands/order.airline-change.json). */
export interface AirlineChangeCommand {
  readonly idempotencyKey?: string;
  readonly changeId: string;
  readonly owner?: string;
  readonly kind: AirlineChange['kind'];
  readonly reason?: string;
  readonly orders: readonly { readonly orderId?: string; readonly airlineOrderId?: string }[];
  readonly segments: readonly AirlineChangeSegmentInput[];
  readonly actionTimeLimit?: string;
  readonly defaultAction?: AirlineChange['defaultAction'];
}

/** The event type of each step of a change's life; `order.airline-change` itself writes the seller's notice. */
export const AIRLINE_CHANGE_ACCEPTED_EVENT = 'order.airline-change-accepted';

/** Without a default action, a cancelled flight is refunded and a moved one kept. */
export function defaultActionOf(command: Pick<AirlineChangeCommand, 'kind' | 'defaultAction'>): AirlineChange['defaultAction'] {
  return command.defaultAction ?? (command.kind === 'CANCELLATION' ? 'CANCEL' : 'ACCEPT');
}

/** Local date-times with seconds, as the order keeps them. */
const withSeconds = (time: string): string => (time.length === 16 ? `${time}:00` : time);

const minutesBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}Z`) - Date.parse(`${from}Z`)) / 60_000);

function matches(segment: OrderSegment, input: AirlineChangeSegmentInput): boolean {
  if (input.segmentId !== undefined && input.segmentId === segment.segmentId) return true;
  return input.carrier !== undefined && input.flightNumber !== undefined && input.departureDate !== undefined
    && input.carrier === segment.carrier && input.flightNumber === segment.flightNumber && segment.departure.startsWith(input.departureDate);
}

/** Whether the order's airline is `owner`: its owner in aggregator mode, else a carrier of its flights. */
export function isOrderOfAirline(order: Order, owner: string): boolean {
  return order.airline ? order.airline.owner === owner : order.segments.some((s) => s.carrier === owner);
}

export interface AppliedAirlineChange {
  readonly order: Order;
  /** The order event's data: what changed, why, by when to answer and what happens otherwise. */
  readonly data: { readonly [key: string]: JsonValue };
}

/**
 * The order with the airline's change applied: the flights hit get their new times and aircraft
 * (or are marked cancelled), durations move with the times, and the change is appended to
 * `airlineChanges` as PENDING, for the seller to accept or refund.
 * @throws GatewayError INVALID_BUSINESS_DATA when no flight of the order is named.
 */
export function applyAirlineChange(order: Order, command: AirlineChangeCommand, receivedAt: string): AppliedAirlineChange {
  const changed: AirlineChange['segments'][number][] = [];
  const durationDelta = new Map<string, number>();
  const segments = order.segments.map((segment) => {
    const input = command.segments.find((s) => matches(segment, s));
    if (!input) return segment;
    const before: SegmentSchedule = { departure: segment.departure, arrival: segment.arrival, aircraft: segment.aircraft };
    const cancelled = input.cancelled ?? command.kind === 'CANCELLATION';
    if (cancelled) {
      changed.push({ segmentId: segment.segmentId, before, cancelled: true });
      return { ...segment, cancelled: true };
    }
    const after: SegmentSchedule = {
      departure: input.departure !== undefined ? withSeconds(input.departure) : before.departure,
      arrival: input.arrival !== undefined ? withSeconds(input.arrival) : before.arrival,
      aircraft: input.aircraft ?? before.aircraft,
    };
    changed.push({ segmentId: segment.segmentId, before, after });
    // Time zones stay where they are, so the flight is longer by what the arrival moved more than the departure.
    const delta = minutesBetween(before.arrival, after.arrival) - minutesBetween(before.departure, after.departure);
    durationDelta.set(segment.segmentId, delta);
    const { cancelled: _was, ...rest } = segment;
    return {
      ...rest, ...after,
      ...(segment.durationMinutes !== undefined ? { durationMinutes: Math.max(0, segment.durationMinutes + delta) } : {}),
    };
  });
  if (changed.length === 0) {
    throw new GatewayError('INVALID_BUSINESS_DATA', `Order ${order.orderId} has none of the flights of change ${command.changeId}`,
      [{ message: 'no flight of the order matches', path: '/segments' }]);
  }
  const journeys = order.journeys.map((journey) => {
    const delta = journey.segmentIds.reduce((sum, id) => sum + (durationDelta.get(id) ?? 0), 0);
    return delta === 0 || journey.durationMinutes === undefined ? journey : { ...journey, durationMinutes: Math.max(0, journey.durationMinutes + delta) };
  });
  const change: AirlineChange = {
    changeId: command.changeId,
    kind: command.kind,
    ...(command.reason !== undefined ? { reason: command.reason } : {}),
    receivedAt,
    segments: changed,
    ...(command.actionTimeLimit !== undefined ? { actionTimeLimit: new Date(command.actionTimeLimit).toISOString() } : {}),
    defaultAction: defaultActionOf(command),
    status: 'PENDING',
  };
  const { status: _status, receivedAt: _at, ...told } = change;
  return {
    order: { ...order, segments, journeys, airlineChanges: [...(order.airlineChanges ?? []), change] },
    data: JSON.parse(JSON.stringify(told)) as { [key: string]: JsonValue },
  };
}

/** The changes still waiting for the seller's answer. */
export const pendingChanges = (order: Order): AirlineChange[] => (order.airlineChanges ?? []).filter((c) => c.status === 'PENDING');

/** The order with `changeIds` (every pending change when undefined) answered as `status`. */
export function answerChanges(order: Order, status: 'ACCEPTED' | 'REFUNDED', answeredAt: string, changeIds?: readonly string[]): Order {
  if (!order.airlineChanges) return order;
  return {
    ...order,
    airlineChanges: order.airlineChanges.map((c) => (c.status === 'PENDING' && (changeIds === undefined || changeIds.includes(c.changeId)) ? { ...c, status, answeredAt } : c)),
  };
}

/**
 * The items a pending airline change makes refundable without penalty: those with a service on a
 * flight the airline moved or cancelled, and the ancillaries without a flight of their passengers.
 */
export function involuntaryItemIds(order: Order): Set<string> {
  const hit = new Set(pendingChanges(order).flatMap((c) => c.segments.map((s) => s.segmentId)));
  const items = new Set<string>();
  if (hit.size === 0) return items;
  const paxHit = new Set<string>();
  for (const item of order.items) {
    if (item.services.some((s) => s.segmentId !== undefined && hit.has(s.segmentId))) {
      items.add(item.orderItemId);
      if (item.services.some((s) => s.type === 'FLIGHT')) for (const pax of item.paxIds) paxHit.add(pax);
    }
  }
  for (const item of order.items) {
    if (item.services.every((s) => s.segmentId === undefined) && item.paxIds.every((p) => paxHit.has(p))) items.add(item.orderItemId);
  }
  return items;
}

/**
 * The order with the pending changes whose flights' items are all cancelled now marked REFUNDED:
 * the seller took the refund the change allowed.
 */
export function refundAnsweredChanges(order: Order, answeredAt: string): Order {
  const cancelled = new Set(order.items.filter((i) => i.status === 'CANCELLED').map((i) => i.orderItemId));
  const refunded = pendingChanges(order).filter((change) => {
    const segmentIds = new Set(change.segments.map((s) => s.segmentId));
    const flights = order.items.filter((i) => i.services.some((s) => s.type === 'FLIGHT' && s.segmentId !== undefined && segmentIds.has(s.segmentId)));
    return flights.length > 0 && flights.every((i) => cancelled.has(i.orderItemId));
  }).map((c) => c.changeId);
  return refunded.length > 0 ? answerChanges(order, 'REFUNDED', answeredAt, refunded) : order;
}
