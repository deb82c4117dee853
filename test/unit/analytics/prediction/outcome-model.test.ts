import { describe, expect, it } from 'vitest';
import type { LabelledSnapshot } from '../../../../src/analytics/prediction/journey-snapshot.ts';
import { encodeSnapshot, isHeldOut, OUTCOME_FEATURES, scoreSnapshot, trainOutcomeModel } from '../../../../src/analytics/prediction/outcome-model.ts';

const scaling = {
  'log1p(secondsInState)': { mean: 1, sd: 2 },
  paymentFailures: { mean: 0.5, sd: 0.5 },
  partySize: { mean: 2, sd: 1 },
  daysToDeparture: { mean: 30, sd: 10 },
};

describe('encodeSnapshot', () => {
  it('one-hots channel and state, standardises the numbers with the saved scaling and flags the unknown ones', () => {
    const row = encodeSnapshot({ channel: 'mobile', state: 'Customer_Data', secondsInState: Math.E - 1, paymentFailures: 1, daysToDeparture: 50 }, scaling);
    expect(row).toHaveLength(OUTCOME_FEATURES.length);
    const named = Object.fromEntries(OUTCOME_FEATURES.map((name, i) => [name, row[i]]));
    expect(named).toMatchObject({
      'channel=mobile': 1, 'channel=web': 0, 'state=Customer_Data': 1, 'state=Shopping': 0,
      'log1p(secondsInState)': 0, paymentFailures: 1, partySize: 0, daysToDeparture: 2, partySizeUnknown: 1, daysToDepartureUnknown: 0,
    });
    expect(OUTCOME_FEATURES).not.toContain('state=Journey_Complete');
  });
});

describe('isHeldOut', () => {
  it('holds out about the share asked, the same journeys every time', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `journey-${i}`);
    const held = ids.filter((id) => isHeldOut(id, 0.2));
    expect(held.length / ids.length).toBeGreaterThan(0.19);
    expect(held.length / ids.length).toBeLessThan(0.21);
    expect(ids.filter((id) => isHeldOut(id, 0.2))).toEqual(held);
  });
});

describe('trainOutcomeModel', () => {
  /** Completion decided by days to departure alone, in two states. */
  function population(): LabelledSnapshot[] {
    const examples: LabelledSnapshot[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const daysToDeparture = (i * 37) % 100;
      const completed = daysToDeparture < 50;
      for (const state of ['Shopping', 'Customer_Data'] as const) {
        examples.push({ journeyId: `j-${i}`, completed, snapshot: { channel: 'web', state, secondsInState: 10, paymentFailures: 0, partySize: 1, daysToDeparture } });
      }
    }
    return examples;
  }

  it('never puts one journey on both sides, and measures a perfect separation as AUC 1', async () => {
    const model = await trainOutcomeModel(population());
    expect(model.trainingJourneys + model.heldOutJourneys).toBe(2000);
    expect(model.trainingSnapshots + model.heldOutSnapshots).toBe(4000);
    expect(model.heldOutAuc).toBe(1);
    expect(model.heldOutPooledAuc).toBe(1);
    const near = scoreSnapshot(model, { channel: 'web', state: 'Shopping', secondsInState: 10, paymentFailures: 0, partySize: 1, daysToDeparture: 5 });
    const far = scoreSnapshot(model, { channel: 'web', state: 'Shopping', secondsInState: 10, paymentFailures: 0, partySize: 1, daysToDeparture: 95 });
    expect(near).toBeGreaterThan(0.9);
    expect(far).toBeLessThan(0.1);
  });

  it('compares only snapshots in the same state: a state that settles the outcome adds no pair to the held-out AUC', async () => {
    // Days to departure tells nothing; reaching Ticket_Generation tells everything.
    const examples: LabelledSnapshot[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const completed = i % 2 === 0;
      const snapshot = { channel: 'web' as const, secondsInState: 10, paymentFailures: 0, partySize: 1, daysToDeparture: (i * 7919) % 101 };
      examples.push({ journeyId: `j-${i}`, completed, snapshot: { ...snapshot, state: 'Shopping' } });
      if (completed) examples.push({ journeyId: `j-${i}`, completed, snapshot: { ...snapshot, state: 'Ticket_Generation' } });
    }
    const model = await trainOutcomeModel(examples);
    expect(model.heldOutPooledAuc).toBeGreaterThan(0.7);
    expect(model.heldOutAuc).toBeGreaterThan(0.4);
    expect(model.heldOutAuc).toBeLessThan(0.6);
  });
});
