import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InventoryAvailabilityResult, InventoryIssueResult, OfferShopResult } from '../../../src/contracts/airline/index.ts';
import { createReferenceAirline, type ReferenceAirline } from '../../../src/reference/airline/index.ts';
import { TODAY } from '../../unit/airline/airline-test-support.ts';
import { call, FLIGHT_DATE, holdOrder, offerOn, shopLhrFra } from './airline-support.ts';

const folder = mkdtempSync(join(tmpdir(), 'airline-state-'));
const stateFile = join(folder, 'nested', 'airline-state.jsonl');
let clock = TODAY.getTime();

async function open(): Promise<{ airline: ReferenceAirline; url: string }> {
  const airline = createReferenceAirline({ designator: 'XR', name: 'Reference Air', now: () => new Date(clock), stateFile });
  return { airline, url: (await airline.listen(0, '127.0.0.1')).url };
}

const availability = async (url: string, orderId: string): Promise<InventoryAvailabilityResult['segments']> =>
  (await call<InventoryAvailabilityResult>(url, 'POST', '/v1/inventory.availability', { orderId })).body.segments;

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('reference airline state file', () => {
  it('keeps holds, tickets, replays, seat counts and schedule changes across a restart, and releases a hold that expired meanwhile', async () => {
    // First life: tickets for T1, holds for H1 (to expire) and C1 (to cancel), a schedule change.
    let { airline, url } = await open();
    const shop = await shopLhrFra(url);
    const offer = offerOn(shop, '101');
    for (const orderId of ['T1', 'H1', 'C1', 'N1']) await holdOrder(url, offer, orderId);
    const issued = await call<InventoryIssueResult>(url, 'POST', '/v1/inventory.issue', { orderId: 'T1', requestKey: 'T1:issue' });
    expect(issued.status).toBe(200);
    expect(issued.body.documents).toHaveLength(1);
    const change = await call(url, 'POST', '/admin/flights/change', { flightNumber: '105', date: FLIGHT_DATE, kind: 'SCHEDULE_CHANGE', shiftMinutes: 45 });
    expect(change.status).toBe(200);
    const counts = await availability(url, 'T1');
    expect(counts[0]).toMatchObject({ held: 3, sold: 1 });
    await airline.close();

    // Second life, same file: the same bookings answer.
    ({ airline, url } = await open());
    expect(await availability(url, 'T1')).toEqual(counts);
    const replay = await call<InventoryIssueResult>(url, 'POST', '/v1/inventory.issue', { orderId: 'T1', requestKey: 'T1:issue' });
    expect(replay.body).toEqual({ ...issued.body, replayed: true });
    const booking = await call<{ items: { itemId: string; status: string }[]; documents: unknown[] }>(url, 'POST', '/v1/inventory.booking', { orderId: 'T1' });
    expect(booking.body.items).toMatchObject([{ itemId: 'OI1', status: 'ISSUED' }]);
    expect(booking.body.documents).toEqual(issued.body.documents);
    const cancelled = await call<{ cancelled: string[] }>(url, 'POST', '/v1/inventory.cancel', { orderId: 'C1', requestKey: 'C1:cancel' });
    expect(cancelled.body.cancelled).toEqual(['OI1']);
    expect((await availability(url, 'T1'))[0]).toMatchObject({ held: 2, sold: 1 });
    // The document serial goes on after the one issued before the restart.
    const next = await call<InventoryIssueResult>(url, 'POST', '/v1/inventory.issue', { orderId: 'N1', requestKey: 'N1:issue' });
    expect(next.body.documents[0]?.number).not.toBe(issued.body.documents[0]?.number);
    expect(Number(next.body.documents[0]?.number)).toBeGreaterThan(Number(issued.body.documents[0]?.number));
    // The schedule change is still in force.
    const reshop = await call<OfferShopResult>(url, 'POST', '/v1/offer.shop', { journeys: [{ origin: 'LHR', destination: 'FRA', date: FLIGHT_DATE }], passengers: [{ id: 'A1', type: 'ADT' }], directOnly: true });
    expect(reshop.body.segments.find((s) => s.flightNumber === '105')?.departure).toBe(`${FLIGHT_DATE}T19:25:00`);
    await airline.close();

    // Third life, a day and more later: H1's hold expired while the airline was down.
    clock += 25 * 3_600_000;
    ({ airline, url } = await open());
    expect((await availability(url, 'T1'))[0]).toMatchObject({ held: 0, sold: 2 });
    const late = await call<{ error: { code: string } }>(url, 'POST', '/v1/inventory.issue', { orderId: 'H1', requestKey: 'H1:issue', itemIds: ['OI1'] });
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('ORDER_NOT_CHANGEABLE');
    const replayCancel = await call<{ replayed: boolean }>(url, 'POST', '/v1/inventory.cancel', { orderId: 'C1', requestKey: 'C1:cancel' });
    expect(replayCancel.body.replayed).toBe(true);
    await airline.close();

    // Opening compacts the journal: one line per booking, replay answer and changed flight.
    const lines = readFileSync(stateFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => 'booking' in line)).toHaveLength(4);
    expect(lines.filter((line) => 'flight' in line)).toHaveLength(1);
  });

  it('skips a last line cut short by a crash', async () => {
    appendFileSync(stateFile, '{"booking":{"orderId":"CUT","offer":');
    const { airline, url } = await open();
    try {
      expect((await call(url, 'POST', '/v1/inventory.booking', { orderId: 'T1' })).status).toBe(200);
      expect((await call(url, 'POST', '/v1/inventory.booking', { orderId: 'CUT' })).status).toBe(422);
    } finally {
      await airline.close();
    }
    expect(readFileSync(stateFile, 'utf8')).not.toContain('CUT');
  });

  it('without a state file the airline starts empty', async () => {
    const airline = createReferenceAirline({ designator: 'XR', name: 'Reference Air', now: () => new Date(clock) });
    const { url } = await airline.listen(0, '127.0.0.1');
    try {
      expect((await call(url, 'POST', '/v1/inventory.booking', { orderId: 'T1' })).status).toBe(422);
    } finally {
      await airline.close();
    }
  });
});
