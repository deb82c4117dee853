import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Validates with Debian's xmllint, the reference verdict the suite compares against. */
export function xmllintFile(xsd: string, file: string): { valid: boolean; output: string } {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, file], { encoding: 'utf8' });
  return { valid: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

/** Same, for a document in memory. */
export function xmllintText(xsd: string, xml: string): { valid: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'xmllint-'));
  const file = join(dir, 'doc.xml');
  try {
    writeFileSync(file, xml);
    return xmllintFile(xsd, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
