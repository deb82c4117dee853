import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SCHEMA_PATH } from './paths.ts';
import { freePort } from './ports.ts';

/**
 * One gateway started as `npm start` runs it (`node dist/main.js`: call `buildDist()` first),
 * embedded: in-process queue, PGlite, its own reference airline and payment service.
 */
export interface GatewayProcess {
  readonly name: string;
  /** `http://127.0.0.1:<PORT>` */
  readonly url: string;
  /** The NDC endpoint, `<url>/api/v1/ndc`. */
  readonly ndcUrl: string;
  readonly port: number;
  readonly airlinePort: number;
  readonly paymentPort: number;
  readonly child: ChildProcess;
  /** The last lines the process wrote (its pino log), for failure messages. */
  output(): string;
  /** Stops the process (SIGTERM, SIGKILL after 10 s) and removes its order store folder. */
  stop(): Promise<void>;
}

/** Settings every process of the network shares, as the other process tests set them. */
const COMMON_ENV = {
  HOST: '127.0.0.1',
  NDC_SCHEMA_PATH: SCHEMA_PATH,
  MAPPINGS_WATCH: 'false',
  LOG_LEVEL: 'warn',
  GATEWAY_PROCESSES: '1',
};

/** Settings of the test machine's environment that would make the process use shared services instead of its own. */
const NOT_INHERITED = ['DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL', 'AIRLINE_URL', 'PAYMENT_URL', 'CLIENTS_FILE', 'AIRLINES_FILE', 'DATA_DIR', 'NODE_ENV'];

/** Waits until `url` answers 200; throws with the process's output when it exits first or `timeoutMs` passes. */
export async function waitForAnswer(url: string, gateway: Pick<GatewayProcess, 'name' | 'child' | 'output'>, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) throw new Error(`${gateway.name} exited before it answered:\n${gateway.output()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${gateway.name} did not answer at ${url}:\n${gateway.output()}`);
    await sleep(100);
  }
}

/**
 * Starts one embedded gateway process on free loopback ports (PORT, AIRLINE_PORT, PAYMENT_PORT)
 * with its order store in a folder of its own, and resolves once it listens. `env` adds or
 * overrides settings (NDC_VERSIONS, AIRLINE_DESIGNATOR, AIRLINE_HUBS, AIRLINES_FILE…); `ports`
 * fixes ports, e.g. to start an airline again where it was.
 */
export async function startGatewayProcess(name: string, env: Record<string, string>, ports: { port?: number; airlinePort?: number; paymentPort?: number } = {}): Promise<GatewayProcess> {
  const port = ports.port ?? await freePort();
  const airlinePort = ports.airlinePort ?? await freePort();
  const paymentPort = ports.paymentPort ?? await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `gateway-${name}-`));
  const inherited = { ...process.env };
  for (const key of NOT_INHERITED) delete inherited[key];
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: {
      ...inherited,
      ...COMMON_ENV,
      PORT: String(port),
      AIRLINE_PORT: String(airlinePort),
      PAYMENT_PORT: String(paymentPort),
      DATA_DIR: dataDir,
      QUEUE_PREFIX: `${name}-${randomUUID()}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const gateway: GatewayProcess = {
    name,
    url,
    ndcUrl: `${url}/api/v1/ndc`,
    port,
    airlinePort,
    paymentPort,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    // /live answers once the gateway listens, whatever its readiness (an airline behind it may be down on purpose).
    await waitForAnswer(`${url}/api/v1/monitoring/live`, gateway);
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  return gateway;
}
