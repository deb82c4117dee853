import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceEngine } from '../../../src/tools/conformance/conformance-engine.ts';
import type { ConformanceEngineName } from '../../../src/tools/conformance/conformance-types.ts';
import { runConformance } from '../../../src/tools/conformance/run-conformance.ts';
import type { XsdIssue } from '../../../src/xsd/xsd-types.ts';

const OO = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';

interface FakeEngine extends ConformanceEngine {
  readonly compiled: string[];
  readonly validated: string[];
}

/** An engine that judges by a marker in the document, so tests can make engines disagree at will. */
function createFakeEngine(name: ConformanceEngineName, judge: (xml: string) => XsdIssue[], failCompile: (xsd: string) => boolean = () => false): FakeEngine {
  const compiled: string[] = [];
  const validated: string[] = [];
  return {
    name,
    compiled,
    validated,
    async compile(xsdFile) {
      compiled.push(xsdFile);
      if (failCompile(xsdFile)) throw new Error(`${xsdFile} does not compile`);
      return {
        async validate(xml, file) {
          validated.push(file);
          return judge(xml.toString('utf8'));
        },
        dispose: () => undefined,
      };
    },
    dispose: () => undefined,
  };
}

let dir: string;
let schemaPath: string;

function doc(root: string, body = ''): string {
  return `<?xml version="1.0"?>\n<${root} xmlns="${OO}">${body}</${root}>`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'run-conformance-'));
  schemaPath = join(dir, 'schemas');
  mkdirSync(join(schemaPath, '21.3'), { recursive: true });
  for (const root of ['IATA_AirShoppingRQ', 'IATA_OrderViewRS', 'IATA_BrokenRQ']) writeFileSync(join(schemaPath, '21.3', `${root}.xsd`), '<xs:schema/>');
  const files: Record<string, string> = {
    'a-valid.xml': doc('IATA_AirShoppingRQ'),
    'b-invalid.xml': doc('IATA_AirShoppingRQ', 'BAD'),
    'c-disputed.xml': doc('IATA_OrderViewRS', 'DISPUTED'),
    'd-other.xml': '<html/>',
    'e-no-schema.xml': doc('IATA_SomethingRQ'),
    'f-v99.xml': doc('IATA_AirShoppingRQ', '<PayloadAttributes><VersionNumber>99.1</VersionNumber></PayloadAttributes>'),
    'g-broken-schema.xml': doc('IATA_BrokenRQ'),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const strict = (xml: string): XsdIssue[] => (/BAD|DISPUTED/.test(xml) ? [{ message: 'not expected', line: 2, column: 1, path: '/x' }] : []);
const lenient = (xml: string): XsdIssue[] => (/BAD/.test(xml) ? [{ message: 'not expected' }] : []);

describe('runConformance', () => {
  it('gives each file a verdict or an error row, in input order, and flags engines that disagree', async () => {
    const a = createFakeEngine('libxml2', lenient, (xsd) => xsd.includes('Broken'));
    const b = createFakeEngine('xerces', strict, (xsd) => xsd.includes('Broken'));
    const names = ['a-valid', 'b-invalid', 'c-disputed', 'd-other', 'e-no-schema', 'f-v99', 'g-broken-schema'].map((n) => join(dir, `${n}.xml`));
    const report = await runConformance(names, { schemaPath, engines: [a, b], cwd: dir, concurrency: 3 });

    expect(report.files.map((f) => [f.file, f.status, f.error?.code ?? null, f.disagreement])).toEqual([
      ['a-valid.xml', 'valid', null, false],
      ['b-invalid.xml', 'invalid', null, false],
      ['c-disputed.xml', 'invalid', null, true],
      ['d-other.xml', 'error', 'NOT_NDC', false],
      ['e-no-schema.xml', 'error', 'NO_SCHEMA', false],
      ['f-v99.xml', 'error', 'NO_SCHEMA', false],
      ['g-broken-schema.xml', 'error', 'SCHEMA_ERROR', false],
    ]);
    const disputed = report.files[2]!;
    expect(disputed.verdicts.map((v) => [v.engine, v.valid])).toEqual([['libxml2', true], ['xerces', false]]);
    expect(disputed.verdicts[1]!.issues[0]).toEqual({ message: 'not expected', line: 2, column: 1, path: '/x' });
    expect(report.files[5]!.error?.message).toMatch(/NDC 99\.1 is not installed .*installed: 21\.3/);
    expect(report.summary).toMatchObject({ files: 7, valid: 1, invalid: 2, errors: 4, setupErrors: 3, disagreements: 1 });
    expect(report.engines).toEqual(['libxml2', 'xerces']);
  });

  it('compiles each schema once per engine, however many files use it', async () => {
    const engine = createFakeEngine('libxml2', lenient, (xsd) => xsd.includes('Broken'));
    const files = ['a-valid', 'b-invalid', 'a-valid', 'g-broken-schema', 'g-broken-schema'].map((n) => join(dir, `${n}.xml`));
    const report = await runConformance(files, { schemaPath, engines: [engine], cwd: dir });
    expect(engine.compiled.map((f) => f.slice(schemaPath.length + 1))).toEqual(['21.3/IATA_AirShoppingRQ.xsd', '21.3/IATA_BrokenRQ.xsd']);
    expect(engine.validated).toHaveLength(3);
    expect(report.files.filter((f) => f.error?.code === 'SCHEMA_ERROR')).toHaveLength(2);
  });

  it('validates every file as the version given, and reports progress per file', async () => {
    const engine = createFakeEngine('libxml2', lenient);
    const seen: number[] = [];
    const report = await runConformance([join(dir, 'f-v99.xml')], {
      schemaPath, engines: [engine], cwd: dir, version: '21.3', onProgress: (done, total) => seen.push(done, total),
    });
    expect(report.files[0]).toMatchObject({ status: 'valid', version: '21.3', versionSource: 'option' });
    expect(seen).toEqual([1, 1]);
  });

  it('turns an unreadable file into an error row', async () => {
    const report = await runConformance([join(dir, 'nope.xml')], { schemaPath, engines: [createFakeEngine('libxml2', lenient)], cwd: dir });
    expect(report.files[0]).toMatchObject({ file: 'nope.xml', status: 'error', error: { code: 'UNREADABLE' } });
    expect(report.summary.setupErrors).toBe(0);
  });

  it('keeps an engine failure on one file from stopping the run', async () => {
    const flaky: ConformanceEngine = {
      name: 'xerces',
      compile: async () => ({ validate: async () => { throw new Error('JVM died'); }, dispose: () => undefined }),
      dispose: () => undefined,
    };
    const report = await runConformance([join(dir, 'a-valid.xml')], { schemaPath, engines: [createFakeEngine('libxml2', lenient), flaky], cwd: dir });
    expect(report.files[0]).toMatchObject({ status: 'error', error: { code: 'ENGINE_ERROR', message: 'JVM died' }, disagreement: false });
    expect(report.files[0]!.verdicts[0]).toMatchObject({ engine: 'libxml2', valid: true });
  });
});
