import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/tools/cli/cli-main.ts';
import { run } from '../../../src/tools/cli/validate.command.ts';
import { SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';
import { captureIo } from './cli-io.ts';

const S213 = join(SAMPLES_PATH, '21.3');
const VALID = join(S213, 'AirShoppingRQ__VS__airshopping_airshoppingrq_with_corpID.xml');
const VALID_2 = join(S213, 'OrderViewRS__VS__ordercreate_orderviewRS_offline_seller.xml');
const INVALID = join(S213, 'AirShoppingRQ__JQ__01_AirShopping_VIZ-SIN_+_SIN-VIZ_Economy__RQ.xml');
const NO_SCHEMA_181 = join(SAMPLES_PATH, '18.1', 'AirShoppingRQ__damadov__SQ_AirShoppingRQ_181.xml');
const OCN_213 = join(S213, 'OrderChangeNotifRQ__VS__orderchangenotif_ocn_flight_cancel_rq.xml');
const HOLD_BOOKING = join(S213, 'OrderCreateRQ__VS__ordercreate_ordercreateRQ_hold_booking.xml');

/** A folder that does not exist. */
const NOWHERE = join(tmpdir(), `ndc-validate-nowhere-${process.pid}`);

let dir: string;
let notNdc: string;
let emoji: string;

/** Runs `validate` through its function API, always against the shared schemas. */
async function validate(args: readonly string[], interactive = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo(interactive);
  const code = await run(['--schema-path', SCHEMA_PATH, ...args], io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'validate-command-'));
  notNdc = join(dir, 'page.xml');
  writeFileSync(notNdc, '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"/>');
  // A real disagreement: Xerces counts a surrogate pair as two characters against maxLength, libxml2
  // as one, so a 64-character Surname ending in an emoji passes libxml2 and fails Xerces.
  emoji = join(dir, 'OrderCreateRQ_emoji_surname.xml');
  const hold = readFileSync(HOLD_BOOKING, 'utf8');
  writeFileSync(emoji, hold.replace('<Surname>Smith</Surname>', `<Surname>${'A'.repeat(63)}\u{1F600}</Surname>`));
  mkdirSync(join(dir, 'suite', 'deep'), { recursive: true });
  copyFileSync(VALID, join(dir, 'suite', 'a.xml'));
  copyFileSync(VALID_2, join(dir, 'suite', 'deep', 'b.xml'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ndc-gateway validate: exit codes', () => {
  it('exits 0 when every file is valid', async () => {
    const { code, stdout, stderr } = await validate([VALID, VALID_2]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^PASS {3}21\.3 AirShoppingRQ/m);
    expect(stdout).toContain('2 files: 2 valid, 0 invalid, 0 errors (engines: libxml2;');
    expect(stderr).toBe('');
  });

  it('exits 1 when a file is invalid, naming line, column, path and message', async () => {
    const { code, stdout } = await validate([VALID, INVALID]);
    expect(code).toBe(1);
    expect(stdout).toContain('    44:7  /IATA_AirShoppingRQ/Request/FlightRequest/FlightRequestOriginDestinationsCriteria/OriginDestCriteria[1]/CabinType/PrefLevel\n');
    expect(stdout).toContain("      Element 'PrefLevel': This element is not expected. Expected is ( CabinTypeCode ).");
  });

  it('exits 1 for a file that is not NDC, reported as an error row', async () => {
    const { code, stdout } = await validate([VALID, notNdc]);
    expect(code).toBe(1);
    expect(stdout).toContain('NOT_NDC: html in namespace http://www.w3.org/1999/xhtml is not an NDC message (2:1)');
  });

  it('exits 2 when a message has no schema installed, and still reports the other files', async () => {
    const { code, stdout } = await validate([NO_SCHEMA_181, VALID]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/^ERROR {2}18\.1 AirShoppingRQ .*\n {4}NO_SCHEMA: NDC 18\.1 is not installed under /m);
    expect(stdout).toMatch(/^PASS/m);
  });

  it('exits 2 when the schema does not compile (24.4 OrderChangeNotifRQ as published)', async () => {
    const { code, stdout } = await validate(['--ndc-version', '24.4', OCN_213]);
    expect(code).toBe(2);
    expect(stdout).toContain('SCHEMA_ERROR: IATA_OrderChangeNotifRQ.xsd does not compile');
  });

  it.each([
    [['--engine', 'saxon', VALID], /Unknown engine 'saxon'/],
    [['--format', 'html', VALID], /Unknown format 'html'/],
    [['--max-errors', '0', VALID], /--max-errors takes a positive whole number/],
    [['--ndc-version', 'latest', VALID], /--ndc-version takes a version such as 21\.3/],
    [['--bogus', VALID], /Unknown option '--bogus'/],
    [[], /Name at least one file, folder or glob/],
    [[join(NOWHERE, 'missing.xml')], /No such file or folder, and no file matches: .*missing\.xml/],
    [[join(SAMPLES_PATH, '21.3', '*.json')], /no file matches: .*\*\.json/],
  ])('exits 2 for a usage error: %j', async (args, message) => {
    const { code, stderr } = await validate(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('prints its usage with --help and exits 0', async () => {
    const { code, stdout } = await validate(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: ndc-gateway validate');
  });

  it('is reached through the CLI dispatcher', async () => {
    const io = captureIo();
    expect(await runCli(['validate', '--schema-path', SCHEMA_PATH, VALID], io)).toBe(0);
    expect(io.stdoutText()).toMatch(/^PASS/m);
  });
});

describe('ndc-gateway validate: inputs and options', () => {
  it('takes folders and globs', async () => {
    const folder = await validate([join(dir, 'suite')]);
    expect(folder.stdout).toContain('2 files: 2 valid');
    const glob = await validate([`${dir}/suite/**/b.xml`]);
    expect(glob.stdout).toContain('1 file: 1 valid');
  });

  it('validates as the version given with --ndc-version', async () => {
    const { stdout } = await validate(['--format', 'json', '--ndc-version', '26.1', VALID]);
    const report = JSON.parse(stdout) as { files: { version: string; versionSource: string; schemaFile: string }[] };
    expect(report.files[0]).toMatchObject({ version: '26.1', versionSource: 'option', schemaFile: join(SCHEMA_PATH, '26.1', 'IATA_AirShoppingRQ.xsd') });
  });

  it('keeps at most --max-errors issues per file', async () => {
    const all = JSON.parse((await validate(['--format', 'json', INVALID])).stdout) as { files: { verdicts: { issues: unknown[] }[] }[] };
    const capped = JSON.parse((await validate(['--format', 'json', '--max-errors', '1', INVALID])).stdout) as typeof all;
    expect(all.files[0]!.verdicts[0]!.issues.length).toBe(2);
    expect(capped.files[0]!.verdicts[0]!.issues.length).toBe(1);
  });

  it('writes the report to --output and prints only the summary', async () => {
    const output = join(dir, 'reports', 'junit.xml');
    const { code, stdout } = await validate(['--format', 'junit', '--output', output, VALID, INVALID, NO_SCHEMA_181, notNdc]);
    expect(code).toBe(2);
    expect(stdout).toBe(`4 files: 1 valid, 1 invalid, 2 errors (engines: libxml2; ${/; ([\d.]+ s)\)/.exec(stdout)?.[1] ?? ''})\nReport written to ${output}\n`);
    const xml = readFileSync(output, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as { testsuites: Record<string, string> };
    expect(parsed.testsuites).toMatchObject({ tests: '4', failures: '1', errors: '2' });
  });

  it('shows a progress bar on stderr at a terminal, and nothing otherwise', async () => {
    const interactive = await validate([VALID, VALID_2], true);
    expect(interactive.stderr).toContain('validating [');
    expect(interactive.stderr).toContain('2/2');
    const quiet = await validate([VALID, VALID_2], false);
    expect(quiet.stderr).toBe('');
  });
});

describe('ndc-gateway validate --engine all', () => {
  it('flags the file the engines disagree on, in every format', async () => {
    const args = ['--engine', 'all', VALID, emoji];
    const text = await validate(args);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('    engines disagree: libxml2 valid, libxmljs2 valid, xerces invalid (2 issues)\n');
    expect(text.stdout).toMatch(/\[xerces\] \d+:\d+ +\/IATA_OrderCreateRQ\/.*\/Surname\n\s+cvc-maxLength-valid/);
    expect(text.stdout).toContain('2 files: 1 valid, 1 invalid, 0 errors, 1 engine disagreement (engines: libxml2, libxmljs2, xerces;');

    const json = JSON.parse((await validate([...args, '--format', 'json'])).stdout) as { summary: { disagreements: number }; files: { file: string; disagreement: boolean; verdicts: { engine: string; valid: boolean }[] }[] };
    expect(json.summary.disagreements).toBe(1);
    const disputed = json.files.find((f) => f.file === emoji);
    expect(json.files.map((f) => f.disagreement)).toEqual(json.files.map((f) => f === disputed));
    expect(disputed!.verdicts.map((v) => [v.engine, v.valid])).toEqual([['libxml2', true], ['libxmljs2', true], ['xerces', false]]);

    const junit = (await validate([...args, '--format', 'junit'])).stdout;
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(junit).toContain('type="engines-disagree" message="Engines disagree: libxml2 valid, libxmljs2 valid, xerces invalid (2 issues)"');
  });
});
