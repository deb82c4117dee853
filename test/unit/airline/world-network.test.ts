import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockMinutes, createAirlineContext, createFlightNetwork, greatCircleKm, loadAirlineData, shopOffers, type Itinerary } from '../../../src/reference/airline/index.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { ALL_REGIONS, DEFAULT_HUBS, generateNetwork } from '../../../src/reference/airline/world-network.ts';
import { readCommercialAirports } from '../../../src/reference/airline/world-airports.source.ts';
import { dayAfterToday, expectValidResult, TODAY } from './airline-test-support.ts';

const data = loadAirlineData();
const plan = { hubs: DEFAULT_HUBS, regions: ALL_REGIONS, seed: 'XR' };
const network = createFlightNetwork(data, { carrier: 'XR', now: () => TODAY, plan });
const world = data.worldAirports ?? [];

/** A small seeded generator (LCG), so the sampled pairs are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

function describeItinerary(itinerary: Itinerary | undefined): string[] {
  return itinerary?.flights.map((f) => `${f.carrier}${f.flightNumber} ${f.origin}-${f.destination} ${f.departureLocal}/${f.arrivalLocal}`) ?? [];
}

describe('the generated network over the world airports', () => {
  it('reads its commercial airports from the snapshot of the airport package', () => {
    expect(world.length).toBeGreaterThan(3000);
    for (const code of ['CPH', 'LIS', 'SYD', 'NRT', 'GRU', 'JNB', 'HNL', 'LHR']) expect(world.some((a) => a.code === code), code).toBe(true);
  });

  it('keeps world-airports.json in step with the airport-data-js package', async () => {
    const file = JSON.parse(readFileSync('fixtures/network/world-airports.json', 'utf8')) as { airports: unknown[] };
    expect(file.airports).toEqual(await readCommercialAirports());
  }, 30_000);

  it('generates in well under a second, with numbers that fit a flight number', () => {
    const started = performance.now();
    const generated = generateNetwork(world, { airports: data.airports, flights: data.schedule.flights }, plan);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(generated.size).toBeGreaterThan(7000);
    expect(generated.size).toBeLessThan(9000);
  });

  it('reaches 200 seeded pairs of commercial airports with at most two connections, on days across the sales window', () => {
    const random = seededRandom(20_261_207);
    const { minConnectionMinutes, maxConnectionMinutes } = data.schedule;
    for (let n = 0; n < 200; n += 1) {
      const origin = world[Math.floor(random() * world.length)]?.code as string;
      const destination = world[Math.floor(random() * world.length)]?.code as string;
      if (origin === destination) continue;
      const date = dayAfterToday(1 + Math.floor(random() * 330));
      const found = network.findItineraries([origin], [destination], date);
      expect(found.length, `${origin}-${destination} on ${date}`).toBeGreaterThan(0);
      for (const itinerary of found) {
        const flights = itinerary.flights;
        expect(flights.length).toBeLessThanOrEqual(3);
        expect(flights[0]?.origin).toBe(origin);
        expect(flights[flights.length - 1]?.destination).toBe(destination);
        expect(flights[0]?.date).toBe(date);
        flights.forEach((flight, i) => {
          expect(flight.arrivalUtc).toBeGreaterThan(flight.departureUtc);
          expect(flight.flightNumber).toMatch(/^[0-9]{1,4}$/);
          const previous = flights[i - 1];
          if (!previous) return;
          expect(flight.origin).toBe(previous.destination);
          const connection = (flight.departureUtc - previous.arrivalUtc) / 60_000;
          expect(connection).toBeGreaterThanOrEqual(minConnectionMinutes);
          expect(connection).toBeLessThanOrEqual(maxConnectionMinutes);
        });
      }
    }
  });

  it('dates flights from great-circle distance and the airports\' time zones', () => {
    const [itinerary] = network.findItineraries(['CPH'], ['LIS'], dayAfterToday(40));
    const flights = itinerary?.flights ?? [];
    expect(flights.map((f) => f.origin)).toEqual(['CPH', 'LHR']);
    for (const f of flights) {
      const from = network.airport(f.origin);
      const to = network.airport(f.destination);
      if (!from || !to) throw new Error('unknown airport');
      expect(f.distanceKm).toBe(Math.round(greatCircleKm(from, to)));
      expect(f.durationMinutes).toBe(blockMinutes(f.distanceKm, from, to));
      expect(f.arrivalUtc - f.departureUtc).toBe(f.durationMinutes * 60_000);
    }
    // In January Copenhagen is an hour ahead of UTC, London on it.
    const utcClock = (ms: number | undefined): string => new Date(ms ?? 0).toISOString().slice(0, 19);
    expect(Date.parse(`${flights[0]?.departureLocal}Z`) - Date.parse(`${utcClock(flights[0]?.departureUtc)}Z`)).toBe(3_600_000);
    expect(flights[1]?.departureLocal).toBe(utcClock(flights[1]?.departureUtc));
  });

  it('answers pairs within the fixture exactly as the fixture alone does', () => {
    const fixtureOnly = createFlightNetwork(data, { carrier: 'XR', now: () => TODAY });
    const date = dayAfterToday(30);
    for (const [origin, destination] of [['LHR', 'JFK'], ['AMS', 'BOS'], ['SYD', 'LHR'], ['JFK', 'DXB']] as const) {
      expect(describeItinerary(network.findItineraries([origin], [destination], date)[0]), `${origin}-${destination}`)
        .toEqual(describeItinerary(fixtureOnly.findItineraries([origin], [destination], date)[0]));
      expect(network.findItineraries([origin], [destination], date, { directOnly: true }).length)
        .toBe(fixtureOnly.findItineraries([origin], [destination], date, { directOnly: true }).length);
    }
  });

  it('has the defaults of AIRLINE_HUBS and AIRLINE_REGIONS, so the gateway and the airline alone fly the same network', () => {
    const config = loadConfig({});
    expect([config.airlineHubs, config.airlineRegions]).toEqual([DEFAULT_HUBS, ALL_REGIONS]);
  });

  it('still refuses codes that are no commercial airport', () => {
    expect(() => network.resolveLocation('QQQ')).toThrow(/QQQ/);
  });
});

describe('reference airlines with generated networks', () => {
  const command = { journeys: [{ origin: 'CPH', destination: 'LIS', date: dayAfterToday(50) }], passengers: [{ id: 'PAX1', type: 'ADT' }] };

  function shopWith(designator: string, hubs: readonly string[]): ReturnType<typeof shopOffers> {
    const ctx = createAirlineContext({ designator, data, now: () => TODAY, network: { hubs } });
    return shopOffers(command, ctx);
  }

  function legsOf(result: ReturnType<typeof shopOffers>): string[] {
    return [...new Set(result.segments.map((s) => `${s.origin}-${s.destination}`))].sort();
  }

  it('give offers for a pair outside the fixture, valid against the airline contract', () => {
    const result = shopWith('XR', DEFAULT_HUBS);
    expectValidResult('offer.shop', result);
    expect(result.offers.length).toBeGreaterThan(0);
  });

  it('give different offers for the same request when their hubs differ', () => {
    const london = shopWith('XR', ['LHR', 'JFK', 'SIN']);
    const frankfurt = shopWith('XF', ['FRA', 'JFK', 'SIN']);
    expect(legsOf(london)).toEqual(['CPH-LHR', 'LHR-LIS']);
    expect(legsOf(frankfurt)).toEqual(['CPH-FRA', 'FRA-LIS']);
  });

  it('give the same offers for the same seed, and other departure times for another seed', () => {
    const times = (seed: string): string[] => describeItinerary(createFlightNetwork(data, { carrier: 'XR', now: () => TODAY, plan: { ...plan, seed } })
      .findItineraries(['CPH'], ['LIS'], dayAfterToday(50))[0]);
    expect(times('XR')).toEqual(times('XR'));
    expect(times('XR')).not.toEqual(times('YY'));
    const shown = (result: ReturnType<typeof shopOffers>): unknown => [result.segments, result.offers.map((o) => [o.fareFamily, o.totalPrice])];
    expect(shown(shopWith('XR', DEFAULT_HUBS))).toEqual(shown(shopWith('XR', DEFAULT_HUBS)));
  });

  it('charge more for longer trips', () => {
    const ctx = createAirlineContext({ designator: 'XR', data, now: () => TODAY });
    const cheapest = (destination: string): number => Math.min(...shopOffers({ ...command, journeys: [{ origin: 'CPH', destination, date: dayAfterToday(50) }] }, ctx).offers.map((o) => o.totalPrice.total));
    expect(cheapest('LIS')).toBeGreaterThan(cheapest('LHR'));
    expect(cheapest('SYD')).toBeGreaterThan(cheapest('LIS'));
  });
});
