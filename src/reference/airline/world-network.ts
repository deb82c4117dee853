import type { Airport, ScheduledFlight, WorldAirport } from './airline-data.ts';
import { blockMinutes, greatCircleKm } from './great-circle.ts';
import { offsetMinutes } from './local-time.ts';

/** How a reference airline spreads its generated network over the world's airports. */
export interface NetworkPlan {
  /** Where the generated network connects; every other airport served flies to its nearest hub. */
  readonly hubs: readonly string[];
  /** Continents whose commercial airports are served. */
  readonly regions: readonly string[];
  /** Seeds the departure times, so two airlines with the same hubs still differ. @defaultValue the designator */
  readonly seed: string;
}

/** Hubs on every continent with much traffic: any two commercial airports meet within two connections and 48 hours. */
export const DEFAULT_HUBS: readonly string[] = ['LHR', 'JFK', 'DXB', 'SIN', 'LAX', 'GRU', 'JNB', 'SYD', 'HKG'];
export const ALL_REGIONS: readonly string[] = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'];

/** Routes the plan adds around the fixture schedule; flights are local-time schedules, dated on demand. */
export interface GeneratedNetwork {
  airport(code: string): Airport | undefined;
  /** The airport's hub: itself for a hub, the nearest hub otherwise; undefined when not served. */
  hubOf(code: string): string | undefined;
  /** Daily flights from `origin` to `destination` that the plan adds (none where the fixture flies the pair). */
  flights(origin: string, destination: string): readonly ScheduledFlight[];
  /** The added flight with that number, if any. */
  flight(flightNumber: string): ScheduledFlight | undefined;
  /** Number of scheduled flights added. */
  readonly size: number;
}

const HUB_FREQUENCY = 8;
const MINUTES_PER_DAY = 1440;
/** Spokes reach their hub in a morning bank and leave it in an afternoon bank, so same-hub connections always fit. */
const INBOUND_BANK = { start: 7 * 60, span: 240 };
const OUTBOUND_BANK = { start: 13 * 60 + 30, span: 240 };
const FIRST_FLIGHT_NUMBER = 1000;
const LAST_FLIGHT_NUMBER = 9999;
/** Offsets between time zones are taken on one fixed day, so the schedule does not depend on the start-up date. */
const OFFSET_REFERENCE_MS = Date.UTC(2026, 0, 15);

/** FNV-1a: a small, stable hash of a text, for seeded choices. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function hhmm(minutes: number): string {
  const m = ((Math.round(minutes) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function aircraftFor(distanceKm: number): string {
  if (distanceKm < 2500) return '320';
  if (distanceKm < 5000) return '32Q';
  if (distanceKm < 11_000) return '789';
  return '77W';
}

/**
 * Generates the plan's network: a daily spoke flight each way between every served airport and its
 * nearest hub, and every hub linked to every other eight times a day. Spoke pairs the fixture schedule
 * flies keep the fixture's flights only. Deterministic for the same data, plan and seed.
 */
export function generateNetwork(
  world: readonly WorldAirport[],
  fixture: { readonly airports: readonly Airport[]; readonly flights: readonly ScheduledFlight[] },
  plan: NetworkPlan,
): GeneratedNetwork {
  const known = new Map<string, Airport>(world.map((a) => [a.code, a]));
  for (const a of fixture.airports) known.set(a.code, a);
  const hubs = plan.hubs.map((code) => {
    const airport = known.get(code);
    if (!airport) throw new Error(`network hub ${code} is not a known commercial airport`);
    return airport;
  });
  const regions = new Set(plan.regions);
  const served = new Map<string, Airport>();
  for (const a of world) if (regions.has(a.continent)) served.set(a.code, known.get(a.code) as Airport);
  for (const h of hubs) served.set(h.code, h);

  const hubOf = new Map<string, string>();
  for (const a of served.values()) {
    let best = hubs[0] as Airport;
    let bestKm = Number.POSITIVE_INFINITY;
    for (const h of hubs) {
      const km = greatCircleKm(a, h);
      if (km < bestKm) [best, bestKm] = [h, km];
    }
    hubOf.set(a.code, best.code);
  }

  const flown = new Set(fixture.flights.map((f) => `${f.origin}-${f.destination}`));
  let nextNumber = Math.max(FIRST_FLIGHT_NUMBER, ...fixture.flights.map((f) => Number(f.flightNumber) + 1));
  const routes = new Map<string, ScheduledFlight[]>();
  const byNumber = new Map<string, ScheduledFlight>();
  let size = 0;
  const offset = (a: Airport): number => offsetMinutes(OFFSET_REFERENCE_MS, a.timeZone);

  function add(from: Airport, to: Airport, departures: readonly number[], besideFixture: boolean): void {
    const key = `${from.code}-${to.code}`;
    if (!besideFixture && (flown.has(key) || flown.has(`${to.code}-${from.code}`))) return;
    const aircraft = aircraftFor(greatCircleKm(from, to));
    const list = departures.map((minutes) => ({ flightNumber: String(nextNumber++), origin: from.code, destination: to.code, departure: hhmm(minutes), aircraft }));
    routes.set(key, list);
    for (const flight of list) byNumber.set(flight.flightNumber, flight);
    size += list.length;
  }

  const seeded = (text: string, span: number): number => (hash(`${plan.seed}|${text}`) % (span / 5)) * 5;
  for (const from of hubs) {
    for (const to of hubs) {
      if (from.code === to.code) continue;
      const first = 5 * 60 + seeded(`${from.code}-${to.code}`, MINUTES_PER_DAY / HUB_FREQUENCY);
      // Hub links run beside any fixture flights on the pair: connections between banks need their frequency.
      add(from, to, Array.from({ length: HUB_FREQUENCY }, (_, k) => first + (k * MINUTES_PER_DAY) / HUB_FREQUENCY), true);
    }
  }
  for (const spoke of [...served.values()].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    const hub = known.get(hubOf.get(spoke.code) as string) as Airport;
    if (hub.code === spoke.code) continue;
    const block = blockMinutes(greatCircleKm(spoke, hub), spoke, hub);
    const arrivalAtHub = INBOUND_BANK.start + seeded(`${spoke.code}>`, INBOUND_BANK.span);
    add(spoke, hub, [arrivalAtHub - block - offset(hub) + offset(spoke)], false);
    add(hub, spoke, [OUTBOUND_BANK.start + seeded(`${spoke.code}<`, OUTBOUND_BANK.span)], false);
  }
  if (nextNumber - 1 > LAST_FLIGHT_NUMBER) {
    throw new Error(`the network needs flight numbers up to ${nextNumber - 1}, past ${LAST_FLIGHT_NUMBER}: serve fewer regions or hubs`);
  }

  return {
    airport: (code) => served.get(code),
    hubOf: (code) => hubOf.get(code),
    flights: (origin, destination) => routes.get(`${origin}-${destination}`) ?? [],
    flight: (flightNumber) => byNumber.get(flightNumber),
    size,
  };
}
