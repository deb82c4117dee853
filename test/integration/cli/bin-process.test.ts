import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';

const BIN = resolve('bin/ndc-gateway.js');
const VALID = join(SAMPLES_PATH, '21.3', 'AirShoppingRQ__VS__airshopping_airshoppingrq_with_corpID.xml');
const INVALID = join(SAMPLES_PATH, '17.2', 'AirShoppingRS__nemo__AirShoppingRS_02.airshopping_86bc1225.xml');

function runBin(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/ndc-gateway.js as a process', () => {
  it('validates files and sets the exit code', () => {
    const valid = runBin(['validate', '--schema-path', SCHEMA_PATH, VALID]);
    expect(valid.stderr).toBe('');
    expect(valid.status).toBe(0);
    expect(valid.stdout).toMatch(/^PASS {3}21\.3 AirShoppingRQ/m);

    const junit = runBin(['validate', '--schema-path', SCHEMA_PATH, '--format', 'junit', VALID, INVALID]);
    expect(junit.status).toBe(1);
    expect(XMLValidator.validate(junit.stdout)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true }).parse(junit.stdout) as {
      testsuites: Record<string, string> & { testsuite: { testcase: { failure?: { message: string } } }[] };
    };
    expect(parsed.testsuites).toMatchObject({ tests: '2', failures: '1', errors: '0' });
    const failure = parsed.testsuites.testsuite.map((s) => s.testcase.failure).find((f) => f !== undefined);
    expect(failure?.message).toContain("The value 'Prod' is not an element of the set {'Test', 'Production'}");
  });

  it('exits 2 on a usage error', () => {
    const result = runBin(['validate', '--engine', 'nope', VALID]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Unknown engine 'nope'");
  });
});
