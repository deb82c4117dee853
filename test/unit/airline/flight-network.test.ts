import { describe, it, expect } from 'vitest';
import { blockMinutes, createFlightNetwork, greatCircleKm, loadAirlineData } from '../../../src/reference/airline/index.ts';
import { GatewayError } from '../../../src/errors/index.ts';
import { dayAfterToday, sampleLocationCodes, TODAY } from './airline-test-support.ts';

const data = loadAirlineData();
const network = createFlightNetwork(data, { carrier: 'XR', now: () => TODAY });

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('flight network', () => {
  const codes = sampleLocationCodes();

  it('knows every airport and city code of the request samples', () => {
    expect(codes.length).toBeGreaterThanOrEqual(10);
    expect(codes).toEqual(expect.arrayContaining(['LHR', 'JNB', 'MOW', 'VIZ', 'TSE', 'NTL']));
    for (const code of codes) expect(network.resolveLocation(code).length, code).toBeGreaterThan(0);
  });

  it('connects every pair of sample locations directly or over one or two hubs, on dates across the sales window', () => {
    const dates = [1, 97, 211, 330].map(dayAfterToday);
    const missing: string[] = [];
    for (const date of dates) {
      for (const from of codes) {
        for (const to of codes) {
          const origins = network.resolveLocation(from).map((a) => a.code);
          const destinations = network.resolveLocation(to).map((a) => a.code);
          if (origins.some((o) => destinations.includes(o))) continue;
          const found = network.findItineraries(origins, destinations, date, { maxResults: 1 });
          if (found.length === 0) missing.push(`${from}-${to} ${date}`);
          for (const it of found) {
            expect(it.flights.length).toBeLessThanOrEqual(3);
            expect(it.flights[0]?.date).toBe(date);
            for (const hub of it.flights.slice(1)) expect(network.airport(hub.origin)?.hub, `${hub.origin} is a hub`).toBe(true);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('resolves city codes to the airports of the city', () => {
    expect(network.resolveLocation('MOW').map((a) => a.code)).toEqual(['SVO']);
    expect(network.resolveLocation('LON').map((a) => a.code).sort()).toEqual(['LGW', 'LHR']);
    expect(network.resolveLocation('LHR').map((a) => a.code)).toEqual(['LHR']);
  });

  it('refuses unknown codes with UNKNOWN_LOCATION naming the code and its path', () => {
    const error = errorOf(() => network.resolveLocation('QQQ', '/journeys/0/origin'));
    expect(error.code).toBe('UNKNOWN_LOCATION');
    expect(error.message).toContain('QQQ');
    expect(error.details[0]?.path).toBe('/journeys/0/origin');
  });

  it('sells from today to 330 days ahead and answers NO_AVAILABILITY outside', () => {
    expect(() => network.checkDate(dayAfterToday(0))).not.toThrow();
    expect(() => network.checkDate(dayAfterToday(330))).not.toThrow();
    expect(errorOf(() => network.checkDate(dayAfterToday(-1))).code).toBe('NO_AVAILABILITY');
    expect(errorOf(() => network.checkDate(dayAfterToday(331))).code).toBe('NO_AVAILABILITY');
    expect(errorOf(() => network.checkDate('2027-02-30')).code).toBe('INVALID_BUSINESS_DATA');
  });

  it('generates the same flights for the same date, every flight every day', () => {
    const a = network.flightsOn(dayAfterToday(40));
    const b = createFlightNetwork(data, { carrier: 'XR', now: () => TODAY }).flightsOn(dayAfterToday(40));
    expect(b).toEqual(a);
    expect(a).toHaveLength(data.schedule.flights.length);
  });

  it('derives arrival local times from block time and both time zones', () => {
    // In January London is on UTC and New York on UTC-5.
    const flight = network.flightsOn('2027-01-20').find((f) => f.origin === 'LHR' && f.destination === 'JFK');
    expect(flight).toBeDefined();
    if (!flight) return;
    const [hh, mm] = flight.departureLocal.slice(11, 16).split(':').map(Number) as [number, number];
    expect(flight.departureUtc).toBe(Date.UTC(2027, 0, 20, hh, mm));
    expect(flight.arrivalUtc - flight.departureUtc).toBe(flight.durationMinutes * 60_000);
    const arrivalNewYork = new Date(flight.arrivalUtc - 5 * 3_600_000).toISOString().slice(0, 19);
    expect(flight.arrivalLocal).toBe(arrivalNewYork);
    // Westbound across the Atlantic takes 7.5 to 8.5 hours.
    expect(flight.durationMinutes).toBeGreaterThanOrEqual(450);
    expect(flight.durationMinutes).toBeLessThanOrEqual(510);
  });

  it('follows daylight saving time at the origin', () => {
    const winter = network.flightsOn('2027-01-20').find((f) => f.flightNumber === '1');
    const summer = network.flightsOn('2027-07-20').find((f) => f.flightNumber === '1');
    expect(winter?.departureLocal.slice(11)).toBe(summer?.departureLocal.slice(11));
    expect(((summer?.departureUtc ?? 0) - Date.UTC(2027, 6, 20)) - ((winter?.departureUtc ?? 0) - Date.UTC(2027, 0, 20))).toBe(-3_600_000);
  });

  it('connects with at least the minimum connection time', () => {
    const found = network.findItineraries(['NTL'], ['MBJ'], dayAfterToday(50), { maxResults: 10 });
    expect(found.length).toBeGreaterThan(0);
    for (const it of found) {
      for (let i = 1; i < it.flights.length; i += 1) {
        const gap = ((it.flights[i]?.departureUtc ?? 0) - (it.flights[i - 1]?.arrivalUtc ?? 0)) / 60_000;
        expect(gap).toBeGreaterThanOrEqual(data.schedule.minConnectionMinutes);
        expect(gap).toBeLessThanOrEqual(data.schedule.maxConnectionMinutes);
        expect(it.flights[i]?.origin).toBe(it.flights[i - 1]?.destination);
      }
    }
  });

  it('offers only direct flights when asked', () => {
    expect(network.findItineraries(['LHR'], ['JNB'], dayAfterToday(5), { directOnly: true }).every((i) => i.flights.length === 1)).toBe(true);
    expect(network.findItineraries(['NTL'], ['MBJ'], dayAfterToday(5), { directOnly: true })).toEqual([]);
  });

  it('measures great-circle distances and block times plausibly', () => {
    const lhr = network.airport('LHR');
    const jfk = network.airport('JFK');
    if (!lhr || !jfk) throw new Error('airports missing');
    expect(greatCircleKm(lhr, jfk)).toBeGreaterThan(5500);
    expect(greatCircleKm(lhr, jfk)).toBeLessThan(5580);
    expect(blockMinutes(5540, jfk, lhr)).toBeLessThan(blockMinutes(5540, lhr, jfk));
  });
});
