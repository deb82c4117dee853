/**
 * AirShopping RQ→RS end to end over HTTP, through BullMQ by default, measured with autocannon.
 *   npx tsx scripts/bench-http.ts [--queue bullmq|in-process] [--duration 20] [--runs 3] [--rate 200] [--connections 64]
 *                                 [--sample 21.3/<file in NDC_SAMPLES_PATH> | --request <any AirShoppingRQ file>]
 *
 * The gateway runs as `npm start` would (reference airline and workers in its process) in a child
 * process; the load runs in this one. Phase 1 sends open-loop at a fixed rate (200 req/s) and
 * reports latency; phase 2 lets autocannon push as hard as the connections allow and reports throughput. Each phase runs `runs`
 * times and the median is reported. Afterwards the gateway's own stage histogram names the stage
 * that costs the most. The request is a shared 21.3 sample with its dates moved into the future.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    queue: { type: 'string', default: 'bullmq' },
    duration: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '200' },
    connections: { type: 'string', default: '64' },
    sample: { type: 'string', default: '21.3/AirShoppingRQ__VS__airshopping_shop_for_flexible_fares_RQ.xml' },
    request: { type: 'string' },
  },
});
const samplesPath = resolve(process.env.NDC_SAMPLES_PATH ?? '../shared/ndc-samples');
const duration = Number(values.duration);
const runs = Number(values.runs);

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/** Keeps the gaps between dates but moves the earliest to 30 days from now. */
function moveDatesIntoFuture(xml: string): string {
  const pattern = />(\d{4}-\d{2}-\d{2})(?=[<T])/g;
  const dates = [...xml.matchAll(pattern)].map((m) => Date.parse(`${m[1]}T00:00:00Z`));
  if (dates.length === 0) return xml;
  const shift = Date.now() + 30 * 86_400_000 - Math.min(...dates);
  return xml.replace(pattern, (_all, d: string) => `>${new Date(Date.parse(`${d}T00:00:00Z`) + shift).toISOString().slice(0, 10)}`);
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    try {
      if ((await fetch(`${url}/api/v1/monitoring/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gateway did not become healthy');
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((ok, fail) => {
    autocannon(options, (error, result) => (error ? fail(error) : ok(result)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Open-loop load at a fixed rate: one request every 1000/rate ms whatever the answers do, so
 * latency includes any queueing the gateway builds up (autocannon's overallRate sends in bursts).
 */
async function runFixedRate(url: string, path: string, body: string, rate: number, seconds: number): Promise<{ p50: number; p99: number; rps: number; errors: number }> {
  const pool = new Pool(url, { connections: 256, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = rate * seconds;
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(
      pool.request({ method: 'POST', path, headers: { 'content-type': 'application/xml' }, body })
        .then(async (res) => {
          await res.body.text();
          if (res.statusCode !== 200) errors += 1;
          latencies.push(performance.now() - sent);
        })
        .catch(() => { errors += 1; }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { p50: Math.round(percentile(latencies, 50) * 10) / 10, p99: Math.round(percentile(latencies, 99) * 10) / 10, rps: Math.round((latencies.length / elapsed) * 10) / 10, errors };
}

/** Mean milliseconds per stage, from the gateway's `ndc_stage_duration_seconds` histogram. */
async function stageCosts(url: string): Promise<[string, number][]> {
  const text = await (await fetch(`${url}/api/v1/monitoring/metrics`)).text();
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const [, kind, stage, value] of text.matchAll(/^ndc_stage_duration_seconds_(sum|count)\{stage="([^"]+)"\} (\S+)$/gm)) {
    (kind === 'sum' ? sums : counts).set(stage!, Number(value));
  }
  return [...sums].map(([stage, sum]): [string, number] => [stage, (sum / (counts.get(stage) || 1)) * 1000]).sort((a, b) => b[1] - a[1]);
}

async function main(): Promise<void> {
  const body = moveDatesIntoFuture(readFileSync(values.request ?? join(samplesPath, values.sample!), 'utf8'));
  const [port, airlinePort] = [await freePort(), await freePort()];
  const prefix = `bench-${randomUUID()}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    AIRLINE_PORT: String(airlinePort),
    LOG_LEVEL: 'warn',
    NDC_VERSIONS: '21.3',
    QUEUE_PREFIX: prefix,
  };
  if (values.queue === 'bullmq') env.REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  else delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url);
    const request = { method: 'POST' as const, path: '/api/v1/ndc/AirShopping', headers: { 'content-type': 'application/xml' }, body };
    const check = await fetch(`${url}${request.path}`, { method: 'POST', headers: request.headers, body });
    const answer = await check.text();
    if (check.status !== 200 || !answer.includes('Offer')) throw new Error(`warm-up answer ${check.status}: ${answer.slice(0, 500)}`);
    console.log(`machine: ${cpus()[0]?.model} × ${cpus().length} cores, node ${process.version}; queue: ${values.queue}; answer ${answer.length} bytes`);
    await run({ url, duration: 5, connections: 16, requests: [request] }); // warm-up

    const fixed: { p50: number; p99: number; rps: number; errors: number }[] = [];
    for (let i = 0; i < runs; i += 1) {
      const r = await runFixedRate(url, request.path, body, Number(values.rate), duration);
      fixed.push(r);
      console.log(`fixed ${values.rate} req/s run ${i + 1}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps} req/s answered, non-200+errors ${r.errors}`);
    }
    const open: { p50: number; p99: number; rps: number; errors: number }[] = [];
    for (let i = 0; i < runs; i += 1) {
      const r = await run({ url, duration, connections: Number(values.connections), requests: [request] });
      open.push({ p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors: r.non2xx + r.errors });
      console.log(`max throughput run ${i + 1}: ${r.requests.average} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx+errors ${r.non2xx + r.errors}`);
    }
    console.log('\nmedians');
    console.log(`  at ${values.rate} req/s: p50 ${median(fixed.map((f) => f.p50))} ms, p99 ${median(fixed.map((f) => f.p99))} ms (targets 5 / 20 ms)`);
    console.log(`  max: ${median(open.map((f) => f.rps))} req/s (target 1000), p50 ${median(open.map((f) => f.p50))} ms, p99 ${median(open.map((f) => f.p99))} ms`);
    console.log('\nmean time per stage (gateway histogram, all requests):');
    for (const [stage, ms] of await stageCosts(url)) console.log(`  ${stage.padEnd(14)} ${ms.toFixed(3)} ms`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (values.queue === 'bullmq') {
      const { Redis } = await import('ioredis');
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
