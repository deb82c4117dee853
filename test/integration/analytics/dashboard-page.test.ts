import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentResults, PerformanceReport } from '../../../src/analytics/analytics-types.ts';
import { formatMs, formatPValue, formatPercent, inStateOrder } from '../../../src/analytics/dashboard/dashboard-figures.js';
import { recordJourneyEvents } from '../../../src/analytics/journey-event-recorder.ts';
import { hashApiKey } from '../../../src/auth/index.ts';
import type { AbandonReason, JourneyState } from '../../../src/journeys/journey-states.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createPgOrderStore, type OrderStore } from '../../../src/orders/index.ts';
import { launchChromium, watchPageProblems, type PageProblems } from '../../support/headless-browser.ts';
import { startGatewayWithClients, TEST_DATABASE_URL, type RunningGateway } from '../../support/start-gateway.ts';
import { eventsOf, type JourneySpec, type MessageAt, type Step } from './journey-event-fixtures.ts';

/**
 * The dashboard in a real browser (Debian's chromium) against the real analytics API and tables:
 * a seeded set of journeys goes in through the recorder that writes the journey stream, and the
 * page must show its numbers, draw its charts, and load without a console error or failed request.
 */

const ANALYST_KEY = 'dashboard-analyst-key-0001';
const SELLER_KEY = 'dashboard-seller-key-00001';
const EXPERIMENT = 'checkout-button';
const WINDOW_QUERY = '?from=2026-11-01&to=2026-11-07';

const HAPPY_PATH: readonly JourneyState[] = [
  'Shopping', 'Offer_Selection', 'Booking_Start', 'Customer_Data', 'Payment_Process', 'Order_Confirmation', 'Ticket_Generation', 'Journey_Complete',
];

/** Steps through `states`, the n-th after n seconds in the state before. */
const stepsThrough = (states: readonly JourneyState[], reason?: AbandonReason): Step[] =>
  states.map((to, index) => (to === 'Journey_Abandoned' && reason ? [to, 1_000 * (index + 1), reason] : [to, 1_000 * (index + 1)]));

const completed = (failedOnce = false): Step[] => {
  if (!failedOnce) return stepsThrough(HAPPY_PATH);
  const payment = HAPPY_PATH.indexOf('Payment_Process');
  return stepsThrough([...HAPPY_PATH.slice(0, payment + 1), 'Payment_Failed', 'Payment_Retry', ...HAPPY_PATH.slice(payment)]);
};

/** A journey's messages, a tenth of a second apart: name, duration, outcome. */
const messagesOf = (list: readonly (readonly [string, number, string?])[], orderId?: string): MessageAt[] =>
  list.map(([message, durationMs, outcome], index) => ({
    message, durationMs, afterMs: 500 + index * 100, outcome: outcome ?? 'ok', ...(message === 'OrderCreateRQ' && orderId ? { orderId } : {}),
  }));

const variant = (name: string): Record<string, string> => ({ [EXPERIMENT]: name });

/** Four web journeys on 2 November, three NDC ones on 3 November; what the page must show is worked out by hand in the tests. */
const JOURNEYS: readonly JourneySpec[] = [
  { id: 'web-1', clientId: 'web-shop', channel: 'web', start: '2026-11-02T09:00:00.000Z', steps: completed(), orderId: 'ORD-1', variants: variant('control'), messages: messagesOf([['offer.shop', 40], ['offer.shop', 60]]) },
  { id: 'web-2', clientId: 'web-shop', channel: 'web', start: '2026-11-02T10:00:00.000Z', steps: completed(true), orderId: 'ORD-2', variants: variant('green'), messages: messagesOf([['offer.shop', 50]]) },
  { id: 'web-3', clientId: 'web-shop', channel: 'web', start: '2026-11-02T11:00:00.000Z', steps: stepsThrough(['Shopping', 'Journey_Abandoned'], 'exit'), variants: variant('control'), messages: messagesOf([['offer.shop', 30], ['offer.shop', 30], ['offer.shop', 30]]) },
  { id: 'web-4', clientId: 'web-shop', channel: 'web', start: '2026-11-02T12:00:00.000Z', steps: stepsThrough(['Shopping', 'Offer_Selection', 'Journey_Abandoned'], 'timeout'), variants: variant('green'), messages: messagesOf([['offer.shop', 45], ['offer.shop', 55]]) },
  { id: 'ndc-1', clientId: 'ndc-seller', channel: 'ndc', start: '2026-11-03T09:00:00.000Z', steps: completed(), orderId: 'ORD-3', variants: variant('green'), messages: messagesOf([['AirShoppingRQ', 120], ['AirShoppingRQ', 140], ['AirShoppingRQ', 160], ['OfferPriceRQ', 100], ['OrderCreateRQ', 400]], 'ORD-3') },
  { id: 'ndc-2', clientId: 'ndc-seller', channel: 'ndc', start: '2026-11-03T10:00:00.000Z', steps: stepsThrough(['Shopping', 'Journey_Abandoned'], 'timeout'), variants: variant('control'), messages: messagesOf([['AirShoppingRQ', 110], ['AirShoppingRQ', 130, 'NO_OFFER_FOUND']]) },
  { id: 'ndc-3', clientId: 'ndc-seller', channel: 'ndc', start: '2026-11-03T11:00:00.000Z', steps: completed(), orderId: 'ORD-4', variants: variant('green'), messages: messagesOf([['AirShoppingRQ', 150], ['OfferPriceRQ', 200, 'OFFER_EXPIRED'], ['OfferPriceRQ', 300], ['OrderCreateRQ', 500]], 'ORD-4') },
];

let gw: RunningGateway;
let store: OrderStore;
let browser: Browser;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${gw.url}/api/v1/analytics${path}`, { ...init, headers: { 'x-api-key': ANALYST_KEY, 'content-type': 'application/json', ...init.headers } });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return await response.json() as T;
}

beforeAll(async () => {
  gw = await startGatewayWithClients([
    { id: 'analyst', name: 'Revenue analyst', apiKeys: [hashApiKey(ANALYST_KEY)], messages: [], analytics: true },
    { id: 'seller', name: 'A seller', apiKeys: [hashApiKey(SELLER_KEY)], messages: ['*'] },
  ]);
  // The gateway's own schema, through a store of the test's: the recorder's write path, as the stream consumer runs it.
  store = createPgOrderStore({ connectionString: TEST_DATABASE_URL, schema: gw.config.databaseSchema, logger: createLogger('silent'), poolSize: 2 });
  const events = JOURNEYS.flatMap((journey) => eventsOf(journey, 'dashboard'));
  expect(await recordJourneyEvents(await store.sql(), events)).toBe(events.length);
  await api('/experiments', { method: 'POST', body: JSON.stringify({ id: EXPERIMENT, name: 'Checkout button', variants: [{ name: 'control', weight: 1 }, { name: 'green', weight: 1 }] }) });
  await api('/experiments', { method: 'POST', body: JSON.stringify({ id: 'old-banner', name: 'Old banner', variants: [{ name: 'control', weight: 1 }, { name: 'banner', weight: 1 }] }) });
  await api('/experiments/old-banner/stop', { method: 'POST' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await store?.close();
  await gw?.close();
});

/** The cell texts of the body rows of the tables a selector finds. */
async function rowsOf(page: Page, selector: string): Promise<string[][]> {
  return page.$$eval(`${selector} tbody tr`, (rows) => rows.map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent ?? '')));
}

async function submitAndWait(page: Page): Promise<void> {
  await page.click('#filters button[type=submit]');
  await page.waitForSelector('body[data-state="loaded"]');
}

function expectNoProblems(problems: PageProblems): void {
  expect(problems.exceptions).toEqual([]);
  expect(problems.console).toEqual([]);
  expect(problems.failedRequests).toEqual([]);
}

describe('the dashboard in a browser', () => {
  it('asks for a key, shows a refusal on the page, then with an analytics key shows the seeded figures and draws every chart', async () => {
    const context = await browser.newContext();
    // The suite runs many gateways at once on few cores: give the page time rather than fail for load.
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    let problems = watchPageProblems(page);
    await page.goto(`${gw.url}/dashboard${WINDOW_QUERY}`);
    await page.waitForSelector('body[data-state="loaded"]');
    // Without a key: every panel says 401, and nothing is thrown.
    expect(problems.exceptions).toEqual([]);
    const refusals = await page.$$eval('section .error:not([hidden])', (nodes) => nodes.map((node) => node.textContent));
    expect(refusals).toHaveLength(6);
    for (const refusal of refusals) expect(refusal).toMatch(/^401 AUTH_REQUIRED/);
    // A client without the analytics permission: 403, shown the same way.
    await page.fill('#api-key', SELLER_KEY);
    await submitAndWait(page);
    expect(await page.$$eval('section .error:not([hidden])', (nodes) => nodes.map((node) => node.textContent?.slice(0, 3)))).toEqual(Array(6).fill('403'));

    await page.fill('#api-key', ANALYST_KEY);
    await submitAndWait(page);
    expect(await page.$$eval('section .error:not([hidden])', (nodes) => nodes.length)).toBe(0);
    // The key is kept for the tab: a reload loads everything cleanly with it.
    problems = watchPageProblems(page);
    await page.reload();
    await page.waitForSelector('body[data-state="loaded"]');
    expectNoProblems(problems);
    expect(await page.inputValue('#api-key')).toBe(ANALYST_KEY);
    expect(await page.$$eval('section .error:not([hidden])', (nodes) => nodes.length)).toBe(0);

    // Funnel: 7 started, 5 of them selected an offer, 4 completed (worked out from JOURNEYS).
    expect(await rowsOf(page, '#funnel table.figures:not(.drop-off)')).toEqual([
      ['Journey_Init', '7', '100.0%'],
      ['Shopping', '7', '71.4%'],
      ['Offer_Selection', '5', '80.0%'],
      ['Booking_Start', '4', '100.0%'],
      ['Customer_Data', '4', '100.0%'],
      ['Payment_Process', '4', '100.0%'],
      ['Order_Confirmation', '4', '100.0%'],
      ['Ticket_Generation', '4', '100.0%'],
      ['Journey_Complete', '4', '—'],
    ]);
    expect((await rowsOf(page, '#funnel table.drop-off')).sort()).toEqual([['Offer_Selection', 'timeout', '1'], ['Shopping', 'exit', '1'], ['Shopping', 'timeout', '1']]);
    // Conversion by day: 2 of 4 web journeys on the 2nd, 2 of 3 NDC journeys on the 3rd.
    expect(await rowsOf(page, '#conversion')).toEqual([['2026-11-02', '4', '2', '50.0%'], ['2026-11-03', '3', '2', '66.7%']]);
    // Look-to-book: 8 JSON searches for 2 orders; 6 AirShopping for 2 orders.
    expect(await rowsOf(page, '#look-to-book')).toEqual([['ndc-seller', '6', '2', '3.00'], ['web-shop', '8', '2', '4.00']]);
    // NDC messages: OfferPriceRQ took 100, 200 and 300 ms, one of three expired: p50 200, p95 290, p99 298.
    const messages = await rowsOf(page, '#message-latency');
    expect(messages).toContainEqual(['OfferPriceRQ', '3', '200.0', '290.0', '298.0', '33.3%']);
    expect(messages).toContainEqual(['AirShoppingRQ', '6', expect.any(String), expect.any(String), expect.any(String), '16.7%']);
    // Steps: every figure the API gives is on the page, in the order of the state machine.
    const performance = await api<PerformanceReport>(`/journey/performance?from=2026-11-01&to=2026-11-08`);
    expect(performance.steps.length).toBeGreaterThan(5);
    expect((await rowsOf(page, '#step-latency')).slice(0, 3).map((row) => row[0])).toEqual(['Journey_Init', 'Shopping', 'Offer_Selection']);
    expect(await rowsOf(page, '#step-latency')).toEqual(inStateOrder(performance.steps).map((step) => [step.state, String(step.count), formatMs(step.p50Ms), formatMs(step.p95Ms), formatMs(step.p99Ms)]));
    // The running experiment (not the stopped one): control 1 of 3, green 3 of 4, lift +125%.
    expect(await page.$$eval('#experiments table', (tables) => tables.map((table) => (table as HTMLElement).dataset.experiment))).toEqual([EXPERIMENT]);
    const results = await api<ExperimentResults>(`/experiments/${EXPERIMENT}`);
    const green = results.variants[1]!;
    expect(green.pValue).toBeCloseTo(0.2703, 3);
    expect(await rowsOf(page, '#experiments table')).toEqual([
      ['control', '3', '1', '33.3%', '—', '—', '—'],
      ['green', '4', '3', '75.0%', '+125.0%', expect.stringMatching(/^[−+]\d+\.\d% … \+\d+\.\d%$/), formatPValue(green.pValue)],
    ]);
    expect(formatPercent(green.rate)).toBe('75.0%');

    // Every chart is drawn: a Chart.js chart on each canvas, with a size and pixels painted.
    const canvases = await page.$$eval('canvas', (nodes) => nodes.map((node) => {
      const canvas = node as HTMLCanvasElement;
      const chart = (globalThis as unknown as { Chart: { getChart(canvas: HTMLCanvasElement): unknown } }).Chart.getChart(canvas);
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let painted = 0;
      for (let index = 3; index < pixels.length; index += 4) if ((pixels[index] ?? 0) > 0) painted += 1;
      return { section: canvas.closest('section')?.id, width: canvas.width, height: canvas.height, chart: chart !== undefined, painted };
    }));
    expect(canvases.map((canvas) => canvas.section)).toEqual(['funnel', 'conversion', 'look-to-book', 'step-latency', 'message-latency']);
    for (const canvas of canvases) {
      expect(canvas.chart, canvas.section).toBe(true);
      expect(canvas.width * canvas.height, canvas.section).toBeGreaterThan(0);
      expect(canvas.painted, canvas.section).toBeGreaterThan(500);
    }
    expectNoProblems(problems);
    await context.close();
  }, 120_000);

  it('filters by channel and by client, and shows a filter the API refuses', async () => {
    const context = await browser.newContext();
    // The suite runs many gateways at once on few cores: give the page time rather than fail for load.
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    const problems = watchPageProblems(page);
    await page.goto(`${gw.url}/dashboard${WINDOW_QUERY}`);
    await page.waitForSelector('body[data-state="loaded"]');
    await page.fill('#api-key', ANALYST_KEY);
    await page.selectOption('#channel', 'ndc');
    await submitAndWait(page);
    expect((await rowsOf(page, '#funnel table.figures:not(.drop-off)'))[0]).toEqual(['Journey_Init', '3', '100.0%']);
    expect(await rowsOf(page, '#conversion')).toEqual([['2026-11-03', '3', '2', '66.7%']]);
    expect(await rowsOf(page, '#look-to-book')).toEqual([['ndc-seller', '6', '2', '3.00']]);
    expect(await page.textContent('#status')).toContain('channel ndc');
    await page.screenshot({ path: join(tmpdir(), 'ndc-gateway-dashboard.png'), fullPage: true });

    await page.selectOption('#channel', '');
    await page.fill('#client', 'web-shop');
    await submitAndWait(page);
    expect((await rowsOf(page, '#funnel table.figures:not(.drop-off)'))[0]).toEqual(['Journey_Init', '4', '100.0%']);
    expect(await rowsOf(page, '#conversion')).toEqual([['2026-11-02', '4', '2', '50.0%']]);
    expect(await rowsOf(page, '#look-to-book')).toEqual([['web-shop', '8', '2', '4.00']]);
    // Searches of 30, 30, 30, 40, 45, 50, 55, 60 ms: continuous percentiles 42.5, 58.25, 59.65.
    expect(await rowsOf(page, '#message-latency')).toEqual([['offer.shop', '8', '42.5', '58.3', '59.6', '0.0%']]);

    // A client id the API refuses: its 400 is shown in each report's panel, and their old figures are gone.
    await page.fill('#client', 'no such client!');
    await submitAndWait(page);
    const errors = await page.$$eval('section .error:not([hidden])', (nodes) => nodes.map((node) => `${node.closest('section')?.id} ${node.textContent}`));
    expect(errors).toHaveLength(5);
    for (const error of errors) expect(error).toMatch(/^[\w-]+ 400 INVALID_COMMAND: Query parameter clientId/);
    expect(await rowsOf(page, '#funnel table.figures:not(.drop-off)')).toEqual([]);
    expect(await page.$$eval('#funnel canvas', (nodes) => (globalThis as unknown as { Chart: { getChart(canvas: unknown): unknown } }).Chart.getChart(nodes[0]) === undefined)).toBe(true);
    // A window that ends before it starts is the API's 400; a day that is no date is asked for again.
    await page.fill('#client', '');
    await page.fill('#from', '2026-11-07');
    await page.fill('#to', '2026-11-01');
    await submitAndWait(page);
    expect(await page.textContent('#funnel .error')).toMatch(/^400 INVALID_COMMAND: Query parameter from: must be before to/);
    await page.goto(`${gw.url}/dashboard?from=someday&to=2026-11-07`);
    await page.waitForSelector('body[data-state="loaded"]');
    expect(await page.textContent('#status')).toBe('Choose the first and the last day of the window.');

    // The first load went out without a key (401s), the bad client id gave 400s; nothing was thrown.
    expect(problems.exceptions).toEqual([]);
    expect(problems.failedRequests.length).toBeGreaterThan(0);
    expect(problems.failedRequests.filter((line) => !/: (401|400)$/.test(line))).toEqual([]);
    await context.close();
  }, 120_000);
});
