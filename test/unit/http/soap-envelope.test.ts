import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { SOAP_11_NS, SOAP_12_NS, unwrapSoapEnvelope, wrapSoapEnvelope } from '../../../src/http/soap-envelope.ts';

const envelope11 = `<?xml version="1.0"?>
<soapenv:Envelope xmlns:soapenv="${SOAP_11_NS}" xmlns:ns="http://www.iata.org/IATA/EDIST/2017.2">
  <soapenv:Header/>
  <soapenv:Body>
    <ns:AirShoppingRQ Version="17.2"><ns:Document/></ns:AirShoppingRQ>
  </soapenv:Body>
</soapenv:Envelope>`;

describe('SOAP envelopes', () => {
  it('takes the NDC message out of a SOAP 1.1 body, keeping the namespaces declared on the envelope', () => {
    const out = unwrapSoapEnvelope(envelope11, { localName: 'Envelope', namespace: SOAP_11_NS });
    expect(out.soap).toBe('1.1');
    expect(out.xml.startsWith('<ns:AirShoppingRQ')).toBe(true);
    expect(out.xml).toContain('xmlns:ns="http://www.iata.org/IATA/EDIST/2017.2"');
    expect(out.xml.trimEnd().endsWith('</ns:AirShoppingRQ>')).toBe(true);
    expect(out.lineOffset).toBe(4);
  });

  it('knows SOAP 1.2 and leaves plain documents alone', () => {
    const env12 = `<e:Envelope xmlns:e="${SOAP_12_NS}"><e:Body><X xmlns="urn:x"/></e:Body></e:Envelope>`;
    expect(unwrapSoapEnvelope(env12, { localName: 'Envelope', namespace: SOAP_12_NS }).soap).toBe('1.2');
    const plain = '<X xmlns="urn:x"/>';
    expect(unwrapSoapEnvelope(plain, { localName: 'X', namespace: 'urn:x' })).toEqual({ xml: plain, lineOffset: 0 });
  });

  it('refuses an envelope with an empty body', () => {
    expect(() => unwrapSoapEnvelope(`<e:Envelope xmlns:e="${SOAP_11_NS}"><e:Body/></e:Envelope>`, { localName: 'Envelope', namespace: SOAP_11_NS })).toThrow(/Body/);
  });

  it('wraps an answer in the envelope version it came in, with the document unchanged inside', () => {
    const inner = '<?xml version="1.0" encoding="UTF-8"?><AirShoppingRS xmlns="urn:x" Version="17.2"><Note>a &amp; b</Note></AirShoppingRS>';
    const wrapped = wrapSoapEnvelope(Buffer.from(inner), '1.2').toString('utf8');
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(wrapped) as Record<string, Record<string, unknown>>;
    expect(parsed['soap:Envelope']?.['@_xmlns:soap']).toBe(SOAP_12_NS);
    expect(wrapped).toContain('<soap:Body><AirShoppingRS xmlns="urn:x" Version="17.2"><Note>a &amp; b</Note></AirShoppingRS></soap:Body>');
  });
});
