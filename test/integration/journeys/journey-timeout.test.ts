import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JourneyEvent, JourneyEventConsumer } from '../../../src/journeys/journey-event.ts';
import { dayFromToday } from '../../support/ndc-doc.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * Idle journeys with a short timeout (2 s) and a fast sweeper: nobody calls them again, and the
 * gateway still abandons them with the reason `timeout`, completes a paid one, and leaves one that
 * never searched to expire.
 */

type Json = Record<string, any>;

describe('idle journeys', () => {
  let gw: RunningGateway;
  let base: string;
  const events: JourneyEvent[] = [];
  let consumer: JourneyEventConsumer;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${base}${path}`, {
      method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await response.json() as Json };
  }

  async function init(): Promise<{ journeyId: string; resumeToken: string }> {
    const answer = await call('POST', '/shopping/init', { channel: 'web' });
    expect(answer.status).toBe(201);
    return { journeyId: answer.body.journeyId as string, resumeToken: answer.body.resumeToken as string };
  }

  const status = (j: { journeyId: string; resumeToken: string }) => call('GET', `/status/${j.journeyId}`, undefined, { 'journey-resume-token': j.resumeToken });

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3', JOURNEY_TIMEOUT_S: '2', JOURNEY_SWEEP_MS: '100' });
    base = `${gw.url}/api/v1/journey`;
    consumer = gw.gateway.journeyEvents.consume('test', 'test', async (batch) => {
      events.push(...batch);
    });
  });

  afterAll(async () => {
    await consumer?.stop();
    await gw?.close();
  });

  it('abandons a journey idle past its timeout with the reason timeout, with no further call, and leaves Journey_Init to expire', async () => {
    const idle = await init();
    const untouched = await init();
    const searched = await call('POST', '/shopping/search', { ...idle, origin: 'LHR', destination: 'FRA', date: dayFromToday(20) });
    expect(searched.body.journey.state).toBe('Shopping');

    await waitFor(() => events.some((e) => e.journeyId === idle.journeyId && e.to === 'Journey_Abandoned'));
    const abandoned = events.find((e) => e.journeyId === idle.journeyId && e.to === 'Journey_Abandoned')!;
    expect(abandoned).toMatchObject({ from: 'Shopping', reason: 'timeout', channel: 'web' });
    expect(abandoned.durationMs).toBeGreaterThanOrEqual(1900);
    const seen = await status(idle);
    expect(seen.body.state).toBe('Journey_Abandoned');
    expect(seen.body.history.at(-1)).toMatchObject({ to: 'Journey_Abandoned', reason: 'timeout' });

    // Journey_Init may not be abandoned by the table: it stays as it was until it expires.
    expect(events.filter((e) => e.journeyId === untouched.journeyId).map((e) => e.to)).toEqual(['Journey_Init']);
  });

  it('completes a paid journey idle in Order_Confirmation, since its order is paid and ticketed', async () => {
    const j = await init();
    const searched = await call('POST', '/shopping/search', { ...j, origin: 'LHR', destination: 'FRA', date: dayFromToday(20) });
    await call('POST', '/booking/start', { ...j, offerId: searched.body.page.offers[0].offerId });
    await call('PUT', '/booking/customer', { ...j, passengers: [{ givenName: 'Ada', surname: 'Lovelace' }], contact: { email: 'ada@example.com', phone: { number: '123456' } } });
    const paid = await call('POST', '/booking/payment', { ...j, card: { number: '4111111111111111', expiry: '12/30', cvv: '123', holderName: 'Ada Lovelace' } });
    expect(paid.body.journey.state).toBe('Order_Confirmation');
    await waitFor(async () => (await status(j)).body.state === 'Journey_Complete', 100);
    expect((await status(j)).body.history.slice(-2).map((h: Json) => h.to)).toEqual(['Ticket_Generation', 'Journey_Complete']);
  });
});
