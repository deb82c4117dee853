import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError, type ErrorCode } from '../../../src/errors/index.ts';
import { loadSchemaModel, parseXml, readRootElement } from '../../../src/xml/index.ts';
import { missingShared, SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';

const OO_MSG = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';

/** Runs `fn` and returns the GatewayError it throws; fails the test when it throws anything else or nothing. */
function gatewayErrorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError, nothing was thrown');
}

interface HostileCase {
  readonly name: string;
  readonly input: string | Buffer;
  readonly code: ErrorCode;
  readonly line?: number;
  readonly column?: number;
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol9;</lolz>`;

const HOSTILE: readonly HostileCase[] = [
  {
    name: 'XXE through an external entity',
    input: '<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<foo>&xxe;</foo>',
    code: 'FORBIDDEN_XML_CONSTRUCT', line: 2, column: 1,
  },
  { name: 'billion laughs', input: BILLION_LAUGHS, code: 'FORBIDDEN_XML_CONSTRUCT', line: 2, column: 1 },
  { name: 'lower-case doctype', input: '<!doctype x><x/>', code: 'FORBIDDEN_XML_CONSTRUCT', line: 1, column: 1 },
  { name: 'ENTITY declaration inside the root', input: '<a>\n  <!ENTITY x "y">\n</a>', code: 'FORBIDDEN_XML_CONSTRUCT', line: 2, column: 3 },
  { name: '100k-deep nesting', input: `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`, code: 'MALFORMED_XML', line: 1, column: 601 },
  { name: 'invalid UTF-8 bytes', input: Buffer.concat([Buffer.from('<a>\n  <b>'), Buffer.from([0xc3, 0x28]), Buffer.from('</b></a>')]), code: 'MALFORMED_XML', line: 2, column: 6 },
  { name: 'overlong UTF-8 encoding', input: Buffer.concat([Buffer.from('<a>'), Buffer.from([0xc0, 0xbc]), Buffer.from('</a>')]), code: 'MALFORMED_XML', line: 1, column: 4 },
  { name: 'empty body', input: '', code: 'EMPTY_BODY' },
  { name: 'empty buffer', input: Buffer.alloc(0), code: 'EMPTY_BODY' },
  { name: 'whitespace only', input: ' \r\n\t \n', code: 'EMPTY_BODY' },
  { name: 'unclosed tag', input: '<?xml version="1.0"?>\n<a>\n  <b>text\n</a>', code: 'MALFORMED_XML', line: 4, column: 1 },
  { name: 'root never closed', input: '<a>\n  <b/>\n', code: 'MALFORMED_XML', line: 1, column: 1 },
  { name: 'attribute without quotes on the root', input: '<a x=1></a>', code: 'MALFORMED_XML', line: 1, column: 4 },
  { name: 'attribute without quotes inside', input: '<a>\n <b x=1/>\n</a>', code: 'MALFORMED_XML', line: 2, column: 5 },
  { name: 'attribute without value', input: '<a checked></a>', code: 'MALFORMED_XML', line: 1, column: 4 },
  { name: 'undefined entity reference', input: '<a>\n&nbsp;</a>', code: 'MALFORMED_XML', line: 2, column: 1 },
  { name: 'bare ampersand', input: '<a>fish & chips</a>', code: 'MALFORMED_XML', line: 1, column: 9 },
  { name: 'character reference to NUL', input: '<a>&#0;</a>', code: 'MALFORMED_XML', line: 1, column: 4 },
  { name: "'<' in an attribute value", input: '<a>\n  <b x="1<2"/>\n</a>', code: 'MALFORMED_XML', line: 2, column: 10 },
  { name: 'unpaired surrogate in a string body', input: '<a>\n x\uD800</a>', code: 'MALFORMED_XML', line: 2, column: 3 },
  { name: 'raw control character', input: '<a>\u0001</a>', code: 'MALFORMED_XML', line: 1, column: 4 },
  { name: 'text before the root', input: 'hello <a/>', code: 'MALFORMED_XML', line: 1, column: 1 },
  { name: 'two roots', input: '<a/>\n<b/>', code: 'MALFORMED_XML', line: 2, column: 1 },
  { name: 'text after the root', input: '<a></a>\n<!-- fine -->\n x', code: 'MALFORMED_XML', line: 3, column: 2 },
  { name: 'undeclared root prefix', input: '<ns:a/>', code: 'MALFORMED_XML', line: 1, column: 1 },
  { name: 'only a declaration', input: '<?xml version="1.0"?>', code: 'MALFORMED_XML' },
];

describe('parseXml on hostile input', () => {
  it.each(HOSTILE)('$name → $code', ({ input, code, line, column }) => {
    const error = gatewayErrorOf(() => parseXml(input));
    expect(error.code).toBe(code);
    if (line !== undefined) expect(error.details[0]?.line).toBe(line);
    if (column !== undefined) expect(error.details[0]?.column).toBe(column);
    expect(error.details[0]?.message).toBeTruthy();
  });

  it('never expands entities: the external entity text never shows up', () => {
    const error = gatewayErrorOf(() => parseXml('<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>'));
    expect(JSON.stringify(error.toJSON())).not.toContain('root:');
  });

  it('lets callers choose a deeper limit', () => {
    const xml = `${'<a>'.repeat(300)}${'</a>'.repeat(300)}`;
    expect(gatewayErrorOf(() => parseXml(xml)).code).toBe('MALFORMED_XML');
    expect(parseXml(xml, { maxDepth: 400 }).rootName).toBe('a');
  });

  it('counts self-closing tags as no deeper', () => {
    const xml = `<r>${'<leaf/>'.repeat(1000)}</r>`;
    expect(parseXml(xml, { maxDepth: 2 }).rootName).toBe('r');
  });

  it('refuses a root that is not the model’s message', () => {
    const path = join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRQ.xsd');
    if (missingShared([path]).length > 0) return;
    const error = gatewayErrorOf(() => parseXml(`<?xml version="1.0"?>\n<IATA_OrderCreateRQ xmlns="${OO_MSG}"/>`, { model: loadSchemaModel(path) }));
    expect(error.code).toBe('UNKNOWN_MESSAGE');
    expect(error.details[0]).toMatchObject({ path: '/IATA_OrderCreateRQ', line: 2, column: 1 });
  });
});

describe('parseXml result shape', () => {
  it('uses local names, @ attributes, #text beside attributes and keeps values as trimmed strings', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- leading comment -->
<?pi ignored?>
<m:Root xmlns:m="urn:m" xmlns:c="urn:c" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" m:Version="21.3" xsi:schemaLocation="urn:m m.xsd">
  <c:Amount CurCode="EUR"> 0012.50 </c:Amount>
  <c:Count>007</c:Count>
  <c:Flag>true</c:Flag>
  <c:Empty/>
  <c:Nil xsi:nil="true"/>
  <c:Escaped a="&quot;&#x41;&apos;">&lt;tag&gt; &amp; &#233;<![CDATA[<raw> &amp;]]></c:Escaped>
</m:Root>`;
    const parsed = parseXml(xml);
    expect(parsed.rootName).toBe('Root');
    expect(parsed.namespace).toBe('urn:m');
    expect(parsed.document).toEqual({
      '@Version': '21.3',
      Amount: { '#text': '0012.50', '@CurCode': 'EUR' },
      Count: '007',
      Flag: 'true',
      Empty: '',
      Nil: { '@xsi:nil': 'true' },
      Escaped: { '#text': '<tag> & é<raw> &amp;', '@a': '"A\'' },
    });
  });

  it('accepts a Buffer with a UTF-8 byte order mark', () => {
    const parsed = parseXml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a><b>é</b></a>')]));
    expect(parsed.document).toEqual({ b: 'é' });
  });

  it('returns text-only roots as #text and empty roots as {}', () => {
    expect(parseXml('<a>hi</a>').document).toEqual({ '#text': 'hi' });
    expect(parseXml('<a/>').document).toEqual({});
  });

  it('refuses prototype-polluting element names without polluting anything', () => {
    expect(gatewayErrorOf(() => parseXml('<a><__proto__><polluted>yes</polluted></__proto__></a>')).code).toBe('MALFORMED_XML');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts comments and PIs after the root', () => {
    expect(parseXml('<a>1</a>\n<!-- end -->\n<?pi x?>\n').document).toEqual({ '#text': '1' });
  });
});

describe.skipIf(missingShared([join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRQ.xsd')]).length > 0)('parseXml with a schema model', () => {
  const model = loadSchemaModel(join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRQ.xsd'));
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<IATA_AirShoppingRQ xmlns="${OO_MSG}" xmlns:cns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes">
  <DistributionChain><cns:DistributionChainLink><cns:Ordinal>1</cns:Ordinal></cns:DistributionChainLink></DistributionChain>
  <Request>
    <cns:PaxList><cns:Pax><cns:PaxID>PAX1</cns:PaxID><cns:PTC>ADT</cns:PTC></cns:Pax></cns:PaxList>
    <cns:Unknown><cns:Thing>1</cns:Thing></cns:Unknown>
  </Request>
</IATA_AirShoppingRQ>`;

  it('makes repeated elements arrays even when they occur once, and leaves the rest alone', () => {
    const { document } = parseXml(xml, { model });
    const request = document.Request as Record<string, unknown>;
    const paxList = request.PaxList as Record<string, unknown>;
    expect(paxList.Pax).toEqual([{ PaxID: 'PAX1', PTC: 'ADT' }]);
    expect((document.DistributionChain as Record<string, unknown>).DistributionChainLink).toEqual([{ Ordinal: '1' }]);
    expect(request.Unknown).toEqual({ Thing: '1' });
  });

  it('gives the same shape on every call (memoised per model)', () => {
    expect(parseXml(Buffer.from(xml), { model })).toEqual(parseXml(xml, { model }));
  });

  it('without a model, a single element stays an object', () => {
    const request = parseXml(xml).document.Request as Record<string, unknown>;
    expect((request.PaxList as Record<string, unknown>).Pax).toEqual({ PaxID: 'PAX1', PTC: 'ADT' });
  });
});

describe('readRootElement', () => {
  it('reads the root past the declaration, comments and PIs', () => {
    const root = readRootElement(`<?xml version="1.0"?>\n<!-- c -->\n<?pi x?>\n  <ns:IATA_AirShoppingRQ xmlns:ns="${OO_MSG}" Version='21.3' a="x&amp;y">`);
    expect(root).toEqual({
      localName: 'IATA_AirShoppingRQ',
      prefix: 'ns',
      namespace: OO_MSG,
      attributes: { 'xmlns:ns': OO_MSG, Version: '21.3', a: 'x&y' },
      line: 4,
      column: 3,
    });
  });

  it('reads the default namespace and self-closing roots', () => {
    expect(readRootElement('<AirShoppingRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2"/>')).toMatchObject({
      localName: 'AirShoppingRQ', namespace: 'http://www.iata.org/IATA/EDIST/2017.2', line: 1, column: 1,
    });
    expect(readRootElement('<a/>')).not.toHaveProperty('namespace');
  });

  it('finds the root behind a long comment in a Buffer without decoding it all', () => {
    const comment = `<!--${'x'.repeat(20_000)}-->`;
    const root = readRootElement(Buffer.from(`${comment}\n<r v="1">${'é'.repeat(10_000)}</r>`));
    expect(root).toMatchObject({ localName: 'r', attributes: { v: '1' }, line: 2, column: 1 });
  });

  it('ignores broken bytes after the root start tag', () => {
    expect(readRootElement(Buffer.concat([Buffer.from('<r>'), Buffer.alloc(10_000, 0xff)])).localName).toBe('r');
    expect(gatewayErrorOf(() => readRootElement(Buffer.concat([Buffer.from('<!-- '), Buffer.from([0xff]), Buffer.from(' -->\n<r>')]))))
      .toMatchObject({ code: 'MALFORMED_XML', details: [{ line: 1, column: 6 }] });
  });

  it.each([
    ['', 'EMPTY_BODY'],
    ['   ', 'EMPTY_BODY'],
    ['<!DOCTYPE r>\n<r/>', 'FORBIDDEN_XML_CONSTRUCT'],
    ['<?xml version="1.0"?>', 'MALFORMED_XML'],
    ['<r a=b>', 'MALFORMED_XML'],
    ['<!-- never closed', 'MALFORMED_XML'],
    ['<r a="1"', 'MALFORMED_XML'],
  ] as const)('%j → %s', (input, code) => {
    expect(gatewayErrorOf(() => readRootElement(input)).code).toBe(code);
    expect(gatewayErrorOf(() => readRootElement(Buffer.from(input))).code).toBe(code);
  });
});

const LARGE_SAMPLE = join(SAMPLES_PATH, '21.3', 'AirShoppingRS__VS__airshopping_shop_calendar_search_RS.xml');

describe.skipIf(missingShared([LARGE_SAMPLE]).length > 0)('parseXml on a 950 KB response', () => {
  it('parses it with the model and arrays where the schema repeats', () => {
    const model = loadSchemaModel(join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRS.xsd'));
    const parsed = parseXml(readFileSync(LARGE_SAMPLE), { model });
    const response = parsed.document.Response as Record<string, unknown>;
    const offersGroup = response.OffersGroup as Record<string, unknown>;
    expect(Array.isArray(offersGroup.CarrierOffers)).toBe(true);
    expect(readdirSync(join(SAMPLES_PATH, '21.3')).length).toBeGreaterThan(0);
  });
});
