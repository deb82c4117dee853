import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXsdEngine, SchemaCompileError, type CompiledSchema, type XsdEngine, type XsdEngineName } from '../../../src/xsd/index.ts';
import { SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';
import { listSamples, type Sample } from '../../support/samples.ts';
import { xmllintVerdicts, type XmllintVerdict } from '../../support/xmllint.ts';

const ENGINES: readonly XsdEngineName[] = ['libxml2-wasm', 'libxmljs2'];
const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const AIR_SHOPPING_RQ_213 = join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRQ.xsd');
const JQ_AIR_SHOPPING_RQ = join(SAMPLES_PATH, '21.3', 'AirShoppingRQ__JQ__01_AirShopping_VIZ-SIN_+_SIN-VIZ_Economy__RQ.xml');
const VALID_AIR_SHOPPING_RQ = join(SAMPLES_PATH, '21.3', 'AirShoppingRQ__VS__airshopping_airshoppingrq_with_corpID.xml');

/** Every sample of 17.2 and 21.3 whose message schema is in that version's package. */
const SAMPLE_CASES = ['17.2', '21.3'].flatMap((version) => listSamples(version)).filter((s): s is Sample & { xsd: string } => s.xsd !== undefined);

/** xmllint's verdicts, run live once per schema: valid, invalid, or schema-error when the schema does not compile. */
const xmllint = new Map<string, XmllintVerdict>();
beforeAll(() => {
  const byXsd = new Map<string, string[]>();
  for (const sample of SAMPLE_CASES) byXsd.set(sample.xsd, [...(byXsd.get(sample.xsd) ?? []), sample.file]);
  for (const [xsd, files] of byXsd) for (const [file, verdict] of xmllintVerdicts(xsd, files)) xmllint.set(file, verdict);
});

/** Writes schema documents into `dir`: name → text. */
function writeSchemas(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

const XS = 'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:set" targetNamespace="urn:set" elementFormDefault="qualified"';

/**
 * Four message schemas of namespace urn:set sharing `common.xsd`, as an NDC package is laid out:
 * `needs.xsd` uses a type only `b.xsd` defines (as 24.4 OrderChangeNotifRQ does), `clash.xsd`
 * defines that type again (as 26.1 OrderChangeNotifRQ does), and `broken.xsd` has a space before
 * its XML declaration (as 17.2 AirDocDisplayRQ has).
 */
const SET_FILES: Record<string, string> = {
  'common.xsd': `<xs:schema ${XS}><xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:pattern value="[A-Z]{3}"/></xs:restriction></xs:simpleType></xs:schema>`,
  'a.xsd': `<xs:schema ${XS}><xs:include schemaLocation="common.xsd"/><xs:element name="A"><xs:complexType><xs:sequence><xs:element name="Code" type="Code"/></xs:sequence></xs:complexType></xs:element></xs:schema>`,
  'b.xsd': `<xs:schema ${XS}><xs:include schemaLocation="common.xsd"/><xs:element name="B" type="BType"/><xs:complexType name="BType"><xs:sequence><xs:element name="Code" type="Code" maxOccurs="2"/></xs:sequence></xs:complexType></xs:schema>`,
  'needs.xsd': `<xs:schema ${XS}><xs:element name="N" type="BType"/></xs:schema>`,
  'clash.xsd': `<xs:schema ${XS}><xs:element name="C" type="BType"/><xs:complexType name="BType"><xs:sequence/></xs:complexType></xs:schema>`,
  'broken.xsd': ` <?xml version="1.0"?>\n<xs:schema ${XS}><xs:element name="D" type="xs:string"/></xs:schema>`,
};

describe('samples available', () => {
  it('finds the 17.2 and 21.3 samples to compare against xmllint', () => {
    expect(SAMPLE_CASES.filter((c) => c.version === '17.2').length).toBeGreaterThanOrEqual(10);
    expect(SAMPLE_CASES.filter((c) => c.version === '21.3').length).toBeGreaterThanOrEqual(50);
    expect(SAMPLE_CASES.every((c) => xmllint.has(c.file))).toBe(true);
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

  it('refuses a document whose root element is not the one asked for, and nothing else', () => {
    const schema = schemaFor(AIR_SHOPPING_RQ_213);
    const valid = readFileSync(VALID_AIR_SHOPPING_RQ, 'utf8');
    expect(schema.validate(valid, { root: { namespace: MESSAGE_NS, name: 'IATA_AirShoppingRQ' } })).toEqual([]);
    const issues = schema.validate(valid, { root: { namespace: MESSAGE_NS, name: 'IATA_OfferPriceRQ' } });
    expect(issues).toEqual([{
      message: `Element 'IATA_AirShoppingRQ': This element is not expected as the root element. Expected is 'IATA_OfferPriceRQ' in namespace '${MESSAGE_NS}'.`,
      line: issues[0]?.line,
      column: issues[0]?.column,
      path: '/IATA_AirShoppingRQ',
    }]);
    const rootLine = valid.split('\n')[(issues[0]?.line ?? 1) - 1] ?? '';
    expect(rootLine.slice((issues[0]?.column ?? 1) - 1).startsWith('<IATA_AirShoppingRQ')).toBe(true);
    // malformed XML is still reported as such
    expect(schema.validate('<IATA_OfferPriceRQ>', { root: { namespace: MESSAGE_NS, name: 'IATA_AirShoppingRQ' } })[0]?.message).not.toMatch(/root element/);
  });

  describe('one schema compiled from several schema documents of a namespace', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), `xsd-set-${engineName}-`));
      writeSchemas(dir, SET_FILES);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const path = (name: string): string => join(dir, name);

    it('validates a document of any of them, and a member only its own', () => {
      const set = engine.compileSet([path('a.xsd'), path('b.xsd'), path('needs.xsd')], 'urn:set');
      try {
        expect(set.validate('<A xmlns="urn:set"><Code>SIN</Code></A>')).toEqual([]);
        expect(set.validate('<B xmlns="urn:set"><Code>SIN</Code><Code>VIZ</Code></B>')).toEqual([]);
        expect(set.validate('<A xmlns="urn:set"><Code>sin</Code></A>')).toHaveLength(1);
        const a = set.member(path('a.xsd'), { namespace: 'urn:set', name: 'A' });
        expect(a.validate('<A xmlns="urn:set"><Code>SIN</Code></A>')).toEqual([]);
        expect(a.validate('<B xmlns="urn:set"><Code>SIN</Code></B>').map((i) => i.path)).toEqual(['/B']);
        // needs.xsd finds BType only in the set, as 24.4 OrderChangeNotifRQ finds ChangeGroupType
        expect(() => engine.compile(path('needs.xsd'))).toThrow(SchemaCompileError);
        const needs = set.member(path('needs.xsd'), { namespace: 'urn:set', name: 'N' });
        expect(needs.validate('<N xmlns="urn:set"><Code>SIN</Code></N>')).toEqual([]);
        expect(needs.validate('<N xmlns="urn:set"><Code>sin</Code></N>')).toHaveLength(1);
        a.dispose();
        expect(() => a.validate('<A xmlns="urn:set"/>')).toThrow(/after dispose/);
        expect(needs.validate('<N xmlns="urn:set"><Code>SIN</Code></N>')).toEqual([]);
      } finally {
        set.dispose();
      }
      expect(() => set.validate('<A xmlns="urn:set"/>')).toThrow(/after dispose/);
    });

    it('names the member a conflict is in, where the engine tells', () => {
      let error: unknown;
      try {
        engine.compileSet([path('b.xsd'), path('clash.xsd')], 'urn:set').dispose();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SchemaCompileError);
      expect((error as SchemaCompileError).message).toMatch(/^The combined schema of 2 schema documents of urn:set does not compile: /);
      // libxmljs2 does not say where an error is
      expect((error as SchemaCompileError).files).toEqual(engineName === 'libxml2-wasm' ? [path('clash.xsd')] : []);
      if (engineName === 'libxml2-wasm') expect((error as SchemaCompileError).detail).toMatch(/clash\.xsd:1: .*'BType' does already exist/);
    });

    it('names a member that is not well-formed', () => {
      expect(() => engine.compileSet([path('a.xsd'), path('broken.xsd')], 'urn:set')).toThrow(SchemaCompileError);
      try {
        engine.compileSet([path('a.xsd'), path('broken.xsd')], 'urn:set');
      } catch (error) {
        expect((error as SchemaCompileError).files).toEqual([path('broken.xsd')]);
      }
    });
  });

  it('refuses to validate after dispose()', () => {
    const schema = engine.compile(AIR_SHOPPING_RQ_213);
    schema.dispose();
    expect(() => schema.validate('<a/>')).toThrow(/after dispose/);
  });

  describe('gives the same valid/invalid verdict as xmllint run live', () => {
    it.each(SAMPLE_CASES.map((c) => [`${c.version}/${c.name}`, c] as const))('%s', (_name, sample) => {
      const expected = xmllint.get(sample.file);
      if (expected === 'schema-error') {
        expect(() => engine.compile(sample.xsd)).toThrow();
        return;
      }
      const issues = schemaFor(sample.xsd).validate(readFileSync(sample.file));
      expect(issues.length === 0 ? 'valid' : 'invalid').toBe(expected);
    });
  });
});
