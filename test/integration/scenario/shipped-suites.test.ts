import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/tools/cli/scenario.command.ts';
import { loadScenarioSuite, runScenarioSuites } from '../../../src/tools/scenario/index.ts';
import { captureIo } from '../cli/cli-io.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * The suites shipped under scenarios/ against the gateway and the reference airline, through the
 * runner's function API and through `bin/ndc-gateway.js scenario run` as a separate process; and
 * a copy of a suite with one doctored expectation, which must fail the run and show in the report.
 */

const BIN = resolve('bin/ndc-gateway.js');
const SUITES = ['scenarios/shopping-21.3', 'scenarios/shopping-17.2', 'scenarios/booking-21.3', 'scenarios/booking-17.2'];

interface JunitCase { name: string; classname: string; failure?: { message: string; type: string; '#text': string }; skipped?: { message: string } }
interface JunitSuite { name: string; tests: string; failures: string; errors: string; skipped: string; testcase: JunitCase[] }
interface Junit { testsuites: { tests: string; failures: string; errors: string; skipped: string; testsuite: JunitSuite[] } }

function parseJunit(xml: string): Junit {
  expect(XMLValidator.validate(xml)).toBe(true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(xml) as Junit;
}

/** Runs the CLI as its own process; asynchronously, since the gateway it talks to runs in this one. */
function runBin(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: '1', NDC_SCHEMA_PATH: SCHEMA_PATH } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

let gw: RunningGateway;
let dir: string;

beforeAll(async () => {
  gw = await startGateway({ NDC_VERSIONS: '21.3,17.2' });
  dir = mkdtempSync(join(tmpdir(), 'scenario-suites-'));
});

afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the shipped scenario suites against the gateway and the reference airline', () => {
  it('pass through the runner: shop, price, seat maps and services in 21.3 and 17.2, the unknown offer, and the 21.3 and 17.2 bookings', async () => {
    const suites = SUITES.map((folder) => loadScenarioSuite(folder));
    const report = await runScenarioSuites(suites, { url: gw.url, schemaPath: gw.config.schemaPath, xsdEngine: gw.config.xsdEngine });
    const problems = report.scenarios.flatMap((s) => s.steps.filter((step) => step.status !== 'passed').map((step) => ({ scenario: s.name, step })));
    expect(problems).toEqual([]);
    expect(report.summary).toMatchObject({ scenarios: 6, scenariosPassed: 6, steps: 27, passed: 27, failed: 0, errors: 0, skipped: 0 });
    const flows = report.scenarios.filter((s) => s.steps.length === 4);
    expect(flows.map((s) => [s.version, s.steps.map((step) => step.responseRoot)])).toEqual([
      ['21.3', ['IATA_AirShoppingRS', 'IATA_OfferPriceRS', 'IATA_SeatAvailabilityRS', 'IATA_ServiceListRS']],
      ['17.2', ['AirShoppingRS', 'OfferPriceRS', 'SeatAvailabilityRS', 'ServiceListRS']],
    ]);
    // What the shopping step captured is what the later steps were built from.
    const shop21 = flows[0]!.steps[0]!.captured;
    expect(shop21.adultPaxIds).toEqual(['PAX1', 'PAX2']);
    expect(shop21.childPaxIds).toEqual(['PAX3']);
    expect(flows[1]!.steps[0]!.captured.adultPaxRefs).toBe('PAX1 PAX2');
    // The booking suites: the order made is the one retrieved, changed and cancelled.
    const bookings = report.scenarios.filter((s) => s.file.includes('booking-'));
    expect(bookings.map((s) => [s.version, s.steps.map((step) => step.responseRoot)])).toEqual([
      ['21.3', ['IATA_AirShoppingRS', 'IATA_OfferPriceRS', 'IATA_SeatAvailabilityRS', 'IATA_OrderViewRS', 'IATA_OrderViewRS', 'IATA_ServiceListRS', 'IATA_OrderViewRS', 'IATA_OrderReshopRS', 'IATA_OrderViewRS']],
      ['17.2', ['AirShoppingRS', 'OfferPriceRS', 'SeatAvailabilityRS', 'OrderViewRS', 'OrderViewRS', 'OrderViewRS', 'OrderCancelRS', 'OrderViewRS']],
    ]);
    for (const booking of bookings) expect(booking.steps.find((step) => step.captured.orderId)?.captured.orderId).toMatch(/^\S+$/);
  });

  it('pass through `ndc-gateway scenario run` as a process: exit 0 and a JUnit file with the right counts', async () => {
    const output = join(dir, 'reports', 'shopping-21.3.xml');
    const result = await runBin(['scenario', 'run', 'scenarios/shopping-21.3', '--url', gw.url, '--format', 'junit', '--output', output]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^2 scenarios: 2 passed, 0 failed; 5 steps: 5 passed, 0 failed, 0 errors, 0 skipped \(http:\/\/127\.0\.0\.1:\d+; [\d.]+ s\)\nReport written to /);
    const junit = parseJunit(readFileSync(output, 'utf8'));
    expect(junit.testsuites).toMatchObject({ tests: '5', failures: '0', errors: '0', skipped: '0' });
    expect(junit.testsuites.testsuite.map((s) => [s.name, s.tests, s.failures])).toEqual([
      ['Pricing an offer the airline never made is answered with OFFER_NOT_FOUND (21.3)', '1', '0'],
      ['Shop a round trip, price an offer, then its seats and services (21.3)', '4', '0'],
    ]);
    expect(junit.testsuites.testsuite[1]!.testcase.map((c) => c.name)).toEqual(['shop LHR-JFK round trip', 'price the first offer', 'seat maps of the offer', 'services of the offer']);
  });

  it('fail with exit 1 when an expectation is doctored, the JUnit report naming the failed check and the skipped steps', async () => {
    const doctored = join(dir, 'doctored-21.3');
    cpSync('scenarios/shopping-21.3', doctored, { recursive: true });
    const file = join(doctored, 'shop-price-ancillaries.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('Response.DataLists.PaxList.Pax: 3');
    writeFileSync(file, text.replace('Response.DataLists.PaxList.Pax: 3', 'Response.DataLists.PaxList.Pax: 4'));

    const result = await runBin(['scenario', 'run', doctored, '--url', gw.url, '--format', 'junit']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const junit = parseJunit(result.stdout);
    expect(junit.testsuites).toMatchObject({ tests: '5', failures: '1', errors: '0', skipped: '3' });
    const flow = junit.testsuites.testsuite.find((s) => s.name.startsWith('Shop a round trip'))!;
    expect(flow).toMatchObject({ tests: '4', failures: '1', errors: '0', skipped: '3' });
    const [shop, ...rest] = flow.testcase;
    expect(shop!.failure).toMatchObject({ type: 'count', message: 'count Response.DataLists.PaxList.Pax: expected 4, got 3' });
    expect(rest.map((c) => c.skipped?.message)).toEqual(Array(3).fill("step 'shop LHR-JFK round trip' did not pass"));

    const text2 = await runBin(['scenario', 'run', doctored, '--url', gw.url]);
    expect(text2.status).toBe(1);
    expect(text2.stdout).toContain('    ✗ shop LHR-JFK round trip  200 IATA_AirShoppingRS');
    expect(text2.stdout).toContain('        count Response.DataLists.PaxList.Pax: expected 4, got 3\n');
  });
});

describe('ndc-gateway scenario: usage and suite errors exit 2', () => {
  it('a suite that does not load: every problem with file and line on stderr, nothing sent', async () => {
    const broken = join(dir, 'broken');
    cpSync('scenarios/shopping-17.2', broken, { recursive: true });
    const file = join(broken, 'price-unknown-offer.yaml');
    const text = readFileSync(file, 'utf8').replace('    expect:\n', '    expects:\n');
    writeFileSync(file, text);
    const line = text.split('\n').indexOf('    expects:') + 1;
    const io = captureIo();
    expect(await run(['run', broken, '--url', gw.url], io)).toBe(2);
    expect(io.stderrText()).toBe(`${file}:${line}:5: 'expects' is not allowed here\n`);
    expect(io.stdoutText()).toBe('');
    const check = captureIo();
    expect(await run(['check', broken], check)).toBe(2);
    expect(check.stderrText()).toContain(`${file}:${line}:5:`);
  });

  it.each([
    [['run', 'scenarios/shopping-21.3'], '--url is required'],
    [['run', '--url', 'http://x'], 'Name at least one suite folder.'],
    [['run', 'scenarios/shopping-21.3', '--url', 'ftp://x'], "--url takes an http or https URL, not 'ftp://x'"],
    [['run', 'scenarios/shopping-21.3', '--url', 'http://x', '--format', 'json'], "Unknown format 'json': use text or junit"],
    [['run', 'scenarios/shopping-21.3', '--url', 'http://x', '--header', 'no colon'], "--header takes 'Name: value', not 'no colon'"],
    [['run', 'scenarios/shopping-21.3', '--url', 'http://x', '--timeout', '0'], '--timeout takes a positive whole number'],
    [['replay', 'scenarios/shopping-21.3'], "Unknown action 'replay': use run or check"],
    [['run', 'scenarios/nope', '--url', 'http://x'], 'not a folder'],
  ])('%j: %s', async (args, message) => {
    const io = captureIo();
    expect(await run(args, io)).toBe(2);
    expect(io.stderrText()).toContain(message);
  });

  it('check loads the shipped suites without sending anything', async () => {
    const io = captureIo();
    expect(await run(['check', ...SUITES], io)).toBe(0);
    expect(io.stdoutText()).toBe('4 suites, 6 scenarios, 27 steps: no problems found\n');
  });
});
