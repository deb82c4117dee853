import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import { buildXml, loadSchemaModel, parseXml, writeXml } from '../../../src/xml/index.ts';
import { missingShared, SAMPLES_PATH, SCHEMA_PATH, XMLLINT } from '../../support/paths.ts';

const VERSIONS = ['21.3', '17.2'] as const;

interface Sample {
  readonly version: string;
  readonly file: string;
  readonly path: string;
  readonly xsd: string;
  readonly rootName: string;
}

/**
 * Runs xmllint once on many documents against one schema (one schema compilation per call)
 * and returns the error text per document: '' when it validates.
 */
function validateWithXmllint(xsd: string, files: readonly string[]): Map<string, string> {
  const result = spawnSync(XMLLINT, ['--noout', '--schema', xsd, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const verdicts = new Map<string, string>();
  const lines = result.stderr.split('\n');
  for (const file of files) {
    if (lines.includes(`${file} validates`)) {
      verdicts.set(file, '');
    } else {
      const errors = lines.filter((line) => line.startsWith(`${file}:`)).slice(0, 5).join('\n');
      verdicts.set(file, errors || `xmllint did not validate ${file}: ${result.stderr.slice(0, 500)}`);
    }
  }
  return verdicts;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(item);
    groups.set(key(item), list);
  }
  return groups;
}

/** Samples whose message XSD exists, kept only when xmllint accepts them as published. */
function collectAcceptedSamples(): Sample[] {
  if (missingShared([XMLLINT]).length > 0) return [];
  const candidates: Sample[] = [];
  for (const version of VERSIONS) {
    const info = NDC_VERSIONS[version];
    const folder = join(SAMPLES_PATH, version);
    if (!info || !existsSync(folder)) continue;
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.xml')).sort()) {
      const message = file.split('__')[0] ?? '';
      const rootName = info.rootName(message);
      const xsd = join(SCHEMA_PATH, version, info.schemaFile(rootName));
      if (existsSync(xsd)) candidates.push({ version, file, path: join(folder, file), xsd, rootName });
    }
  }
  const accepted: Sample[] = [];
  for (const [xsd, group] of groupBy(candidates, (sample) => sample.xsd)) {
    const verdicts = validateWithXmllint(xsd, group.map((sample) => sample.path));
    for (const sample of group) if (verdicts.get(sample.path) === '') accepted.push(sample);
  }
  return accepted;
}

/** Reverses the key order at every level, so that only the schema can put children back in order. */
function shuffleKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffleKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).reverse();
  return Object.fromEntries(entries.map(([key, item]) => [key, shuffleKeys(item)]));
}

const samples = collectAcceptedSamples();

interface Outcome {
  readonly error?: unknown;
  readonly built?: string;
  readonly shuffled?: string;
  readonly reparsedEqual?: boolean;
  /** Whether the compiled writer wrote the same bytes as buildXml, in key order and shuffled. */
  readonly writerEqual?: boolean;
}

describe.skipIf(samples.length === 0)('parse → build round trip over real samples (buildXml and the compiled writer)', () => {
  const outcomes = new Map<Sample, Outcome>();
  const verdicts = new Map<string, string>();
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xml-round-trip-'));
    const written: { sample: Sample; path: string }[] = [];
    samples.forEach((sample, index) => {
      try {
        const info = NDC_VERSIONS[sample.version];
        if (!info) throw new Error(`unknown version ${sample.version}`);
        const model = loadSchemaModel(sample.xsd);
        const parsed = parseXml(readFileSync(sample.path), { model });
        const built = buildXml(parsed.rootName, parsed.document, model, info);
        const shuffled = buildXml(parsed.rootName, shuffleKeys(parsed.document) as Record<string, unknown>, model, info);
        const reparsedEqual = JSON.stringify(parseXml(built, { model }).document) === JSON.stringify(parsed.document);
        const writerEqual = writeXml(parsed.rootName, parsed.document, model, info).equals(Buffer.from(built))
          && writeXml(parsed.rootName, shuffleKeys(parsed.document) as Record<string, unknown>, model, info).equals(Buffer.from(shuffled));
        const builtPath = join(dir, `${index}-built.xml`);
        const shuffledPath = join(dir, `${index}-shuffled.xml`);
        writeFileSync(builtPath, built);
        writeFileSync(shuffledPath, shuffled);
        written.push({ sample, path: builtPath }, { sample, path: shuffledPath });
        outcomes.set(sample, { built: builtPath, shuffled: shuffledPath, reparsedEqual, writerEqual });
      } catch (error) {
        outcomes.set(sample, { error });
      }
    });
    for (const [xsd, group] of groupBy(written, (entry) => entry.sample.xsd)) {
      for (const [path, verdict] of validateWithXmllint(xsd, group.map((entry) => entry.path))) verdicts.set(path, verdict);
    }
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('covers the samples of both versions', () => {
    expect(samples.filter((sample) => sample.version === '21.3').length).toBeGreaterThanOrEqual(40);
    expect(samples.filter((sample) => sample.version === '17.2').length).toBeGreaterThanOrEqual(5);
  });

  it.each(samples.map((sample) => [`${sample.version}/${sample.file}`, sample] as const))('%s', (_name, sample) => {
    const outcome = outcomes.get(sample);
    expect(outcome?.error).toBeUndefined();
    expect(verdicts.get(outcome?.built ?? '')).toBe('');
    expect(verdicts.get(outcome?.shuffled ?? '')).toBe('');
    expect(outcome?.reparsedEqual).toBe(true);
    expect(outcome?.writerEqual).toBe(true);
  });
});

const SINGLE_PAX_21 = join(SAMPLES_PATH, '21.3', 'AirShoppingRQ__VS__airshopping_shop_with_direct_flight_filter_RQ.xml');
const MULTI_PAX_17 = join(SAMPLES_PATH, '17.2', 'AirShoppingRQ__nemo__AirShoppingRQ_02.airshopping_42ae203b.xml');

describe.skipIf(missingShared([SINGLE_PAX_21, MULTI_PAX_17]).length > 0)('repeated elements are arrays even when they occur once', () => {
  it('21.3 Request.PaxList.Pax in a single-passenger AirShoppingRQ', () => {
    const raw = readFileSync(SINGLE_PAX_21, 'utf8');
    expect(raw.match(/<(?:\w+:)?Pax>/g)).toHaveLength(1);
    const model = loadSchemaModel(join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRQ.xsd'));
    const { document } = parseXml(raw, { model });
    const paxList = (document.Request as Record<string, unknown>).PaxList as Record<string, unknown>;
    expect(Array.isArray(paxList.Pax)).toBe(true);
    expect(paxList.Pax).toHaveLength(1);
  });

  it('17.2 DataLists.PassengerList.Passenger once a document keeps a single passenger', () => {
    const model = loadSchemaModel(join(SCHEMA_PATH, '17.2', 'AirShoppingRQ.xsd'));
    const { document } = parseXml(readFileSync(MULTI_PAX_17), { model });
    const passengerList = (document.DataLists as Record<string, unknown>).PassengerList as Record<string, unknown[]>;
    expect(passengerList.Passenger?.length).toBeGreaterThan(1);
    passengerList.Passenger = passengerList.Passenger?.slice(0, 1) ?? [];
    const info = NDC_VERSIONS['17.2'];
    if (!info) throw new Error('17.2 missing from NDC_VERSIONS');
    const single = buildXml('AirShoppingRQ', document, model, info);
    expect(single.match(/<Passenger[ >]/g)).toHaveLength(1);
    const reparsed = parseXml(single, { model }).document;
    const list = (reparsed.DataLists as Record<string, unknown>).PassengerList as Record<string, unknown>;
    expect(Array.isArray(list.Passenger)).toBe(true);
    expect(list.Passenger).toHaveLength(1);
  });
});
