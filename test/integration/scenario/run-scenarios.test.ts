import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeOfRun, loadScenarioSuite, runScenarioSuites, type RunScenariosOptions, type ScenarioRunReport } from '../../../src/tools/scenario/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';

/**
 * The runner against a canned HTTP server, so each of its rules is seen on its own: what it sends
 * (rendered templates, headers), what it carries from step to step, and how it records answers
 * it cannot judge. The shipped suites against the real gateway are in shipped-suites.test.ts.
 */

const NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';

const SHOP_RS = `<?xml version="1.0" encoding="UTF-8"?>
<IATA_AirShoppingRS xmlns="${NS}">
  <Response>
    <OffersGroup><CarrierOffers>
      <Offer><OfferID>OF&amp;1</OfferID><OfferItem><OfferItemID>OF1-1</OfferItemID></OfferItem><OfferItem><OfferItemID>OF1-2</OfferItemID></OfferItem></Offer>
      <Offer><OfferID>OF2</OfferID><OfferItem><OfferItemID>OF2-1</OfferItemID></OfferItem></Offer>
    </CarrierOffers></OffersGroup>
  </Response>
</IATA_AirShoppingRS>`;

const PRICE_RS = `<?xml version="1.0" encoding="UTF-8"?>
<IATA_OfferPriceRS xmlns="${NS}"><Response><PricedOffer><OfferID>OF&amp;1</OfferID></PricedOffer></Response></IATA_OfferPriceRS>`;

interface Received { readonly path: string; readonly headers: IncomingHttpHeaders; readonly body: string }
type Answer = { status: number; body: string; type?: string } | 'hang';

let server: Server;
let url: string;
let dir: string;
const received: Received[] = [];
const answers = new Map<string, Answer>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.get(req.url ?? '') ?? { status: 404, body: 'no such path', type: 'text/plain' };
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/xml' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  answers.clear();
  answers.set('/shop', { status: 200, body: SHOP_RS });
  answers.set('/price', { status: 200, body: PRICE_RS });
  dir = mkdtempSync(join(tmpdir(), 'scenario-run-'));
  mkdirSync(join(dir, 'requests'));
  writeFileSync(join(dir, 'requests', 'shop.xml'), '<IATA_AirShoppingRQ xmlns="urn:x"><Date>{{outbound}}</Date><Id>{{uuid}}</Id></IATA_AirShoppingRQ>');
  writeFileSync(join(dir, 'requests', 'price.xml'), '<IATA_OfferPriceRQ xmlns="urn:x"><OfferRefID>{{offerId}}</OfferRefID>{{itemIds | wrap:OfferItemRefID}}<Count>{{itemIds | count}}</Count></IATA_OfferPriceRQ>');
  return () => rmSync(dir, { recursive: true, force: true });
});

const SHOP_STEP = `  - name: shop
    request: requests/shop.xml
    path: /shop
    expect: { status: 200, noErrors: true }
    capture:
      offerId: Response.OffersGroup.CarrierOffers[0].Offer[0].OfferID
      itemIds: { path: 'Response.OffersGroup.CarrierOffers[0].Offer[0].OfferItem.OfferItemID', all: true }
      allItems: { path: Response.OffersGroup.CarrierOffers.Offer.OfferItem.OfferItemID, join: ',' }
`;

const PRICE_STEP = `  - name: price
    request: requests/price.xml
    path: /price
    headers: { X-Offer: '{{offerId}}' }
    expect:
      status: 200
      equals: { Response.PricedOffer.OfferID: '{{offerId}}' }
`;

function scenario(name: string, steps: string, extra = ''): string {
  return `name: ${name}\nversion: '21.3'\nvars:\n  outbound: '{{date+45}}'\n${extra}steps:\n${steps}`;
}

async function run(files: Record<string, string>, options: Partial<RunScenariosOptions> = {}): Promise<ScenarioRunReport> {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return runScenarioSuites([loadScenarioSuite(dir)], {
    url,
    schemaPath: SCHEMA_PATH,
    xsdEngine: 'libxml2-wasm',
    now: () => new Date('2030-02-27T10:00:00Z'),
    ...options,
  });
}

describe('running scenarios', () => {
  it('renders each request, carries captured values and lists to the next step, and passes', async () => {
    const report = await run({ 'a.yaml': scenario('Shop and price', SHOP_STEP + PRICE_STEP) });
    expect(report.summary).toMatchObject({ scenarios: 1, scenariosPassed: 1, steps: 2, passed: 2, failed: 0, errors: 0, skipped: 0 });
    expect(exitCodeOfRun(report)).toBe(0);
    const [shop, price] = received;
    expect(shop?.body).toMatch(/^<IATA_AirShoppingRQ xmlns="urn:x"><Date>2030-04-13<\/Date><Id>[0-9a-f-]{36}<\/Id><\/IATA_AirShoppingRQ>$/);
    // The captured OfferID is the decoded text; put back into XML it is escaped again.
    expect(price?.body).toBe('<IATA_OfferPriceRQ xmlns="urn:x"><OfferRefID>OF&amp;1</OfferRefID><OfferItemRefID>OF1-1</OfferItemRefID><OfferItemRefID>OF1-2</OfferItemRefID><Count>2</Count></IATA_OfferPriceRQ>');
    expect(price?.headers['x-offer']).toBe('OF&1');
    expect(report.scenarios[0]!.steps[0]!.captured).toEqual({ offerId: 'OF&1', itemIds: ['OF1-1', 'OF1-2'], allItems: 'OF1-1,OF1-2,OF2-1' });
  });

  it('sends XML with the scenario version as NDC-Version, the scenario and step headers, and the run headers over them', async () => {
    const text = scenario('Headers', PRICE_STEP.replace("headers: { X-Offer: '{{offerId}}' }", "headers: { X-Step: step, x-client: from-step }"),
      "headers:\n  X-Client: from-scenario\n  X-Day: '{{outbound}}'\n  NDC-Version: '24.4'\n").replace("vars:\n", 'vars:\n  offerId: OF&1\n  itemIds: OF1-1\n');
    const report = await run({ 'a.yaml': text }, { headers: { 'X-CLIENT': 'from-run', Authorization: 'Bearer t0k3n' } });
    expect(report.summary.passed).toBe(1);
    const { headers } = received[0]!;
    expect(headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(headers['ndc-version']).toBe('24.4');
    expect(headers['x-day']).toBe('2030-04-13');
    expect(headers['x-step']).toBe('step');
    expect(headers['x-client']).toBe('from-run');
    expect(headers.authorization).toBe('Bearer t0k3n');
  });

  it('skips the rest of a scenario after a failed step, and still runs the other scenarios', async () => {
    answers.set('/price', { status: 200, body: PRICE_RS.replace('OF&amp;1', 'OF9') });
    const report = await run({
      'a.yaml': scenario('Fails at price', SHOP_STEP + PRICE_STEP + SHOP_STEP.replace('name: shop', 'name: shop again')),
      'b.yaml': scenario('Only shops', SHOP_STEP),
    });
    expect(report.summary).toMatchObject({ scenarios: 2, scenariosPassed: 1, steps: 4, passed: 2, failed: 1, errors: 0, skipped: 1 });
    expect(exitCodeOfRun(report)).toBe(1);
    const [failing, passing] = report.scenarios;
    expect(failing!.status).toBe('failed');
    expect(failing!.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(failing!.steps[1]!.failures).toEqual([{ assertion: 'equals Response.PricedOffer.OfferID', message: "expected 'OF&1', got 'OF9'" }]);
    expect(failing!.steps[2]!.error).toBe("step 'price' did not pass");
    expect(passing!.status).toBe('passed');
    expect(received.map((r) => r.path)).toEqual(['/shop', '/price', '/shop']);
  });

  it('fails a step whose capture finds nothing, naming the path', async () => {
    answers.set('/shop', { status: 200, body: `<IATA_AirShoppingRS xmlns="${NS}"><Response/></IATA_AirShoppingRS>` });
    const report = await run({ 'a.yaml': scenario('No offers', SHOP_STEP + PRICE_STEP) });
    const [shop, price] = report.scenarios[0]!.steps;
    expect(shop!.status).toBe('failed');
    expect(shop!.failures.map((f) => f.assertion)).toEqual(['capture offerId', 'capture itemIds', 'capture allItems']);
    expect(shop!.failures[0]!.message).toBe("Response.OffersGroup.CarrierOffers[0].Offer[0].OfferID selects nothing, so 'offerId' cannot be captured");
    expect(price!.status).toBe('skipped');
  });

  it('fails a step whose answer is not XML, with an excerpt of what came back', async () => {
    answers.set('/shop', { status: 502, body: '<html><body>Bad gateway</body></html', type: 'text/html' });
    const report = await run({ 'a.yaml': scenario('Proxy error', SHOP_STEP) });
    const step = report.scenarios[0]!.steps[0]!;
    expect(step.status).toBe('failed');
    expect(step.httpStatus).toBe(502);
    expect(step.failures.map((f) => f.assertion)).toEqual(['status', 'response']);
    expect(step.failures[1]!.excerpt).toBe('<html><body>Bad gateway</body></html');
  });

  it('fails a step that captures from an answer that is not XML, even when its status is as expected', async () => {
    answers.set('/shop', { status: 200, body: 'OK', type: 'text/plain' });
    const report = await run({ 'a.yaml': scenario('Plain text', SHOP_STEP.replace('{ status: 200, noErrors: true }', '{ status: 200 }')) });
    const step = report.scenarios[0]!.steps[0]!;
    expect(step.status).toBe('failed');
    expect(step.failures).toEqual([{ assertion: 'capture', message: expect.stringMatching(/^the answer is not an NDC document: /), excerpt: 'OK' }]);
  });

  it('records a step the gateway never answers as an error: refused, or past the deadline', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await run({ 'a.yaml': scenario('Nobody home', SHOP_STEP) }, { url: deadUrl });
    expect(refused.scenarios[0]!.status).toBe('error');
    expect(refused.scenarios[0]!.steps[0]).toMatchObject({ status: 'error', error: expect.stringMatching(/^POST http:\/\/127\.0\.0\.1:\d+\/shop failed: fetch failed: .*ECONNREFUSED/) });
    expect(refused.summary.errors).toBe(1);

    answers.set('/shop', 'hang');
    const slow = await run({ 'a.yaml': scenario('Too slow', SHOP_STEP) }, { timeoutMs: 300 });
    expect(slow.scenarios[0]!.steps[0]).toMatchObject({ status: 'error', error: `no answer from ${url}/shop within 300 ms` });
  });

  it('checks xsdValid with the libxml2 engine against the message XSD of the version', async () => {
    const step = PRICE_STEP.replace('      status: 200\n', '      status: 200\n      xsdValid: true\n');
    const report = await run({ 'a.yaml': scenario('Invalid RS', step).replace("vars:\n", 'vars:\n  offerId: OF&1\n  itemIds: OF1-1\n') });
    const failure = report.scenarios[0]!.steps[0]!.failures[0]!;
    expect(failure.assertion).toBe('xsdValid');
    expect(failure.message).toMatch(/^IATA_OfferPriceRS \(21\.3\) is not valid against its XSD: \d+ problems?$/);
    expect(failure.excerpt).toMatch(/^2:\d+ \/IATA_OfferPriceRS\/Response\/PricedOffer: /);
  });
});
