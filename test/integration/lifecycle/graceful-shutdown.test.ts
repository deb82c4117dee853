import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceAirline, type ReferenceAirline } from '../../../src/reference/airline/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { buildDist } from '../../support/build-dist.ts';
import { startDelayingProxy, type DelayingProxy } from '../../support/delaying-proxy.ts';
import { REDIS_URL, SCHEMA_PATH } from '../../support/paths.ts';
import { freePort } from '../../support/ports.ts';
import { listSamples, moveDatesIntoFuture } from '../../support/samples.ts';
import { dropSchema, TEST_DATABASE_URL } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * SIGTERM to the process `npm start` and the Docker image run (`node dist/main.js`, built here as
 * `npm start` builds it), while clients keep it busy: every request it took is answered, the
 * workers in it finish their jobs, it exits 0 on its own, and leaves nothing behind. Airline
 * calls are held for a while on their way, so requests are certainly in flight when the signal
 * comes.
 */

const sample = listSamples('21.3', ['AirShoppingRQ']).find((s) => s.name.includes('flexible_fares'))!;
const body = moveDatesIntoFuture(readFileSync(sample.file, 'utf8'));
const FAMILIES = ['offer', 'order', 'seat', 'service'];
const CLIENTS = 8;

/** Whether something can listen on the port again: nothing of the stopped gateway holds it. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One client's request: its answer, or how the connection failed. */
interface Outcome {
  readonly client: number;
  readonly sentAfterStop: boolean;
  readonly status?: number;
  readonly complete?: boolean;
  readonly error?: string;
}

/** POSTs on the client's own keep-alive connection, as a load balancer's pool would. */
function post(port: number, agent: Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/ndc/AirShopping', method: 'POST', agent, headers: { 'content-type': 'application/xml' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each([1, 2])('SIGTERM to node dist/main.js under load, GATEWAY_PROCESSES=%i', (processes) => {
  const schema = `test_${randomUUID().replaceAll('-', '')}`;
  const prefix = `test-${randomUUID()}`;
  let airline: ReferenceAirline;
  let proxy: DelayingProxy;
  let child: ChildProcess;
  const ports = { gateway: 0, payment: 0 };
  const logs: { msg?: string; pid?: number; level?: number }[] = [];

  beforeAll(async () => {
    await buildDist();
    airline = createReferenceAirline({ designator: 'XR', name: 'Reference Air', logger: createLogger('silent') });
    const { url } = await airline.listen(0, '127.0.0.1');
    proxy = await startDelayingProxy({ target: url, delayMs: 300, delayedPaths: ['/v1/offer.shop'] });
    ports.gateway = await freePort();
    ports.payment = await freePort();
    child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        ...process.env,
        PORT: String(ports.gateway),
        PAYMENT_PORT: String(ports.payment),
        AIRLINE_URL: proxy.url,
        NDC_SCHEMA_PATH: SCHEMA_PATH,
        NDC_VERSIONS: '21.3',
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: schema,
        GATEWAY_PROCESSES: String(processes),
        MAPPINGS_WATCH: 'false',
        SHUTDOWN_GRACE_MS: '30000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        logs.push(JSON.parse(line) as { msg?: string; pid?: number });
      } catch {
        logs.push({ msg: line });
      }
    });
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
      const ready = await fetch(`http://127.0.0.1:${ports.gateway}/api/v1/monitoring/ready`).catch(() => undefined);
      return ready?.status === 200 && logs.filter((l) => l.msg === 'NDC gateway listening').length === processes;
    });
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await proxy?.close();
    await airline?.close();
    await dropSchema(TEST_DATABASE_URL, schema);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('listens on 127.0.0.1 without CLIENTS_FILE, and warns at start-up that every caller is the demo client', () => {
    expect(logs.filter((l) => l.msg === 'NDC gateway listening').map((l) => (l as { host?: string }).host)).toEqual(Array(processes).fill('127.0.0.1'));
    expect(logs.filter((l) => l.level === 40 && /^embedded demo: no CLIENTS_FILE/.test(l.msg ?? ''))).toHaveLength(1);
  });

  it('answers every request it took, lets its workers finish, exits 0 and leaves nothing running', async () => {
    const outcomes: Outcome[] = [];
    const answered = Array.from({ length: CLIENTS }, () => 0);
    let signalled = false;
    const agents = Array.from({ length: CLIENTS }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const loops = agents.map(async (agent, client) => {
      // Until the gateway is gone: then a new connection is refused, and the client stops.
      for (;;) {
        const sentAfterStop = signalled;
        try {
          const { status, text } = await post(ports.gateway, agent);
          outcomes.push({ client, sentAfterStop, status, complete: /<\/IATA_AirShoppingRS>\s*$/.test(text) && /<(?:\w+:)?Offer\b/.test(text) && !/<(?:\w+:)?Error\b/.test(text) });
          answered[client] = (answered[client] ?? 0) + 1;
        } catch (error) {
          outcomes.push({ client, sentAfterStop, error: (error as NodeJS.ErrnoException).code ?? String(error) });
          if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return;
        }
      }
    });

    // Every client has its connection, and most requests wait on their airline call right now.
    const settled = new Set<number>();
    const track = (): void => proxy.calls.forEach((call, index) => void call.forwarded.then(() => settled.add(index)));
    await waitFor(() => answered.every((n) => n >= 2));
    await waitFor(() => {
      track();
      return proxy.calls.length - settled.size >= CLIENTS / 2;
    });
    const gatewayPids = logs.filter((l) => l.msg === 'NDC gateway listening').map((l) => l.pid!);
    const before = outcomes.length;
    signalled = true;
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    await Promise.all(loops);
    for (const agent of agents) agent.destroy();

    expect(code).toBe(0);
    // Requests in flight at the signal were answered; none failed, none was cut.
    expect(outcomes.filter((o) => o.error === undefined && (o.status !== 200 || !o.complete))).toEqual([]);
    expect(outcomes.filter((o) => o.error !== undefined && o.error !== 'ECONNREFUSED')).toEqual([]);
    expect(outcomes.slice(before).filter((o) => o.status === 200).length).toBeGreaterThanOrEqual(CLIENTS / 2);
    // Refused only once the gateway had stopped listening, once per client.
    expect(outcomes.filter((o) => o.error === 'ECONNREFUSED').map((o) => o.sentAfterStop)).toEqual(Array(CLIENTS).fill(true));
    expect(logs.filter((l) => l.msg === 'stopped')).toHaveLength(processes === 1 ? 1 : processes + 1);
    expect(logs.some((l) => (l.level ?? 0) >= 50)).toBe(false);

    // Nothing left: no gateway process, no listening port, no BullMQ worker, no job running or waiting.
    for (const pid of gatewayPids) expect(isRunning(pid)).toBe(false);
    expect(await isFree(ports.gateway)).toBe(true);
    expect(await isFree(ports.payment)).toBe(true);
    for (const family of FAMILIES) {
      const queue = new Queue(family, { connection: { url: REDIS_URL }, prefix });
      try {
        expect(await queue.getWorkersCount()).toBe(0);
        expect(await queue.getJobCounts('active', 'waiting', 'delayed')).toEqual({ active: 0, waiting: 0, delayed: 0 });
      } finally {
        await queue.close();
      }
    }
  }, 90_000);
});
