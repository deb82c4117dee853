import { GatewayError } from '../../errors/index.ts';
import type { AirlineData, Airport, ScheduledFlight } from './airline-data.ts';
import { blockMinutes, greatCircleKm } from './great-circle.ts';
import { generateNetwork, type NetworkPlan } from './world-network.ts';
import { addDays, formatLocalDateTime, formatUtcDate, isCalendarDate, localToUtcMs } from './local-time.ts';

export { blockMinutes, greatCircleKm } from './great-circle.ts';

/** One flight of the schedule on one day, with instants and local times worked out. */
export interface DatedFlight {
  /** Stable id of the flight on that day, e.g. `SEG-XR101-20261201`; also the segment id. */
  readonly key: string;
  readonly carrier: string;
  readonly flightNumber: string;
  readonly origin: string;
  readonly destination: string;
  readonly aircraft: string;
  /** Local departure date at the origin, YYYY-MM-DD. */
  readonly date: string;
  readonly departureUtc: number;
  readonly arrivalUtc: number;
  readonly departureLocal: string;
  readonly arrivalLocal: string;
  readonly durationMinutes: number;
  readonly distanceKm: number;
}

/**
 * What the airline changed on one flight of one day. The flight keeps its key (the segment id of
 * the orders booked on it) and its local departure date; only what is set here differs.
 */
export interface FlightChange {
  /** The flight no longer operates: it is not sold, and orders on it must be rebooked or refunded. */
  readonly cancelled?: boolean;
  readonly departureUtc?: number;
  readonly arrivalUtc?: number;
  readonly aircraft?: string;
}

/** The flights that carry a passenger from an origin to a destination. */
export interface Itinerary {
  readonly flights: readonly DatedFlight[];
  /** From first departure to last arrival, connections included. */
  readonly durationMinutes: number;
  readonly distanceKm: number;
}

export interface FindOptions {
  readonly directOnly?: boolean;
  /** @defaultValue 6 */
  readonly maxResults?: number;
  /** Ignore flights leaving before this instant (the sale closes before departure). */
  readonly notBeforeUtc?: number;
}

/** The airline's network: where it flies, when, and how to connect. */
export interface FlightNetwork {
  readonly carrier: string;
  airport(code: string): Airport | undefined;
  /** Airports of an airport or city code; throws UNKNOWN_LOCATION for codes not served. */
  resolveLocation(code: string, path?: string): readonly Airport[];
  /** First and last day flights are on sale (UTC dates). */
  salesWindow(): { readonly first: string; readonly last: string };
  /** Throws NO_AVAILABILITY outside the sales window and INVALID_BUSINESS_DATA for impossible dates. */
  checkDate(date: string, path?: string): void;
  /** Every flight of the fixture schedule departing (local date) on `date`; generated routes are dated per search. */
  flightsOn(date: string): readonly DatedFlight[];
  /** Direct flights and connections over one or two hubs, best first (fewest stops, then shortest). */
  findItineraries(origins: readonly string[], destinations: readonly string[], date: string, options?: FindOptions): Itinerary[];
  /** The flight with that number on that local departure date as it is now (changes applied), and whether it was cancelled; undefined when never scheduled. */
  scheduledFlight(flightNumber: string, date: string): { readonly flight: DatedFlight; readonly cancelled: boolean } | undefined;
  /** Applies an airline change to one dated flight, on top of earlier ones; later searches see it. */
  changeFlight(flightNumber: string, date: string, change: FlightChange): void;
  /** Every change made, keyed `<flightNumber>|<date>`, e.g. to keep them across a restart. */
  flightChanges(): ReadonlyMap<string, FlightChange>;
}

export interface FlightNetworkOptions {
  readonly carrier: string;
  readonly now?: () => Date;
  /** Days after today that are on sale. @defaultValue 330 */
  readonly salesDays?: number;
  /** Adds generated routes over the data's world airports; without it only the fixture schedule is flown. */
  readonly plan?: NetworkPlan;
}

const DATE_CACHE_SIZE = 64;
const MAX_ELAPSED_MINUTES = 48 * 60;
/** A spoke flies to and from its hub once a day, so the longest trips of the generated network (two connections, opposite sides of the world) take up to two and a half days. */
const MAX_GENERATED_ELAPSED_MINUTES = 60 * 60;

/** Builds the network from the airline data; dated flights are generated on demand, deterministically. */
export function createFlightNetwork(data: AirlineData, options: FlightNetworkOptions): FlightNetwork {
  const now = options.now ?? (() => new Date());
  const salesDays = options.salesDays ?? 330;
  const carrier = options.carrier;
  const airports = new Map(data.airports.map((a) => [a.code, a]));
  const cities = new Map(data.cities.map((c) => [c.code, c]));
  const { minConnectionMinutes, maxConnectionMinutes } = data.schedule;
  const cache = new Map<string, { all: DatedFlight[]; byOrigin: Map<string, DatedFlight[]> }>();
  const generated = options.plan && data.worldAirports && data.worldAirports.length > 0
    ? generateNetwork(data.worldAirports, { airports: data.airports, flights: data.schedule.flights }, options.plan)
    : undefined;
  const fixturePairs = new Set(data.schedule.flights.map((f) => `${f.origin}-${f.destination}`));
  const fixtureByNumber = new Map(data.schedule.flights.map((f) => [f.flightNumber, f]));
  const changes = new Map<string, FlightChange>();
  const operates = (f: DatedFlight): boolean => changes.size === 0 || changes.get(`${f.flightNumber}|${f.date}`)?.cancelled !== true;

  function anyAirport(code: string): Airport | undefined {
    return airports.get(code) ?? generated?.airport(code);
  }

  function mustAirport(code: string): Airport {
    const airport = anyAirport(code);
    if (!airport) throw new Error(`schedule names unknown airport ${code}`);
    return airport;
  }

  function dateFlight(flight: ScheduledFlight, date: string): DatedFlight {
    const from = mustAirport(flight.origin);
    const to = mustAirport(flight.destination);
    const distanceKm = Math.round(greatCircleKm(from, to));
    const durationMinutes = blockMinutes(distanceKm, from, to);
    const change = changes.size === 0 ? undefined : changes.get(`${flight.flightNumber}|${date}`);
    const departureUtc = change?.departureUtc ?? localToUtcMs(date, flight.departure, from.timeZone);
    const arrivalUtc = change?.arrivalUtc ?? departureUtc + durationMinutes * 60_000;
    return {
      key: `SEG-${carrier}${flight.flightNumber}-${date.replaceAll('-', '')}`,
      carrier, flightNumber: flight.flightNumber, origin: flight.origin, destination: flight.destination, aircraft: change?.aircraft ?? flight.aircraft, date,
      departureUtc, arrivalUtc,
      departureLocal: formatLocalDateTime(departureUtc, from.timeZone),
      arrivalLocal: formatLocalDateTime(arrivalUtc, to.timeZone),
      durationMinutes: change ? Math.round((arrivalUtc - departureUtc) / 60_000) : durationMinutes, distanceKm,
    };
  }

  function day(date: string): { all: DatedFlight[]; byOrigin: Map<string, DatedFlight[]> } {
    let entry = cache.get(date);
    if (entry) {
      cache.delete(date);
      cache.set(date, entry);
      return entry;
    }
    const all = data.schedule.flights.map((f) => dateFlight(f, date)).filter(operates);
    const byOrigin = new Map<string, DatedFlight[]>();
    for (const f of all) {
      const list = byOrigin.get(f.origin) ?? [];
      list.push(f);
      byOrigin.set(f.origin, list);
    }
    for (const list of byOrigin.values()) list.sort((a, b) => a.departureUtc - b.departureUtc);
    entry = { all, byOrigin };
    cache.set(date, entry);
    if (cache.size > DATE_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return entry;
  }

  /** Flights leaving `airport` within the connection window after `arrivalUtc`. */
  function onward(airport: string, arrivalUtc: number, localDate: string): DatedFlight[] {
    const earliest = arrivalUtc + minConnectionMinutes * 60_000;
    const latest = arrivalUtc + maxConnectionMinutes * 60_000;
    const result: DatedFlight[] = [];
    for (let offset = -1; offset <= 2; offset += 1) {
      for (const f of day(addDays(localDate, offset)).byOrigin.get(airport) ?? []) {
        if (f.departureUtc >= earliest && f.departureUtc <= latest) result.push(f);
      }
    }
    return result;
  }

  /** Flights from `from` to `to` departing (local date) on `date`: the fixture's and the generated ones. */
  function legFlights(from: string, to: string, date: string): DatedFlight[] {
    const own = (day(date).byOrigin.get(from) ?? []).filter((f) => f.destination === to);
    const added = generated?.flights(from, to).map((f) => dateFlight(f, date)).filter(operates) ?? [];
    return [...own, ...added];
  }

  /** Flights of one leg within the connection window after `arrivalUtc`. */
  function onwardLeg(from: string, to: string, arrivalUtc: number, localDate: string): DatedFlight[] {
    const earliest = arrivalUtc + minConnectionMinutes * 60_000;
    const latest = arrivalUtc + maxConnectionMinutes * 60_000;
    const result: DatedFlight[] = [];
    for (let offset = -1; offset <= 2; offset += 1) {
      for (const f of legFlights(from, to, addDays(localDate, offset))) if (f.departureUtc >= earliest && f.departureUtc <= latest) result.push(f);
    }
    return result;
  }

  function hasLeg(from: string, to: string): boolean {
    return fixturePairs.has(`${from}-${to}`) || (generated?.flights(from, to).length ?? 0) > 0;
  }

  /** Airport sequences from `origin` to `destination`: direct, over either hub, or over both (origin → hub → hub → destination). */
  function paths(origin: string, destination: string): string[][] {
    const originHub = generated?.hubOf(origin);
    const destinationHub = generated?.hubOf(destination);
    const candidates = [[origin, destination], [origin, originHub, destination], [origin, destinationHub, destination], [origin, originHub, destinationHub, destination]];
    const seen = new Set<string>();
    const result: string[][] = [];
    for (const candidate of candidates) {
      if (candidate.some((code) => code === undefined)) continue;
      const path = candidate as string[];
      const key = path.join('-');
      if (seen.has(key) || new Set(path).size !== path.length) continue;
      seen.add(key);
      if (path.every((code, i) => i === 0 || hasLeg(path[i - 1] as string, code))) result.push(path);
    }
    return result;
  }

  /** Itineraries along the generated network's paths; fixture flights fly the legs the fixture serves. */
  function findAlongPaths(origins: readonly string[], destinations: readonly string[], date: string, notBefore: number, directOnly: boolean): DatedFlight[][] {
    const found: DatedFlight[][] = [];
    for (const origin of origins) {
      for (const destination of destinations) {
        for (const path of paths(origin, destination)) {
          if (directOnly && path.length > 2) continue;
          let chains = legFlights(path[0] as string, path[1] as string, date).filter((f) => f.departureUtc >= notBefore).map((f) => [f]);
          for (let i = 2; i < path.length; i += 1) {
            chains = chains.flatMap((chain) => {
              const last = chain[chain.length - 1] as DatedFlight;
              return onwardLeg(path[i - 1] as string, path[i] as string, last.arrivalUtc, last.date).map((f) => [...chain, f]);
            });
          }
          found.push(...chains);
        }
      }
    }
    return found;
  }

  function salesWindow(): { first: string; last: string } {
    const first = formatUtcDate(now().getTime());
    return { first, last: addDays(first, salesDays) };
  }

  function toItinerary(flights: DatedFlight[]): Itinerary {
    const first = flights[0] as DatedFlight;
    const last = flights[flights.length - 1] as DatedFlight;
    return {
      flights,
      durationMinutes: Math.round((last.arrivalUtc - first.departureUtc) / 60_000),
      distanceKm: flights.reduce((sum, f) => sum + f.distanceKm, 0),
    };
  }

  return {
    carrier,
    airport: anyAirport,

    resolveLocation(code, path) {
      const airport = airports.get(code);
      if (airport) return [airport];
      const city = cities.get(code);
      if (city) return city.airports.map(mustAirport);
      const byCity = data.airports.filter((a) => a.cityCode === code);
      if (byCity.length > 0) return byCity;
      const world = generated?.airport(code);
      if (world) return [world];
      throw new GatewayError('UNKNOWN_LOCATION', `${code} is not an airport or city served by ${carrier}`, [{ message: `unknown location ${code}`, ...(path ? { path } : {}) }]);
    },

    salesWindow,

    checkDate(date, path) {
      const detail = path ? { path } : {};
      if (!isCalendarDate(date)) throw new GatewayError('INVALID_BUSINESS_DATA', `${date} is not a calendar date`, [{ message: `invalid date ${date}`, ...detail }]);
      const { first, last } = salesWindow();
      if (date < first || date > last) {
        throw new GatewayError('NO_AVAILABILITY', `No flights on ${date}: flights are on sale from ${first} to ${last}`, [{ message: `date ${date} outside ${first}..${last}`, ...detail }]);
      }
    },

    flightsOn: (date) => day(date).all,

    findItineraries(origins, destinations, date, findOptions = {}) {
      const maxResults = findOptions.maxResults ?? 6;
      const notBefore = findOptions.notBeforeUtc ?? Number.NEGATIVE_INFINITY;
      const targets = new Set(destinations);
      // Pairs within the fixture keep exactly the fixture's answers; any other pair is routed over the generated network.
      const fixtureOnly = !generated || [...origins, ...destinations].every((code) => airports.has(code));
      const found: DatedFlight[][] = fixtureOnly ? [] : findAlongPaths(origins, destinations, date, notBefore, findOptions.directOnly === true);
      for (const origin of fixtureOnly ? origins : []) {
        for (const first of day(date).byOrigin.get(origin) ?? []) {
          if (first.departureUtc < notBefore) continue;
          if (targets.has(first.destination)) {
            found.push([first]);
            continue;
          }
          if (findOptions.directOnly || !airports.get(first.destination)?.hub) continue;
          for (const second of onward(first.destination, first.arrivalUtc, first.date)) {
            if (second.destination === origin) continue;
            if (targets.has(second.destination)) {
              found.push([first, second]);
              continue;
            }
            if (!airports.get(second.destination)?.hub) continue;
            for (const third of onward(second.destination, second.arrivalUtc, second.date)) {
              if (third.destination === origin || third.destination === first.destination) continue;
              if (targets.has(third.destination)) found.push([first, second, third]);
            }
          }
        }
      }
      const maxElapsed = fixtureOnly ? MAX_ELAPSED_MINUTES : MAX_GENERATED_ELAPSED_MINUTES;
      const itineraries = found.map(toItinerary).filter((i) => i.durationMinutes <= maxElapsed);
      itineraries.sort((a, b) => a.flights.length - b.flights.length || a.durationMinutes - b.durationMinutes
        || (a.flights[0]?.departureUtc ?? 0) - (b.flights[0]?.departureUtc ?? 0));
      return itineraries.slice(0, maxResults);
    },

    scheduledFlight(flightNumber, date) {
      const flight = fixtureByNumber.get(flightNumber) ?? generated?.flight(flightNumber);
      if (!flight || !isCalendarDate(date)) return undefined;
      return { flight: dateFlight(flight, date), cancelled: changes.get(`${flightNumber}|${date}`)?.cancelled === true };
    },

    changeFlight(flightNumber, date, change) {
      const key = `${flightNumber}|${date}`;
      changes.set(key, { ...changes.get(key), ...change });
      // Dated flights are cached per day, and connections look a day either side.
      cache.clear();
    },

    flightChanges: () => changes,
  };
}
