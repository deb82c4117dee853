import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import { createXsdEngine, type CompiledSchema, type XsdEngine, type XsdEngineName } from '../../../src/xsd/index.ts';
import { SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';

const ENGINES: readonly XsdEngineName[] = ['libxml2-wasm', 'libxmljs2'];
const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const AIR_SHOPPING_RQ_213 = join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRQ.xsd');
const JQ_AIR_SHOPPING_RQ = join(SAMPLES_PATH, '21.3', 'AirShoppingRQ__JQ__01_AirShopping_VIZ-SIN_+_SIN-VIZ_Economy__RQ.xml');
const VALID_AIR_SHOPPING_RQ = join(SAMPLES_PATH, '21.3', 'AirShoppingRQ__VS__airshopping_airshoppingrq_with_corpID.xml');

interface SampleCase {
  readonly version: string;
  readonly file: string;
  readonly xsd: string;
}

/** Every sample of 17.2 and 21.3 whose message schema is in that version's package. */
function listSampleCases(): SampleCase[] {
  const cases: SampleCase[] = [];
  for (const version of ['17.2', '21.3']) {
    const info = NDC_VERSIONS[version];
    const folder = join(SAMPLES_PATH, version);
    if (!info || !existsSync(folder)) continue;
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.xml')).sort()) {
      const message = file.split('__')[0] ?? '';
      const xsd = join(SCHEMA_PATH, version, info.schemaFile(info.rootName(message)));
      if (existsSync(xsd)) cases.push({ version, file: join(folder, file), xsd });
    }
  }
  return cases;
}

/** xmllint's verdict, run live: exit 0 valid, 1 not well-formed, 3/4 invalid, 5 schema does not compile. */
function runXmllint(xsd: string, file: string): 'valid' | 'invalid' | 'schema-error' {
  const result = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, file], { encoding: 'utf8' });
  if (result.status === 0) return 'valid';
  if (result.status === 5) return 'schema-error';
  return 'invalid';
}

const SAMPLE_CASES = listSampleCases();
const xmllintVerdicts = new Map<string, ReturnType<typeof runXmllint>>();
function xmllintVerdict(sample: SampleCase): ReturnType<typeof runXmllint> {
  let verdict = xmllintVerdicts.get(sample.file);
  if (verdict === undefined) {
    verdict = runXmllint(sample.xsd, sample.file);
    xmllintVerdicts.set(sample.file, verdict);
  }
  return verdict;
}

describe('samples available', () => {
  it('finds the 17.2 and 21.3 samples to compare against xmllint', () => {
    expect(SAMPLE_CASES.filter((c) => c.version === '17.2').length).toBeGreaterThanOrEqual(10);
    expect(SAMPLE_CASES.filter((c) => c.version === '21.3').length).toBeGreaterThanOrEqual(50);
  });
});

describe.each(ENGINES)('XSD engine %s', (engineName) => {
  let engine: XsdEngine;
  const compiled = new Map<string, CompiledSchema>();
  let tempDir: string;

  function schemaFor(xsd: string): CompiledSchema {
    let schema = compiled.get(xsd);
    if (!schema) {
      schema = engine.compile(xsd);
      compiled.set(xsd, schema);
    }
    return schema;
  }

  beforeAll(async () => {
    engine = await createXsdEngine(engineName);
    tempDir = mkdtempSync(join(tmpdir(), `xsd-${engineName}-`));
  });

  afterAll(() => {
    for (const schema of compiled.values()) schema.dispose();
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('names itself', () => {
    expect(engine.name).toBe(engineName);
  });

  it('returns no issues for a valid sample, from a Buffer and from a string', () => {
    const schema = schemaFor(AIR_SHOPPING_RQ_213);
    expect(schema.validate(readFileSync(VALID_AIR_SHOPPING_RQ))).toEqual([]);
    expect(schema.validate(readFileSync(VALID_AIR_SHOPPING_RQ, 'utf8'))).toEqual([]);
  });

  it('reports the misplaced PrefLevel of the Jetstar AirShoppingRQ with line, column and element path', () => {
    const issues = schemaFor(AIR_SHOPPING_RQ_213).validate(readFileSync(JQ_AIR_SHOPPING_RQ));
    expect(issues.length).toBe(2);
    const first = issues[0];
    expect(first?.message).toBe("Element 'PrefLevel': This element is not expected. Expected is ( CabinTypeCode ).");
    expect(first?.line).toBe(44);
    expect(first?.column).toBeGreaterThanOrEqual(1);
    expect(first?.path?.startsWith('/IATA_AirShoppingRQ/Request/')).toBe(true);
    expect(first?.path).toBe('/IATA_AirShoppingRQ/Request/FlightRequest/FlightRequestOriginDestinationsCriteria/OriginDestCriteria[1]/CabinType/PrefLevel');
    expect(issues[1]).toMatchObject({ line: 57, column: first?.column, path: '/IATA_AirShoppingRQ/Request/FlightRequest/FlightRequestOriginDestinationsCriteria/OriginDestCriteria[2]/CabinType/PrefLevel' });
    // the source line really holds that start tag at that column
    const line44 = readFileSync(JQ_AIR_SHOPPING_RQ, 'utf8').split('\n')[43] ?? '';
    expect(line44.slice((first?.column ?? 1) - 1).startsWith('<PrefLevel>')).toBe(true);
  });

  it('locates issues in minified XML, where every element is on line 1', () => {
    const minified = readFileSync(JQ_AIR_SHOPPING_RQ, 'utf8').replace(/>\s+</g, '><').replace(/\r?\n/g, ' ');
    const issues = schemaFor(AIR_SHOPPING_RQ_213).validate(minified);
    expect(issues).toHaveLength(2);
    for (const issue of issues) {
      expect(issue.line).toBe(1);
      expect(minified.slice((issue.column ?? 1) - 1).startsWith('<PrefLevel>')).toBe(true);
      expect(issue.path).toMatch(/^\/IATA_AirShoppingRQ\/Request\/.*\/CabinType\/PrefLevel$/);
    }
    if (engineName === 'libxml2-wasm') {
      // libxml2-wasm hands over the node path, so the two PrefLevel elements are told apart
      expect(issues.map((i) => i.path)).toEqual([
        '/IATA_AirShoppingRQ/Request/FlightRequest/FlightRequestOriginDestinationsCriteria/OriginDestCriteria[1]/CabinType/PrefLevel',
        '/IATA_AirShoppingRQ/Request/FlightRequest/FlightRequestOriginDestinationsCriteria/OriginDestCriteria[2]/CabinType/PrefLevel',
      ]);
    }
  });

  it('returns malformed XML as an issue with line and column, not an exception', () => {
    const schema = schemaFor(AIR_SHOPPING_RQ_213);
    const issues = schema.validate(`<IATA_AirShoppingRQ xmlns="${MESSAGE_NS}">\n  <Request>\n</IATA_AirShoppingRQ>`);
    expect(issues.length).toBeGreaterThanOrEqual(1);
    expect(issues[0]?.line).toBeGreaterThanOrEqual(2);
    expect(issues[0]?.column).toBeGreaterThanOrEqual(1);
    for (const input of ['', 'not xml at all', '<a>', Buffer.from([0xff, 0xfe, 0x00])]) {
      const result = schema.validate(input);
      expect(result.length).toBeGreaterThanOrEqual(1);
      expect(result[0]?.line).toBeGreaterThanOrEqual(1);
      expect(result[0]?.column).toBeGreaterThanOrEqual(1);
    }
  });

  it('honours maxErrors, and caps at 50 by default', () => {
    const attributes = Array.from({ length: 70 }, (_, i) => `a${i}="x"`).join(' ');
    const xml = `<IATA_AirShoppingRQ xmlns="${MESSAGE_NS}" ${attributes}/>`;
    const schema = schemaFor(AIR_SHOPPING_RQ_213);
    expect(schema.validate(xml, { maxErrors: 5 })).toHaveLength(5);
    expect(schema.validate(xml)).toHaveLength(50);
    expect(schema.validate(xml, { maxErrors: 500 }).length).toBeGreaterThan(50);
  });

  it('resolves xs:include relative to the schema file and validates against it', () => {
    writeFileSync(join(tempDir, 'types.xsd'), [
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
      '  <xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:pattern value="[A-Z]{3}"/></xs:restriction></xs:simpleType>',
      '</xs:schema>',
    ].join('\n'));
    writeFileSync(join(tempDir, 'main.xsd'), [
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
      '  <xs:include schemaLocation="types.xsd"/>',
      '  <xs:element name="Codes"><xs:complexType><xs:sequence>',
      '    <xs:element name="Code" type="Code" maxOccurs="unbounded"/>',
      '  </xs:sequence></xs:complexType></xs:element>',
      '</xs:schema>',
    ].join('\n'));
    const schema = engine.compile(join(tempDir, 'main.xsd'));
    try {
      expect(schema.validate('<Codes><Code>SIN</Code></Codes>')).toEqual([]);
      const issues = schema.validate('<Codes>\n<Code>SIN</Code><Code>sin</Code>\n</Codes>');
      expect(issues).toHaveLength(1);
      expect(issues[0]?.message).toContain("[facet 'pattern'] The value 'sin' is not accepted by the pattern '[A-Z]{3}'");
      expect(issues[0]).toMatchObject({ line: 2, column: 17, path: '/Codes/Code[2]' });
    } finally {
      schema.dispose();
    }
  });

  it('does not load external entities named in a DOCTYPE', () => {
    const secret = join(tempDir, 'secret.txt');
    writeFileSync(secret, 'TOPSECRET');
    writeFileSync(join(tempDir, 'short.xsd'), [
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
      '  <xs:element name="v"><xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="3"/></xs:restriction></xs:simpleType></xs:element>',
      '</xs:schema>',
    ].join('\n'));
    const schema = engine.compile(join(tempDir, 'short.xsd'));
    try {
      const issues = schema.validate(`<!DOCTYPE v [<!ENTITY e SYSTEM "file://${secret}">]>\n<v>&e;</v>`);
      expect(JSON.stringify(issues)).not.toContain('TOPSECRET');
      // had the entity been loaded, maxLength 3 would have rejected its 9 characters
      expect(issues.some((i) => i.message.includes("'TOPSECRET'"))).toBe(false);
    } finally {
      schema.dispose();
    }
  });

  it('throws when a schema does not compile (24.4 IATA_OrderChangeNotifRQ, 17.2 AirDocDisplayRQ)', () => {
    expect(() => engine.compile(join(SCHEMA_PATH, '24.4', 'IATA_OrderChangeNotifRQ.xsd'))).toThrow(/IATA_OrderChangeNotifRQ\.xsd does not compile/);
    expect(() => engine.compile(join(SCHEMA_PATH, '17.2', 'AirDocDisplayRQ.xsd'))).toThrow(/AirDocDisplayRQ\.xsd does not compile/);
    // and the engine still works afterwards
    expect(schemaFor(AIR_SHOPPING_RQ_213).validate(readFileSync(VALID_AIR_SHOPPING_RQ))).toEqual([]);
  });

  it('refuses to validate after dispose()', () => {
    const schema = engine.compile(AIR_SHOPPING_RQ_213);
    schema.dispose();
    expect(() => schema.validate('<a/>')).toThrow(/after dispose/);
  });

  describe('gives the same valid/invalid verdict as xmllint run live', () => {
    it.each(SAMPLE_CASES.map((c) => [`${c.version}/${c.file.split('/').pop() ?? ''}`, c] as const))('%s', (_name, sample) => {
      const expected = xmllintVerdict(sample);
      if (expected === 'schema-error') {
        expect(() => engine.compile(sample.xsd)).toThrow();
        return;
      }
      const issues = schemaFor(sample.xsd).validate(readFileSync(sample.file));
      expect(issues.length === 0 ? 'valid' : 'invalid').toBe(expected);
    });
  });
});
