import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { formatLintIssue, lintMappings, MappingToolUsageError, type LintIssue, type LintReport } from '../../../src/tools/mapping-tools/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';

const config = loadConfig({ NDC_SCHEMA_PATH: SCHEMA_PATH });
const temp = mkdtempSync(join(tmpdir(), 'mapping-lint-'));
let trees = 0;

afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Writes a mappings folder of its own for one test: `{ '21.3/AirShopping.request.yaml': text }`. */
function writeTree(files: Record<string, string>): string {
  const root = join(temp, `tree-${(trees += 1)}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

function lint(root: string, options: { targets?: string[]; version?: string } = {}): Promise<LintReport> {
  return lintMappings({ ...options, mappingsPath: root, schemaPath: config.schemaPath, commandSchemasPath: config.commandSchemasPath });
}

/** Line and column (1-based) of the first occurrence of a text, as an editor shows them. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`'${needle}' is not in the text`);
  return { line: line + 1, column: (lines[line] ?? '').indexOf(needle) + 1 };
}

function issueAt(report: LintReport, line: number): LintIssue | undefined {
  return report.issues.find((issue) => issue.line === line);
}

const REQUEST = `command: offer.shop
map:
  currency: { path: ['Request.ResponseParameters.CurParameter[0].CurCod', Request.ResponseParameters.PricingParameter.OverrideCurCode] }
  journeys:
    each: Request.FlightRequest.FlightRequestOriginDestinationsCriteria.OriginDestCriteria
    where: { path: OriginDepCriteria.IATA_LocationCod, exists: true }
    map:
      origin: { path: OriginDepCriteria.IATA_LocationCode }
      cabin: { path: CabinType.CabinTypCode }
      firstPax: { path: ^.Request.PaxList.Pax.PaxId }
      label: { transform: { name: template, args: '{OriginDestID}-{OriginDepCritera.Date}' } }
  passengers:
    each: Request.PaxLst.Pax
    map: { id: { path: PaxID } }
  anyPax:
    value: true
    when: { any: [ { path: $.Request.PaxList.Pax.PTC, equals: ADT }, { not: { path: Request.PaxList.Pax.PTX, exists: true } } ] }
  tooFar: { path: ^.^.Request }
  fromConfig: { path: $config.noSuchSetting }
`;

describe('mapping lint: request paths against the request XSD', () => {
  it('names file, line, column, the bad segment and the closest allowed name', async () => {
    const root = writeTree({ '21.3/AirShopping.request.yaml': REQUEST });
    const report = await lint(root);
    const at = positionOf(REQUEST, 'CabinTypCode');
    const issue = issueAt(report, at.line);
    expect(issue).toMatchObject({
      file: join(root, '21.3/AirShopping.request.yaml'), line: at.line, column: at.column,
      severity: 'error', code: 'unknown-element', suggestions: ['CabinTypeCode'],
    });
    expect(formatLintIssue(issue!)).toBe(
      `${join(root, '21.3/AirShopping.request.yaml')}:${at.line}:${at.column}: error [unknown-element] 'CabinTypCode' is not an element of CabinType (did you mean CabinTypeCode?) `
      + '(NDC 21.3; at /IATA_AirShoppingRQ/Request/FlightRequest/FlightRequestOriginDestinationsCriteria/OriginDestCriteria/CabinType)',
    );
  });

  it('checks each paths, where conditions, path lists, ^. parents, $. roots, nested conditions and template placeholders', async () => {
    const report = await lint(writeTree({ '21.3/AirShopping.request.yaml': REQUEST }));
    const expectations: [string, string][] = [
      ['CurCod', 'CurCode'],
      ['IATA_LocationCod', 'IATA_LocationCode'],
      ['CabinTypCode', 'CabinTypeCode'],
      ['PaxId', 'PaxID'],
      ['OriginDepCritera', 'OriginDepCriteria'],
      ['PaxLst', 'PaxList'],
      ['PTX', 'PTC'],
    ];
    for (const [typo, suggestion] of expectations) {
      const at = positionOf(REQUEST, typo);
      expect(issueAt(report, at.line), typo).toMatchObject({ column: at.column, suggestions: [suggestion] });
    }
    expect(issueAt(report, positionOf(REQUEST, 'tooFar').line)).toMatchObject({ code: 'bad-parent' });
    expect(report.errorCount).toBe(expectations.length + 1);
    // $config paths and correct paths are left alone.
    expect(issueAt(report, positionOf(REQUEST, 'fromConfig').line)).toBeUndefined();
    expect(issueAt(report, positionOf(REQUEST, 'origin:').line)).toBeUndefined();
  });

  it('reads attributes and text as the parser names them', async () => {
    const text = `command: offer.shop
map:
  ok: { path: 'DataLists.PassengerList.Passenger[0].@PassengerID' }
  bad: { path: 'DataLists.PassengerList.Passenger[0].@PassengerId' }
  below: { path: 'DataLists.PassengerList.Passenger[0].@PassengerID.More' }
`;
    const report = await lint(writeTree({ '17.2/AirShopping.request.yaml': text }));
    expect(report.issues.map((i) => [i.line, i.code])).toEqual([[4, 'unknown-attribute'], [5, 'unknown-element']]);
    expect(report.issues[0]?.suggestions).toEqual(['@PassengerID']);
  });
});

const RESPONSE = `message: AirShoppingRS
map:
  PayloadAttributes: { path: $ctx.correlationId }
  Response:
    map:
      OffersGroup:
        map:
          CarrierOffers:
            each: $item
            map:
              Offer:
                each: offers
                map:
                  OfferID: { path: id }
                  OwnrCode: { path: owner }
                  TotalPrice:
                    map:
                      TotalAmount:
                        map:
                          '@CurCod': { path: currency }
                          '#text': { path: total }
`;

describe('mapping lint: response keys against the response XSD', () => {
  it('finds a misspelt element and attribute key, with line, column and suggestion', async () => {
    const report = await lint(writeTree({ '21.3/AirShopping.response.yaml': RESPONSE }));
    const element = positionOf(RESPONSE, 'OwnrCode');
    expect(issueAt(report, element.line)).toMatchObject({ column: element.column, code: 'unknown-element', suggestions: ['OwnerCode'] });
    const attribute = positionOf(RESPONSE, "'@CurCod'");
    expect(issueAt(report, attribute.line)).toMatchObject({ column: attribute.column, code: 'unknown-attribute', suggestions: ['@CurCode'] });
    expect(formatLintIssue(issueAt(report, attribute.line)!)).toContain("'@CurCod' is not an attribute of TotalAmount (did you mean @CurCode?)");
  });

  it('flags text written into an element that holds elements', async () => {
    const report = await lint(writeTree({ '21.3/AirShopping.response.yaml': RESPONSE }));
    expect(issueAt(report, positionOf(RESPONSE, 'PayloadAttributes').line)).toMatchObject({ code: 'no-text' });
    expect(report.errorCount).toBe(3);
  });

  it('checks an inherited file against every version that uses it', async () => {
    const seat = `message: SeatAvailabilityRS
map:
  Response:
    map:
      SeatMap:
        each: seatMaps
        map:
          CabinCompartment:
            each: cabins
            map:
              SeatRow:
                each: rows
                map:
                  Seat:
                    each: seats
                    map:
                      RowNumber: { path: ^.number }
`;
    const root = writeTree({ '21.3/SeatAvailability.response.yaml': seat, '26.1/version.yaml': "inherits: '21.3'\n" });
    const report = await lint(root);
    expect(report.issues).toHaveLength(1);
    expect(report.issues[0]).toMatchObject({ code: 'unknown-element', versions: ['26.1'], line: positionOf(seat, 'RowNumber').line });
    // Checked against 21.3 alone, the file is fine.
    expect((await lint(root, { targets: [join(root, '21.3')], version: '21.3' })).issues).toEqual([]);
  });

  it('reports a response message that is not the request\'s response, and a command without schemas', async () => {
    const root = writeTree({
      '21.3/OfferPrice.response.yaml': 'message: AirShoppingRS\nmap: {}\n',
      '21.3/OfferPrice.request.yaml': 'command: offer.nothing\nmap: {}\n',
    });
    const report = await lint(root);
    expect(report.issues.map((i) => [i.code, i.line])).toEqual([['unknown-command', 1], ['wrong-message', 1]]);
    expect(report.issues[1]?.message).toBe("OfferPrice is answered with OfferPriceRS in NDC 21.3, not 'AirShoppingRS'");
  });
});

describe('mapping lint: files', () => {
  it('keeps the loader\'s located errors (JSON Schema, transforms)', async () => {
    const report = await lint(writeTree({ '21.3/AirShopping.request.yaml': 'command: offer.shop\nmap:\n  a: { pth: X }\n  b: { path: Request, transform: nope }\n' }));
    expect(report.issues).toMatchObject([{ code: 'load', line: 3, column: 8, message: "'pth' is not allowed here" }]);
  });

  it('needs a version for a file outside a version folder, and takes --ndc-version for it', async () => {
    const root = writeTree({ 'loose/AirShopping.request.yaml': 'command: offer.shop\nmap: { a: { path: Request.PaxLst } }\n' });
    const without = await lint(root, { targets: [join(root, 'loose')] });
    expect(without.issues).toMatchObject([{ code: 'version' }]);
    const withVersion = await lint(root, { targets: [join(root, 'loose')], version: '21.3' });
    expect(withVersion.issues).toMatchObject([{ code: 'unknown-element', line: 2, suggestions: ['PaxList'] }]);
  });

  it('refuses a file name that is not a mapping, and a target that does not exist', async () => {
    const root = writeTree({ '21.3/air-shopping.yaml': 'map: {}\n' });
    expect((await lint(root)).issues).toMatchObject([{ code: 'file-name' }]);
    await expect(lint(root, { targets: [join(root, 'nothing-here')] })).rejects.toBeInstanceOf(MappingToolUsageError);
    await expect(lint(root, { version: '99.9' })).rejects.toBeInstanceOf(MappingToolUsageError);
  });
});

describe('mapping lint: the real mappings', () => {
  it('lints the mappings folder clean', async () => {
    const report = await lint(config.mappingsPath);
    expect(report.issues.map(formatLintIssue)).toEqual([]);
    expect(report.files.length).toBeGreaterThanOrEqual(16);
  });

  it('lints the files in force for each version clean', async () => {
    for (const version of ['17.2', '21.3', '24.4', '26.1']) {
      const report = await lint(config.mappingsPath, { version });
      expect(report.issues.map(formatLintIssue), version).toEqual([]);
      expect(report.files.some((file) => file.endsWith('AirShopping.request.yaml')), version).toBe(true);
    }
  });
});
