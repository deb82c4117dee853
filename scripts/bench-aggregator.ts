/**
 * Aggregator mode: what fan-out to two NDC airlines costs against the slower airline alone.
 *
 *   npx tsx scripts/bench-aggregator.ts [--requests 200] [--warmup 20] [--route CPH-LIS] [--airline-latency MS] [--tsx] [--out FILE]
 *
 * Starts, as production runs them (`node dist/main.js`, built first; `--tsx` runs the sources),
 * two airlines, each an embedded gateway in front of its own reference airline (XA speaking 17.2
 * only, XB 21.3), and three aggregators: one whose AIRLINES_FILE names both, and one per airline
 * naming that airline alone. The same 21.3 AirShoppingRQ is sent to the three aggregators in turn,
 * one request at a time, `requests` rounds after `warmup` rounds, so every figure comes from the
 * same minutes of the same machine. It reports the median wall time of each, the ratio of
 * fan-out to the slower single airline (the target is at most 1.10), and the CPU milliseconds
 * per request of each aggregator and of each airline while that aggregator's requests ran, read
 * from /proc/<pid>/stat (user + system), so other work on the machine does not count.
 *
 * Here both airlines share the aggregator's cores, so their own work competes for the CPU the
 * fan-out needs. `--airline-latency MS` puts a proxy in front of each airline that holds every
 * request MS before passing it on, as the network and an airline on machines of its own would:
 * the figure that then remains over the slower airline is the aggregator's own cost.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { AIRLINE_XA, AIRLINE_XB, AGGREGATOR_DESIGNATOR, SETTLEMENT_CARD, ndcAirlineEntry, type AirlineSpec, type AirlinesFileEntry } from '../test/support/start-airline-network.ts';
import { airShoppingRq213, offersOf213 } from '../test/support/aggregator-messages.ts';
import { startAirlineProxy } from '../test/support/airline-proxy.ts';
import type { Doc } from '../test/support/ndc-doc.ts';
import { NDC_VERSIONS } from '../src/ndc/ndc-versions.ts';
import { loadSchemaModel, parseXml } from '../src/xml/index.ts';
import { build, cpuMs, freePort, median, percentile, startService, stopService, waitForHealth, type Service } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    route: { type: 'string', default: 'CPH-LIS' },
    tsx: { type: 'boolean', default: false },
    'airline-latency': { type: 'string', default: '0' },
    out: { type: 'string' },
  },
});
const SCHEMA_PATH = resolve(process.env.NDC_SCHEMA_PATH ?? '../shared/iata-ndc');
const REQUESTS = Number(values.requests);
const AIRLINE_LATENCY_MS = Number(values['airline-latency']);
const WARMUP = Number(values.warmup);
const [ORIGIN, DESTINATION] = values.route!.split('-') as [string, string];
const lines: string[] = [];

function say(line = ''): void {
  console.log(line);
  lines.push(line);
}

interface Instance {
  readonly name: string;
  readonly url: string;
  readonly service: Service;
}

const folder = mkdtempSync(join(tmpdir(), 'bench-aggregator-'));

/** One embedded gateway process on free ports, its order store in a folder of its own. */
async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const service = startService(name, 'src/main.ts', {
    DATABASE_URL: '', REDIS_URL: '', AIRLINE_URL: '', PAYMENT_URL: '', CLIENTS_FILE: '', NODE_ENV: '',
    HOST: '127.0.0.1',
    PORT: String(port),
    AIRLINE_PORT: String(await freePort()),
    PAYMENT_PORT: String(await freePort()),
    DATA_DIR: join(folder, name),
    NDC_SCHEMA_PATH: SCHEMA_PATH,
    MAPPINGS_WATCH: 'false',
    LOG_LEVEL: 'warn',
    ...env,
  }, { tsx: values.tsx });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(`${url}/api/v1/monitoring/live`, service, 180_000);
  return { name, url, service };
}

function startAirline(spec: AirlineSpec): Promise<Instance> {
  return startInstance(spec.designator.toLowerCase(), {
    NDC_VERSIONS: spec.versions.join(','), NDC_DEFAULT_VERSION: spec.versions[0]!, AIRLINE_DESIGNATOR: spec.designator, AIRLINE_NAME: spec.name, AIRLINE_HUBS: spec.hubs.join(','),
  });
}

function startAggregator(name: string, airlines: readonly AirlinesFileEntry[]): Promise<Instance> {
  const file = join(folder, `${name}.yaml`);
  writeFileSync(file, JSON.stringify({ airlines }, null, 2));
  return startInstance(name, { NDC_VERSIONS: '21.3', AIRLINE_DESIGNATOR: AGGREGATOR_DESIGNATOR, AIRLINES_FILE: file, SETTLEMENT_CARD, SETTLEMENT_CVV: '737' });
}

async function shop(pool: Pool, body: string): Promise<{ ms: number; status: number; text: string }> {
  const sent = performance.now();
  const res = await pool.request({ method: 'POST', path: '/api/v1/ndc', headers: { 'content-type': 'application/xml' }, body });
  const text = await res.body.text();
  return { ms: performance.now() - sent, status: res.statusCode, text };
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  if (!values.tsx) build();
  say(`# Aggregator fan-out benchmark, ${new Date().toISOString()}`);
  say(`machine: ${cpus()[0]?.model} × ${cpus().length} cores, node ${process.version}, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const started: Instance[] = [];
  const closing: { close(): Promise<void> }[] = [];
  try {
    const [xa, xb] = await Promise.all([startAirline(AIRLINE_XA), startAirline(AIRLINE_XB)]);
    started.push(xa, xb);
    // With --airline-latency each airline is reached through a proxy that holds every request that long.
    const proxies = AIRLINE_LATENCY_MS > 0 ? await Promise.all([xa, xb].map((airline) => startAirlineProxy(airline.url))) : [];
    for (const proxy of proxies) proxy.delay(AIRLINE_LATENCY_MS);
    closing.push(...proxies);
    const urlOf = (airline: Instance): string => proxies[airline === xa ? 0 : 1]?.url ?? airline.url;
    const entryOf = (spec: AirlineSpec, airline: Instance): AirlinesFileEntry => ndcAirlineEntry(spec, `${urlOf(airline)}/api/v1/ndc`, { timeoutMs: 10_000 });
    const aggregators = await Promise.all([
      startAggregator('fan-out', [entryOf(AIRLINE_XA, xa), entryOf(AIRLINE_XB, xb)]),
      startAggregator('xa-alone', [entryOf(AIRLINE_XA, xa)]),
      startAggregator('xb-alone', [entryOf(AIRLINE_XB, xb)]),
    ]);
    started.push(...aggregators);

    const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const body = airShoppingRq213(ORIGIN, DESTINATION, date);
    const pools = aggregators.map((a) => new Pool(a.url, { connections: 1, pipelining: 1 }));
    // What each answers, asked until every airline it names has answered once (an airline's first
    // answer compiles its schemas and may miss its deadline), so a misconfigured run is seen before it is measured.
    for (const [i, aggregator] of aggregators.entries()) {
      const expected = i === 0 ? ['XA', 'XB'] : [i === 1 ? 'XA' : 'XB'];
      for (let attempt = 1; ; attempt++) {
        const answer = await shop(pools[i]!, body);
        if (answer.status !== 200) throw new Error(`${aggregator.name} answered ${answer.status}:\n${answer.text.slice(0, 2000)}`);
        const owners = new Map<string, number>();
        for (const owner of ownersOf(answer.text)) owners.set(owner, (owners.get(owner) ?? 0) + 1);
        if (expected.every((owner) => owners.has(owner))) {
          say(`${aggregator.name}: HTTP ${answer.status}, ${answer.text.length} bytes, offers by owner ${JSON.stringify(Object.fromEntries(owners))}`);
          break;
        }
        if (attempt === 10) throw new Error(`${aggregator.name} should answer offers of ${expected.join(' and ')}, answers ${JSON.stringify(Object.fromEntries(owners))}`);
      }
    }

    for (let i = 0; i < WARMUP; i++) for (const pool of pools) await shop(pool, body);
    const walls: number[][] = aggregators.map(() => []);
    // CPU ms spent while each aggregator's requests ran: [aggregator, XA, XB].
    const cpu = aggregators.map(() => [0, 0, 0]);
    const pids = (aggregator: Instance): number[] => [aggregator, xa, xb].map((instance) => instance.service.child.pid!);
    let errors = 0;
    for (let i = 0; i < REQUESTS; i++) {
      for (const [k, aggregator] of aggregators.entries()) {
        const before = pids(aggregator).map((pid) => cpuMs(pid));
        const answer = await shop(pools[k]!, body);
        pids(aggregator).forEach((pid, p) => { cpu[k]![p]! += cpuMs(pid) - before[p]!; });
        if (answer.status !== 200) errors++;
        walls[k]!.push(answer.ms);
      }
    }
    for (const pool of pools) await pool.close();

    say(`${REQUESTS} rounds after ${WARMUP} warm-up rounds; each round one ${ORIGIN}-${DESTINATION} AirShoppingRQ (21.3, one adult) to each aggregator in turn, one at a time; ${errors} answers not 200`);
    say(`airline latency added by a proxy: ${AIRLINE_LATENCY_MS} ms per request`);
    say('| aggregator | median ms | p90 ms | CPU ms/request: aggregator | airline XA | airline XB |');
    say('|---|---:|---:|---:|---:|---:|');
    for (const [k, aggregator] of aggregators.entries()) {
      const sorted = [...walls[k]!].sort((a, b) => a - b);
      const [own, a, b] = cpu[k]!.map((ms) => round(ms / REQUESTS));
      say(`| ${aggregator.name} | ${round(median(sorted))} | ${round(percentile(sorted, 90))} | ${own} | ${a} | ${b} |`);
    }
    const fanOut = median(walls[0]!);
    const slower = Math.max(median(walls[1]!), median(walls[2]!));
    const slowerIndex = median(walls[1]!) >= median(walls[2]!) ? 1 : 2;
    const slowerName = aggregators[slowerIndex]!.name;
    say(`fan-out / slower airline alone (${slowerName}): ${round(fanOut / slower, 3)} (target ≤ 1.10)`);
    say(`aggregator's own CPU per fan-out request: ${round(cpu[0]![0]! / REQUESTS)} ms (the airlines' work not included), ${round((cpu[0]![0]! - cpu[slowerIndex]![0]!) / REQUESTS)} ms more than with the slower airline alone`);
    say(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    for (const proxy of closing) await proxy.close();
    for (const instance of started.reverse()) await stopService(instance.service);
    rmSync(folder, { recursive: true, force: true });
  }
  if (values.out) writeFileSync(values.out, `${lines.join('\n')}\n`);
}

const AIR_SHOPPING_RS = (() => {
  const info = NDC_VERSIONS['21.3']!;
  return loadSchemaModel(join(SCHEMA_PATH, '21.3', info.schemaFile(info.rootName('AirShoppingRS'))));
})();

/** The OwnerCode of each offer of a 21.3 AirShoppingRS. */
function ownersOf(xml: string): string[] {
  const doc = parseXml(xml, { model: AIR_SHOPPING_RS }).document as Doc;
  return offersOf213(doc).map((offer) => offer.owner);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
