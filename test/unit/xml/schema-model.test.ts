import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import { SchemaModelError, loadSchemaModel, preloadSchemaModel, type SchemaModel } from '../../../src/xml/index.ts';
import { missingShared, SCHEMA_PATH } from '../../support/paths.ts';

const MSG = 'urn:test:message';
const TYPES = 'urn:test:types';

/** A small schema set exercising every construct the model follows; written fresh for each run. */
const SYNTHETIC_FILES: Record<string, string> = {
  'Msg.xsd': `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="${TYPES}" xmlns="${MSG}"
  targetNamespace="${MSG}" elementFormDefault="qualified">
  <xs:import namespace="${TYPES}" schemaLocation="types/Types.xsd"/>
  <xs:element name="Msg">
    <xs:annotation><xs:documentation>Root</xs:documentation></xs:annotation>
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Header" type="t:HeaderType"/>
        <xs:element name="Body" minOccurs="0">
          <xs:complexType>
            <xs:choice maxOccurs="unbounded">
              <xs:element name="A" type="xs:string"/>
              <xs:element name="B" type="xs:string"/>
            </xs:choice>
          </xs:complexType>
        </xs:element>
        <xs:element name="Node" type="t:NodeType" minOccurs="0"/>
        <xs:element name="Derived" type="t:DerivedType" minOccurs="0"/>
        <xs:element name="Restricted" type="t:RestrictedType" minOccurs="0"/>
        <xs:element name="Amount" type="t:AmountType" minOccurs="0" maxOccurs="3"/>
        <xs:element name="Grouped" type="t:GroupedType" minOccurs="0"/>
        <xs:element name="Alt" type="t:AltType" minOccurs="0"/>
        <xs:element name="Twice" type="t:TwiceType" minOccurs="0"/>
        <xs:element name="Note" type="t:NoteType" minOccurs="0"/>
        <xs:element name="Open" type="t:OpenType" minOccurs="0"/>
        <xs:element ref="t:Shared" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="Chameleon" type="t:ChameleonType" minOccurs="0"/>
      </xs:sequence>
      <xs:attribute name="Version" type="xs:string"/>
    </xs:complexType>
  </xs:element>
</xs:schema>`,
  'types/Types.xsd': `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="${TYPES}" targetNamespace="${TYPES}" elementFormDefault="qualified">
  <xsd:include schemaLocation="chameleon.xsd"/>
  <xsd:complexType name="HeaderType">
    <xsd:sequence>
      <xsd:element name="Id" type="xsd:string"/>
      <xsd:element name="Tag" type="xsd:string" minOccurs="0" maxOccurs="unbounded"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="NodeType">
    <xsd:sequence>
      <xsd:element name="Name" type="xsd:string"/>
      <xsd:element name="Node" type="NodeType" minOccurs="0" maxOccurs="unbounded"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:attributeGroup name="KeyGroup">
    <xsd:attribute name="Key" type="xsd:string" use="required"/>
    <xsd:attribute name="Hint" type="xsd:string"/>
  </xsd:attributeGroup>
  <xsd:complexType name="BaseType">
    <xsd:sequence>
      <xsd:element name="First" type="xsd:string"/>
      <xsd:element name="Second" type="xsd:string" minOccurs="0"/>
    </xsd:sequence>
    <xsd:attributeGroup ref="KeyGroup"/>
  </xsd:complexType>
  <xsd:complexType name="DerivedType">
    <xsd:complexContent>
      <xsd:extension base="BaseType">
        <xsd:sequence>
          <xsd:element name="Extra" type="xsd:string" maxOccurs="2"/>
        </xsd:sequence>
        <xsd:attribute name="Own" type="xsd:string"/>
      </xsd:extension>
    </xsd:complexContent>
  </xsd:complexType>
  <xsd:complexType name="RestrictedType">
    <xsd:complexContent>
      <xsd:restriction base="BaseType">
        <xsd:sequence>
          <xsd:element name="First" type="xsd:string"/>
        </xsd:sequence>
        <xsd:attribute name="Hint" use="prohibited"/>
      </xsd:restriction>
    </xsd:complexContent>
  </xsd:complexType>
  <xsd:simpleType name="CodeType">
    <xsd:restriction base="xsd:string"><xsd:length value="3"/></xsd:restriction>
  </xsd:simpleType>
  <xsd:complexType name="AmountType">
    <xsd:simpleContent>
      <xsd:extension base="xsd:decimal">
        <xsd:attribute name="CurCode" type="CodeType"/>
      </xsd:extension>
    </xsd:simpleContent>
  </xsd:complexType>
  <xsd:group name="PairGroup">
    <xsd:sequence>
      <xsd:element name="X" type="xsd:string"/>
      <xsd:element name="Y" type="xsd:string" minOccurs="0"/>
    </xsd:sequence>
  </xsd:group>
  <xsd:complexType name="GroupedType">
    <xsd:sequence>
      <xsd:element name="Before" type="xsd:string"/>
      <xsd:group ref="PairGroup" maxOccurs="2"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="AltType">
    <xsd:choice>
      <xsd:sequence><xsd:element name="P" type="xsd:string"/><xsd:element name="Q" type="xsd:string"/></xsd:sequence>
      <xsd:sequence><xsd:element name="P" type="xsd:string"/><xsd:element name="R" type="xsd:string"/></xsd:sequence>
    </xsd:choice>
  </xsd:complexType>
  <xsd:complexType name="TwiceType">
    <xsd:sequence>
      <xsd:element name="A" type="xsd:string"/>
      <xsd:element name="B" type="xsd:string"/>
      <xsd:element name="A" type="xsd:string" minOccurs="0"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="NoteType" mixed="true">
    <xsd:sequence><xsd:element name="Em" type="xsd:string" minOccurs="0"/></xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="OpenType">
    <xsd:sequence><xsd:any namespace="##other" processContents="lax"/></xsd:sequence>
    <xsd:anyAttribute/>
  </xsd:complexType>
  <xsd:element name="Shared" type="CodeType"/>
  <xsd:element name="Missing" type="NoSuchType"/>
</xsd:schema>`,
  'types/chameleon.xsd': `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:complexType name="ChameleonType">
    <xs:sequence><xs:element name="Inner" type="xs:string"/></xs:sequence>
  </xs:complexType>
</xs:schema>`,
  'Broken.xsd': `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="${TYPES}" targetNamespace="${MSG}" elementFormDefault="qualified">
  <xs:import namespace="${TYPES}" schemaLocation="types/Types.xsd"/>
  <xs:element name="Broken">
    <xs:complexType><xs:sequence><xs:element ref="t:Missing"/></xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>`,
};

describe('loadSchemaModel on a synthetic schema set', () => {
  let dir: string;
  let model: SchemaModel;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'schema-model-'));
    for (const [name, text] of Object.entries(SYNTHETIC_FILES)) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    model = loadSchemaModel(join(dir, 'Msg.xsd'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the root element and its namespace', () => {
    expect(model.rootName).toBe('Msg');
    expect(model.namespace).toBe(MSG);
    expect(model.root.attributes).toEqual(['Version']);
  });

  it('lists children in schema order with the namespace of the schema that declares them', () => {
    expect(model.root.childOrder).toEqual([
      'Header', 'Body', 'Node', 'Derived', 'Restricted', 'Amount', 'Grouped', 'Alt', 'Twice', 'Note', 'Open', 'Shared', 'Chameleon',
    ]);
    expect(model.element(['Msg', 'Header'])?.namespace).toBe(MSG);
    expect(model.element(['Msg', 'Header', 'Id'])?.namespace).toBe(TYPES);
    expect(model.element(['Msg', 'Shared'])?.namespace).toBe(TYPES);
    expect(model.root.required).toEqual(['Header']);
  });

  it('marks maxOccurs > 1 and elements inside a repeating choice as repeated', () => {
    expect(model.element(['Msg', 'Header', 'Tag'])?.repeated).toBe(true);
    expect(model.element(['Msg', 'Header', 'Tag'])?.maxOccurs).toBe(Number.POSITIVE_INFINITY);
    expect(model.element(['Msg', 'Header', 'Id'])?.repeated).toBe(false);
    expect(model.element(['Msg', 'Body', 'A'])?.repeated).toBe(true);
    expect(model.element(['Msg', 'Body', 'A'])?.maxOccurs).toBe(1);
    expect(model.element(['Msg', 'Amount'])?.repeated).toBe(true);
    expect(model.element(['Msg', 'Shared'])?.repeated).toBe(true);
  });

  it('treats a group ref with maxOccurs > 1 as repeating its elements', () => {
    const grouped = model.element(['Msg', 'Grouped']);
    expect(grouped?.childOrder).toEqual(['Before', 'X', 'Y']);
    expect(grouped?.child('X')?.repeated).toBe(true);
    expect(grouped?.child('Before')?.repeated).toBe(false);
    expect(grouped?.required).toEqual(['Before', 'X']);
  });

  it('does not take a name in two choice branches for a repeat, but does in one sequence', () => {
    const alt = model.element(['Msg', 'Alt']);
    expect(alt?.childOrder).toEqual(['P', 'Q', 'R']);
    expect(alt?.child('P')?.repeated).toBe(false);
    expect(alt?.required).toEqual([]);
    const twice = model.element(['Msg', 'Twice']);
    expect(twice?.childOrder).toEqual(['A', 'B']);
    expect(twice?.child('A')?.repeated).toBe(true);
  });

  it('puts base particles before extension particles and merges attributes', () => {
    const derived = model.element(['Msg', 'Derived']);
    expect(derived?.childOrder).toEqual(['First', 'Second', 'Extra']);
    expect(derived?.required).toEqual(['First', 'Extra']);
    expect(derived?.child('Extra')?.repeated).toBe(true);
    expect([...(derived?.attributes ?? [])].sort()).toEqual(['Hint', 'Key', 'Own']);
    expect(derived?.typeName).toBe(`{${TYPES}}DerivedType`);
  });

  it('takes a restriction’s particles and drops prohibited attributes', () => {
    const restricted = model.element(['Msg', 'Restricted']);
    expect(restricted?.childOrder).toEqual(['First']);
    expect(restricted?.attributes).toEqual(['Key']);
  });

  it('models simpleContent as text plus attributes', () => {
    const amount = model.element(['Msg', 'Amount']);
    expect(amount?.hasText).toBe(true);
    expect(amount?.attributes).toEqual(['CurCode']);
    expect(amount?.childOrder).toEqual([]);
  });

  it('models mixed content, wildcards and simple-typed elements', () => {
    expect(model.element(['Msg', 'Note'])?.hasText).toBe(true);
    expect(model.element(['Msg', 'Note'])?.childOrder).toEqual(['Em']);
    expect(model.element(['Msg', 'Open'])?.anyElement).toBe(true);
    expect(model.element(['Msg', 'Open'])?.anyAttribute).toBe(true);
    expect(model.element(['Msg', 'Header', 'Id'])?.hasText).toBe(true);
    expect(model.element(['Msg', 'Header'])?.hasText).toBe(false);
  });

  it('gives a chameleon include the namespace of the including schema', () => {
    const chameleon = model.element(['Msg', 'Chameleon']);
    expect(chameleon?.childOrder).toEqual(['Inner']);
    expect(chameleon?.child('Inner')?.namespace).toBe(TYPES);
  });

  it('follows recursive types lazily without hanging', () => {
    const deep = ['Msg', 'Node', ...Array<string>(50).fill('Node'), 'Name'];
    expect(model.element(deep)?.hasText).toBe(true);
    expect(model.element(['Msg', 'Node', 'Node'])?.repeated).toBe(true);
    expect(preloadSchemaModel(model)).toBeGreaterThan(5);
  });

  it('returns undefined for paths the schema does not have', () => {
    expect(model.element(['Other'])).toBeUndefined();
    expect(model.element([])).toBeUndefined();
    expect(model.element(['Msg', 'Header', 'Nope'])).toBeUndefined();
    expect(model.element(['Msg', 'Header', 'Id', 'Deeper'])).toBeUndefined();
  });

  it('memoises models and lookups', () => {
    expect(loadSchemaModel(join(dir, 'Msg.xsd'))).toBe(model);
    expect(model.element(['Msg', 'Header', 'Tag'])).toBe(model.element(['Msg', 'Header', 'Tag']));
  });

  it('reports a reference to an undefined component as a SchemaModelError', () => {
    expect(() => loadSchemaModel(join(dir, 'Broken.xsd'))).not.toThrow();
    const broken = loadSchemaModel(join(dir, 'Broken.xsd'));
    expect(() => broken.root.childOrder).not.toThrow();
    expect(() => broken.element(['Broken', 'Missing'])?.childOrder).toThrow(SchemaModelError);
    expect(() => broken.element(['Broken', 'Missing'])?.childOrder).toThrow(/NoSuchType/);
  });

  it('reports a missing file as a SchemaModelError', () => {
    expect(() => loadSchemaModel(join(dir, 'Nope.xsd'))).toThrow(SchemaModelError);
  });
});

const has = (version: string, file: string): boolean => missingShared([join(SCHEMA_PATH, version, file)]).length === 0;

describe.skipIf(!has('21.3', 'IATA_AirShoppingRQ.xsd'))('loadSchemaModel on IATA 21.3', () => {
  const v = NDC_VERSIONS['21.3'];
  const load = (root: string): SchemaModel => loadSchemaModel(join(SCHEMA_PATH, '21.3', `${root}.xsd`));

  it('models AirShoppingRQ with message and common-types namespaces', () => {
    const model = load('IATA_AirShoppingRQ');
    expect(model.rootName).toBe('IATA_AirShoppingRQ');
    expect(model.namespace).toBe(v?.messageNamespace);
    expect(model.root.childOrder).toEqual(['AugmentationPoint', 'DistributionChain', 'PayloadAttributes', 'POS', 'Request']);
    expect(model.root.required).toEqual(['DistributionChain', 'Request']);
    expect(model.element(['IATA_AirShoppingRQ', 'Request'])?.namespace).toBe(v?.messageNamespace);
    expect(model.element(['IATA_AirShoppingRQ', 'Request', 'PaxList'])?.namespace).toBe(v?.typesNamespace);
  });

  it('knows that Pax repeats and PTC does not', () => {
    const model = load('IATA_AirShoppingRQ');
    const pax = model.element(['IATA_AirShoppingRQ', 'Request', 'PaxList', 'Pax']);
    expect(pax?.repeated).toBe(true);
    expect(pax?.maxOccurs).toBe(Number.POSITIVE_INFINITY);
    expect(pax?.child('PTC')?.repeated).toBe(false);
    expect(pax?.required).toContain('PaxID');
    expect(model.element(['IATA_AirShoppingRQ', 'DistributionChain', 'DistributionChainLink'])?.repeated).toBe(true);
  });

  it('models Amount as text with @CurCode', () => {
    const model = load('IATA_AirShoppingRS');
    const amount = model.element(['IATA_AirShoppingRS', 'Response', 'OffersGroup', 'CarrierOffers', 'Offer', 'OfferItem', 'Price', 'TotalAmount']);
    expect(amount?.hasText).toBe(true);
    expect(amount?.attributes).toEqual(['CurCode']);
    expect(amount?.typeName).toBe(`{${v?.typesNamespace}}AmountType`);
  });

  it('preloads every reachable type of AirShoppingRS', () => {
    expect(preloadSchemaModel(load('IATA_AirShoppingRS'))).toBeGreaterThan(100);
  });
});

describe.skipIf(!has('17.2', 'AirShoppingRQ.xsd'))('loadSchemaModel on IATA 17.2', () => {
  const load = (root: string): SchemaModel => loadSchemaModel(join(SCHEMA_PATH, '17.2', `${root}.xsd`));

  it('models AirShoppingRQ with the single EDIST namespace and xsd: prefix', () => {
    const model = load('AirShoppingRQ');
    expect(model.namespace).toBe(NDC_VERSIONS['17.2']?.messageNamespace);
    expect(model.root.childOrder).toEqual([
      'PointOfSale', 'Document', 'Party', 'Parameters', 'CoreQuery', 'Qualifier', 'Preference', 'DataLists', 'Metadata', 'Policies',
    ]);
    expect(model.root.attributes).toEqual(expect.arrayContaining(['Version', 'TransactionIdentifier']));
    expect(model.element(['AirShoppingRQ', 'Party'])?.childOrder).toEqual(['Sender', 'Participants', 'Recipient']);
  });

  it('knows that PassengerList.Passenger repeats, and a choice has no required child', () => {
    const model = load('AirShoppingRQ');
    expect(model.element(['AirShoppingRQ', 'DataLists', 'PassengerList', 'Passenger'])?.repeated).toBe(true);
    expect(model.element(['AirShoppingRQ', 'DataLists', 'PassengerList', 'Passenger'])?.attributes).toContain('PassengerID');
    const coreQuery = model.element(['AirShoppingRQ', 'CoreQuery']);
    expect(coreQuery?.childOrder).toEqual(['Affinity', 'OriginDestinations', 'FlightSpecific', 'ShoppingResponseID']);
    expect(coreQuery?.required).toEqual([]);
  });

  it('models simpleContent extensions with inherited attributes', () => {
    const model = load('AirShoppingRS');
    const total = model.element(['AirShoppingRS', 'OffersGroup', 'AirlineOffers', 'Offer', 'TotalPrice', 'DetailCurrencyPrice', 'Total']);
    expect(total?.hasText).toBe(true);
    expect(total?.attributes).toEqual(['Code', 'Taxable']);
  });
});

describe.skipIf(!has('17.2', 'AirShoppingRS.xsd'))('17.2 keys typed KeyIdentifier are IDs (reference-integrity reported every 17.2 FlightRefs and ODRef as dangling)', () => {
  const model = (): SchemaModel => loadSchemaModel(join(SCHEMA_PATH, '17.2', 'AirShoppingRS.xsd'));
  const XSD = '{http://www.w3.org/2001/XMLSchema}';

  it('gives xs:ID for an attribute whose simple type restricts xs:ID', () => {
    const flight = model().element(['AirShoppingRS', 'DataLists', 'FlightList', 'Flight'])!;
    expect(flight.attributeType('FlightKey')).toBe(`${XSD}ID`);
  });

  it('keeps the name of a type that is no identity type', () => {
    const total = model().element(['AirShoppingRS', 'OffersGroup', 'AirlineOffers', 'Offer', 'TotalPrice', 'DetailCurrencyPrice', 'Total'])!;
    expect(total.typeName).toMatch(/Amount/);
  });
});
