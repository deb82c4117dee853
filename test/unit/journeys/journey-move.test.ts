import { describe, expect, it } from 'vitest';
import { applyJourneyStep, funnelPathTo, toStartEvent, toTransitionEvents } from '../../../src/journeys/journey-move.ts';
import { JOURNEY_STATES, JOURNEY_TRANSITIONS } from '../../../src/journeys/journey-states.ts';
import type { JourneyRecord } from '../../../src/journeys/journey-store.ts';

const T0 = '2026-03-01T10:00:00.000Z';

function journey(overrides: Partial<JourneyRecord> = {}): JourneyRecord {
  return {
    journeyId: 'JRN-1', resumeTokenHash: 'ab', clientId: 'shop', channel: 'web', state: 'Journey_Init', version: 1,
    createdAt: T0, updatedAt: T0, enteredStateAt: T0, history: [], variants: { exp1: 'B' }, data: {}, ...overrides,
  };
}

describe('applyJourneyStep', () => {
  it('enters the states one by one, with the step\'s channel, and writes one version up', () => {
    const at = new Date('2026-03-01T10:00:05.000Z');
    const { next, transitions } = applyJourneyStep(journey({ state: 'Shopping', version: 3 }), { to: ['Offer_Selection', 'Booking_Start'], channel: 'mobile', at });
    expect(next).toMatchObject({ state: 'Booking_Start', version: 4, updatedAt: at.toISOString(), enteredStateAt: at.toISOString() });
    expect(transitions).toEqual([
      { from: 'Shopping', to: 'Offer_Selection', channel: 'mobile', at: at.toISOString() },
      { from: 'Offer_Selection', to: 'Booking_Start', channel: 'mobile', at: at.toISOString() },
    ]);
    expect(next.history).toEqual(transitions);
  });

  it('refuses every move the table does not allow, naming the state and what may follow', () => {
    for (const from of JOURNEY_STATES) {
      for (const to of JOURNEY_STATES) {
        const attempt = () => applyJourneyStep(journey({ state: from }), { to: [to], channel: 'web', at: new Date() });
        if (JOURNEY_TRANSITIONS[from].includes(to)) expect(attempt).not.toThrow();
        else expect(attempt).toThrow(expect.objectContaining({ code: 'JOURNEY_TRANSITION_NOT_ALLOWED', message: expect.stringContaining(`is in ${from}`) }));
      }
    }
    expect(() => applyJourneyStep(journey({ state: 'Payment_Process' }), { to: ['Journey_Abandoned'], channel: 'web', at: new Date() }))
      .toThrow('Allowed next: Order_Confirmation, Payment_Failed');
  });

  it('keeps the reason only on the move into Journey_Abandoned', () => {
    const { transitions } = applyJourneyStep(journey({ state: 'Payment_Process' }), { to: ['Payment_Failed', 'Payment_Retry', 'Journey_Abandoned'], channel: 'web', at: new Date(), reason: 'payment_retries_exhausted' });
    expect(transitions.map((t) => t.reason)).toEqual([undefined, undefined, 'payment_retries_exhausted']);
  });

  it('changes only the data of a write without transitions, keeping the time the state was entered', () => {
    const { next, transitions } = applyJourneyStep(journey({ state: 'Shopping' }), { to: [], channel: 'web', at: new Date('2026-03-01T11:00:00Z'), data: { filter: { maxStops: 0 } } });
    expect(transitions).toEqual([]);
    expect(next).toMatchObject({ state: 'Shopping', version: 2, enteredStateAt: T0, data: { filter: { maxStops: 0 } } });
  });
});

describe('journey events', () => {
  it('gives each transition an id from the journey, the version and its place, and the time spent in the state left', () => {
    const before = journey({ state: 'Shopping', version: 4 });
    const at = new Date('2026-03-01T10:00:07.500Z');
    const { next, transitions } = applyJourneyStep(before, { to: ['Offer_Selection', 'Booking_Start'], channel: 'agent', at });
    const events = toTransitionEvents(before, next, transitions, { partySize: 2, paymentFailures: 0 });
    expect(events.map((e) => [e.eventId, e.from, e.to, e.durationMs])).toEqual([
      ['JRN-1:v5:0', 'Shopping', 'Offer_Selection', 7500],
      ['JRN-1:v5:1', 'Offer_Selection', 'Booking_Start', 0],
    ]);
    expect(events[0]).toMatchObject({ type: 'transition', clientId: 'shop', channel: 'agent', variants: { exp1: 'B' }, partySize: 2 });
    // Publishing the same write again gives the same ids.
    expect(toTransitionEvents(before, next, transitions, {}).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
  });

  it('starts a journey with a Journey_Init event that has no from', () => {
    const event = toStartEvent(journey());
    expect(event).toMatchObject({ eventId: 'JRN-1:v1:0', to: 'Journey_Init', durationMs: 0 });
    expect(event.from).toBeUndefined();
  });
});

describe('funnelPathTo', () => {
  it('walks the happy path forward only', () => {
    expect(funnelPathTo('Shopping', 'Booking_Start')).toEqual(['Offer_Selection', 'Booking_Start']);
    expect(funnelPathTo('Customer_Data', 'Journey_Complete')).toEqual(['Payment_Process', 'Order_Confirmation', 'Ticket_Generation', 'Journey_Complete']);
    expect(funnelPathTo('Booking_Start', 'Offer_Selection')).toEqual([]);
    expect(funnelPathTo('Payment_Retry', 'Journey_Complete')).toEqual([]);
  });
});
