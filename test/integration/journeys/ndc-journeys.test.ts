import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JourneyEvent, JourneyEventConsumer } from '../../../src/journeys/journey-event.ts';
import { loadScenarioSuite, runScenarioSuites } from '../../../src/tools/scenario/index.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * NDC traffic as journeys: the shipped 21.3 and 17.2 booking scenarios (AirShopping → OfferPrice →
 * SeatAvailability → OrderCreate paid by card → servicing → cancel) each make one journey of the
 * seller on the `ndc` channel that completes at the OrderCreate, with an `ndc_message` event per
 * message, so the funnel and look-to-book count NDC sellers.
 */

describe('NDC shop → price → order makes journeys', () => {
  let gw: RunningGateway;
  const events: JourneyEvent[] = [];
  let consumer: JourneyEventConsumer;

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3,17.2' });
    consumer = gw.gateway.journeyEvents.consume('test', 'test', async (batch) => {
      events.push(...batch);
    });
  });

  afterAll(async () => {
    await consumer?.stop();
    await gw?.close();
  });

  it.each([['21.3'], ['17.2']])('tracks the %s booking scenario as one journey that completes', async (version) => {
    const before = new Set(events.map((e) => e.journeyId));
    const report = await runScenarioSuites([loadScenarioSuite(`scenarios/booking-${version}`)], { url: gw.url, schemaPath: gw.config.schemaPath, xsdEngine: gw.config.xsdEngine });
    expect(report.summary, JSON.stringify(report.scenarios.flatMap((s) => s.steps).filter((s) => s.status !== 'passed').slice(0, 2))).toMatchObject({ failed: 0, errors: 0 });

    const isNew = (e: JourneyEvent) => !before.has(e.journeyId);
    await waitFor(() => events.some((e) => isNew(e) && e.message === 'OrderCreateRQ') && events.some((e) => isNew(e) && e.to === 'Journey_Complete'));
    // The messages after the order (retrieve, change, cancel) are tracked after their answers.
    await waitFor(() => events.filter((e) => isNew(e) && e.type === 'ndc_message').length >= 6);
    const journeyIds = [...new Set(events.filter(isNew).map((e) => e.journeyId))];
    expect(journeyIds).toHaveLength(1);
    const mine = events.filter((e) => e.journeyId === journeyIds[0]);
    expect(mine.every((e) => e.channel === 'ndc' && e.clientId === 'demo')).toBe(true);
    expect(mine.filter((e) => e.type === 'transition').map((e) => e.to)).toEqual([
      'Journey_Init', 'Shopping', 'Offer_Selection', 'Booking_Start', 'Customer_Data', 'Payment_Process', 'Order_Confirmation', 'Ticket_Generation', 'Journey_Complete',
    ]);
    const messages = mine.filter((e) => e.type === 'ndc_message');
    expect(messages.slice(0, 4).map((e) => [e.message, e.version, e.outcome])).toEqual([
      ['AirShoppingRQ', version, 'ok'], ['OfferPriceRQ', version, 'ok'], ['SeatAvailabilityRQ', version, 'ok'], ['OrderCreateRQ', version, 'ok'],
    ]);
    for (const message of messages) expect(message.durationMs).toBeGreaterThan(0);
    const complete = mine.find((e) => e.to === 'Journey_Complete')!;
    expect(complete.orderId).toMatch(/\S/);
    expect(complete.partySize).toBe(3);
    // Look-to-book: one search, one order.
    expect(messages.filter((e) => e.message === 'AirShoppingRQ')).toHaveLength(1);
    expect(new Set(mine.map((e) => e.orderId).filter(Boolean)).size).toBe(1);
  });

  it('does not track a message that refers to no journey, and leaves the NDC answer as it was', async () => {
    const count = events.length;
    const xml = readFileSync('scenarios/booking-21.3/requests/order-retrieve.xml', 'utf8')
      .replace('{{uuid}}', randomUUID()).replace('{{orderId}}', 'ORDNOSUCHORDER1').replace('{{owner}}', gw.config.airlineDesignator);
    const response = await fetch(`${gw.url}/api/v1/ndc/21.3/OrderRetrieve`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('730');
    // A tracked message would publish within this time (the scenarios' do in a few milliseconds).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.length).toBe(count);
  });
});
