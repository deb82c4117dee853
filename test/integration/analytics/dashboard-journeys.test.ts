import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunnelReport } from '../../../src/analytics/analytics-types.ts';
import { launchChromium, watchPageProblems } from '../../support/headless-browser.ts';
import { dayFromToday } from '../../support/ndc-doc.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * The dashboard over real traffic: journeys run on the JSON journey API of an embedded gateway (no
 * CLIENTS_FILE, so the page needs no key) travel as events through the journey stream and the
 * recorder into the analytics tables, and the page in Debian's chromium shows them.
 */

type Json = Record<string, any>;

const TRAVEL = dayFromToday(30);
const APPROVED_CARD = { number: '4111111111111111', expiry: '12/30', cvv: '123', holderName: 'Ada Lovelace' };

let gw: RunningGateway;
let browser: Browser;

async function call(method: string, path: string, body?: Json, headers: Record<string, string> = {}): Promise<Json> {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const answer = await response.json() as Json;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Starts a journey on `channel` and searches LHR → FRA for one adult. */
async function startAndSearch(channel: string): Promise<{ journeyId: string; resumeToken: string }> {
  const { journeyId, resumeToken } = await call('POST', '/api/v1/journey/shopping/init', { channel });
  await call('POST', '/api/v1/journey/shopping/search', { journeyId, resumeToken, origin: 'LHR', destination: 'FRA', date: TRAVEL, passengers: { adults: 1 } });
  return { journeyId, resumeToken };
}

beforeAll(async () => {
  gw = await startGateway({ NDC_VERSIONS: '21.3' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

describe('the dashboard over journeys run on the journey API', () => {
  it('shows a booking made on mobile and a journey left on the web, in the embedded demo without a key', async () => {
    // Both journeys start today (UTC): the conversion row is that day's.
    const today = new Date().toISOString().slice(0, 10);
    const booked = await startAndSearch('mobile');
    const offers = await call('GET', `/api/v1/journey/shopping/offers?journeyId=${encodeURIComponent(booked.journeyId)}&limit=1`, undefined, { 'journey-resume-token': booked.resumeToken });
    await call('POST', '/api/v1/journey/booking/start', { ...booked, offerId: offers.offers[0].offerId });
    await call('PUT', '/api/v1/journey/booking/customer', {
      ...booked,
      passengers: [{ givenName: 'Ada', surname: 'Lovelace', birthdate: '1985-12-10', gender: 'FEMALE' }],
      contact: { email: 'ada@example.com', phone: { countryDialingCode: '+44', number: '20 7946 0958' } },
    });
    await call('POST', '/api/v1/journey/booking/payment', { ...booked, card: APPROVED_CARD });
    expect((await call('POST', '/api/v1/journey/booking/confirm', booked)).journey.state).toBe('Journey_Complete');
    const left = await startAndSearch('web');
    await call('DELETE', `/api/v1/journey/${encodeURIComponent(left.journeyId)}?reason=no_selection`, undefined, { 'journey-resume-token': left.resumeToken });

    // The recorder writes the stream into the tables on its own time.
    await waitFor(async () => {
      const funnel = await call('GET', '/api/v1/analytics/journey/funnel') as FunnelReport;
      return funnel.steps.at(-1)?.reached === 1 && funnel.dropOff.length === 1;
    }, 100);

    const context = await browser.newContext();
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    const problems = watchPageProblems(page);
    await page.goto(`${gw.url}/dashboard`);
    await page.waitForSelector('body[data-state="loaded"]');
    const rows = (selector: string) => page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((cell) => cell.textContent ?? '')));

    const funnel = await rows('#funnel table.figures:not(.drop-off)');
    expect(funnel[0]).toEqual(['Journey_Init', '2', '100.0%']);
    expect(funnel[1]).toEqual(['Shopping', '2', '50.0%']);
    expect(funnel.at(-1)).toEqual(['Journey_Complete', '1', '—']);
    expect(await rows('#funnel table.drop-off')).toEqual([['Shopping', 'no_selection', '1']]);
    expect(await rows('#conversion')).toEqual([[today, '2', '1', '50.0%']]);
    // Two searches on the JSON API (offer.shop), one order, all by the demo client.
    expect(await rows('#look-to-book')).toEqual([['demo', '2', '1', '2.00']]);
    expect((await rows('#message-latency')).map((row) => row.slice(0, 2))).toContainEqual(['offer.shop', '2']);
    expect(await page.isVisible('#experiments .empty')).toBe(true);
    expect(problems).toEqual({ console: [], exceptions: [], failedRequests: [] });
    await context.close();
  }, 180_000);
});
