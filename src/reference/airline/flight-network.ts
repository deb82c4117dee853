import { GatewayError } from '../../errors/index.ts';
import type { AirlineData, Airport, ScheduledFlight } from './airline-data.ts';
import { addDays, formatLocalDateTime, formatUtcDate, isCalendarDate, localToUtcMs } from './local-time.ts';

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
  /** Every flight departing (local date) on `date`. */
  flightsOn(date: string): readonly DatedFlight[];
  /** Direct flights and connections over one or two hubs, best first (fewest stops, then shortest). */
  findItineraries(origins: readonly string[], destinations: readonly string[], date: string, options?: FindOptions): Itinerary[];
}

export interface FlightNetworkOptions {
  readonly carrier: string;
  readonly now?: () => Date;
  /** Days after today that are on sale. @defaultValue 330 */
  readonly salesDays?: number;
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance between two points, in km (haversine). */
export function greatCircleKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Block time from distance: taxi and climb allowance plus cruise at about 800 km/h, with
 * prevailing westerly winds shortening eastbound and lengthening westbound flights.
 */
export function blockMinutes(distanceKm: number, from: { lon: number }, to: { lon: number }): number {
  let dLon = to.lon - from.lon;
  if (dLon > 180) dLon -= 360;
  if (dLon < -180) dLon += 360;
  const wind = dLon > 0 ? 0.96 : 1.05;
  const minutes = 30 + (distanceKm / 800) * 60 * wind;
  return Math.max(30, Math.round(minutes / 5) * 5);
}

const DATE_CACHE_SIZE = 64;
const MAX_ELAPSED_MINUTES = 48 * 60;

/** Builds the network from the airline data; dated flights are generated on demand, deterministically. */
export function createFlightNetwork(data: AirlineData, options: FlightNetworkOptions): FlightNetwork {
  const now = options.now ?? (() => new Date());
  const salesDays = options.salesDays ?? 330;
  const carrier = options.carrier;
  const airports = new Map(data.airports.map((a) => [a.code, a]));
  const cities = new Map(data.cities.map((c) => [c.code, c]));
  const { minConnectionMinutes, maxConnectionMinutes } = data.schedule;
  const cache = new Map<string, { all: DatedFlight[]; byOrigin: Map<string, DatedFlight[]> }>();

  function mustAirport(code: string): Airport {
    const airport = airports.get(code);
    if (!airport) throw new Error(`schedule names unknown airport ${code}`);
    return airport;
  }

  function dateFlight(flight: ScheduledFlight, date: string): DatedFlight {
    const from = mustAirport(flight.origin);
    const to = mustAirport(flight.destination);
    const distanceKm = Math.round(greatCircleKm(from, to));
    const durationMinutes = blockMinutes(distanceKm, from, to);
    const departureUtc = localToUtcMs(date, flight.departure, from.timeZone);
    const arrivalUtc = departureUtc + durationMinutes * 60_000;
    return {
      key: `SEG-${carrier}${flight.flightNumber}-${date.replaceAll('-', '')}`,
      carrier, flightNumber: flight.flightNumber, origin: flight.origin, destination: flight.destination, aircraft: flight.aircraft, date,
      departureUtc, arrivalUtc,
      departureLocal: formatLocalDateTime(departureUtc, from.timeZone),
      arrivalLocal: formatLocalDateTime(arrivalUtc, to.timeZone),
      durationMinutes, distanceKm,
    };
  }

  function day(date: string): { all: DatedFlight[]; byOrigin: Map<string, DatedFlight[]> } {
    let entry = cache.get(date);
    if (entry) {
      cache.delete(date);
      cache.set(date, entry);
      return entry;
    }
    const all = data.schedule.flights.map((f) => dateFlight(f, date));
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
    airport: (code) => airports.get(code),

    resolveLocation(code, path) {
      const airport = airports.get(code);
      if (airport) return [airport];
      const city = cities.get(code);
      if (city) return city.airports.map(mustAirport);
      const byCity = data.airports.filter((a) => a.cityCode === code);
      if (byCity.length > 0) return byCity;
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
      const found: DatedFlight[][] = [];
      for (const origin of origins) {
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
      const itineraries = found.map(toItinerary).filter((i) => i.durationMinutes <= MAX_ELAPSED_MINUTES);
      itineraries.sort((a, b) => a.flights.length - b.flights.length || a.durationMinutes - b.durationMinutes
        || (a.flights[0]?.departureUtc ?? 0) - (b.flights[0]?.departureUtc ?? 0));
      return itineraries.slice(0, maxResults);
    },
  };
}
