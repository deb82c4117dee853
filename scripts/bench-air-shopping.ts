/**
 * AirShopping RQ→RS end to end over HTTP through BullMQ, with every part a process of its own as
 * in production: the gateway (`npm start` with RUN_WORKERS=false, GATEWAY_PROCESSES as asked), a
 * worker (`npm run worker`), the reference airline (`npm run airline`) and the payment service.
 *
 *   npx tsx scripts/bench-air-shopping.ts [--gateways 1,2] [--searches 10000] [--connections 16]
 *        [--rate 100] [--seconds 15] [--runs 3] [--request FILE] [--profile] [--tsx] [--out FILE]
 *
 * The processes run the compiled build (`npm run build` first, as production runs `node dist/…`);
 * `--tsx` runs the TypeScript sources through tsx instead.
 * For each gateway process count it reports: time to ready and idle RSS with all four versions
 * served; a closed loop of `searches` requests, with CPU milliseconds per request for every
 * process (from /proc, so noise from other work on the machine does not count), req/s, latency
 * and RSS per thousand, so the first and the last thousand can be compared; and an open loop at
 * `rate` req/s. Then, in the same run, the ceilings: bare Express sending the same answer bytes,
 * the response XSD check alone and the response writer alone, and each measured figure's ratio to
 * its ceiling. Medians throughout. `--profile` runs gateway and worker under `node --cpu-prof`
 * and prints their hottest functions.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Pool } from 'undici';
import { DEMO_API_KEY } from '../src/auth/index.ts';
import { NDC_VERSIONS } from '../src/ndc/ndc-versions.ts';
import { createSchemaRegistry, createXsdEngine } from '../src/xsd/index.ts';
import { loadSchemaModel, parseXml, writeXml } from '../src/xml/index.ts';
import {
  build, cpuMs, freePort, median, percentile, processTree, redisServerPid, rssMb, startService, stopService, waitForHealth, type Service,
} from './bench-support.ts';

const { values } = parseArgs({
  options: {
    gateways: { type: 'string', default: '1,2' },
    searches: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '16' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '15' },
    runs: { type: 'string', default: '3' },
    request: { type: 'string', default: 'fixtures/bench/air-shopping-1adt-oneway.xml' },
    versions: { type: 'string', default: '21.3,17.2,24.4,26.1' },
    profile: { type: 'boolean', default: false },
    tsx: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const SCHEMA_PATH = resolve(process.env.NDC_SCHEMA_PATH ?? '../shared/iata-ndc');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const PATH = '/api/v1/ndc/AirShopping';
const lines: string[] = [];

function say(line = ''): void {
  console.log(line);
  lines.push(line);
}

// ---- measurement ---------------------------------------------------------------------------

interface Measured {
  readonly name: string;
  readonly pids: () => number[];
}

type Sample = Map<string, { cpuMs: number; rssMb: number }>;

function sample(measured: readonly Measured[]): Sample {
  return new Map(measured.map((m) => {
    const pids = m.pids();
    return [m.name, { cpuMs: pids.reduce((sum, pid) => sum + cpuMs(pid), 0), rssMb: pids.reduce((sum, pid) => sum + rssMb(pid), 0) }];
  }));
}

function cpuPerRequest(before: Sample, after: Sample, requests: number): Map<string, number> {
  return new Map([...after].map(([name, { cpuMs }]) => [name, (cpuMs - (before.get(name)?.cpuMs ?? 0)) / requests]));
}

// ---- load ----------------------------------------------------------------------------------

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Keeps the gaps between dates but moves the earliest to 30 days from now. */
function moveDatesIntoFuture(xml: string): string {
  const pattern = />(\d{4}-\d{2}-\d{2})(?=[<T])/g;
  const dates = [...xml.matchAll(pattern)].map((m) => Date.parse(`${m[1]}T00:00:00Z`));
  if (dates.length === 0) return xml;
  const shift = Date.now() + 30 * 86_400_000 - Math.min(...dates);
  return xml.replace(pattern, (_all, d: string) => `>${new Date(Date.parse(`${d}T00:00:00Z`) + shift).toISOString().slice(0, 10)}`);
}

async function post(pool: Pool, body: string, path = PATH): Promise<{ status: number; bytes: Buffer }> {
  const res = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/xml' }, body });
  return { status: res.statusCode, bytes: Buffer.from(await res.body.arrayBuffer()) };
}

interface Block {
  readonly requests: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly errors: number;
  readonly cpu: Map<string, number>;
  readonly rss: Map<string, number>;
}

/**
 * `total` requests from `connections` clients, each sending its next request when the last is
 * answered; every `blockSize` answers, CPU and RSS of every measured process are read.
 */
async function closedLoop(url: string, body: string, total: number, connections: number, measured: readonly Measured[], blockSize = 1000, path = PATH): Promise<Block[]> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const blocks: Block[] = [];
  let issued = 0;
  let done = 0;
  let latencies: number[] = [];
  let errors = 0;
  let start = sample(measured);
  let started = performance.now();
  const client = async (): Promise<void> => {
    while (issued < total) {
      issued++;
      const sent = performance.now();
      try {
        const { status } = await post(pool, body, path);
        if (status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - sent);
      done++;
      if (done % blockSize === 0 || done === total) {
        const now = sample(measured);
        const requests = latencies.length;
        blocks.push({
          requests, seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b), errors,
          cpu: cpuPerRequest(start, now, requests), rss: new Map([...now].map(([name, s]) => [name, s.rssMb])),
        });
        latencies = [];
        errors = 0;
        start = now;
        started = performance.now();
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  await pool.close();
  return blocks;
}

/** Open loop: one request every 1000/rate ms whatever the answers do, so latency includes any backlog. */
async function openLoop(url: string, body: string, rate: number, seconds: number, measured: readonly Measured[]): Promise<Block> {
  const pool = new Pool(url, { connections: 256, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const before = sample(measured);
  const started = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(post(pool, body).then(({ status }) => {
      if (status !== 200) errors++;
      latencies.push(performance.now() - sent);
    }, () => { errors++; }));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  const after = sample(measured);
  await pool.close();
  return {
    requests: latencies.length, seconds: elapsed, latencies: latencies.sort((a, b) => a - b), errors,
    cpu: cpuPerRequest(before, after, latencies.length), rss: new Map([...after].map(([name, s]) => [name, s.rssMb])),
  };
}

/** Mean milliseconds per stage, from the gateway's `ndc_stage_duration_seconds` histogram. */
async function stageMeans(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/api/v1/monitoring/metrics`, { headers: { authorization: `Bearer ${DEMO_API_KEY}` } })).text();
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const [, kind, stage, value] of text.matchAll(/^ndc_stage_duration_seconds_(sum|count)\{stage="([^"]+)"\} (\S+)$/gm)) {
    (kind === 'sum' ? sums : counts).set(stage!, Number(value));
  }
  return new Map([...sums].map(([stage, sum]) => [stage, (sum / (counts.get(stage) || 1)) * 1000]));
}

/** Top functions by self time in the .cpuprofile files a process wrote on exit. */
function summariseProfiles(dir: string, label: string): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[];
    };
    const self = new Map<number, number>();
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const byFunction = new Map<string, number>();
    for (const node of profile.nodes) {
      const { functionName, url, lineNumber } = node.callFrame;
      const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules\/|src\/)/, '$1')}:${lineNumber + 1}`;
      byFunction.set(where, (byFunction.get(where) ?? 0) + (self.get(node.id) ?? 0));
    }
    say(`  ${label} profile ${file}: top self time`);
    for (const [where, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15)) say(`    ${((us / total) * 100).toFixed(1).padStart(5)}%  ${where}`);
  }
}

// ---- ceilings ------------------------------------------------------------------------------

/** CPU ms per call of `fn`, median of `batches` batches of `n` calls. */
function cpuMsPerCall(fn: () => unknown, n: number, batches = 5): number {
  for (let i = 0; i < n; i++) fn();
  const results: number[] = [];
  for (let b = 0; b < batches; b++) {
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const used = process.cpuUsage(before);
    results.push((used.user + used.system) / 1000 / n);
  }
  return median(results);
}

async function inProcessCeilings(answer: Buffer): Promise<{ writerMs: number; xsdMs: number }> {
  const info = NDC_VERSIONS['21.3']!;
  const model = loadSchemaModel(join(SCHEMA_PATH, '21.3', info.schemaFile(info.rootName('AirShoppingRS'))));
  const { rootName, document } = parseXml(answer, { model });
  const writerMs = cpuMsPerCall(() => writeXml(rootName, document, model, info), 200);
  const schemas = createSchemaRegistry({ engine: await createXsdEngine('libxml2-wasm'), schemaPath: SCHEMA_PATH, versions: ['21.3'], messages: ['AirShoppingRS'] });
  const schema = schemas.get('21.3', 'AirShoppingRS');
  if (schema.validate(answer).length > 0) throw new Error('the captured answer does not validate');
  const xsdMs = cpuMsPerCall(() => schema.validate(answer), 200);
  schemas.dispose();
  return { writerMs, xsdMs };
}

const BARE_EXPRESS = `
const express = require('express');
const answer = require('node:fs').readFileSync(process.env.ANSWER_FILE);
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/', express.raw({ type: () => true, limit: '10mb' }), (req, res) => res.type('application/xml; charset=utf-8').send(answer));
app.listen(Number(process.env.PORT), '127.0.0.1');
`;

// ---- the run -------------------------------------------------------------------------------

interface RunFigures {
  readonly gateways: number;
  readonly readySeconds: number;
  readonly idleRssMb: number;
  readonly blocks: Block[];
  readonly open: Block[];
  readonly stages: Map<string, number>;
  /** The answer to the request, for the ceilings. */
  readonly answer: Buffer;
}

function describeBlock(block: Block, label: string): string {
  const cpu = (name: string): string => round(block.cpu.get(name) ?? Number.NaN, 2).toFixed(2);
  const gw = (block.cpu.get('gateway') ?? 0) + (block.cpu.get('worker') ?? 0);
  return `${label.padEnd(10)} ${String(round(block.requests / block.seconds, 0)).padStart(6)} req/s  p50 ${round(percentile(block.latencies, 50), 1).toFixed(1).padStart(6)} ms  p99 ${round(percentile(block.latencies, 99), 1).toFixed(1).padStart(6)} ms  `
    + `CPU ms/req gateway ${cpu('gateway')} worker ${cpu('worker')} = ${round(gw, 2).toFixed(2)}; airline ${cpu('airline')} redis ${cpu('redis')} load ${cpu('load generator')}  `
    + `RSS MB gateway ${round(block.rss.get('gateway') ?? 0, 0)} worker ${round(block.rss.get('worker') ?? 0, 0)} airline ${round(block.rss.get('airline') ?? 0, 0)}`
    + (block.errors > 0 ? `  ERRORS ${block.errors}` : '');
}

async function runWithGateways(gateways: number, body: string, airlineUrl: string, paymentUrl: string, base: Measured[]): Promise<RunFigures> {
  const port = await freePort();
  const prefix = `bench-${randomUUID()}`;
  const schema = `bench_${randomUUID().replaceAll('-', '')}`;
  const env: NodeJS.ProcessEnv = {
    PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', MAPPINGS_WATCH: 'false', NDC_SCHEMA_PATH: SCHEMA_PATH,
    NDC_VERSIONS: values.versions, QUEUE_PREFIX: prefix, REDIS_URL, AIRLINE_URL: airlineUrl, PAYMENT_URL: paymentUrl,
    DATABASE_URL, DATABASE_SCHEMA: schema, RUN_WORKERS: 'false', GATEWAY_PROCESSES: String(gateways), WORKER_PORT: '0',
  };
  const profileDir = resolve(`bench-results/profiles-${gateways}`);
  const profileArgs = (name: string): string[] => (values.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${name}`] : []);
  if (values.profile) mkdirSync(profileDir, { recursive: true });
  const started = performance.now();
  const gateway = startService('gateway', 'src/main.ts', env, { tsx: values.tsx, nodeArgs: profileArgs('gateway') });
  const worker = startService('worker', 'src/worker-main.ts', env, { tsx: values.tsx, nodeArgs: profileArgs('worker') });
  const url = `http://127.0.0.1:${port}`;
  try {
    // Start-up compiles every version's schemas: on a loaded machine it can take minutes, and the
    // measure is of the requests after it, so waiting longer costs nothing but time.
    await waitForHealth(`${url}/api/v1/monitoring/health`, gateway, 300_000);
    const readySeconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const measured: Measured[] = [
      { name: 'gateway', pids: () => processTree(gateway.child.pid!) },
      { name: 'worker', pids: () => [worker.child.pid!] },
      ...base,
    ];
    const idleRssMb = sample(measured).get('gateway')!.rssMb;
    say(`\n## ${gateways} gateway process${gateways > 1 ? 'es' : ''} (+ 1 worker process)`);
    say(`ready in ${round(readySeconds, 1)} s (spawn to health 200, gateway and worker started together); idle RSS of the gateway ${round(idleRssMb, 0)} MB, versions ${values.versions}`);
    const check = await post(new Pool(url), body);
    if (check.status !== 200 || !check.bytes.includes('OfferID')) throw new Error(`warm-up answer ${check.status}: ${check.bytes.subarray(0, 500).toString()}`);
    await closedLoop(url, body, 500, Number(values.connections), measured);

    const searches = Number(values.searches);
    say(`closed loop, ${values.connections} connections, ${searches} searches, per thousand:`);
    const blocks = await closedLoop(url, body, searches, Number(values.connections), measured);
    blocks.forEach((block, i) => say(`  ${describeBlock(block, `${i + 1}`)}`));

    say(`open loop at ${values.rate} req/s for ${values.seconds} s, ${values.runs} runs:`);
    const open: Block[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const block = await openLoop(url, body, Number(values.rate), Number(values.seconds), measured);
      open.push(block);
      say(`  ${describeBlock(block, `run ${i + 1}`)}`);
    }
    const stages = await stageMeans(url);
    say(`mean wall ms per stage (gateway histogram): ${[...stages].sort((a, b) => b[1] - a[1]).map(([s, ms]) => `${s} ${round(ms, 3)}`).join(', ')}`);
    return { gateways, readySeconds, idleRssMb, blocks, open, stages, answer: check.bytes };
  } finally {
    await stopService(gateway);
    await stopService(worker);
    if (values.profile) {
      summariseProfiles(join(profileDir, 'gateway'), 'gateway');
      summariseProfiles(join(profileDir, 'worker'), 'worker');
    }
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

async function main(): Promise<void> {
  if (!values.tsx) build();
  const body = moveDatesIntoFuture(readFileSync(values.request!, 'utf8'));
  say(`# AirShopping benchmark, ${new Date().toISOString()}`);
  say(`machine: ${cpus()[0]?.model} × ${cpus().length} cores, node ${process.version}, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  say(`request: ${values.request}; processes run ${values.tsx ? 'the sources through tsx' : 'the compiled build (dist/)'}`);

  const [airlinePort, paymentPort] = [await freePort(), await freePort()];
  const serviceEnv = { LOG_LEVEL: 'warn', HOST: '127.0.0.1', AIRLINE_PORT: String(airlinePort), PAYMENT_PORT: String(paymentPort) };
  const airline = startService('airline', 'src/reference/airline/airline-main.ts', serviceEnv, { tsx: values.tsx });
  const payment = startService('payment', 'src/reference/payment/payment-main.ts', serviceEnv, { tsx: values.tsx });
  const redis = await redisServerPid(REDIS_URL);
  const base: Measured[] = [
    { name: 'airline', pids: () => [airline.child.pid!] },
    { name: 'redis', pids: () => (redis === undefined ? [] : [redis]) },
    { name: 'load generator', pids: () => [process.pid] },
  ];
  const runs: RunFigures[] = [];
  let answer: Buffer | undefined;
  try {
    await waitForHealth(`http://127.0.0.1:${airlinePort}/health`, airline);
    await waitForHealth(`http://127.0.0.1:${paymentPort}/health`, payment);
    for (const gateways of values.gateways!.split(',').map(Number)) {
      runs.push(await runWithGateways(gateways, body, `http://127.0.0.1:${airlinePort}`, `http://127.0.0.1:${paymentPort}`, base));
      answer ??= runs[runs.length - 1]!.answer;
    }

    // Ceilings, measured now on the same machine.
    say('\n## ceilings (same run)');
    const answerFile = resolve(`bench-results/answer-${process.pid}.xml`);
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(answerFile, answer!);
    const expressPort = await freePort();
    const bare: Service = {
      name: 'bare Express', output: '',
      child: spawn(process.execPath, ['-e', BARE_EXPRESS], { env: { ...process.env, PORT: String(expressPort), ANSWER_FILE: answerFile }, stdio: 'inherit' }),
    };
    await new Promise((r) => setTimeout(r, 1000));
    const bareMeasured: Measured[] = [{ name: 'express', pids: () => [bare.child.pid!] }, { name: 'load generator', pids: () => [process.pid] }];
    await closedLoop(`http://127.0.0.1:${expressPort}`, body, 2000, Number(values.connections), bareMeasured, 2000, '/');
    const bareBlocks = await closedLoop(`http://127.0.0.1:${expressPort}`, body, 10_000, Number(values.connections), bareMeasured, 2000, '/');
    await stopService(bare);
    const expressMs = median(bareBlocks.map((b) => b.cpu.get('express') ?? Number.NaN));
    const expressRps = median(bareBlocks.map((b) => b.requests / b.seconds));
    const { writerMs, xsdMs } = await inProcessCeilings(answer!);
    say(`answer: ${answer!.length} bytes`);
    say(`bare Express sending the same bytes: ${round(expressMs, 3)} CPU ms/request, ${round(expressRps, 0)} req/s (${values.connections} connections)`);
    say(`response XSD check alone (libxml2-wasm, Buffer): ${round(xsdMs, 3)} CPU ms`);
    say(`response writer alone (compiled writer, into UTF-8): ${round(writerMs, 3)} CPU ms`);

    say('\n## summary (medians of the per-thousand blocks and of the open-loop runs)');
    say('| gateway processes | ready | idle RSS | req/s (closed loop) | CPU ms/req gateway + worker | of which gateway | worker | airline | redis | p50 / p99 at ' + `${values.rate} req/s | first → last thousand CPU ms/req | first → last thousand gateway RSS |`);
    say('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const run of runs) {
      const m = (name: string): number => median(run.blocks.map((b) => b.cpu.get(name) ?? Number.NaN));
      const both = (b: Block): number => (b.cpu.get('gateway') ?? 0) + (b.cpu.get('worker') ?? 0);
      const first = run.blocks[0]!;
      const last = run.blocks[run.blocks.length - 1]!;
      say(`| ${run.gateways} | ${round(run.readySeconds, 1)} s | ${round(run.idleRssMb, 0)} MB | ${round(median(run.blocks.map((b) => b.requests / b.seconds)), 0)} | ${round(median(run.blocks.map(both)), 2)} | ${round(m('gateway'), 2)} | ${round(m('worker'), 2)} | ${round(m('airline'), 2)} | ${round(m('redis'), 2)} | `
        + `${round(median(run.open.map((o) => percentile(o.latencies, 50))), 1)} / ${round(median(run.open.map((o) => percentile(o.latencies, 99))), 1)} ms | ${round(both(first), 2)} → ${round(both(last), 2)} | ${round(first.rss.get('gateway') ?? 0, 0)} → ${round(last.rss.get('gateway') ?? 0, 0)} MB |`);
    }
    const one = runs[0]!;
    const gatewayMs = median(one.blocks.map((b) => b.cpu.get('gateway') ?? Number.NaN));
    say('\nratios to the ceilings (first run):');
    say(`  gateway CPU per request / bare Express: ${round(gatewayMs / expressMs, 1)}×`);
    say(`  build stage (wall, histogram) / writer alone: ${round((one.stages.get('build') ?? Number.NaN) / writerMs, 2)}×`);
    say(`  xsd-response stage (wall, histogram) / XSD check alone: ${round((one.stages.get('xsd-response') ?? Number.NaN) / xsdMs, 2)}×`);
    if (runs.length > 1) {
      const rps = runs.map((run) => median(run.blocks.map((b) => b.requests / b.seconds)));
      say(`  throughput with ${runs[runs.length - 1]!.gateways} gateway processes / with ${runs[0]!.gateways}: ${round(rps[rps.length - 1]! / rps[0]!, 2)}×`);
    }
  } finally {
    await stopService(airline);
    await stopService(payment);
    if (values.out) writeFileSync(values.out, `${lines.join('\n')}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
