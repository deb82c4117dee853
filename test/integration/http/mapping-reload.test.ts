import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { DEMO_API_KEY } from '../../../src/auth/index.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { airShoppingLhrFra213 } from '../../support/ndc-doc.ts';

/**
 * Mappings reload while the gateway runs: on a file change (watcher), on the admin route and on
 * SIGHUP. Requests in flight finish with the mappings they started with, a broken file keeps the
 * old set (and the log says where it is broken), and a reload that maps a new message serves it.
 * Each suite works on its own copy of mappings/.
 */

const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';
const REPO_MAPPINGS = resolve('mappings');

/** Log lines as objects, for asserting on what the gateway logged. */
function captureLogs(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, stream };
}

/** A copy of the repository's mappings, without the files named. */
function copyMappings(without: readonly string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'mapping-reload-'));
  const copy = join(root, 'mappings');
  cpSync(REPO_MAPPINGS, copy, { recursive: true });
  for (const file of without) rmSync(join(copy, file));
  return copy;
}

function orderRulesRq(offerId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_OrderRulesRQ xmlns="${MESSAGE_NS}" xmlns:cns="${TYPES_NS}">
  <DistributionChain><cns:DistributionChainLink>
    <cns:Ordinal>1</cns:Ordinal><cns:OrgRole>Seller</cns:OrgRole><cns:ParticipatingOrg><cns:OrgID>AGENCY1</cns:OrgID></cns:ParticipatingOrg>
  </cns:DistributionChainLink></DistributionChain>
  <Request><cns:RulesCoreRequest><cns:FareRef>
    <cns:AirlineDesigCode>XR</cns:AirlineDesigCode>
    <cns:Arrival><cns:IATA_LocationCode>FRA</cns:IATA_LocationCode></cns:Arrival>
    <cns:Dep><cns:IATA_LocationCode>LHR</cns:IATA_LocationCode></cns:Dep>
    <cns:FareBasisCode>KCL</cns:FareBasisCode>
    <cns:FareRefText>${offerId}</cns:FareRefText>
  </cns:FareRef></cns:RulesCoreRequest></Request>
</IATA_OrderRulesRQ>`;
}

/**
 * Rewrites the 21.3 AirShopping response mapping of a copy so that every answer carries
 * PayloadAttributes/TrxID `marker`: a visible change that leaves the answer schema-valid.
 */
function markAirShopping(mappings: string, marker: string): void {
  const file = join(mappings, '21.3/AirShopping.response.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  expect(doc.hasIn(['map', 'PayloadAttributes', 'map']), 'the AirShopping response mapping writes PayloadAttributes').toBe(true);
  doc.setIn(['map', 'PayloadAttributes', 'map', 'TrxID'], marker);
  writeFileSync(file, doc.toString());
}

function trxIdOf(xml: string): string | undefined {
  return /<(?:\w+:)?TrxID>([^<]*)</.exec(xml)?.[1];
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Answer {
  readonly loop: number;
  readonly status: number;
  readonly trxId: string | undefined;
  readonly valid: boolean;
  readonly error: boolean;
}

describe('reloading mappings on file changes while requests are in flight', () => {
  const logs = captureLogs();
  let mappings: string;
  let gw: RunningGateway;
  const answers: Answer[] = [];
  let stop = false;
  let loops: Promise<void>[] = [];

  /** 20 clients shopping back to back until stopped; every answer is recorded and XSD-checked. */
  function startLoops(): void {
    stop = false;
    const xml = airShoppingLhrFra213();
    loops = Array.from({ length: 20 }, async (_unused, loop) => {
      while (!stop) {
        const answer = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, xml);
        answers.push({
          loop,
          status: answer.status,
          trxId: trxIdOf(answer.text),
          valid: gw.gateway.deps.schemas.get('21.3', 'AirShoppingRS').validate(answer.text).length === 0,
          error: /<(?:\w+:)?Error\b/.test(answer.text),
        });
      }
    });
  }

  async function stopLoops(): Promise<void> {
    stop = true;
    await Promise.all(loops);
  }

  beforeAll(async () => {
    mappings = copyMappings();
    markAirShopping(mappings, 'mappings-v1');
    // What is checked is the swap, not the deadlines: on a loaded machine 20 clients shopping in one
    // process slowed single airline calls past the default 3 s, and answers came back 504.
    gw = await startGateway({
      MAPPINGS_PATH: mappings, NDC_VERSIONS: '21.3', MAPPINGS_WATCH: 'true', REQUEST_TIMEOUT_MS: '120000', DOWNSTREAM_TIMEOUT_MS: '60000',
      // The idempotency lease must outlast a request.
      IDEMPOTENCY_LEASE_MS: '180000',
    }, logs.stream);
  });

  afterAll(async () => {
    stop = true;
    await Promise.all(loops);
    await gw?.close();
    rmSync(resolve(mappings, '..'), { recursive: true, force: true });
  });

  it('swaps in a rewritten file without failing a request in flight; later requests show the change', async () => {
    startLoops();
    await waitFor('40 answers with the first mappings', () => answers.length >= 40);
    markAirShopping(mappings, 'mappings-v2');
    await waitFor('an answer built with the rewritten mapping', () => answers.some((a) => a.trxId === 'mappings-v2'));
    const seenAt = answers.length;
    await waitFor('40 more answers', () => answers.length >= seenAt + 40);
    await stopLoops();

    expect(answers.filter((a) => a.status !== 200 || a.error || !a.valid)).toEqual([]);
    expect(new Set(answers.map((a) => a.trxId))).toEqual(new Set(['mappings-v1', 'mappings-v2']));
    // The swap is atomic: once a client got an answer from the new set, it never sees the old one again.
    for (let loop = 0; loop < 20; loop += 1) {
      const seen = answers.filter((a) => a.loop === loop).map((a) => a.trxId);
      const first = seen.indexOf('mappings-v2');
      if (first >= 0) expect(seen.slice(first).every((id) => id === 'mappings-v2'), `client ${loop}: ${seen.join(' ')}`).toBe(true);
    }
    const after = await postXml(`${gw.url}/api/v1/ndc`, airShoppingLhrFra213());
    expect(trxIdOf(after.text)).toBe('mappings-v2');
    expect(logs.lines.some((l) => l.msg === 'reloading mappings' && l.trigger === 'file change')).toBe(true);
  });

  it('keeps the old mappings when a file breaks, and logs the file, line and column', async () => {
    answers.length = 0;
    startLoops();
    await waitFor('20 answers', () => answers.length >= 20);
    const file = join(mappings, '21.3/AirShopping.response.yaml');
    const before = logs.lines.length;
    writeFileSync(file, 'message: AirShoppingRS\nmap:\n  Response: { path: offers, transform: nope }\n');
    await waitFor('the reload failure in the log', () => logs.lines.slice(before).some((l) => l.msg === 'mapping reload failed; the previous mappings stay in force'));
    const seenAt = answers.length;
    await waitFor('20 more answers', () => answers.length >= seenAt + 20);
    await stopLoops();

    const failure = logs.lines.slice(before).find((l) => l.msg === 'mapping reload failed; the previous mappings stay in force')!;
    expect(failure.level).toBe(50);
    expect(failure.errors).toEqual([expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: unknown transform 'nope'`))]);
    expect(answers.filter((a) => a.status !== 200 || a.error || !a.valid)).toEqual([]);
    expect(new Set(answers.map((a) => a.trxId))).toEqual(new Set(['mappings-v2']));
  });
});

describe('reloading mappings on request: the admin route and SIGHUP', () => {
  const logs = captureLogs();
  let mappings: string;
  let gw: RunningGateway;

  beforeAll(async () => {
    mappings = copyMappings(['21.3/OrderRules.request.yaml', '21.3/OrderRules.response.yaml']);
    gw = await startGateway({ MAPPINGS_PATH: mappings, NDC_VERSIONS: '21.3', MAPPINGS_WATCH: 'false' }, logs.stream);
  });

  afterAll(async () => {
    await gw?.close();
    rmSync(resolve(mappings, '..'), { recursive: true, force: true });
  });

  async function reload(): Promise<{ status: number; body: { loaded: number; errors: string[]; served: Record<string, string[]> } }> {
    const response = await fetch(`${gw.url}/api/v1/admin/mappings/reload`, { method: 'POST' });
    return { status: response.status, body: (await response.json()) as never };
  }

  it('serves a message once a reload maps it, from the schema compiled for its version at start-up', async () => {
    // one compiled schema for the 21.3 messages, which OrderRules belongs to as well
    const schemaCount = gw.gateway.deps.schemas.schemaCount;
    expect(schemaCount).toBe(1);
    const before = await postXml(`${gw.url}/api/v1/ndc`, orderRulesRq('SRNOSUCHOFFER-OF1'));
    expect(before.status).toBe(400);
    expect(before.text).toContain('UNKNOWN_MESSAGE');
    expect((await postXml(`${gw.url}/api/v1/ndc/OrderRules`, orderRulesRq('SRNOSUCHOFFER-OF1'))).status).toBe(400);
    expect(gw.gateway.deps.schemas.has('21.3', 'OrderRulesRQ')).toBe(false);

    for (const name of ['OrderRules.request.yaml', 'OrderRules.response.yaml']) cpSync(join(REPO_MAPPINGS, '21.3', name), join(mappings, '21.3', name));
    const { status, body } = await reload();
    expect(status).toBe(200);
    expect(body.errors).toEqual([]);
    expect(body.served['21.3']).toContain('OrderRulesRQ');
    expect(body.served['21.3']).toContain('AirShoppingRQ');
    expect(gw.gateway.deps.schemas.has('21.3', 'OrderRulesRS')).toBe(true);

    const unknown = await postXml(`${gw.url}/api/v1/ndc/OrderRules`, orderRulesRq('SRNOSUCHOFFER-OF1'));
    expect(unknown.status).toBe(200);
    expect(unknown.text).toContain('<IATA_OrderRulesRS ');
    expect(unknown.text).toContain('OFFER_NOT_FOUND');
    expect(gw.gateway.deps.schemas.get('21.3', 'OrderRulesRS').validate(unknown.text)).toEqual([]);

    expect(gw.gateway.deps.schemas.schemaCount).toBe(schemaCount);
    expect(gw.gateway.deps.schemas.route('21.3', 'OrderRulesRS')?.kind).toBe('combined');

    const health = await (await fetch(`${gw.url}/api/v1/monitoring/health`, { headers: { 'x-api-key': DEMO_API_KEY } })).json() as { checks: { schemas: { detail: { served: Record<string, string[]>; compiled: number; schemas: number; combined: unknown[]; failures: unknown[] } } } };
    const detail = health.checks.schemas.detail;
    expect(detail.served['21.3']).toContain('OrderRulesRQ');
    expect(detail).toMatchObject({ compiled: gw.gateway.deps.schemas.compiledCount, schemas: 1, failures: [] });
    expect(detail.combined).toEqual([{ version: '21.3', namespace: 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage', messages: 39, excluded: [] }]);
  });

  it('answers 422 with file:line:column when a file is broken, and keeps serving the old set', async () => {
    const file = join(mappings, '21.3/OrderRules.response.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace(/^map:\n/m, 'map:\n  Unknown: { path: x, lookup: noSuchTable }\n'));
    const { status, body } = await reload();
    expect(status).toBe(422);
    expect(body.errors).toEqual([expect.stringContaining(`${file}:`)]);
    expect(body.errors[0]).toMatch(/:\d+:\d+: unknown code table 'noSuchTable'/);
    expect(body.served['21.3']).toContain('OrderRulesRQ');
    const answer = await postXml(`${gw.url}/api/v1/ndc/OrderRules`, orderRulesRq('SRNOSUCHOFFER-OF1'));
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('OFFER_NOT_FOUND');
    writeFileSync(file, good);
  });

  it('reloads on SIGHUP', async () => {
    rmSync(join(mappings, '21.3/OrderRules.request.yaml'));
    const before = logs.lines.length;
    process.kill(process.pid, 'SIGHUP');
    await waitFor('a reload after SIGHUP', () => logs.lines.slice(before).some((l) => l.msg === 'mappings reloaded'));
    expect(logs.lines.slice(before).some((l) => l.msg === 'reloading mappings' && l.trigger === 'SIGHUP')).toBe(true);
    const answer = await postXml(`${gw.url}/api/v1/ndc`, orderRulesRq('SRNOSUCHOFFER-OF1'));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('UNKNOWN_MESSAGE');
  });
});
