/**
 * The cluster a fault runs against, laid out as production runs it, on loopback: the reference
 * airline and payment service, each behind a TCP proxy a fault can slow or cut; `gateways`
 * gateway processes (`dist/main.js`, RUN_WORKERS=false: the HTTP edge only) behind a balancer;
 * `workers` worker processes (`dist/worker-main.js`); Redis and PostgreSQL, either run here in
 * folders of their own (so a fault can restart them) or the shared servers with a queue prefix
 * and a schema of this cluster's own. Every process logs (pino JSON) to a file under `dir`.
 * The compiled build must be current (`npm run build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from '../bench-support.ts';
import { startBalancer } from './balancer.ts';
import { startPostgresServer, startRedisServer } from './data-servers.ts';
import { startTcpProxy } from './tcp-proxy.ts';
import type { Cluster, ClusterOptions, DataServer, ManagedProcess, TcpProxy } from './types.ts';

/** The cluster, with what reconciliation reads besides: the airline and payment service themselves, not their proxies. */
export interface RunningCluster extends Cluster {
  readonly airlineUrl: string;
  readonly paymentUrl: string;
  /** The order store's database, as the processes reach it. */
  readonly databaseUrl: string;
  readonly dir: string;
}

/**
 * Settings that make recovery quick enough to repeat a fault many times: a dead worker's job is
 * taken over within about twice QUEUE_LOCK_MS, and a request whose process died may be retried
 * with its key once IDEMPOTENCY_LEASE_MS passed, which must stay above REQUEST_TIMEOUT_MS.
 */
export const FAST_RECOVERY_ENV: Readonly<Record<string, string>> = {
  REQUEST_TIMEOUT_MS: '8000',
  IDEMPOTENCY_LEASE_MS: '9000',
  QUEUE_LOCK_MS: '2000',
  WORKER_CONCURRENCY: '8',
};

const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SHARED_DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SCHEMA_PATH = resolve(process.env.NDC_SCHEMA_PATH ?? resolve(process.cwd(), '../shared/iata-ndc'));
/** Settings of the caller's environment that would point the processes elsewhere than this cluster. */
const NOT_INHERITED = ['DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL', 'AIRLINE_URL', 'PAYMENT_URL', 'CLIENTS_FILE', 'AIRLINES_FILE', 'DATA_DIR', 'NODE_ENV', 'QUEUE_PREFIX', 'PORT', 'WORKER_PORT'];
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;
const OUTPUT_CHARS = 8000;

function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of NOT_INHERITED) delete env[key];
  return env;
}

export interface NodeProcessSpec {
  readonly name: string;
  /** The compiled entry point, e.g. dist/main.js. */
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  /** Answers 200 once the process is up. */
  readonly readyUrl: string;
  readonly logFile: string;
}

/**
 * A Node process of the cluster that can be killed and started again at the same address (its
 * ports are in its env). Its output is appended to `logFile`; the last lines are kept for errors.
 */
export function managedNodeProcess(spec: NodeProcessSpec): ManagedProcess {
  let child: ChildProcess | undefined;
  let log: WriteStream | undefined;
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_CHARS);
    log?.write(chunk);
  };
  const alive = (c: ChildProcess | undefined): c is ChildProcess => c !== undefined && c.exitCode === null && c.signalCode === null;

  async function end(signal: NodeJS.Signals): Promise<void> {
    const current = child;
    if (!alive(current)) return;
    const exited = once(current, 'exit');
    current.kill(signal);
    const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => current.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  return {
    name: spec.name,
    pid: () => (alive(child) ? child.pid : undefined),
    running: () => alive(child),
    output: () => output,
    async start() {
      if (alive(child)) return;
      log ??= createWriteStream(spec.logFile, { flags: 'a' });
      const started = spawn(process.execPath, [spec.script], { env: { ...baseEnv(), ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      started.stdout!.on('data', keep);
      started.stderr!.on('data', keep);
      started.once('exit', (code, signal) => keep(Buffer.from(`\n[${spec.name} exited: ${code ?? signal}]\n`)));
      const until = Date.now() + START_TIMEOUT_MS;
      for (;;) {
        if (!alive(started)) throw new Error(`${spec.name} exited before it answered at ${spec.readyUrl}:\n${output}`);
        try {
          const res = await fetch(spec.readyUrl, { signal: AbortSignal.timeout(2000) });
          await res.arrayBuffer();
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > until) {
          await end('SIGKILL');
          throw new Error(`${spec.name} did not answer at ${spec.readyUrl} within ${START_TIMEOUT_MS} ms:\n${output}`);
        }
        await sleep(100);
      }
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

function withApplicationName(url: string, name: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}application_name=${name}`;
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const id = randomUUID().replaceAll('-', '').slice(0, 12);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'faults-'));
  const ownDir = options.dir === undefined;
  mkdirSync(dir, { recursive: true });
  const schema = `faults_${id}`;
  const prefix = `faults-${id}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const processes: ManagedProcess[] = [];

  async function stopAll(): Promise<void> {
    for (const process of [...processes].reverse()) await process.stop().catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  }

  try {
    let redis: DataServer | { readonly url: string };
    let postgres: DataServer | { readonly url: string };
    if (options.ownDataServers) {
      const ownRedis = await startRedisServer(join(dir, 'redis'));
      cleanups.push(() => ownRedis.stop());
      const ownPostgres = await startPostgresServer(join(dir, 'postgres'));
      cleanups.push(() => ownPostgres.stop());
      redis = ownRedis;
      postgres = ownPostgres;
    } else {
      redis = { url: SHARED_REDIS_URL };
      postgres = { url: SHARED_DATABASE_URL };
      cleanups.push(async () => {
        const client = new pg.Client({ connectionString: SHARED_DATABASE_URL });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      });
      cleanups.push(async () => {
        const client = new Redis(SHARED_REDIS_URL);
        try {
          const keys = await client.keys(`${prefix}:*`);
          if (keys.length > 0) await client.del(...keys);
        } finally {
          client.disconnect();
        }
      });
    }

    const logLevel = options.env?.LOG_LEVEL ?? 'info';
    const common = { HOST: '127.0.0.1', LOG_LEVEL: logLevel, NDC_SCHEMA_PATH: SCHEMA_PATH, GATEWAY_PROCESSES: '1' };
    const [airlinePort, paymentPort] = [await freePort(), await freePort()];
    const airlineUrl = `http://127.0.0.1:${airlinePort}`;
    const paymentUrl = `http://127.0.0.1:${paymentPort}`;
    const airline = managedNodeProcess({
      name: 'airline', script: 'dist/reference/airline/airline-main.js', env: { ...common, AIRLINE_PORT: String(airlinePort) },
      readyUrl: `${airlineUrl}/health`, logFile: join(dir, 'airline.log'),
    });
    const payment = managedNodeProcess({
      name: 'payment', script: 'dist/reference/payment/payment-main.js', env: { ...common, PAYMENT_PORT: String(paymentPort) },
      readyUrl: `${paymentUrl}/health`, logFile: join(dir, 'payment.log'),
    });
    processes.push(airline, payment);
    await Promise.all([airline.start(), payment.start()]);
    const airlineProxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: airlinePort });
    cleanups.push(() => airlineProxy.close());
    const paymentProxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: paymentPort });
    cleanups.push(() => paymentProxy.close());

    const databaseUrl = withApplicationName(postgres.url, schema);
    const orderEnv = {
      ...common, ...FAST_RECOVERY_ENV, ...options.env,
      AIRLINE_URL: airlineProxy.url, PAYMENT_URL: paymentProxy.url, REDIS_URL: redis.url, QUEUE_PREFIX: prefix,
      DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema,
    };

    // Workers first: a gateway is ready only once a worker consumes each queue.
    const workers: ManagedProcess[] = [];
    for (let i = 1; i <= options.workers; i++) {
      const port = await freePort();
      workers.push(managedNodeProcess({
        name: `worker-${i}`, script: 'dist/worker-main.js', env: { ...orderEnv, WORKER_PORT: String(port) },
        readyUrl: `http://127.0.0.1:${port}/api/v1/monitoring/live`, logFile: join(dir, `worker-${i}.log`),
      }));
    }
    const gateways: ManagedProcess[] = [];
    const gatewayUrls: string[] = [];
    for (let i = 1; i <= options.gateways; i++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      gatewayUrls.push(url);
      gateways.push(managedNodeProcess({
        name: `gateway-${i}`, script: 'dist/main.js',
        env: { ...orderEnv, PORT: String(port), RUN_WORKERS: 'false', NDC_VERSIONS: '21.3', MAPPINGS_WATCH: 'false' },
        // Ready, not only live: start() resolves once the balancer may send it traffic.
        readyUrl: `${url}/api/v1/monitoring/ready`, logFile: join(dir, `gateway-${i}.log`),
      }));
    }
    processes.push(...workers, ...gateways);
    // One at a time: the first creates the schema, and two cores do not start many processes faster.
    for (const worker of workers) await worker.start();
    for (const gateway of gateways) await gateway.start();

    const balancer = await startBalancer(gatewayUrls);
    // Closed before the processes stop, so no seller request lands on a stopping gateway.
    cleanups.push(() => balancer.close());

    return {
      url: balancer.url, gateways, workers, airline, payment, airlineProxy, paymentProxy, balancer, redis, postgres, schema, prefix,
      airlineUrl, paymentUrl, databaseUrl, dir,
      async stop() {
        await balancer.close().catch(() => undefined);
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
