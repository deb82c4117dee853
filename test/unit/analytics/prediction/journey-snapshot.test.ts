import { describe, expect, it } from 'vitest';
import { findOutcome, labelSnapshots, sortJourneyEvents, takeSnapshot, type OutcomeEventRow } from '../../../../src/analytics/prediction/journey-snapshot.ts';

const T0 = Date.parse('2026-12-01T10:00:00Z');

function transition(to: string, seconds: number, extra: Partial<OutcomeEventRow> = {}): OutcomeEventRow {
  return { journeyId: 'j', type: 'transition', channel: 'web', atMs: T0 + seconds * 1000, toState: to, partySize: null, daysToDeparture: null, paymentFailures: null, ...extra };
}

const searched = { partySize: 2, daysToDeparture: 30 };
/** Init, a search 10 s later, an offer at 40 s, then idle until it times out 1,800 s later. */
const abandoned = [
  transition('Journey_Init', 0),
  transition('Shopping', 10, searched),
  transition('Offer_Selection', 40, searched),
  transition('Journey_Abandoned', 1840, searched),
];

describe('takeSnapshot', () => {
  it('knows only what happened up to its moment', () => {
    expect(takeSnapshot(abandoned, T0 + 5000)).toEqual({ channel: 'web', state: 'Journey_Init', secondsInState: 5, paymentFailures: 0 });
    expect(takeSnapshot(abandoned, T0 + 100_000)).toEqual({ channel: 'web', state: 'Offer_Selection', secondsInState: 60, paymentFailures: 0, partySize: 2, daysToDeparture: 30 });
    expect(takeSnapshot(abandoned, T0 - 1)).toBeUndefined();
  });

  it('follows the channel of the latest event and counts declined payments', () => {
    const events = [
      transition('Journey_Init', 0),
      transition('Payment_Process', 10),
      transition('Payment_Failed', 20, { channel: 'mobile' }),
      transition('Payment_Retry', 21, { channel: 'mobile' }),
      transition('Payment_Process', 22, { channel: 'mobile' }),
      transition('Payment_Failed', 30, { channel: 'agent' }),
    ];
    expect(takeSnapshot(events, T0 + 31_000)).toMatchObject({ channel: 'agent', state: 'Payment_Failed', paymentFailures: 2 });
    // Events that carry the running count are taken at their word.
    const counted = events.map((e, i) => ({ ...e, paymentFailures: i >= 5 ? 2 : i >= 2 ? 1 : 0 }));
    expect(takeSnapshot(counted, T0 + 31_000)).toMatchObject({ paymentFailures: 2 });
    // A count stamped from before the decline does not hide it.
    const stale = events.map((e) => ({ ...e, paymentFailures: 0 }));
    expect(takeSnapshot(stale, T0 + 31_000)).toMatchObject({ paymentFailures: 2 });
  });
});

describe('labelSnapshots', () => {
  it('gives one example per state entered and per age it was still there, never one for the final state', () => {
    const examples = labelSnapshots('j', abandoned);
    expect(examples.map((e) => [e.snapshot.state, e.snapshot.secondsInState])).toEqual([
      ['Journey_Init', 0],
      ['Shopping', 0],
      ['Offer_Selection', 0], ['Offer_Selection', 60], ['Offer_Selection', 300], ['Offer_Selection', 900],
    ]);
    expect(examples.every((e) => e.completed === false && e.journeyId === 'j')).toBe(true);
  });

  it('does not let the search that opened Shopping leak into Journey_Init, nor later events into an earlier snapshot', () => {
    const [init, shopping] = labelSnapshots('j', abandoned);
    expect(init!.snapshot.partySize).toBeUndefined();
    expect(shopping!.snapshot).toMatchObject({ partySize: 2, daysToDeparture: 30 });
  });

  it('labels by Journey_Complete and skips a journey still running', () => {
    const completed = [transition('Journey_Init', 0), transition('Shopping', 1), transition('Journey_Complete', 2)];
    expect(labelSnapshots('j', completed).every((e) => e.completed)).toBe(true);
    expect(labelSnapshots('j', abandoned.slice(0, 3))).toEqual([]);
  });

  it('reads events in the order they happened, whatever order the table returned', () => {
    const shuffled = [abandoned[2]!, abandoned[0]!, abandoned[3]!, abandoned[1]!];
    expect(labelSnapshots('j', shuffled)).toEqual(labelSnapshots('j', abandoned));
    expect(findOutcome(sortJourneyEvents(shuffled))).toBe('abandoned');
  });
});
