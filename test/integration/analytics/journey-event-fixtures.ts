import type { JourneyEvent } from '../../../src/journeys/journey-event.ts';
import type { AbandonReason, JourneyChannel, JourneyState } from '../../../src/journeys/journey-states.ts';

/** One step after the start: the state entered, the time spent in the state left, and for an abandonment why. */
export type Step = readonly [to: JourneyState, durationMs: number, reason?: AbandonReason];

/** An NDC message (or a JSON search) of the journey, `afterMs` after it started. */
export interface MessageAt {
  readonly message: string;
  readonly afterMs: number;
  readonly durationMs: number;
  readonly outcome?: string;
  readonly orderId?: string;
}

export interface JourneySpec {
  readonly id: string;
  readonly clientId: string;
  readonly channel: JourneyChannel;
  readonly start: string;
  readonly steps: readonly Step[];
  readonly messages?: readonly MessageAt[];
  readonly variants?: Readonly<Record<string, string>>;
  readonly orderId?: string;
}

/** The events a journey makes: its start, each transition (with cumulative time), and its messages. */
export function eventsOf(spec: JourneySpec, runId: string): JourneyEvent[] {
  const base = { journeyId: `${runId}-${spec.id}`, clientId: spec.clientId, channel: spec.channel, variants: spec.variants ?? {} };
  const start = Date.parse(spec.start);
  const events: JourneyEvent[] = [{ ...base, eventId: `${runId}-${spec.id}-t0`, type: 'transition', at: spec.start, to: 'Journey_Init', durationMs: 0, partySize: 2 }];
  let from: JourneyState = 'Journey_Init';
  let elapsed = 0;
  spec.steps.forEach(([to, durationMs, reason], index) => {
    elapsed += durationMs;
    events.push({
      ...base, eventId: `${runId}-${spec.id}-t${index + 1}`, type: 'transition', at: new Date(start + elapsed).toISOString(), from, to, durationMs,
      ...(reason ? { reason } : {}), ...(spec.orderId && to === 'Journey_Complete' ? { orderId: spec.orderId } : {}),
    });
    from = to;
  });
  (spec.messages ?? []).forEach((m, index) => {
    events.push({
      ...base, eventId: `${runId}-${spec.id}-m${index}`, type: 'ndc_message', at: new Date(start + m.afterMs).toISOString(), durationMs: m.durationMs,
      message: m.message, version: m.message === 'offer.shop' ? 'json' : '21.3', outcome: m.outcome ?? 'ok', ...(m.orderId ? { orderId: m.orderId } : {}),
    });
  });
  return events;
}

const SECOND = 1000;
const TO_CUSTOMER_DATA: readonly Step[] = [['Offer_Selection', 10 * SECOND], ['Booking_Start', 10 * SECOND], ['Customer_Data', 10 * SECOND]];
const TO_COMPLETE: readonly Step[] = [['Order_Confirmation', 2 * SECOND], ['Ticket_Generation', 2 * SECOND], ['Journey_Complete', 2 * SECOND]];
const PAYMENT_FAILURE: readonly Step[] = [['Payment_Failed', 1 * SECOND], ['Payment_Retry', 1 * SECOND], ['Payment_Process', 5 * SECOND]];

/**
 * The seeded data set: clients A (web) and C (mobile) on the JSON API, B an NDC seller; the window
 * [2026-03-01, 2026-03-08). Hand counts are in the tests. Time in Shopping (from_state Shopping):
 * 100, 200, 300, 400, 500 and 1,800,000 ms (J2 timed out) within the window; J6 is before it.
 */
export const SEEDED_JOURNEYS: readonly JourneySpec[] = [
  {
    id: 'J1', clientId: 'A', channel: 'web', start: '2026-03-01T10:00:00.000Z', variants: { exp: 'control' }, orderId: 'O1',
    steps: [['Shopping', 5 * SECOND], ['Offer_Selection', 100], ...TO_CUSTOMER_DATA.slice(1), ['Payment_Process', 20 * SECOND], ...TO_COMPLETE],
    messages: [{ message: 'offer.shop', afterMs: 5 * SECOND, durationMs: 50 }, { message: 'offer.shop', afterMs: 6 * SECOND, durationMs: 70 }],
  },
  {
    id: 'J2', clientId: 'A', channel: 'web', start: '2026-03-01T11:00:00.000Z', variants: { exp: 'treat' },
    steps: [['Shopping', 5 * SECOND], ['Journey_Abandoned', 1_800_000, 'timeout']],
    messages: [{ message: 'offer.shop', afterMs: 5 * SECOND, durationMs: 90 }],
  },
  {
    id: 'J3', clientId: 'B', channel: 'ndc', start: '2026-03-02T09:00:00.000Z', variants: { exp: 'treat' }, orderId: 'O3',
    steps: [['Shopping', 1 * SECOND], ['Offer_Selection', 200], ...TO_CUSTOMER_DATA.slice(1), ['Payment_Process', 20 * SECOND], ...PAYMENT_FAILURE, ...TO_COMPLETE],
    messages: [
      { message: 'AirShoppingRQ', afterMs: 0, durationMs: 100 },
      { message: 'AirShoppingRQ', afterMs: 1000, durationMs: 200 },
      { message: 'AirShoppingRQ', afterMs: 2000, durationMs: 300, outcome: 'NO_AVAILABILITY' },
      { message: 'OfferPriceRQ', afterMs: 3000, durationMs: 150 },
      { message: 'OrderCreateRQ', afterMs: 60_000, durationMs: 800, orderId: 'O3' },
    ],
  },
  {
    id: 'J4', clientId: 'B', channel: 'ndc', start: '2026-03-02T12:00:00.000Z', variants: { exp: 'control' },
    steps: [['Shopping', 1 * SECOND], ['Offer_Selection', 300], ['Journey_Abandoned', 60 * SECOND, 'no_selection']],
    messages: [{ message: 'AirShoppingRQ', afterMs: 0, durationMs: 400 }],
  },
  {
    id: 'J5', clientId: 'C', channel: 'mobile', start: '2026-03-03T08:00:00.000Z', variants: { exp: 'control' },
    steps: [['Shopping', 1 * SECOND], ['Offer_Selection', 400], ...TO_CUSTOMER_DATA.slice(1), ['Journey_Abandoned', 30 * SECOND, 'validation_failure']],
  },
  {
    id: 'J6', clientId: 'A', channel: 'web', start: '2026-02-20T08:00:00.000Z', variants: { exp: 'control' }, orderId: 'O6',
    steps: [['Shopping', 1 * SECOND], ['Offer_Selection', 999_999], ...TO_CUSTOMER_DATA.slice(1), ['Payment_Process', 20 * SECOND], ...TO_COMPLETE],
    messages: [{ message: 'offer.shop', afterMs: 0, durationMs: 99_999 }],
  },
  {
    id: 'J7', clientId: 'B', channel: 'ndc', start: '2026-03-03T15:00:00.000Z', variants: { exp: 'treat' },
    steps: [
      ['Shopping', 1 * SECOND], ['Offer_Selection', 500], ...TO_CUSTOMER_DATA.slice(1), ['Payment_Process', 20 * SECOND],
      ...PAYMENT_FAILURE, ...PAYMENT_FAILURE, ['Payment_Failed', 1 * SECOND], ['Payment_Retry', 1 * SECOND], ['Journey_Abandoned', 1 * SECOND, 'payment_retries_exhausted'],
    ],
    messages: [
      { message: 'AirShoppingRQ', afterMs: 0, durationMs: 500 },
      { message: 'OrderCreateRQ', afterMs: 60_000, durationMs: 900, outcome: 'PAYMENT_DECLINED', orderId: 'O7' },
    ],
  },
];

export function seededEvents(runId: string): JourneyEvent[] {
  return SEEDED_JOURNEYS.flatMap((spec) => eventsOf(spec, runId));
}

export const WINDOW = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-08T00:00:00.000Z' } as const;
