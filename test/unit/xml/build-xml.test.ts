import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { buildXml as referenceBuildXml, compileXmlWriter, loadSchemaModel, parseXml, writeXml, type SchemaModel } from '../../../src/xml/index.ts';

const MSG = 'urn:test:message';
const TYPES = 'urn:test:types';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

const FILES: Record<string, string> = {
  'Order.xsd': `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="${TYPES}" targetNamespace="${MSG}" elementFormDefault="qualified">
  <xs:import namespace="${TYPES}" schemaLocation="Types.xsd"/>
  <xs:element name="Order">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Header" type="t:HeaderType"/>
        <xs:element name="Item" type="t:ItemType" maxOccurs="unbounded"/>
        <xs:element name="Total" type="t:AmountType" minOccurs="0"/>
        <xs:element name="Note" type="xs:string" minOccurs="0"/>
        <xs:element name="Tree" type="t:TreeType" minOccurs="0"/>
      </xs:sequence>
      <xs:attribute name="Version" type="xs:string"/>
    </xs:complexType>
  </xs:element>
</xs:schema>`,
  'Types.xsd': `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="${TYPES}" xmlns:ds="${DSIG}" targetNamespace="${TYPES}" elementFormDefault="qualified">
  <xs:import namespace="${DSIG}" schemaLocation="Sig.xsd"/>
  <xs:complexType name="HeaderType">
    <xs:sequence>
      <xs:element name="Id" type="xs:string"/>
      <xs:element name="Created" type="xs:string"/>
      <xs:element name="Live" type="xs:boolean" minOccurs="0"/>
      <xs:element ref="ds:Signature" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="ItemType">
    <xs:sequence>
      <xs:element name="Code" type="xs:string"/>
      <xs:element name="Qty" type="xs:int"/>
      <xs:element name="Price" type="AmountType"/>
    </xs:sequence>
    <xs:attribute name="Ref" type="xs:string"/>
  </xs:complexType>
  <xs:complexType name="TreeType">
    <xs:sequence><xs:element name="Tree" type="TreeType" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
  </xs:complexType>
  <xs:complexType name="AmountType">
    <xs:simpleContent>
      <xs:extension base="xs:decimal"><xs:attribute name="CurCode" type="xs:string"/></xs:extension>
    </xs:simpleContent>
  </xs:complexType>
</xs:schema>`,
  'Sig.xsd': `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${DSIG}" elementFormDefault="qualified">
  <xs:element name="Signature"><xs:complexType><xs:sequence><xs:element name="Value" type="xs:string"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`,
};

/** Catches a GatewayError so that its code and details can be asserted. */
function gatewayErrorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError, nothing was thrown');
}

/** The reference builder and the compiled writer answer to the same contract. */
describe.each([
  ['buildXml', referenceBuildXml],
  ['the compiled writer', (...args: Parameters<typeof writeXml>) => writeXml(...args).toString('utf8')],
] as const)('%s', (_name, buildXml) => {
  let dir: string;
  let model: SchemaModel;
  const twoNamespaces = { messageNamespace: MSG, typesNamespace: TYPES };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'build-xml-'));
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
    model = loadSchemaModel(join(dir, 'Order.xsd'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes children in schema order whatever the key order, with cns: on types-namespace elements', () => {
    const xml = buildXml('Order', {
      Note: 'n',
      Item: [{ Price: { '#text': 12.5, '@CurCode': 'EUR' }, Qty: 2, '@Ref': 'I1', Code: 'A' }],
      '@Version': '1.0',
      Header: { Created: '2024-01-01', Id: 'H1' },
    }, model, twoNamespaces);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>'
      + `<Order xmlns="${MSG}" xmlns:cns="${TYPES}" Version="1.0">`
      + '<Header><cns:Id>H1</cns:Id><cns:Created>2024-01-01</cns:Created></Header>'
      + '<Item Ref="I1"><cns:Code>A</cns:Code><cns:Qty>2</cns:Qty><cns:Price CurCode="EUR">12.5</cns:Price></Item>'
      + '<Note>n</Note></Order>',
    );
  });

  it('writes no prefixes when both namespaces are the same (17.2)', () => {
    const xml = buildXml('Order', { Header: { Id: 'H1', Created: 'c' }, Item: { Code: 'A', Qty: 1, Price: 3 } }, model, {
      messageNamespace: MSG, typesNamespace: MSG,
    });
    expect(xml).toContain(`<Order xmlns="${MSG}">`);
    expect(xml).not.toContain('xmlns:cns');
    // Elements of another namespace get it as their default namespace.
    expect(xml).toContain(`<Header><Id xmlns="${TYPES}">H1</Id>`);
  });

  it('declares a third namespace (xmldsig) as the default below its element', () => {
    const xml = buildXml('Order', { Header: { Id: 'H', Created: 'c', Signature: { Value: 'v' } }, Item: [] }, model, twoNamespaces);
    expect(xml).toContain(`<Signature xmlns="${DSIG}"><Value>v</Value></Signature>`);
  });

  it('writes numbers, booleans and dates as text and escapes markup characters', () => {
    const xml = buildXml('Order', {
      Header: { Id: 'a<b & "c"', Created: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), Live: false },
      Item: { Code: "it's", Qty: 0, Price: { '#text': 1, '@CurCode': '"<&>' } },
    }, model, twoNamespaces);
    expect(xml).toContain('<cns:Id>a&lt;b &amp; &quot;c&quot;</cns:Id>');
    expect(xml).toContain('<cns:Created>2024-01-02T03:04:05.000Z</cns:Created>');
    expect(xml).toContain('<cns:Live>false</cns:Live>');
    expect(xml).toContain('<cns:Qty>0</cns:Qty>');
    expect(xml).toContain('CurCode="&quot;&lt;&amp;&gt;"');
    expect(parseXml(xml, { model }).document).toMatchObject({
      Header: { Id: 'a<b & "c"' },
      Item: [{ Code: "it's", Price: { '@CurCode': '"<&>' } }],
    });
  });

  it('omits null, undefined and empty arrays', () => {
    const xml = buildXml('Order', {
      Header: { Id: 'H', Created: 'c', Live: null }, Item: [null, { Code: 'A', Qty: 1, Price: 1 }], Total: undefined, Note: [],
    }, model, twoNamespaces);
    expect(xml).not.toContain('Live');
    expect(xml).not.toContain('Total');
    expect(xml).not.toContain('Note');
    expect(xml.match(/<Item>/g)).toHaveLength(1);
  });

  it('writes xsi:nil with its namespace', () => {
    const xml = buildXml('Order', { Header: { Id: 'H', Created: 'c' }, Item: { Code: 'A', Qty: 1, Price: 1 }, Note: { '@xsi:nil': 'true' } }, model, twoNamespaces);
    expect(xml).toContain('<Note xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>');
  });

  it.each([
    ['an unknown element', { Header: { Id: 'H', Created: 'c', Bogus: 1 } }, '/Order/Header/Bogus'],
    ['an element of a repeated parent', { Header: { Id: 'H', Created: 'c' }, Item: [{ Code: 'A' }, { Cod: 'B' }] }, '/Order/Item[2]/Cod'],
    ['an unknown attribute', { '@Nope': 'x' }, '/Order/@Nope'],
    ['text in an element-only element', { Header: 'text' }, '/Order/Header'],
    ['a repeat of a single element', { Note: ['a', 'b'] }, '/Order/Note'],
    ['an object where text is expected', { Total: { '#text': { a: 1 } } }, '/Order/Total/#text'],
    ['a character XML does not allow', { Note: 'bell\u0007' }, '/Order/Note'],
    ['a non-finite number', { Note: Number.NaN }, '/Order/Note'],
  ] as const)('refuses %s with INVALID_RESPONSE naming the path', (_label, content, path) => {
    const error = gatewayErrorOf(() => buildXml('Order', content as Record<string, unknown>, model, twoNamespaces));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.details[0]?.path).toBe(path);
  });

  it('refuses a root other than the model’s', () => {
    expect(gatewayErrorOf(() => buildXml('Other', {}, model, twoNamespaces)).code).toBe('INVALID_RESPONSE');
  });

  it('refuses cyclic content instead of overflowing the stack', () => {
    const tree: Record<string, unknown> = {};
    tree.Tree = tree;
    const error = gatewayErrorOf(() => buildXml('Order', { Tree: tree }, model, twoNamespaces));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.details[0]?.message).toMatch(/deeper than/);
  });

  it('builds deep but finite recursive content', () => {
    let tree: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) tree = { Tree: [tree] };
    const xml = buildXml('Order', { Tree: tree }, model, twoNamespaces);
    expect(xml.match(/<cns:Tree\/?>/g)).toHaveLength(50);
    expect(xml).toContain('<Tree><cns:Tree><cns:Tree>');
  });
});

describe('the compiled writer', () => {
  let dir: string;
  let model: SchemaModel;
  const twoNamespaces = { messageNamespace: MSG, typesNamespace: TYPES };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'compile-xml-writer-'));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
    model = loadSchemaModel(join(dir, 'Order.xsd'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated code with one function per content model, shared by later writers of the same schema folder', () => {
    const writer = compileXmlWriter(model, twoNamespaces);
    expect(writer.source.match(/\/\/ \{urn:test:types\}ItemType\n/g)).toHaveLength(1);
    expect(writer.source).toContain('case "Price": c2 = v[k]; break;');
    const functions = writer.source.match(/^F\[\d+\] = function w\d+\(/gm)?.length;
    expect(functions).toBeGreaterThan(4);
    expect(compileXmlWriter(model, twoNamespaces).source.match(/^F\[\d+\] = function w\d+\(/gm)?.length).toBe(functions);
  });

  it('writes valid content itself, and only hands unwritable content to the reference builder', () => {
    const writer = compileXmlWriter(model, twoNamespaces);
    const content = { Header: { Id: 'H', Created: 'c' }, Item: [{ Code: 'A', Qty: 1, Price: { '#text': 2, '@CurCode': 'EUR' } }] };
    expect(writer.strict(content).toString('utf8')).toBe(referenceBuildXml('Order', content, model, twoNamespaces));
    const unwritable = { Header: { Id: 'H', Created: 'c', Bogus: 1 } };
    expect(() => writer.strict(unwritable)).toThrow('content the schema does not allow');
    expect(gatewayErrorOf(() => writer(unwritable)).details[0]?.path).toBe('/Order/Header/Bogus');
  });
});
