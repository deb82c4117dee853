import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { airShoppingRq172, airShoppingRq213 } from './aggregator-messages.ts';
import { buildDist } from './build-dist.ts';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts';

/** One airline of the test network: a gateway instance in front of its own reference airline. */
export interface AirlineSpec {
  readonly designator: string;
  readonly name: string;
  /** NDC_VERSIONS of the airline's gateway; the first is its default. */
  readonly versions: readonly string[];
  /** The version the aggregator speaks to it. */
  readonly version: string;
  readonly hubs: readonly string[];
}

/** A 17.2-only airline with European and American hubs. */
export const AIRLINE_XA: AirlineSpec = { designator: 'XA', name: 'Alpha Air', versions: ['17.2'], version: '17.2', hubs: ['CDG', 'JFK', 'DXB'] };
/** A 21.3 airline (and the later versions) with other hubs, so its offers differ from XA's. */
export const AIRLINE_XB: AirlineSpec = { designator: 'XB', name: 'Bravo Air', versions: ['21.3', '24.4', '26.1'], version: '21.3', hubs: ['FRA', 'LHR', 'SIN'] };

/** The aggregator's own designator (its embedded reference airline, not in its AIRLINES_FILE). */
export const AGGREGATOR_DESIGNATOR = 'XG';
/** The card the aggregator settles with the airlines; their reference payment services approve it. */
export const SETTLEMENT_CARD = '4111111111111111';

/** An entry of AIRLINES_FILE, as written in the file. */
export type AirlinesFileEntry = Record<string, unknown> & { designator: string };

/** Starts one airline's gateway process (embedded, on loopback ports of its own). */
export function startNdcAirline(spec: AirlineSpec, env: Record<string, string> = {}, ports: { port?: number; airlinePort?: number; paymentPort?: number } = {}): Promise<GatewayProcess> {
  return startGatewayProcess(spec.designator.toLowerCase(), {
    NDC_VERSIONS: spec.versions.join(','),
    NDC_DEFAULT_VERSION: spec.versions[0]!,
    AIRLINE_DESIGNATOR: spec.designator,
    AIRLINE_NAME: spec.name,
    AIRLINE_HUBS: spec.hubs.join(','),
    ...env,
  }, ports);
}

/** The AIRLINES_FILE entry of an NDC airline at `url` (its NDC endpoint), with `overrides` on top. */
export function ndcAirlineEntry(spec: AirlineSpec, url: string, overrides: Record<string, unknown> = {}): AirlinesFileEntry {
  return {
    designator: spec.designator,
    name: spec.name,
    kind: 'ndc',
    url,
    version: spec.version,
    timeoutMs: 5000,
    retries: 0,
    agency: { id: 'AGG1', name: 'Aggregator Travel' },
    settlement: { cardNumber: { env: 'SETTLEMENT_CARD' }, expiry: '2030-12', holderName: 'AGGREGATOR TRAVEL LTD', cvv: { env: 'SETTLEMENT_CVV' } },
    ...overrides,
  };
}

export interface Aggregator extends GatewayProcess {
  /** Where its AIRLINES_FILE is. */
  readonly airlinesFile: string;
}

/**
 * Starts the aggregator: a gateway serving every NDC version whose AIRLINES_FILE (written to a
 * folder of its own, removed on stop) names `airlines`.
 */
export async function startAggregator(airlines: readonly AirlinesFileEntry[], env: Record<string, string> = {}): Promise<Aggregator> {
  const folder = mkdtempSync(join(tmpdir(), 'aggregator-'));
  const airlinesFile = join(folder, 'airlines.yaml');
  // JSON is YAML too; the file's loader reads either.
  writeFileSync(airlinesFile, `${JSON.stringify({ airlines }, null, 2)}\n`);
  let gateway: GatewayProcess;
  try {
    gateway = await startGatewayProcess('aggregator', {
      AIRLINE_DESIGNATOR: AGGREGATOR_DESIGNATOR,
      AIRLINE_NAME: 'Aggregator Reference Air',
      AIRLINES_FILE: airlinesFile,
      SETTLEMENT_CARD,
      SETTLEMENT_CVV: '737',
      ...env,
    });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    ...gateway,
    airlinesFile,
    async stop() {
      await gateway.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Shops `origin`-`destination` at each airline directly and then at the aggregator until every
 * airline of `owners` answered there: an instance's first message of a version compiles that
 * version's schemas, which can take longer than an airline's deadline on a busy machine.
 */
export async function warmUpNetwork(net: AirlineNetwork, origin: string, destination: string, date: string, owners: readonly string[] = ['XA', 'XB']): Promise<void> {
  const post = (url: string, body: string): Promise<string> => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/xml' } }).then((r) => r.text());
  await Promise.all([post(net.xa.ndcUrl, airShoppingRq172(origin, destination, date)), post(net.xb.ndcUrl, airShoppingRq213(origin, destination, date))]);
  for (let attempt = 1; ; attempt++) {
    const answer = await post(net.aggregator.ndcUrl, airShoppingRq213(origin, destination, date));
    const seen = new Set([...answer.matchAll(/<(?:\w+:)?OwnerCode>([^<]+)</g)].map((m) => m[1]));
    if (owners.every((owner) => seen.has(owner))) return;
    if (attempt === 20) throw new Error(`the aggregator did not answer offers of ${owners.join(' and ')}:\n${answer.slice(0, 2000)}`);
  }
}

export interface AirlineNetwork {
  readonly xa: GatewayProcess;
  readonly xb: GatewayProcess;
  readonly aggregator: Aggregator;
  close(): Promise<void>;
}

export interface AirlineNetworkOptions {
  /** The URL the aggregator is given for an airline, e.g. a proxy in front of `ndcUrl`; default `ndcUrl` itself. */
  readonly front?: (designator: string, ndcUrl: string) => string | Promise<string>;
  /** Changes to an airline's AIRLINES_FILE entry, by designator. */
  readonly entries?: Readonly<Record<string, Record<string, unknown>>>;
  /** More airlines of the aggregator's file, after XA and XB (e.g. a stub). */
  readonly extraAirlines?: readonly AirlinesFileEntry[];
  readonly aggregatorEnv?: Record<string, string>;
}

/**
 * The three-instance network of the aggregator tests: airline XA (17.2 only), airline XB (21.3
 * and later) and the aggregator in front of both, each an embedded gateway process on loopback,
 * run from the compiled build (built here first, as `npm start` does).
 */
export async function startAirlineNetwork(options: AirlineNetworkOptions = {}): Promise<AirlineNetwork> {
  await buildDist();
  const started: GatewayProcess[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((gateway) => gateway.stop()));
  };
  try {
    const airlines = await Promise.allSettled([startNdcAirline(AIRLINE_XA), startNdcAirline(AIRLINE_XB)]);
    for (const result of airlines) if (result.status === 'fulfilled') started.push(result.value);
    for (const result of airlines) if (result.status === 'rejected') throw result.reason;
    const [xa, xb] = started as [GatewayProcess, GatewayProcess];
    const entries = await Promise.all([[AIRLINE_XA, xa], [AIRLINE_XB, xb]].map(async ([spec, gateway]) => {
      const { designator } = spec as AirlineSpec;
      const { ndcUrl } = gateway as GatewayProcess;
      return ndcAirlineEntry(spec as AirlineSpec, options.front ? await options.front(designator, ndcUrl) : ndcUrl, options.entries?.[designator]);
    }));
    const aggregator = await startAggregator([...entries, ...(options.extraAirlines ?? [])], options.aggregatorEnv);
    started.push(aggregator);
    return { xa, xb, aggregator, close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
