import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchemaModel } from '../../../src/xml/index.ts';
import { missingShared, SCHEMA_PATH } from '../../support/paths.ts';

const XS = '{http://www.w3.org/2001/XMLSchema}';

describe.skipIf(missingShared([SCHEMA_PATH]).length > 0)('schema model: simple types of attributes and elements', () => {
  it('follows named simple types to the built-in type (17.2 KeyIdentifier is an xs:ID)', () => {
    const model = loadSchemaModel(join(SCHEMA_PATH, '17.2', 'AirShoppingRS.xsd'));
    const segment = model.element(['AirShoppingRS', 'DataLists', 'FlightSegmentList', 'FlightSegment']);
    expect(segment?.attributeType('SegmentKey')).toBe(`${XS}ID`);
    expect(segment?.attributeType('refs')).toBe(`${XS}IDREFS`);
    expect(segment?.attributeType('NoSuchAttribute')).toBeUndefined();
    const passenger = model.element(['AirShoppingRS', 'DataLists', 'PassengerList', 'Passenger']);
    expect(passenger?.attributeType('PassengerID')).toBe(`${XS}ID`);
    expect(passenger?.child('ContactInfoRef')?.builtinType).toBe(`${XS}IDREF`);
  });

  it('gives the built-in type of simpleContent text, and none for element content', () => {
    const model = loadSchemaModel(join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRS.xsd'));
    const price = model.element(['IATA_AirShoppingRS', 'Response', 'OffersGroup', 'CarrierOffers', 'Offer', 'OfferItem', 'Price']);
    expect(price?.child('TotalAmount')?.builtinType).toBe(`${XS}decimal`);
    expect(price?.child('TotalAmount')?.attributes).toContain('CurCode');
    expect(price?.builtinType).toBeUndefined();
  });
});
