import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyMapping, loadCodeTables, loadMappingFile, MappingError, parseMappingSource, type CodeTables, type CompiledMapping,
} from '../../../src/mapping/index.ts';
import { SAMPLES_PATH } from '../../support/paths.ts';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/** Elements of IATA_AirShoppingRQ 21.3 that the XSD lets repeat (the gateway's parser knows them from the schema). */
const REPEATED = new Set(['OriginDestCriteria', 'Pax', 'CurParameter', 'CabinType', 'DistributionChainLink']);
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => REPEATED.has(name),
});

function parseSample(file: string): Record<string, unknown> {
  const document = parser.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return document.IATA_AirShoppingRQ as Record<string, unknown>;
}

const samplesFolder = join(SAMPLES_PATH, '21.3');
const samples = readdirSync(samplesFolder).filter((name) => name.startsWith('AirShoppingRQ__')).sort();
const context = { config: { currency: 'EUR' }, ctx: { version: '21.3' }, rootName: 'IATA_AirShoppingRQ' };

let codeTables: CodeTables;
let mapping: CompiledMapping;
let validateShop: ValidateFunction;

beforeAll(async () => {
  codeTables = await loadCodeTables(here('../../../mappings/code-tables'));
  mapping = await loadMappingFile(here('./fixtures/air-shopping.request.yaml'), { codeTables, direction: 'request' });
  const ajv = new Ajv({ allErrors: true });
  ajv.addSchema(JSON.parse(readFileSync(here('../../../schemas/commands/common.json'), 'utf8')) as object);
  validateShop = ajv.compile(JSON.parse(readFileSync(here('../../../schemas/commands/offer.shop.json'), 'utf8')) as object);
});

describe('the DESIGN.md AirShopping example on real 21.3 samples', () => {
  it('maps a return journey with six passengers', () => {
    const input = parseSample(join(samplesFolder, 'AirShoppingRQ__VS__airshopping_shop_by_specific_date_return_journey_RQ.xml'));
    expect(applyMapping(mapping, input, context)).toEqual({
      currency: 'EUR',
      journeys: [
        { origin: 'LHR', destination: 'MBJ', date: '2023-08-30', cabin: 'ECONOMY' },
        { origin: 'MBJ', destination: 'LHR', date: '2023-09-08', cabin: 'ECONOMY' },
      ],
      passengers: [
        { id: 'ADULT_1', type: 'ADT' }, { id: 'ADULT_2', type: 'ADT' }, { id: 'CHILD_1', type: 'CHD' },
        { id: 'YOUTH_1', type: 'GBE' }, { id: 'INFANT_1', type: 'INF' }, { id: 'INFANT_2', type: 'INF' },
      ],
    });
  });

  it('has samples to run', () => {
    expect(samples.length).toBeGreaterThanOrEqual(5);
  });

  it.each(samples)('maps %s into a command that the offer.shop schema accepts', (name) => {
    const input = parseSample(join(samplesFolder, name));
    const command = applyMapping(mapping, input, context);
    const criteria = ((input.Request as { FlightRequest?: { FlightRequestOriginDestinationsCriteria?: { OriginDestCriteria?: unknown[] } } })
      .FlightRequest?.FlightRequestOriginDestinationsCriteria?.OriginDestCriteria ?? []);
    expect(command.journeys).toHaveLength(criteria.length);
    expect(validateShop(command), JSON.stringify(validateShop.errors)).toBe(true);
  });

  it('names the missing element of a real request, XPath style', () => {
    const input = parseSample(join(samplesFolder, 'AirShoppingRQ__VS__airshopping_shop_by_specific_date_return_journey_RQ.xml'));
    const criteria = (input.Request as { FlightRequest: { FlightRequestOriginDestinationsCriteria: { OriginDestCriteria: Record<string, Record<string, unknown>>[] } } })
      .FlightRequest.FlightRequestOriginDestinationsCriteria.OriginDestCriteria;
    delete criteria[1]?.OriginDepCriteria?.Date;
    const error = (() => {
      try {
        applyMapping(mapping, input, context);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).code).toBe('INVALID_COMMAND');
    expect((error as MappingError).details).toEqual([{
      message: 'Required value is missing (journeys[].date)',
      path: '/IATA_AirShoppingRQ/Request/FlightRequest/FlightRequestOriginDestinationsCriteria/OriginDestCriteria[2]/OriginDepCriteria/Date',
    }]);
  });
});

describe('a response mapping over a large result', () => {
  it('builds 200 offers with nested items and parent references', () => {
    const response = parseMappingSource([
      'message: AirShoppingRS',
      'map:',
      '  Response:',
      '    map:',
      '      ShoppingResponse: { map: { ShoppingResponseID: { path: shoppingResponseId, required: true } } }',
      '      OffersGroup:',
      '        map:',
      '          CarrierOffers:',
      '            each: $item',
      '            map:',
      '              Offer:',
      '                each: $.offers',
      '                map:',
      '                  OfferID: { path: id, required: true }',
      '                  OwnerCode: { path: $config.airlineDesignator }',
      '                  OfferExpirationTimeLimitDateTime: { path: expiresAt, transform: isoDateTime }',
      '                  OfferItem:',
      '                    each: items',
      '                    map:',
      "                      OfferItemID: { transform: { name: template, args: '{^.id}-{id}' } }",
      '                      Price:',
      '                        map:',
      '                          TotalAmount:',
      "                            map: { '@CurCode': { path: price.currency }, '#text': { path: price.total, transform: { name: money, args: price.currency } } }",
      '                      PaxRefID: { path: paxIds }',
      '                      Cabin: { path: cabin, lookup: cabinToNdc }',
    ].join('\n'), 'air-shopping.response.yaml', { codeTables });
    const result = {
      shoppingResponseId: 'SR-1',
      offers: Array.from({ length: 200 }, (_, i) => ({
        id: `OF${i + 1}`,
        expiresAt: '2024-05-01T10:00:00Z',
        items: [1, 2, 3].map((n) => ({ id: `I${n}`, price: { currency: 'EUR', total: 100 + n / 3 }, paxIds: ['P1', 'P2'], cabin: 'ECONOMY' })),
      })),
    };
    const started = performance.now();
    const output = applyMapping(response, result, { config: { airlineDesignator: 'XR' } }) as {
      Response: { OffersGroup: { CarrierOffers: { Offer: { OfferID: string; OfferItem: { OfferItemID: string; Price: unknown; Cabin: string }[] }[] }[] } };
    };
    const elapsed = performance.now() - started;
    const offers = output.Response.OffersGroup.CarrierOffers[0]?.Offer ?? [];
    expect(offers).toHaveLength(200);
    expect(offers[199]?.OfferID).toBe('OF200');
    expect(offers[199]?.OfferItem[2]).toEqual({
      OfferItemID: 'OF200-I3', Price: { TotalAmount: { '@CurCode': 'EUR', '#text': '101.00' } }, PaxRefID: ['P1', 'P2'], Cabin: '5',
    });
    // A generous bound: the point is that mappings are compiled, not interpreted per request.
    expect(elapsed).toBeLessThan(250);
  });
});
