import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXercesValidator, type XercesValidator } from '../../../src/xsd/xerces-validator.ts';
import { SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';
import { xmllintFile } from '../../support/xmllint.ts';

const SAMPLES_213 = join(SAMPLES_PATH, '21.3');
const VALID_213 = join(SAMPLES_213, 'AirShoppingRQ__VS__airshopping_airshoppingrq_with_corpID.xml');
const INVALID_213 = join(SAMPLES_213, 'AirShoppingRQ__JQ__01_AirShopping_VIZ-SIN_+_SIN-VIZ_Economy__RQ.xml');
const ORDER_VIEW_213 = join(SAMPLES_213, 'OrderViewRS__VS__orderchange_OC_RFC_OrderChangeCancelRS.xml');

let tempDir: string;
let xerces: XercesValidator;

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'xerces-test-'));
  xerces = await createXercesValidator({ tempDir, concurrency: 2 });
});

afterAll(() => {
  xerces.dispose();
  rmSync(tempDir, { recursive: true, force: true });
});

describe('Xerces through xsd-schema-validator', () => {
  it('resolves the dsig: import of 21.3 offline, so a 21.3 sample validates', async () => {
    const schema = await xerces.compile(join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRQ.xsd'));
    expect(await schema.validate(Buffer.alloc(0), { file: VALID_213 })).toEqual([]);
    // the offline copy lives in the temp dir, with the package's own files linked beside it
    const [mirror] = readdirSync(tempDir);
    expect(mirror).toMatch(/^ndc-xerces-/);
  });

  it.each(['24.4', '26.1', '17.2'])('compiles the %s AirShoppingRQ, which also imports xmldsig', async (version) => {
    const file = version === '17.2' ? 'AirShoppingRQ.xsd' : 'IATA_AirShoppingRQ.xsd';
    await expect(xerces.compile(join(SCHEMA_PATH, version, file))).resolves.toBeDefined();
  });

  it('reports issues at the element, with line, column and path, as libxml2 does', async () => {
    const schema = await xerces.compile(join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRQ.xsd'));
    const issues = await schema.validate(readFileSync(INVALID_213), { file: INVALID_213 });
    expect(issues[0]).toEqual({
      message: "cvc-complex-type.2.4.a: Invalid content was found starting with element 'PrefLevel'. One of 'CabinTypeCode' is expected.",
      line: 44,
      column: 7,
      path: '/IATA_AirShoppingRQ/Request/FlightRequest/FlightRequestOriginDestinationsCriteria/OriginDestCriteria[1]/CabinType/PrefLevel',
    });
    expect(issues.some((i) => i.line === 57)).toBe(true);
  });

  it('points a missing child at its parent start tag, where libxml2 points', async () => {
    const schema = await xerces.compile(join(SCHEMA_PATH, '21.3', 'IATA_OrderViewRS.xsd'));
    const [issue] = await schema.validate(Buffer.alloc(0), { file: ORDER_VIEW_213, maxErrors: 1 });
    expect(issue).toMatchObject({ line: 415, column: 5, path: '/IATA_OrderViewRS/PaymentFunctions/PaymentProcessingSummary' });
    expect(issue?.message).toContain("The content of element 'PaymentProcessingSummary' is not complete");
  });

  it('returns malformed XML as issues', async () => {
    const schema = await xerces.compile(join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRQ.xsd'));
    const issues = await schema.validate('<IATA_AirShoppingRQ xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage"><x></IATA_AirShoppingRQ>');
    expect(issues.at(-1)).toMatchObject({ message: expect.stringContaining('must be terminated by the matching end-tag'), line: 1 });
  });

  it.each([
    ['24.4', 'IATA_OrderChangeNotifRQ.xsd', /IATA_OrderChangeNotifRQ\.xsd does not compile under Xerces: .*ChangeGroupType/],
    ['17.2', 'AirDocDisplayRQ.xsd', /AirDocDisplayRQ\.xsd does not compile under Xerces/],
  ])('refuses the %s %s that does not compile as published', async (version, file, expected) => {
    await expect(xerces.compile(join(SCHEMA_PATH, version, file))).rejects.toThrow(expected);
  });

  it.each([
    ['17.2', 'AirShoppingRQ.xsd', 'AirShoppingRQ__nemo__AirShoppingRQ_02.airshopping_42ae203b.xml'],
    ['17.2', 'AirShoppingRS.xsd', 'AirShoppingRS__nemo__AirShoppingRS_02.airshopping_86bc1225.xml'],
    ['19.2', 'IATA_AirShoppingRS.xsd', 'AirShoppingRS__surajcm__iata_shop_response.xml'],
    ['21.3', 'IATA_OrderViewRS.xsd', 'OrderViewRS__VS__ordercreate_OrderCreateRS_Instant_Purchase_Service_Added_Order.xml'],
  ])('%s %s: same verdict as xmllint on %s', async (version, xsd, sample) => {
    const schemaFile = join(SCHEMA_PATH, version, xsd);
    const file = join(SAMPLES_PATH, version, sample);
    const issues = await (await xerces.compile(schemaFile)).validate(Buffer.alloc(0), { file });
    expect(issues.length === 0).toBe(xmllintFile(schemaFile, file).valid);
  });

  it('removes its temp copies on dispose', async () => {
    const own = await createXercesValidator({ tempDir });
    await own.compile(join(SCHEMA_PATH, '26.1', 'IATA_OfferPriceRQ.xsd'));
    const before = readdirSync(tempDir).length;
    own.dispose();
    expect(readdirSync(tempDir).length).toBe(before - 1);
  });
});
