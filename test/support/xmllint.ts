import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCombinedSchema } from '../../src/xsd/combined-schema.ts';

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

/** xmllint's verdict on a document: `schema-error` when the schema itself does not compile. */
export type XmllintVerdict = 'valid' | 'invalid' | 'schema-error';

/** Files per xmllint run, well below any command-line limit. */
const FILES_PER_RUN = 100;

/**
 * xmllint's verdict on each file against one schema, from one run per hundred files, so the
 * schema is compiled once rather than once per file. xmllint says `<file> validates` or
 * `<file> fails to validate`; a file that is not well-formed gets neither line and is invalid.
 * Exit status 5 means the schema does not compile.
 */
export function xmllintVerdicts(xsd: string, files: readonly string[]): Map<string, XmllintVerdict> {
  const verdicts = new Map<string, XmllintVerdict>();
  for (let start = 0; start < files.length; start += FILES_PER_RUN) {
    const batch = files.slice(start, start + FILES_PER_RUN);
    const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, ...batch], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const lines = new Set(`${run.stdout}${run.stderr}`.split('\n'));
    for (const file of batch) {
      verdicts.set(file, run.status === 5 ? 'schema-error' : lines.has(`${file} validates`) ? 'valid' : 'invalid');
    }
  }
  return verdicts;
}

/**
 * Writes the schema document that includes every file of `xsdFiles` (as the gateway builds it in
 * memory) into a temp folder, so xmllint can judge a document against the combined schema.
 * Returns its path and a function that removes it.
 */
export function writeCombinedSchema(xsdFiles: readonly string[], namespace: string): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'combined-schema-'));
  const { url, text } = buildCombinedSchema(xsdFiles, namespace, dir);
  writeFileSync(url, text);
  return { file: url, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
