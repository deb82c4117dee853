import { describe, expect, it } from 'vitest';
import { detectFileMessage, normalisePayloadVersion, schemaFileOf } from '../../../src/tools/conformance/detect-file-message.ts';

const OO = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const CNS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';

function oo(version?: string): string {
  const payload = version === undefined ? '' : `<PayloadAttributes><cns:VersionNumber>${version}</cns:VersionNumber></PayloadAttributes>`;
  return `<?xml version="1.0"?>\n<IATA_AirShoppingRQ xmlns="${OO}" xmlns:cns="${CNS}">${payload}<Request/></IATA_AirShoppingRQ>`;
}

describe('detectFileMessage', () => {
  it('reads 17.2 from its namespace', () => {
    const result = detectFileMessage('<AirShoppingRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2"/>');
    expect(result).toEqual({ ok: true, file: expect.objectContaining({ rootName: 'AirShoppingRQ', message: 'AirShoppingRQ', version: '17.2', versionSource: 'namespace' }) });
  });

  it('reads 18.1 and 19.2 from their per-message namespaces', () => {
    const v192 = detectFileMessage(Buffer.from('<IATA_AirShoppingRS xmlns="http://www.iata.org/IATA/2015/00/2019.2/IATA_AirShoppingRS"/>'));
    expect(v192.ok && v192.file).toMatchObject({ rootName: 'IATA_AirShoppingRS', message: 'AirShoppingRS', version: '19.2' });
    const v181 = detectFileMessage('<AirShoppingRQ xmlns="http://www.iata.org/IATA/2015/00/2018.1/AirShoppingRQ"/>');
    expect(v181.ok && v181.file).toMatchObject({ message: 'AirShoppingRQ', version: '18.1' });
  });

  it('takes the shared namespace version from PayloadAttributes/VersionNumber', () => {
    const result = detectFileMessage(oo('24.4'));
    expect(result.ok && result.file).toMatchObject({ message: 'AirShoppingRQ', version: '24.4', versionSource: 'payload' });
    const longForm = detectFileMessage(oo('21.3.5'));
    expect(longForm.ok && longForm.file.version).toBe('21.3');
  });

  it('falls back to the default when the document does not say, or says something that is no version', () => {
    const unsaid = detectFileMessage(oo());
    expect(unsaid.ok && unsaid.file).toMatchObject({ version: '21.3', versionSource: 'default' });
    const other = detectFileMessage(oo('banana'), { defaultVersion: '26.1' });
    expect(other.ok && other.file).toMatchObject({ version: '26.1', versionSource: 'default' });
  });

  it('ignores a VersionNumber outside PayloadAttributes', () => {
    const xml = `<IATA_OrderViewRS xmlns="${OO}"><Response><Order><VersionNumber>26.1</VersionNumber></Order></Response></IATA_OrderViewRS>`;
    const result = detectFileMessage(xml);
    expect(result.ok && result.file.version).toBe('21.3');
  });

  it('lets --ndc-version override every rule', () => {
    const result = detectFileMessage('<AirShoppingRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2"/>', { version: '24.4' });
    expect(result.ok && result.file).toMatchObject({ version: '24.4', versionSource: 'option' });
  });

  it('treats PaymentClearance messages like the shared namespace they ship with', () => {
    const result = detectFileMessage('<IATA_PaymentClearanceRQ xmlns="http://www.iata.org/IATA/2015/00/2022.1/IATA_PaymentClearanceRQ"/>');
    expect(result.ok && result.file).toMatchObject({ message: 'PaymentClearanceRQ', version: '21.3', versionSource: 'default' });
  });

  it('refuses documents that are not NDC, naming the root and namespace', () => {
    const result = detectFileMessage('<?xml version="1.0"?>\n<Envelope xmlns="urn:other"/>');
    expect(result).toMatchObject({ ok: false, rootName: 'Envelope', namespace: 'urn:other', error: { code: 'NOT_NDC', line: 2, column: 1 } });
    expect(detectFileMessage('<AirShoppingRQ/>')).toMatchObject({ ok: false, error: { code: 'NOT_NDC' } });
  });

  it('refuses what is not XML', () => {
    expect(detectFileMessage('just text')).toMatchObject({ ok: false, error: { code: 'NOT_XML' } });
    expect(detectFileMessage(Buffer.alloc(0))).toMatchObject({ ok: false, error: { code: 'NOT_XML' } });
  });
});

describe('normalisePayloadVersion', () => {
  it.each([
    ['21.3', '21.3'], ['21.3.5', '21.3'], ['2024.4', '24.4'], [' 26.1 ', '26.1'], ['17.2', undefined], ['1.0', undefined], ['x', undefined],
  ])('%s → %s', (raw, expected) => {
    expect(normalisePayloadVersion(raw)).toBe(expected);
  });
});

describe('schemaFileOf', () => {
  it('names the message schema in the version folder', () => {
    expect(schemaFileOf('/s', '21.3', 'IATA_AirShoppingRQ')).toBe('/s/21.3/IATA_AirShoppingRQ.xsd');
    expect(schemaFileOf('/s', '17.2', 'AirShoppingRQ')).toBe('/s/17.2/AirShoppingRQ.xsd');
    expect(schemaFileOf('/s', '19.2', 'IATA_OfferPriceRQ')).toBe('/s/19.2/IATA_OfferPriceRQ.xsd');
  });
});
