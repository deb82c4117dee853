import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectPackageVersion } from '../../../src/tools/schemas/detect-package-version.ts';
import { readSchemaHeader, type SchemaHeader } from '../../../src/xsd/read-schema-header.ts';

const OO = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const message = (name: string, targetNamespace: string, id?: string): SchemaHeader => ({ name, targetNamespace, ...(id ? { id } : {}), isMessage: true });
const paymentClearance = (name: string): SchemaHeader => message(name, `http://www.iata.org/IATA/2015/00/2022.1/${name}`, 'IATA2022.1');

describe('detectPackageVersion', () => {
  it('takes the highest release id of the Offers & Orders messages (24.4 keeps older ones)', () => {
    const result = detectPackageVersion([
      message('IATA_AirShoppingRQ', OO, 'IATA2024.4'),
      message('IATA_OrderViewRS', OO, 'IATA2024.1'),
      message('IATA_Acknowledgement', OO, 'IATA2022.1'),
      paymentClearance('IATA_PaymentClearanceRQ'),
    ]);
    expect(result?.version).toBe('24.4');
    expect(result?.evidence).toMatch(/IATA2024\.4 among 3 Offers & Orders/);
  });

  it('is not misled by the PaymentClearance messages of a 21.3 package', () => {
    const result = detectPackageVersion([
      message('IATA_AirShoppingRQ', OO, 'IATA2021.3.4'),
      message('IATA_OrderViewRS', OO, 'IATA2021.3.5'),
      ...['IATA_PaymentClearanceRQ', 'IATA_PaymentClearanceRS', 'IATA_PaymentClearingNotif'].map(paymentClearance),
    ]);
    expect(result?.version).toBe('21.3');
  });

  it('reads 17.2 and 19.2 from their namespaces', () => {
    expect(detectPackageVersion([message('AirShoppingRQ', 'http://www.iata.org/IATA/EDIST/2017.2', 'IATA2017.2')])?.version).toBe('17.2');
    expect(detectPackageVersion([message('IATA_AirShoppingRQ', 'http://www.iata.org/IATA/2015/00/2019.2/IATA_AirShoppingRQ', 'IATA2019.2')])?.version).toBe('19.2');
  });

  it('falls back to the most common id, and gives up without any clue', () => {
    expect(detectPackageVersion([message('X', 'urn:x', 'IATA2026.1'), message('Y', 'urn:y', 'IATA2026.1'), message('Z', 'urn:z', 'IATA2025.2')])?.version).toBe('26.1');
    expect(detectPackageVersion([message('X', 'urn:x')])).toBeUndefined();
  });
});

describe('readSchemaHeader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schema-header-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the schema tag and tells a message schema from a type library', () => {
    const messageFile = join(dir, 'IATA_AirShoppingRQ.xsd');
    writeFileSync(messageFile, `<?xml version="1.0"?>\n<!-- c -->\n<xs:schema targetNamespace="${OO}" version="9.002" xmlns:xs="http://www.w3.org/2001/XMLSchema" id='IATA2021.3.4'>\n<xs:element name="IATA_AirShoppingRQ"/></xs:schema>`);
    expect(readSchemaHeader(messageFile)).toEqual({ name: 'IATA_AirShoppingRQ', targetNamespace: OO, id: 'IATA2021.3.4', version: '9.002', isMessage: true });
    const types = join(dir, 'IATA_OffersAndOrdersCommonTypes.xsd');
    writeFileSync(types, `<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t"><xsd:element name="Other"/></xsd:schema>`);
    expect(readSchemaHeader(types)).toEqual({ name: 'IATA_OffersAndOrdersCommonTypes', targetNamespace: 'urn:t', isMessage: false });
  });
});
