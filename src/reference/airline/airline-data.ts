import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Cabin } from '../../contracts/airline/index.ts';
import { isKnownCurrency } from '../../money/index.ts';
import type { WorldAirportRow } from './world-airports.source.ts';

/** An airport served. Times in the schedule are local to `timeZone`. */
export interface Airport {
  readonly code: string;
  readonly name: string;
  readonly cityCode: string;
  readonly country: string;
  readonly lat: number;
  readonly lon: number;
  readonly timeZone: string;
  readonly hub: boolean;
}

/** A commercial airport of the world data, with its continent (AF AN AS EU NA OC SA). */
export interface WorldAirport extends Airport {
  readonly continent: string;
}

export interface City {
  readonly code: string;
  readonly name: string;
  readonly airports: readonly string[];
}

/** One daily flight of the schedule. */
export interface ScheduledFlight {
  readonly flightNumber: string;
  readonly origin: string;
  readonly destination: string;
  /** Local departure time at the origin, HH:MM. */
  readonly departure: string;
  readonly aircraft: string;
}

export interface Schedule {
  readonly minConnectionMinutes: number;
  readonly maxConnectionMinutes: number;
  readonly flights: readonly ScheduledFlight[];
}

export type FreeSeats = 'NONE' | 'STANDARD' | 'ALL';

export interface FareFamilyData {
  readonly code: string;
  readonly name: string;
  readonly cabin: Cabin;
  readonly factor: number;
  readonly rbd: string;
  readonly fareBasis: string;
  readonly description: string;
  readonly baggageAllowance: { readonly checkedBags: number; readonly checkedBagMaxKg: number; readonly cabinBags: number };
  readonly refundable: boolean;
  readonly changeable: boolean;
  readonly freeSeats: FreeSeats;
}

export interface FareData {
  readonly cabins: Readonly<Record<Cabin, { readonly fixedPerJourney: number; readonly perKm: number }>>;
  readonly fareFamilies: readonly FareFamilyData[];
}

export interface PassengerTypeData {
  readonly fareFactor: number;
  readonly seat: boolean;
  readonly fareBasisSuffix: string;
}

export interface PassengerTypes {
  readonly pricedAs: string;
  readonly types: Readonly<Record<string, PassengerTypeData>>;
}

export interface TaxRule {
  readonly code: string;
  readonly description: string;
  readonly scope: 'segment' | 'journey';
  readonly where?: {
    readonly departureCountry?: readonly string[];
    readonly arrivalCountry?: readonly string[];
    readonly departureAirport?: readonly string[];
    readonly excludeDepartureAirport?: readonly string[];
    readonly international?: boolean;
  };
  readonly amount?: number;
  readonly bands?: readonly { readonly upToKm?: number; readonly amount: number }[];
  readonly cabinFactors?: Readonly<Partial<Record<Cabin, number>>>;
  readonly ptcFactors?: Readonly<Record<string, number>>;
}

export interface CurrencyTable {
  readonly base: string;
  /** Exchange rates only: a currency's decimals come from ISO 4217 (src/money), not from this table. */
  readonly currencies: Readonly<Record<string, { readonly rate: number }>>;
}

/** Prices for one passenger by haul; currencies not listed are converted from EUR. */
export interface HaulPrices {
  readonly short: Readonly<Record<string, number>>;
  readonly long: Readonly<Record<string, number>>;
}

export interface ServiceData {
  readonly code: string;
  readonly name: string;
  readonly type: 'BAGGAGE' | 'MEAL' | 'SEAT' | 'LOUNGE';
  readonly description: string;
  readonly per: 'journey' | 'segment';
  readonly cabins?: readonly Cabin[];
  readonly excludePtcs?: readonly string[];
  readonly minDistanceKm?: number;
  readonly prices: HaulPrices;
}

export interface SeatColumnData {
  readonly id: string;
  readonly position: 'W' | 'C' | 'A';
}

export interface CabinLayout {
  readonly cabin: Cabin;
  readonly firstRow: number;
  readonly lastRow: number;
  readonly skipRows?: readonly number[];
  readonly occupiedPercent: number;
  readonly bulkheadRows?: readonly number[];
  readonly frontRows?: readonly number[];
  readonly exitRows?: readonly number[];
  readonly extraLegroomRows?: readonly number[];
  readonly columns: readonly SeatColumnData[];
}

export interface AircraftLayout {
  readonly name: string;
  readonly cabins: readonly CabinLayout[];
}

export type SeatBand = 'STANDARD' | 'FRONT' | 'LEGROOM';

export interface SeatBandData {
  readonly code: string;
  readonly name: string;
  readonly characteristics: readonly string[];
  readonly prices: HaulPrices;
}

/** Everything the reference airline knows, loaded from data files. */
export interface AirlineData {
  readonly airports: readonly Airport[];
  /** Commercial airports a generated network may serve (`network/world-airports.json`; empty when the folder has none). */
  readonly worldAirports?: readonly WorldAirport[];
  readonly cities: readonly City[];
  readonly schedule: Schedule;
  readonly fares: FareData;
  readonly passengerTypes: PassengerTypes;
  readonly taxes: readonly TaxRule[];
  readonly currencies: CurrencyTable;
  readonly services: { readonly longHaulKm: number; readonly services: readonly ServiceData[] };
  readonly aircraft: Readonly<Record<string, AircraftLayout>>;
  readonly seatPrices: { readonly longHaulKm: number; readonly bands: Readonly<Record<SeatBand, SeatBandData>> };
}

/** The repository's `fixtures/` folder, found from this file so the airline runs from any working directory. */
export const DEFAULT_DATA_PATH = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

const code3 = { type: 'string', pattern: '^[A-Z]{3}$' } as const;
const cabin = { enum: ['FIRST', 'BUSINESS', 'PREMIUM_ECONOMY', 'ECONOMY'] } as const;
const money = { type: 'number', minimum: 0 } as const;
const haulPrices = {
  type: 'object', required: ['short', 'long'],
  properties: {
    short: { type: 'object', required: ['EUR'], additionalProperties: money },
    long: { type: 'object', required: ['EUR'], additionalProperties: money },
  },
} as const;
const rows = { type: 'array', items: { type: 'integer', minimum: 1 } } as const;

/** JSON Schemas of the data files: a broken edit is reported with the file and the field at start-up. */
const FILE_SCHEMAS: Record<string, object> = {
  'network/airports.json': {
    type: 'object', required: ['airports'],
    properties: {
      airports: {
        type: 'array', minItems: 2,
        items: {
          type: 'object', required: ['code', 'name', 'cityCode', 'country', 'lat', 'lon', 'timeZone', 'hub'],
          properties: {
            code: code3, name: { type: 'string' }, cityCode: code3, country: { type: 'string', pattern: '^[A-Z]{2}$' },
            lat: { type: 'number', minimum: -90, maximum: 90 }, lon: { type: 'number', minimum: -180, maximum: 180 },
            timeZone: { type: 'string', minLength: 1 }, hub: { type: 'boolean' },
          },
        },
      },
    },
  },
  'network/world-airports.json': {
    type: 'object', required: ['airports'],
    properties: {
      airports: {
        type: 'array',
        items: {
          type: 'array', minItems: 7, maxItems: 7,
          items: [code3, { type: 'string' }, { type: 'string', pattern: '^[A-Z]{2}$' }, { type: 'string', pattern: '^[A-Z]{2}$' },
            { type: 'number', minimum: -90, maximum: 90 }, { type: 'number', minimum: -180, maximum: 180 }, { type: 'string', minLength: 1 }],
        },
      },
    },
  },
  'network/cities.json': {
    type: 'object', required: ['cities'],
    properties: { cities: { type: 'array', items: { type: 'object', required: ['code', 'name', 'airports'], properties: { code: code3, name: { type: 'string' }, airports: { type: 'array', minItems: 1, items: code3 } } } } },
  },
  'network/routes.json': {
    type: 'object', required: ['minConnectionMinutes', 'maxConnectionMinutes', 'flights'],
    properties: {
      minConnectionMinutes: { type: 'integer', minimum: 0 },
      maxConnectionMinutes: { type: 'integer', minimum: 1 },
      flights: {
        type: 'array', minItems: 1,
        items: {
          type: 'object', required: ['flightNumber', 'origin', 'destination', 'departure', 'aircraft'],
          properties: {
            flightNumber: { type: 'string', pattern: '^[0-9]{1,4}$' }, origin: code3, destination: code3,
            departure: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }, aircraft: { type: 'string', pattern: '^[A-Z0-9]{3}$' },
          },
        },
      },
    },
  },
  'fares/fare-families.json': {
    type: 'object', required: ['cabins', 'fareFamilies'],
    properties: {
      cabins: {
        type: 'object', required: ['FIRST', 'BUSINESS', 'PREMIUM_ECONOMY', 'ECONOMY'],
        additionalProperties: { type: 'object', required: ['fixedPerJourney', 'perKm'], properties: { fixedPerJourney: money, perKm: money } },
      },
      fareFamilies: {
        type: 'array', minItems: 1,
        items: {
          type: 'object',
          required: ['code', 'name', 'cabin', 'factor', 'rbd', 'fareBasis', 'description', 'baggageAllowance', 'refundable', 'changeable', 'freeSeats'],
          properties: {
            code: { type: 'string', pattern: '^[A-Z0-9_]{2,20}$' }, name: { type: 'string' }, cabin, factor: { type: 'number', exclusiveMinimum: 0 },
            rbd: { type: 'string', pattern: '^[A-Z]$' }, fareBasis: { type: 'string', pattern: '^[A-Z0-9]{1,10}$' },
            freeSeats: { enum: ['NONE', 'STANDARD', 'ALL'] },
          },
        },
      },
    },
  },
  'fares/passenger-types.json': {
    type: 'object', required: ['pricedAs', 'types'],
    properties: { types: { type: 'object', additionalProperties: { type: 'object', required: ['fareFactor', 'seat', 'fareBasisSuffix'] } } },
  },
  'fares/taxes.json': {
    type: 'object', required: ['taxes'],
    properties: {
      taxes: {
        type: 'array',
        items: {
          type: 'object', required: ['code', 'description', 'scope'],
          properties: {
            code: { type: 'string', pattern: '^[A-Z0-9]{2}$' }, scope: { enum: ['segment', 'journey'] }, amount: money,
            bands: { type: 'array', minItems: 1, items: { type: 'object', required: ['amount'], properties: { upToKm: money, amount: money } } },
          },
          anyOf: [{ required: ['amount'] }, { required: ['bands'] }],
        },
      },
    },
  },
  'fares/currencies.json': {
    type: 'object', required: ['base', 'currencies'],
    properties: {
      base: code3,
      currencies: {
        type: 'object', propertyNames: code3,
        additionalProperties: { type: 'object', required: ['rate'], properties: { rate: { type: 'number', exclusiveMinimum: 0 } } },
      },
    },
  },
  'ancillaries/services.json': {
    type: 'object', required: ['longHaulKm', 'services'],
    properties: {
      longHaulKm: money,
      services: {
        type: 'array',
        items: {
          type: 'object', required: ['code', 'name', 'type', 'description', 'per', 'prices'],
          properties: {
            code: { type: 'string', pattern: '^[A-Z0-9]{2,8}$' }, type: { enum: ['BAGGAGE', 'MEAL', 'SEAT', 'LOUNGE'] },
            per: { enum: ['journey', 'segment'] }, cabins: { type: 'array', items: cabin }, prices: haulPrices,
          },
        },
      },
    },
  },
  'seat-maps/aircraft.json': {
    type: 'object', required: ['aircraft'],
    properties: {
      aircraft: {
        type: 'object', propertyNames: { pattern: '^[A-Z0-9]{3}$' },
        additionalProperties: {
          type: 'object', required: ['name', 'cabins'],
          properties: {
            cabins: {
              type: 'array', minItems: 1,
              items: {
                type: 'object', required: ['cabin', 'firstRow', 'lastRow', 'occupiedPercent', 'columns'],
                properties: {
                  cabin, firstRow: { type: 'integer', minimum: 1 }, lastRow: { type: 'integer', minimum: 1 },
                  occupiedPercent: { type: 'number', minimum: 0, maximum: 100 },
                  skipRows: rows, bulkheadRows: rows, frontRows: rows, exitRows: rows, extraLegroomRows: rows,
                  columns: {
                    type: 'array', minItems: 1,
                    items: { type: 'object', required: ['id', 'position'], properties: { id: { type: 'string', pattern: '^[A-Z]$' }, position: { enum: ['W', 'C', 'A'] } } },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  'seat-maps/seat-prices.json': {
    type: 'object', required: ['longHaulKm', 'bands'],
    properties: {
      longHaulKm: money,
      bands: {
        type: 'object', required: ['STANDARD', 'FRONT', 'LEGROOM'],
        additionalProperties: { type: 'object', required: ['code', 'name', 'characteristics', 'prices'], properties: { prices: haulPrices } },
      },
    },
  },
};

/** Thrown when a data file is missing or breaks its schema or the cross-file rules. */
export class AirlineDataError extends Error {
  override name = 'AirlineDataError';
}

function readChecked(folder: string, file: string, validators: Map<string, ValidateFunction>): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(folder, file), 'utf8'));
  } catch (error) {
    throw new AirlineDataError(`${file}: ${(error as Error).message}`);
  }
  const validate = validators.get(file);
  if (validate && !validate(value)) {
    const problems = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    throw new AirlineDataError(`${file}: ${problems.join('; ')}`);
  }
  return value as Record<string, unknown>;
}

/** Rules that span files: every code referenced is defined, every time zone is known. */
function checkConsistency(data: AirlineData): void {
  const problems: string[] = [];
  const airports = new Set(data.airports.map((a) => a.code));
  for (const a of data.airports) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: a.timeZone });
    } catch {
      problems.push(`airport ${a.code}: unknown time zone ${a.timeZone}`);
    }
  }
  for (const c of data.cities) for (const a of c.airports) if (!airports.has(a)) problems.push(`city ${c.code}: unknown airport ${a}`);
  const numbers = new Set<string>();
  for (const f of data.schedule.flights) {
    if (!airports.has(f.origin)) problems.push(`flight ${f.flightNumber}: unknown origin ${f.origin}`);
    if (!airports.has(f.destination)) problems.push(`flight ${f.flightNumber}: unknown destination ${f.destination}`);
    if (!data.aircraft[f.aircraft]) problems.push(`flight ${f.flightNumber}: no seat map for aircraft ${f.aircraft}`);
    if (numbers.has(f.flightNumber)) problems.push(`flight ${f.flightNumber}: flight number used twice`);
    numbers.add(f.flightNumber);
  }
  if (!data.currencies.currencies[data.currencies.base]) problems.push(`currencies: base ${data.currencies.base} has no entry`);
  for (const code of Object.keys(data.currencies.currencies)) {
    if (!isKnownCurrency(code)) problems.push(`currencies: ${code} is not an ISO 4217 currency code`);
  }
  if (!data.passengerTypes.types[data.passengerTypes.pricedAs]) problems.push(`passenger types: ${data.passengerTypes.pricedAs} has no entry`);
  if (problems.length > 0) throw new AirlineDataError(`Airline data: ${problems.slice(0, 20).join('; ')}`);
}

function toWorldAirports(rows: readonly WorldAirportRow[]): WorldAirport[] {
  return rows.map(([code, name, country, continent, lat, lon, timeZone]) => ({ code, name, cityCode: code, country, continent, lat, lon, timeZone, hub: false }));
}

/** Reads and checks every data file of the reference airline from `folder` (the repository's fixtures by default). */
export function loadAirlineData(folder: string = DEFAULT_DATA_PATH): AirlineData {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validators = new Map(Object.entries(FILE_SCHEMAS).map(([file, schema]) => [file, ajv.compile(schema)]));
  const read = (file: string): Record<string, unknown> => readChecked(folder, file, validators);
  const routes = read('network/routes.json') as unknown as Schedule;
  const services = read('ancillaries/services.json') as unknown as AirlineData['services'];
  const seatPrices = read('seat-maps/seat-prices.json') as unknown as AirlineData['seatPrices'];
  const data: AirlineData = {
    airports: read('network/airports.json').airports as Airport[],
    worldAirports: existsSync(join(folder, 'network/world-airports.json')) ? toWorldAirports(read('network/world-airports.json').airports as WorldAirportRow[]) : [],
    cities: read('network/cities.json').cities as City[],
    schedule: { minConnectionMinutes: routes.minConnectionMinutes, maxConnectionMinutes: routes.maxConnectionMinutes, flights: routes.flights },
    fares: read('fares/fare-families.json') as unknown as FareData,
    passengerTypes: read('fares/passenger-types.json') as unknown as PassengerTypes,
    taxes: read('fares/taxes.json').taxes as TaxRule[],
    currencies: read('fares/currencies.json') as unknown as CurrencyTable,
    services: { longHaulKm: services.longHaulKm, services: services.services },
    aircraft: read('seat-maps/aircraft.json').aircraft as Record<string, AircraftLayout>,
    seatPrices: { longHaulKm: seatPrices.longHaulKm, bands: seatPrices.bands },
  };
  checkConsistency(data);
  return data;
}
