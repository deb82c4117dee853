import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import {
  answerChanges, applyAirlineChange, defaultActionOf, involuntaryItemIds, isOrderOfAirline, pendingChanges, refundAnsweredChanges, type AirlineChangeCommand,
} from '../../../src/orchestration/airline-change.ts';
import { assertValidOrderRecord } from '../../../src/orders/index.ts';
import { buildOrder } from '../orders/order-fixtures.ts';

const AT = '2026-05-02T08:00:00.000Z';

const command = (overrides: Partial<AirlineChangeCommand> = {}): AirlineChangeCommand => ({
  changeId: 'CHG1', owner: 'XR', kind: 'SCHEDULE_CHANGE', orders: [{ orderId: 'any' }],
  segments: [{ carrier: 'XR', flightNumber: '400', departureDate: '2026-07-01', departure: '2026-07-01T11:45', arrival: '2026-07-01T14:55' }],
  ...overrides,
});

describe('applyAirlineChange', () => {
  it('moves the flight found by carrier, number and date; its duration and its journey\'s grow by what the arrival moved more', () => {
    const { order, data } = applyAirlineChange(buildOrder(), command({ reason: 'ATC slot', actionTimeLimit: '2026-05-03T10:00:00+02:00' }), AT);
    expect(order.segments[0]).toMatchObject({ departure: '2026-07-01T11:45:00', arrival: '2026-07-01T14:55:00', aircraft: '359', durationMinutes: 550 });
    expect(order.segments[1]).toEqual(buildOrder().segments[1]);
    expect(order.journeys[0]!.durationMinutes).toBe(550);
    expect(order.airlineChanges).toEqual([{
      changeId: 'CHG1', kind: 'SCHEDULE_CHANGE', reason: 'ATC slot', receivedAt: AT,
      segments: [{ segmentId: 'SEG1', before: { departure: '2026-07-01T10:15:00', arrival: '2026-07-01T12:55:00', aircraft: '359' },
        after: { departure: '2026-07-01T11:45:00', arrival: '2026-07-01T14:55:00', aircraft: '359' } }],
      actionTimeLimit: '2026-05-03T08:00:00.000Z', defaultAction: 'ACCEPT', status: 'PENDING',
    }]);
    expect(data).toMatchObject({ changeId: 'CHG1', reason: 'ATC slot', defaultAction: 'ACCEPT', actionTimeLimit: '2026-05-03T08:00:00.000Z' });
    expect(data).not.toHaveProperty('status');
    assertValidOrderRecord(order);
  });

  it('finds a flight by its segment id, changes its aircraft only, and marks a cancelled one (defaulting to CANCEL)', () => {
    const equipment = applyAirlineChange(buildOrder(), command({ kind: 'EQUIPMENT_CHANGE', segments: [{ segmentId: 'SEG2', aircraft: '789' }] }), AT).order;
    expect(equipment.segments[1]).toMatchObject({ aircraft: '789', departure: '2026-07-10T17:30:00' });
    const cancelled = applyAirlineChange(buildOrder(), command({ kind: 'CANCELLATION', segments: [{ segmentId: 'SEG1' }] }), AT).order;
    expect(cancelled.segments[0]!.cancelled).toBe(true);
    expect(cancelled.airlineChanges![0]).toMatchObject({ defaultAction: 'CANCEL', segments: [{ segmentId: 'SEG1', cancelled: true }] });
    expect(cancelled.airlineChanges![0]!.segments[0]).not.toHaveProperty('after');
    assertValidOrderRecord(cancelled);
  });

  it('refuses a change that names none of the order\'s flights', () => {
    expect(() => applyAirlineChange(buildOrder(), command({ segments: [{ carrier: 'XR', flightNumber: '400', departureDate: '2026-07-02' }] }), AT))
      .toThrow(expect.objectContaining({ code: 'INVALID_BUSINESS_DATA' }) as GatewayError);
  });
});

describe('answers to airline changes', () => {
  const changed = applyAirlineChange(buildOrder(), command({ kind: 'CANCELLATION', segments: [{ segmentId: 'SEG1' }] }), AT).order;

  it('tells the airline of an order by its owner, else by its flights\' carriers', () => {
    expect(isOrderOfAirline(buildOrder(), 'XR')).toBe(true);
    expect(isOrderOfAirline(buildOrder(), 'YY')).toBe(false);
    expect(isOrderOfAirline(buildOrder({ airline: { owner: 'YY', orderId: 'YY1' } }), 'YY')).toBe(true);
    expect(defaultActionOf({ kind: 'SCHEDULE_CHANGE' })).toBe('ACCEPT');
  });

  it('makes the items of a flight hit refundable in full: the flight, its seat and bag', () => {
    expect([...involuntaryItemIds(changed)].sort()).toEqual(['ITEM1', 'ITEM2', 'ITEM3']);
    expect(involuntaryItemIds(buildOrder()).size).toBe(0);
    expect(involuntaryItemIds(answerChanges(changed, 'ACCEPTED', AT)).size).toBe(0);
  });

  it('accepts the pending changes, and marks a change REFUNDED once its flights are cancelled', () => {
    expect(pendingChanges(answerChanges(changed, 'ACCEPTED', AT))).toEqual([]);
    expect(refundAnsweredChanges(changed, AT)).toBe(changed);
    const cancelled = { ...changed, items: changed.items.map((i) => ({ ...i, status: 'CANCELLED' as const })) };
    expect(refundAnsweredChanges(cancelled, AT).airlineChanges![0]).toMatchObject({ status: 'REFUNDED', answeredAt: AT });
  });
});
