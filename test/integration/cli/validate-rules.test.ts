import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/tools/cli/validate.command.ts';
import { FIXTURES_PATH, SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';
import { captureIo } from './cli-io.ts';

const RULES = join(FIXTURES_PATH, 'rules');
const CURRENCY_FAIL = join(RULES, 'currency-decimals', 'fail.xml');
const CURRENCY_PASS = join(RULES, 'currency-decimals', 'pass.xml');
const INFANT_FAIL = join(RULES, 'infant-with-adult', 'fail.xml');
const TIMESTAMP_FAIL = join(RULES, 'timestamp-utc', 'fail.xml');
/** Fails the XSD as well: 21.3 requires the distribution chain of an OrderRetrieveRQ. */
const CHAIN_FAIL = join(RULES, 'distribution-chain', 'fail.xml');
/** A real sample that the XSD accepts. */
const VALID_SAMPLE = join(SAMPLES_PATH, '21.3', 'AirShoppingRQ__VS__airshopping_airshoppingrq_with_corpID.xml');

let dir: string;

async function validate(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo(false);
  const code = await run(['--schema-path', SCHEMA_PATH, ...args], io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

function writeFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'validate-rules-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ndc-gateway validate --rules', () => {
  it('reports rule findings beside the XSD issues, with line, column, path and rule id, and a summary per rule', async () => {
    const { code, stdout } = await validate(['--rules', CHAIN_FAIL, CURRENCY_FAIL]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/Element 'Request': This element is not expected/);
    expect(stdout).toContain('    3:1  /IATA_OrderRetrieveRQ\n      distribution-chain (error): IATA_OrderRetrieveRQ has no DistributionChain');
    expect(stdout).toContain('    22:15  /IATA_AirShoppingRS/Response/OffersGroup/CarrierOffers/Offer/OfferItem/Price/BaseAmount\n'
      + '      currency-decimals (error): amount 12000.00 JPY of BaseAmount has 2 decimals; JPY has 0');
    expect(stdout).toMatch(/^ {2}currency-decimals +3 errors, 0 warnings in 1 file$/m);
    expect(stdout).toMatch(/^ {2}distribution-chain +1 error, 0 warnings in 1 file$/m);
    expect(stdout).toMatch(/^ {2}infant-with-adult +0 errors, 0 warnings in 0 files$/m);
    expect(stdout).toContain('2 files: 0 valid, 2 invalid, 0 errors, rules: 4 errors, 0 warnings (engines: libxml2;');
  });

  it('keeps a schema-valid file that breaks no rule valid', async () => {
    const { code, stdout } = await validate(['--rules', VALID_SAMPLE]);
    expect(stdout).toMatch(/^PASS {3}21\.3 AirShoppingRQ/m);
    expect(code).toBe(0);
  });
});

describe('ndc-gateway validate --rules-only', () => {
  it('skips the XSD and checks only the rules', async () => {
    const { code, stdout } = await validate(['--rules-only', CURRENCY_PASS, INFANT_FAIL, CHAIN_FAIL]);
    expect(code).toBe(1);
    expect(stdout).not.toContain('This element is not expected');
    expect(stdout).toMatch(/^PASS {3}21\.3 AirShoppingRS +\S*currency-decimals\/pass\.xml$/m);
    expect(stdout).toMatch(/^FAIL {3}21\.3 AirShoppingRQ +\S*infant-with-adult\/fail\.xml$/m);
    expect(stdout).toContain('    19:31  /IATA_AirShoppingRQ/Request/PaxList/Pax[3]/PaxRefID\n      infant-with-adult (error): ');
    expect(stdout).toContain('      distribution-chain (error): ');
    expect(stdout).toContain('(rules only, no XSD;');
  });

  it('leaves a file with warnings only valid, and exits 0', async () => {
    const { code, stdout } = await validate(['--rules-only', TIMESTAMP_FAIL]);
    expect(stdout).toContain('timestamp-utc (warning): timestamp 2027-02-01T11:15:00+01:00 of Timestamp is not UTC (+01:00)');
    expect(stdout).toContain('rules: 0 errors, 1 warning');
    expect(code).toBe(0);
  });

  it('reports a document that is not well-formed as an error row', async () => {
    const broken = writeFile('broken.xml', '<?xml version="1.0"?>\n<IATA_AirShoppingRQ xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage">\n  <Request>\n</IATA_AirShoppingRQ>\n');
    const { code, stdout } = await validate(['--rules-only', broken]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ERROR {2}21\.3 AirShoppingRQ/m);
    expect(stdout).toMatch(/NOT_XML: .+\(\d+:\d+\)/);
  });
});

describe('ndc-gateway validate --rules-config', () => {
  it('turns a rule off', async () => {
    const config = writeFile('off.yaml', 'rules:\n  currency-decimals: off\n');
    const { code, stdout } = await validate(['--rules-only', '--rules-config', config, CURRENCY_FAIL]);
    expect(code).toBe(0);
    expect(stdout).not.toContain('currency-decimals (');
    expect(stdout).not.toMatch(/^ {2}currency-decimals /m);
  });

  it('changes a severity, and implies --rules', async () => {
    const config = writeFile('warn.json', JSON.stringify({ rules: { 'currency-decimals': 'warning' } }));
    const { stdout } = await validate(['--rules-config', config, CURRENCY_FAIL]);
    expect(stdout).toContain('currency-decimals (warning): ');
    expect(stdout).toMatch(/^ {2}currency-decimals +0 errors, 3 warnings in 1 file$/m);
  });

  it('refuses a configuration with an unknown rule or severity, naming file, line and column, with exit 2', async () => {
    const config = writeFile('bad.yaml', 'rules:\n  currency-decimals: loud\n  no-such-rule: off\n');
    const { code, stderr, stdout } = await validate(['--rules-only', '--rules-config', config, CURRENCY_FAIL]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${config}:2:`);
    expect(stderr).toContain(`${config}:2:22: must be one of: off, warning, error`);
    expect(stderr).toContain(`${config}:3:3: no rule is called 'no-such-rule'`);
  });
});

describe('ndc-gateway validate --rules: report formats', () => {
  it('puts findings and the per-rule summary in the JSON report', async () => {
    const { stdout } = await validate(['--rules', '--format', 'json', CURRENCY_FAIL, INFANT_FAIL]);
    const report = JSON.parse(stdout) as {
      rules: string[];
      files: { file: string; status: string; verdicts: { engine: string; valid: boolean }[]; rules: { findings: { ruleId: string; severity: string; line: number; column: number; path: string }[] } }[];
      summary: { rules: { ruleId: string; errors: number; warnings: number; files: number }[] };
    };
    expect(report.rules).toContain('reference-integrity');
    const infant = report.files.find((file) => file.file.endsWith('infant-with-adult/fail.xml'));
    expect(infant?.rules.findings).toEqual([expect.objectContaining({
      ruleId: 'infant-with-adult', severity: 'error', line: 19, column: 31, path: '/IATA_AirShoppingRQ/Request/PaxList/Pax[3]/PaxRefID',
    })]);
    // schema-valid, and invalid by the rules alone
    expect(infant?.verdicts).toEqual([expect.objectContaining({ engine: 'libxml2', valid: true })]);
    expect(infant?.status).toBe('invalid');
    expect(report.summary.rules.find((rule) => rule.ruleId === 'currency-decimals')).toEqual({ ruleId: 'currency-decimals', errors: 3, warnings: 0, files: 1 });
  });

  it('fails the file testcase and the rule testcase in the JUnit report', async () => {
    const { stdout } = await validate(['--rules-only', '--format', 'junit', INFANT_FAIL, TIMESTAMP_FAIL]);
    expect(XMLValidator.validate(stdout)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(stdout) as {
      testsuites: { tests: string; failures: string; testsuite: { name: string; testcase: { name: string; failure?: { type: string; '#text': string }; 'system-out'?: string }[] }[] };
    };
    const suites = parsed.testsuites.testsuite;
    const fileCase = suites.find((s) => s.name === '21.3 AirShoppingRQ')?.testcase.find((c) => c.name.endsWith('infant-with-adult/fail.xml'));
    expect(fileCase?.failure?.type).toBe('business-rules');
    expect(fileCase?.failure?.['#text']).toContain('19:31 /IATA_AirShoppingRQ/Request/PaxList/Pax[3]/PaxRefID [infant-with-adult error]');
    const rules = suites.find((s) => s.name === 'business rules');
    const infantRule = rules?.testcase.find((c) => c.name === 'infant-with-adult');
    expect(infantRule?.failure?.['#text']).toMatch(/infant-with-adult\/fail\.xml:19:31 /);
    const utcRule = rules?.testcase.find((c) => c.name === 'timestamp-utc');
    expect(utcRule?.failure).toBeUndefined();
    expect(utcRule?.['system-out']).toContain('0 errors, 1 warnings in 1 files');
    expect(rules?.testcase.find((c) => c.name === 'distribution-chain')?.failure).toBeUndefined();
  });
});
