import { randomBytes } from 'node:crypto';
import { loadAirlineData, type AirlineData } from './airline-data.ts';
import { createFarePricer, type FarePricer } from './fare-pricer.ts';
import { createFlightNetwork, type FlightNetwork } from './flight-network.ts';
import { createCurrencyConverter, type CurrencyConverter } from './money.ts';
import { createOfferStore, type OfferStore } from './offer-store.ts';
import { ALL_REGIONS, DEFAULT_HUBS, type NetworkPlan } from './world-network.ts';

/** What every command handler of the reference airline works with. */
export interface AirlineContext {
  readonly designator: string;
  readonly data: AirlineData;
  readonly network: FlightNetwork;
  readonly pricer: FarePricer;
  readonly converter: CurrencyConverter;
  readonly store: OfferStore;
  readonly now: () => Date;
  readonly offerTtlSeconds: number;
  readonly defaultCurrency: string;
  /** A fresh id body: upper-case letters and digits, starting with a letter (XML NCName-safe). */
  newId(): string;
}

export interface AirlineContextOptions {
  readonly designator: string;
  /** @defaultValue the data files in the repository's fixtures folder */
  readonly data?: AirlineData;
  readonly now?: () => Date;
  /** @defaultValue 1800 */
  readonly offerTtlSeconds?: number;
  /** @defaultValue 'EUR' */
  readonly defaultCurrency?: string;
  /** Reuse a store, e.g. to reprice earlier offers with changed fare data. */
  readonly store?: OfferStore;
  /** @defaultValue 330 */
  readonly salesDays?: number;
  /** Hubs, regions and seed of the generated network. @defaultValue DEFAULT_HUBS, ALL_REGIONS, the designator */
  readonly network?: Partial<NetworkPlan>;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newId(): string {
  const bytes = randomBytes(12);
  let id = ALPHABET[(bytes[0] ?? 0) % 24] ?? 'A';
  for (let i = 1; i < bytes.length; i += 1) id += ALPHABET[(bytes[i] ?? 0) % ALPHABET.length];
  return id;
}

/** Wires data, network, pricing and the offer store together. */
export function createAirlineContext(options: AirlineContextOptions): AirlineContext {
  const now = options.now ?? (() => new Date());
  const data = options.data ?? loadAirlineData();
  const plan: NetworkPlan = {
    hubs: options.network?.hubs ?? DEFAULT_HUBS,
    regions: options.network?.regions ?? ALL_REGIONS,
    seed: options.network?.seed ?? options.designator,
  };
  const network = createFlightNetwork(data, { carrier: options.designator, now, plan, ...(options.salesDays !== undefined ? { salesDays: options.salesDays } : {}) });
  const converter = createCurrencyConverter(data.currencies);
  return {
    designator: options.designator,
    data,
    network,
    converter,
    pricer: createFarePricer(data, network, converter),
    store: options.store ?? createOfferStore({ now }),
    now,
    offerTtlSeconds: options.offerTtlSeconds ?? 1800,
    defaultCurrency: options.defaultCurrency ?? 'EUR',
    newId,
  };
}
