/**
 * Durable OrderCreate end to end, laid out as in production: the reference airline
 * (`npm run airline`), the reference payment service (src/reference/payment/payment-main.ts), the gateway
 * (`npm start` with REDIS_URL and RUN_WORKERS=false: HTTP edge only) and the order workers
 * (`npm run worker`) each run as their own process; PostgreSQL via DATABASE_URL in a schema of its
 * own, BullMQ on Redis. This process only generates load: POST /api/v1/one-order/create, each
 * order paid with the approving test card.
 *   npx tsx scripts/bench-order-create.ts [--orders 600] [--concurrency 32] [--runs 3] [--log-level warn] [--profile DIR] [--tsx]
 * The processes run the compiled build (`npm run build` first); --tsx runs the sources through tsx.
 * Per run it reports orders/s, p50 and p99, and the CPU milliseconds per order of every process
 * (from /proc/<pid>/stat): gateway, worker, airline, payment, the PostgreSQL backends of the
 * gateway and worker connections, PostgreSQL's own background processes, and redis-server; then
 * the medians over the runs. With --profile every Node process runs under `node --cpu-prof`,
 * and each profile's heaviest packages and functions are printed at the end. On a busy machine a
 * profile also counts time the process was ready to run but waiting for a core.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Pool } from 'undici';
import { build, cpuMs, freePort, median, percentile, redisServerPid, startService, stopService, waitForHealth, type Service } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '600' },
    concurrency: { type: 'string', default: '32' },
    runs: { type: 'string', default: '3' },
    database: { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/test' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    'log-level': { type: 'string', default: 'warn' },
    profile: { type: 'string' },
    tsx: { type: 'boolean', default: false },
  },
});
const orders = Number(values.orders);
const concurrency = Number(values.concurrency);
const runs = Number(values.runs);
const ROUTES = [['LHR', 'FRA'], ['FRA', 'LHR'], ['LHR', 'JFK'], ['JFK', 'LHR'], ['DXB', 'LHR'], ['LHR', 'DXB'], ['SIN', 'DXB'], ['DXB', 'SIN']] as const;
/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux this runs on. */

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

/** pid → CPU ms of every PostgreSQL process, split into the bench's backends and the server's own processes. */
async function postgresProcesses(admin: pg.Client, applicationName: string): Promise<{ backends: Map<number, number>; background: Map<number, number> }> {
  const { rows } = await admin.query<{ pid: number; application_name: string; backend_type: string }>(
    'SELECT pid, application_name, backend_type FROM pg_stat_activity WHERE pid <> pg_backend_pid()');
  const backends = new Map<number, number>();
  const background = new Map<number, number>();
  for (const row of rows) {
    if (row.application_name === applicationName) backends.set(row.pid, cpuMs(row.pid));
    else if (row.backend_type !== 'client backend') background.set(row.pid, cpuMs(row.pid));
  }
  return { backends, background };
}

/** CPU used by a set of processes between two snapshots; a process born in between counts from 0. */
function spent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

interface RunFigures {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  /** Process name → CPU ms per order. */
  readonly cpu: Record<string, number>;
  /** Process name → of that, ms in the kernel (Node processes and redis-server). */
  readonly kernel: Record<string, number>;
}

/** Self time of a V8 .cpuprofile by package (native code and Node internals counted to their caller) and by function. */
function summariseProfile(file: string, window: { readonly from: number; readonly to: number }): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
    startTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const packageOf = (url: string): string | undefined => {
    if (url === '') return undefined;
    const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (inModules) return inModules[1];
    if (url.startsWith('node:')) return `node:${url.slice(5).replace(/^internal\//, '').split('/')[0]}`;
    const inRepo = /\/(src\/.*)$/.exec(url);
    return inRepo ? inRepo[1] : url;
  };
  const selfOf = new Map<number, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < window.from || at > window.to) return;
    selfOf.set(id, (selfOf.get(id) ?? 0) + dt);
    if (byId.get(id)?.callFrame.functionName !== '(idle)') total += dt;
  });
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfOf) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    // Native code and Node's own modules count to the package that called them (writev to pg, ...).
    let owner = id;
    let pkg = packageOf(frame.url);
    while ((pkg === undefined || pkg.startsWith('node:')) && parent.has(owner) && !frame.functionName.startsWith('(')) {
      owner = parent.get(owner)!;
      pkg = packageOf(byId.get(owner)!.callFrame.url) ?? pkg;
    }
    pkg ??= frame.functionName;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const name = `${frame.functionName || '(anonymous)'} ${packageOf(frame.url) ?? '(native)'}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number): string => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`).join('\n');
  return `busy ${(total / 1000).toFixed(0)} ms sampled during the runs\nby package (native code and Node internals counted to the package that called them):\n${top(byPackage, 18)}\nby function (self time):\n${top(byFunction, 18)}`;
}

async function main(): Promise<void> {
  if (!values.tsx) build();
  const id = randomUUID().replaceAll('-', '').slice(0, 12);
  const schema = `bench_${id}`;
  const prefix = `bench-${id}`;
  const applicationName = `bench_order_create_${id}`;
  const databaseUrl = `${values.database}${values.database.includes('?') ? '&' : '?'}application_name=${applicationName}`;
  const [airlinePort, paymentPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
  const airlineUrl = `http://127.0.0.1:${airlinePort}`;
  const paymentUrl = `http://127.0.0.1:${paymentPort}`;
  const common = { LOG_LEVEL: values['log-level'], HOST: '127.0.0.1', AIRLINE_PORT: String(airlinePort), PAYMENT_PORT: String(paymentPort) };
  const orderEnv = {
    ...common, AIRLINE_URL: airlineUrl, PAYMENT_URL: paymentUrl, REDIS_URL: values.redis, QUEUE_PREFIX: prefix,
    DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, WORKER_CONCURRENCY: String(concurrency), WORKER_PORT: '0',
  };
  const services: Service[] = [];
  const admin = new pg.Client({ connectionString: values.database });
  await admin.connect();
  const redis = new Redis(values.redis);
  const client = new Pool(`http://127.0.0.1:${gatewayPort}`, { connections: concurrency });
  try {
    const profileDir = values.profile === undefined ? undefined : resolve(values.profile);
    const profiled = { tsx: values.tsx, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] };
    const airline = startService('airline', 'src/reference/airline/airline-main.ts', common, profiled);
    const payment = startService('payment', 'src/reference/payment/payment-main.ts', common, profiled);
    const gateway = startService('gateway', 'src/main.ts', { ...orderEnv, PORT: String(gatewayPort), RUN_WORKERS: 'false', MAPPINGS_WATCH: 'false', NDC_VERSIONS: '21.3' }, profiled);
    const worker = startService('worker', 'src/worker-main.ts', orderEnv, profiled);
    services.push(airline, payment, gateway, worker);
    await waitForHealth(`${airlineUrl}/health`, airline);
    await waitForHealth(`${paymentUrl}/health`, payment);
    await waitForHealth(`http://127.0.0.1:${gatewayPort}/api/v1/monitoring/health`, gateway);
    const redisPid = (await redisServerPid(values.redis)) ?? 0;

    let shopped = 0;
    async function shopOffers(count: number): Promise<string[]> {
      const offerIds: string[] = [];
      while (offerIds.length < count) {
        const i = shopped++;
        const [origin, destination] = ROUTES[i % ROUTES.length]!;
        const res = await fetch(`${airlineUrl}/v1/offer.shop`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ journeys: [{ origin, destination, date: day(20 + (i % 300)) }], passengers: [{ id: 'PAX1', type: 'ADT' }], cabin: 'ECONOMY', maxOffers: 3 }),
        });
        const result = (await res.json()) as { offers?: { offerId: string }[] };
        for (const offer of result.offers ?? []) if (offerIds.length < count) offerIds.push(offer.offerId);
      }
      return offerIds;
    }

    let firstFailure: string | undefined;
    const create = async (offerId: string): Promise<{ ms: number; status: number }> => {
      const started = performance.now();
      const res = await client.request({
        method: 'POST',
        path: '/api/v1/one-order/create',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({
          offerId,
          passengers: [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Ada', surname: 'Lovelace' }],
          contacts: [{ contactId: 'C1', emails: [{ address: 'ada@example.com' }] }],
          payment: { card: { number: '4111111111111111', expiry: '12/30', cvv: '123', holderName: 'Ada Lovelace' } },
        }),
      });
      const text = await res.body.text();
      if (res.statusCode !== 201) firstFailure ??= `${res.statusCode} ${text.slice(0, 300)}`;
      return { ms: performance.now() - started, status: res.statusCode };
    };

    // Warm-up, outside the measurement: the worker comes up, the store opens, every path runs once.
    const warmUp = await shopOffers(2 * concurrency);
    for (let i = 0; i < 100 && (await create(warmUp[0]!)).status !== 201; i += 1) await new Promise((done) => setTimeout(done, 300));
    await Promise.all(warmUp.slice(1).map(create));
    if (firstFailure) throw new Error(`warm-up failed: ${firstFailure}`);

    const pids = { gateway: gateway.child.pid!, worker: worker.child.pid!, airline: airline.child.pid!, payment: payment.child.pid!, 'redis-server': redisPid };
    const figures: RunFigures[] = [];
    /** The runs, in µs of the monotonic clock that CPU profiles are stamped with. */
    const window = { from: Number.POSITIVE_INFINITY, to: 0 };
    const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);
    for (let run = 1; run <= runs; run += 1) {
      const offerIds = await shopOffers(orders);
      const pgBefore = await postgresProcesses(admin, applicationName);
      const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
      const kernelBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid, true)]));
      const loadBefore = process.cpuUsage();
      const latencies: number[] = [];
      let failures = 0;
      let next = 0;
      const started = performance.now();
      window.from = Math.min(window.from, monotonicUs());
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < offerIds.length) {
          const { ms, status } = await create(offerIds[next++]!);
          if (status === 201) latencies.push(ms);
          else failures += 1;
        }
      }));
      window.to = monotonicUs();
      const seconds = (performance.now() - started) / 1000;
      const load = process.cpuUsage(loadBefore);
      const pgAfter = await postgresProcesses(admin, applicationName);
      const done = latencies.length;
      const cpu: Record<string, number> = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, (cpuMs(pid) - before[name]!) / done]));
      const kernel: Record<string, number> = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, (cpuMs(pid, true) - kernelBefore[name]!) / done]));
      cpu['postgres backends'] = spent(pgBefore.backends, pgAfter.backends) / done;
      cpu['postgres background'] = spent(pgBefore.background, pgAfter.background) / done;
      cpu['load generator'] = (load.user + load.system) / 1000 / done;
      latencies.sort((a, b) => a - b);
      const result = { perSecond: done / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures, cpu, kernel };
      figures.push(result);
      console.log(`run ${run}: ${done} orders in ${seconds.toFixed(1)} s, ${result.perSecond.toFixed(0)} orders/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, failures ${failures}; CPU ms/order ${
        Object.entries(cpu).map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ')}`);
      if (firstFailure) console.log(`  first failure: ${firstFailure}`);
    }

    const pgVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version;
    console.log(`\nmachine: ${cpus()[0]?.model} × ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}, PostgreSQL ${pgVersion} (synchronous commit), BullMQ on Redis`);
    console.log(`processes: gateway (npm start, RUN_WORKERS=false), worker (npm run worker, concurrency ${concurrency}), airline, payment; ${concurrency} requests in flight; medians of ${runs} runs of ${orders} orders`);
    console.log(`orders/s ${median(figures.map((f) => f.perSecond)).toFixed(0)} (target ≥ 300), p50 ${median(figures.map((f) => f.p50)).toFixed(1)} ms, p99 ${median(figures.map((f) => f.p99)).toFixed(1)} ms`);
    const names = Object.keys(figures[0]?.cpu ?? {});
    const counted = names.filter((n) => n !== 'load generator');
    for (const name of names) {
      const kernel = figures[0]?.kernel[name] === undefined ? '' : `, ${median(figures.map((f) => f.kernel[name]!)).toFixed(2)} of it in the kernel`;
      console.log(`  ${name.padEnd(20)} ${median(figures.map((f) => f.cpu[name]!)).toFixed(2).padStart(6)} ms CPU/order${kernel}${name === 'load generator' ? ' (not counted)' : ''}`);
    }
    console.log(`  ${'total'.padEnd(20)} ${median(figures.map((f) => counted.reduce((sum, n) => sum + f.cpu[n]!, 0))).toFixed(2).padStart(6)} ms CPU/order (target ≤ 5)`);

    if (profileDir) {
      for (const service of [gateway, worker, payment, airline]) {
        await stopService(service);
        // The main thread's profile (under --tsx, tsx's loader thread writes one of its own).
        const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${service.child.pid}.0.`));
        console.log(file ? `\n${service.name} profile ${join(profileDir, file)}\n${summariseProfile(join(profileDir, file), window)}` : `\nno ${service.name} profile written`);
      }
    }
  } finally {
    await client.close();
    for (const service of services.reverse()) await stopService(service);
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
