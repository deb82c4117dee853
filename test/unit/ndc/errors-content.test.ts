import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { buildErrorsContent, buildGenericErrorsXml } from '../../../src/ndc/errors-content.ts';
import { EDIST_172_NS, OO_MESSAGE_NS, OO_TYPES_NS } from '../../../src/ndc/ndc-versions.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { createLibxml2WasmEngine } from '../../../src/xsd/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';

const error = new GatewayError('XSD_INVALID', undefined, [
  { message: "Element 'PrefLevel': This element is not expected.", line: 44, column: 7, path: '/IATA_AirShoppingRQ/Request/PrefLevel' },
  { message: 'second', line: 57, column: 7 },
]);

describe('NDC errors content', () => {
  it('fills one 21.3 Error per detail with the stable code, IATA code, position and path', () => {
    const content = buildErrorsContent('21.3', error, 'corr-1') as { Error: Record<string, string>[] };
    expect(content.Error).toHaveLength(2);
    expect(content.Error[0]).toMatchObject({ Code: '304', TypeCode: 'XSD_INVALID', TagText: '/IATA_AirShoppingRQ/Request/PrefLevel', ErrorID: 'corr-1', LangCode: 'EN' });
    expect(content.Error[0]!.DescText).toContain('line 44, column 7');
    expect(content.Error[1]!.TagText).toBeUndefined();
  });

  it('fills 17.2 Errors/Error attributes and the required Version', () => {
    const content = buildErrorsContent('17.2', error, 'corr-1') as { '@Version': string; Errors: { Error: Record<string, string>[] } };
    expect(content['@Version']).toBe('17.2');
    expect(content.Errors.Error[0]).toMatchObject({ '@Type': '7', '@Status': 'XSD_INVALID', '@Code': '304', '@Tag': '/IATA_AirShoppingRQ/Request/PrefLevel' });
  });

  it('caps the number of Error elements at 99', () => {
    const many = new GatewayError('XSD_INVALID', undefined, Array.from({ length: 150 }, (_, i) => ({ message: `e${i}` })));
    expect((buildErrorsContent('21.3', many, 'c') as { Error: unknown[] }).Error).toHaveLength(99);
  });

  it('builds a generic 17.2 Errors document that validates against the 17.2 common types', async () => {
    const xml = buildGenericErrorsXml(new GatewayError('UNKNOWN_MESSAGE', 'x < y & z', [{ message: 'root', path: '/Hello', line: 1, column: 1 }]), 'corr-2', '17.2');
    const engine = await createLibxml2WasmEngine();
    const schema = engine.compile(`${SCHEMA_PATH}/17.2/edist_commontypes.xsd`);
    expect(schema.validate(xml)).toEqual([]);
    expect(xml).toContain('x &lt; y &amp; z');
    schema.dispose();
  });

  it.each(['21.3', '24.4', '26.1'])('builds a generic %s Errors document in that version\'s namespaces, its Error shaped as in an RS', (version) => {
    const xml = buildGenericErrorsXml(new GatewayError('AUTH_REQUIRED', 'no key', [{ message: 'send one', path: '/x' }]), 'corr-3', version);
    const parsed = parseXml(xml);
    expect(parsed.rootName).toBe('Errors');
    expect(xml).toContain(`<Errors xmlns="${OO_MESSAGE_NS}" xmlns:cns="${OO_TYPES_NS}">`);
    expect(xml).not.toContain(EDIST_172_NS);
    expect(xml).toContain('<Error><cns:Code>433</cns:Code><cns:DescText>no key: send one</cns:DescText><cns:ErrorID>corr-3</cns:ErrorID><cns:LangCode>EN</cns:LangCode>'
      + '<cns:StatusText>request</cns:StatusText><cns:TagText>/x</cns:TagText><cns:TypeCode>AUTH_REQUIRED</cns:TypeCode></Error>');
  });
});
