import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceEngine } from '../../../src/tools/conformance/conformance-engine.ts';
import type { ConformanceReport } from '../../../src/tools/conformance/conformance-types.ts';
import { createConformanceEngines } from '../../../src/tools/conformance/create-conformance-engines.ts';
import { findInputFiles } from '../../../src/tools/conformance/find-input-files.ts';
import { runConformance } from '../../../src/tools/conformance/run-conformance.ts';
import { SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';
import { xmllintFile } from '../../support/xmllint.ts';

/**
 * The suite's verdict on every sample must be xmllint's, run live. The schema each sample should be
 * checked against is worked out here from its file name (`<Message>__…`), independently of the
 * suite's own detection: 17.2 files are `<Message>.xsd`, 19.2 and later `IATA_<Message>.xsd`.
 */
function expectedSchema(version: string, file: string): string {
  const message = file.split('__')[0] ?? '';
  return join(SCHEMA_PATH, version, version === '17.2' ? `${message}.xsd` : `IATA_${message}.xsd`);
}

let engines: ConformanceEngine[];
let report: ConformanceReport;

beforeAll(async () => {
  engines = await createConformanceEngines(['libxml2']);
  const { files } = findInputFiles([SAMPLES_PATH]);
  report = await runConformance(files, { schemaPath: SCHEMA_PATH, engines, cwd: SAMPLES_PATH });
});

afterAll(() => {
  for (const engine of engines) engine.dispose();
});

describe('validate over the shared samples', () => {
  const versions = readdirSync(SAMPLES_PATH).filter((v) => existsSync(join(SAMPLES_PATH, v))).sort();
  const cases = versions.flatMap((version) =>
    readdirSync(join(SAMPLES_PATH, version)).filter((f) => f.endsWith('.xml')).sort().map((file) => ({ version, file, name: `${version}/${file}` })),
  );

  it('covers every sample', () => {
    expect(report.files.map((f) => f.file).sort()).toEqual(cases.map((c) => c.name).sort());
  });

  it.each(cases)('$name: same verdict as xmllint', ({ version, file, name }) => {
    const result = report.files.find((f) => f.file === name);
    const xsd = expectedSchema(version, file);
    if (!existsSync(xsd)) {
      // 18.1 has no schema package: a clear error row, not a verdict
      expect(result).toMatchObject({ status: 'error', version, error: { code: 'NO_SCHEMA' } });
      expect(result?.error?.message).toContain(`NDC ${version} is not installed`);
      return;
    }
    expect(result?.schemaFile).toBe(xsd);
    const lint = xmllintFile(xsd, join(SAMPLES_PATH, name));
    expect(result?.status).toBe(lint.valid ? 'valid' : 'invalid');
    if (!lint.valid) expect(result?.verdicts[0]?.issues.length).toBeGreaterThan(0);
  });

  it('adds up to the counts in SOURCES.md', () => {
    // 21.3: 49 pass, 16 fail; 17.2: 7 pass, 6 fail; 19.2: 1 pass; 18.1: not validated
    expect(report.summary).toMatchObject({ files: 80, valid: 57, invalid: 22, errors: 1, setupErrors: 1 });
  });
});
