/**
 * Journeys held in Redis and journey steps over HTTP.
 *
 *   npm run bench:journeys -- [--journeys 50000] [--rate 500] [--seconds 30] [--runs 3] [--pool 300] [--part 1,2] [--tsx]
 *
 * Part 1, memory: `journeys` journeys written through the Redis journey store (the compare-and-set
 * script, the idle set, and for the NDC ones their 21 offer links), shaped as the journey service
 * keeps them: a search of 3 passengers with 20 offer summaries, a filter, and for the later states
 * the priced offer and the passengers' data. Redis `used_memory` before and after gives the bytes
 * per journey (documents are deflated JSON); the ceilings, in the same run, are the same documents
 * written with one plain SET each, deflated and as JSON.
 * Also the CPU ms per write of this process and of redis-server, and one idle sweep of them all.
 *
 * Part 2, latency: the gateway (`npm start`, compiled unless --tsx, with REDIS_URL so journeys live
 * in Redis and events go to the Redis Stream) with the reference airline and payment service, each a
 * process. `pool` journeys are searched (and half of them priced and given customer data) first;
 * then an open loop at `rate` steps/s for `seconds` runs the steps that do not call the airline:
 * status, filter, a page of offers, customer data, in equal parts, round-robin over the journeys.
 * Latency is measured from the time each step was due (no coordinated omission): p50, p95, p99, and
 * the CPU ms per step of the gateway and redis-server. The ceiling, in the same run and at the same
 * rate: the gateway's cheapest authenticated route (`/api/v1/monitoring/live`). Medians over `runs`.
 */
import { randomUUID } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { DEMO_API_KEY } from '../src/auth/index.ts';
import type { JourneyData, OfferSummary } from '../src/journeys/journey-data.ts';
import type { JourneyChannel, JourneyState } from '../src/journeys/journey-states.ts';
import type { JourneyRecord } from '../src/journeys/journey-store.ts';
import { createRedisJourneyStore } from '../src/journeys/redis-journey-store.ts';
import { build, cpuMs, freePort, median, percentile, redisServerPid, startService, stopService, waitForHealth, type Service } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    journeys: { type: 'string', default: '50000' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '30' },
    runs: { type: 'string', default: '3' },
    pool: { type: 'string', default: '300' },
    part: { type: 'string', default: '1,2' },
    tsx: { type: 'boolean', default: false },
  },
});
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const parts = new Set(values.part.split(',').map((p) => p.trim()));
const MB = 1024 * 1024;

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
}

/** Deletes every key under `prefix`, with SCAN and UNLINK so the server is not blocked. */
async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** Twenty offers as the journey service summarises an offer.shop result. */
function buildOffers(i: number): OfferSummary[] {
  return Array.from({ length: 20 }, (_, n) => ({
    offerId: `OF-${randomUUID()}`,
    total: 180 + ((i * 37 + n * 53) % 900) + 0.45,
    currency: 'EUR',
    stops: n % 3 === 0 ? 0 : 1,
    departure: `${day(30)}T${String(6 + (n % 16)).padStart(2, '0')}:${n % 2 ? '35' : '05'}`,
    arrival: `${day(30)}T${String(9 + (n % 14)).padStart(2, '0')}:${n % 2 ? '50' : '20'}`,
    carriers: n % 4 === 0 ? ['XR', 'LH'] : ['XR'],
    cabin: 'ECONOMY',
    flightNumbers: n % 3 === 0 ? [`XR${100 + n}`] : [`XR${100 + n}`, `XR${400 + n}`],
    expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
  }));
}

/** A journey as the service keeps it: half shopping, a third with customer data, the rest failing payment; one in five from NDC. */
function buildJourney(i: number): { record: JourneyRecord; links: string[] } {
  const at = new Date().toISOString();
  const channel: JourneyChannel = i % 5 === 0 ? 'ndc' : (['web', 'mobile', 'agent', 'api'] as const)[i % 4]!;
  const offers = buildOffers(i);
  const path: JourneyState[] = ['Journey_Init', 'Shopping'];
  const data: Record<string, unknown> = {
    search: {
      origin: 'FRA', destination: 'JFK', date: day(30), cabin: 'ECONOMY',
      passengers: [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'ADT' }, { id: 'PAX3', type: 'CHD' }],
    },
    shoppingResponseId: `SR-${randomUUID()}`,
    offers,
    filter: { maxPrice: 900, maxStops: 1, departureFrom: '06:00', departureTo: '22:00' },
  } satisfies JourneyData;
  if (i % 2 === 1) {
    path.push('Offer_Selection', 'Booking_Start', 'Customer_Data');
    data.selectedOfferId = offers[3]!.offerId;
    data.priced = { offerId: offers[3]!.offerId, total: offers[3]!.total, currency: 'EUR', priceChanged: false };
    data.customer = {
      passengers: [
        { paxId: 'PAX1', ptc: 'ADT', givenName: 'Ada', surname: 'Lovelace', title: 'MS', gender: 'F' },
        { paxId: 'PAX2', ptc: 'ADT', givenName: 'William', surname: 'King', title: 'MR', gender: 'M' },
        { paxId: 'PAX3', ptc: 'CHD', givenName: 'Byron', surname: 'King', birthdate: '2019-04-02', gender: 'M' },
      ],
      contact: { email: 'ada.lovelace@example.com', phone: { countryDialingCode: '44', number: '2071234567' } },
    };
    if (i % 6 === 5) {
      path.push('Payment_Process', 'Payment_Failed', 'Payment_Retry');
      data.orderId = `ORD-${randomUUID()}`;
      data.paymentFailures = 1;
    }
  }
  const history = path.slice(1).map((to, n) => ({ from: path[n]!, to, channel, at }));
  const record: JourneyRecord = {
    journeyId: randomUUID(),
    resumeTokenHash: 'f'.repeat(64),
    clientId: channel === 'ndc' ? 'travel-agency-1' : 'web-shop',
    channel,
    customerRef: `CUST-${i}`,
    state: path[path.length - 1]!,
    version: 1,
    createdAt: at,
    updatedAt: at,
    enteredStateAt: at,
    history,
    variants: { 'checkout-2027': i % 2 ? 'B' : 'A' },
    data,
  };
  const links = channel === 'ndc' ? [data.shoppingResponseId as string, ...offers.map((o) => o.offerId)] : [];
  return { record, links };
}

/** Runs `work(i)` for i < count with `concurrency` in flight. */
async function runAll(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await work(next++);
  }));
}

async function partMemory(redis: Redis, redisPid: number): Promise<void> {
  const count = Number(values.journeys);
  const prefix = `bench-${randomUUID()}:journey`;
  const store = createRedisJourneyStore({ redisUrl: REDIS_URL, prefix, idleMs: 1_800_000, finalRetentionMs: 86_400_000 });
  const journeys = Array.from({ length: count }, (_, i) => buildJourney(i));
  const jsonBytes = journeys.reduce((sum, j) => sum + Buffer.byteLength(JSON.stringify(j.record)), 0) / count;
  try {
    const before = await usedMemory(redis);
    const cpuBefore = process.cpuUsage();
    const redisBefore = cpuMs(redisPid);
    const started = performance.now();
    await runAll(count, 64, async (i) => {
      const { record, links } = journeys[i]!;
      await store.create(record);
      if (links.length > 0) await store.linkOffers(record.journeyId, links);
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const redisCpu = cpuMs(redisPid) - redisBefore;
    const after = await usedMemory(redis);
    const held = await store.count();
    // Every journey idle at once, claimed in batches of 100 as the sweeper does: each call holds Redis that long.
    const sweepStarted = performance.now();
    let claimed = 0;
    let longestCallMs = 0;
    for (;;) {
      const callStarted = performance.now();
      const batch = await store.takeIdle(Date.now() + 2_000_000, 100);
      longestCallMs = Math.max(longestCallMs, performance.now() - callStarted);
      claimed += batch.length;
      if (batch.length < 100) break;
    }
    const sweepMs = performance.now() - sweepStarted;
    await dropKeys(redis, prefix);

    // Ceilings: the same documents as plain strings, one SET each, as JSON and deflated as the store keeps them.
    const plainSet = async (pack: (record: JourneyRecord) => string | Buffer): Promise<{ bytes: number; cpuMs: number }> => {
      const plainPrefix = `bench-${randomUUID()}:plain`;
      const plainBefore = await usedMemory(redis);
      const plainCpuBefore = process.cpuUsage();
      await runAll(count, 64, async (i) => {
        const { record } = journeys[i]!;
        await redis.set(`${plainPrefix}:${record.journeyId}`, pack(record), 'PX', 1_860_000);
      });
      const plainCpu = process.cpuUsage(plainCpuBefore);
      const bytes = ((await usedMemory(redis)) - plainBefore) / count;
      await dropKeys(redis, plainPrefix);
      return { bytes, cpuMs: (plainCpu.user + plainCpu.system) / 1000 / count };
    };
    const plainJson = await plainSet((record) => JSON.stringify(record));
    const plainDeflated = await plainSet((record) => deflateRawSync(JSON.stringify(record), { level: 1 }));

    const perJourney = (after - before) / count;
    console.log(`part 1: ${count.toLocaleString('en')} journeys held in Redis (${held.toLocaleString('en')} counted), JSON document ${(jsonBytes / 1024).toFixed(1)} KB on average, one in five with 21 offer links`);
    console.log(`  used_memory ${(before / MB).toFixed(1)} MB → ${(after / MB).toFixed(1)} MB: +${((after - before) / MB).toFixed(1)} MB, ${(perJourney / 1024).toFixed(2)} KB per journey (target: ${count.toLocaleString('en')} in ≤ 1024 MB)`);
    console.log(`  ceiling, the same documents with one plain SET each: deflated as the store keeps them ${(plainDeflated.bytes / 1024).toFixed(2)} KB per journey (the store uses ${(perJourney / plainDeflated.bytes).toFixed(2)}×, with the idle set and the offer links), as JSON ${(plainJson.bytes / 1024).toFixed(2)} KB`);
    console.log(`  writes: ${(count / seconds).toFixed(0)} journeys/s with 64 in flight; CPU ms per journey: this process ${((cpu.user + cpu.system) / 1000 / count).toFixed(3)} (plain SET: deflated ${plainDeflated.cpuMs.toFixed(3)}, JSON ${plainJson.cpuMs.toFixed(3)}), redis-server ${(redisCpu / count).toFixed(3)}`);
    console.log(`  all ${claimed.toLocaleString('en')} idle at once, claimed 100 at a time: ${sweepMs.toFixed(0)} ms in all, the longest call ${longestCallMs.toFixed(1)} ms`);
  } finally {
    await store.close();
    await dropKeys(redis, prefix);
  }
}

interface LoopFigures {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly failures: number;
  readonly firstFailure: string | undefined;
  readonly gatewayCpu: number;
  readonly redisCpu: number;
  readonly achieved: number;
}

/** An open loop: `rate` requests per second for `seconds`, each timed from when it was due. */
async function runOpenLoop(rate: number, seconds: number, send: (n: number) => Promise<number>, pids: { gateway: number; redis: number }): Promise<LoopFigures> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const gatewayBefore = cpuMs(pids.gateway);
  const redisBefore = cpuMs(pids.redis);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let n = 0; n < total; n += 1) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((done) => setTimeout(done, wait));
    inFlight.push(send(n).then(
      (status) => {
        if (status >= 400) {
          failures += 1;
          firstFailure ??= `status ${status}`;
        }
        latencies.push(performance.now() - due);
      },
      (err: unknown) => {
        failures += 1;
        firstFailure ??= String(err);
      },
    ));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    failures,
    firstFailure,
    gatewayCpu: (cpuMs(pids.gateway) - gatewayBefore) / total,
    redisCpu: (cpuMs(pids.redis) - redisBefore) / total,
    achieved: total / elapsed,
  };
}

interface BenchJourney {
  readonly journeyId: string;
  readonly resumeToken: string;
  readonly offerIds: string[];
}

async function partLatency(redis: Redis, redisPid: number): Promise<void> {
  if (!values.tsx) build();
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const runs = Number(values.runs);
  const poolSize = Number(values.pool);
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  // Its own embedded order store, so the benchmark's journeys never reach the developer's data folder.
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-journeys-'));
  const [airlinePort, paymentPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
  const common = { LOG_LEVEL: 'warn', HOST: '127.0.0.1', AIRLINE_PORT: String(airlinePort), PAYMENT_PORT: String(paymentPort) };
  const services: Service[] = [];
  const http = new Pool(`http://127.0.0.1:${gatewayPort}`, { connections: 64 });
  try {
    const airline = startService('airline', 'src/reference/airline/airline-main.ts', common, { tsx: values.tsx });
    const payment = startService('payment', 'src/reference/payment/payment-main.ts', common, { tsx: values.tsx });
    services.push(airline, payment);
    await waitForHealth(`http://127.0.0.1:${airlinePort}/health`, airline);
    await waitForHealth(`http://127.0.0.1:${paymentPort}/health`, payment);
    const gateway = startService('gateway', 'src/main.ts', {
      ...common, PORT: String(gatewayPort), REDIS_URL, QUEUE_PREFIX: prefix, MAPPINGS_WATCH: 'false', NDC_VERSIONS: '21.3',
      AIRLINE_URL: `http://127.0.0.1:${airlinePort}`, PAYMENT_URL: `http://127.0.0.1:${paymentPort}`, WORKER_PORT: '0', DATA_DIR: dataDir,
    }, { tsx: values.tsx });
    services.push(gateway);
    await waitForHealth(`http://127.0.0.1:${gatewayPort}/api/v1/monitoring/health`, gateway);

    async function call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, token?: string): Promise<{ status: number; json: Record<string, any> }> {
      const res = await http.request({
        method,
        path,
        headers: {
          'x-api-key': DEMO_API_KEY,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { 'journey-resume-token': token } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.body.text();
      return { status: res.statusCode, json: text ? (JSON.parse(text) as Record<string, any>) : {} };
    }
    const expectOk = (answer: { status: number; json: unknown }, step: string): void => {
      if (answer.status >= 300) throw new Error(`${step}: ${answer.status} ${JSON.stringify(answer.json).slice(0, 400)}`);
    };

    // Set-up, outside the measurement: journeys searched, and every other one priced with customer data.
    const shopping: BenchJourney[] = [];
    const customers: BenchJourney[] = [];
    const passengers = [{ givenName: 'Ada', surname: 'Lovelace', title: 'MS' }, { givenName: 'William', surname: 'King', title: 'MR' }];
    await runAll(poolSize, 8, async (i) => {
      const init = await call('POST', '/api/v1/journey/shopping/init', { channel: 'web', customerRef: `CUST-${i}` });
      expectOk(init, 'init');
      const { journeyId, resumeToken } = init.json as { journeyId: string; resumeToken: string };
      const search = await call('POST', '/api/v1/journey/shopping/search', {
        journeyId, resumeToken, origin: ['LHR', 'FRA', 'DXB'][i % 3], destination: ['JFK', 'SIN', 'LHR'][i % 3], date: day(20 + (i % 200)), passengers: { adults: 2 },
      });
      expectOk(search, 'search');
      const page = await call('GET', `/api/v1/journey/shopping/offers?journeyId=${journeyId}&limit=100`, undefined, resumeToken);
      expectOk(page, 'offers');
      const offerIds = ((page.json.offers ?? []) as { offerId: string }[]).map((o) => o.offerId);
      if (offerIds.length === 0) throw new Error('a search found no offers');
      const journey = { journeyId, resumeToken, offerIds };
      if (i % 2 === 0) {
        shopping.push(journey);
        return;
      }
      expectOk(await call('POST', '/api/v1/journey/booking/start', { journeyId, resumeToken, offerId: offerIds[0] }), 'booking start');
      expectOk(await call('PUT', '/api/v1/journey/booking/customer', { journeyId, resumeToken, passengers, contact: { email: 'ada@example.com', phone: { number: '2071234567' } } }), 'customer');
      customers.push(journey);
    });

    /** Step `n` of the loop: status, filter, offers, customer in turn, round-robin over the journeys. */
    const step = async (n: number): Promise<number> => {
      const kind = n % 4;
      const round = Math.floor(n / 4);
      if (kind === 0) {
        const journey = (round % 2 ? customers : shopping)[Math.floor(round / 2) % shopping.length]!;
        return (await call('GET', `/api/v1/journey/status/${journey.journeyId}`, undefined, journey.resumeToken)).status;
      }
      if (kind === 1) {
        const journey = shopping[round % shopping.length]!;
        return (await call('PUT', '/api/v1/journey/shopping/filter', { journeyId: journey.journeyId, resumeToken: journey.resumeToken, maxPrice: 400 + (round % 900), maxStops: round % 2 })).status;
      }
      if (kind === 2) {
        const journey = shopping[(round + 7) % shopping.length]!;
        return (await call('GET', `/api/v1/journey/shopping/offers?journeyId=${journey.journeyId}&limit=10`, undefined, journey.resumeToken)).status;
      }
      const journey = customers[round % customers.length]!;
      return (await call('PUT', '/api/v1/journey/booking/customer', {
        journeyId: journey.journeyId, resumeToken: journey.resumeToken, passengers, contact: { email: `ada${round}@example.com`, phone: { number: '2071234567' } },
      })).status;
    };
    const live = async (): Promise<number> => (await call('GET', '/api/v1/monitoring/live')).status;
    const pids = { gateway: gateway.child.pid!, redis: redisPid };

    // Warm-up at the same rate, not counted.
    await runOpenLoop(rate, 3, step, pids);
    const steps: LoopFigures[] = [];
    const ceilings: LoopFigures[] = [];
    for (let run = 1; run <= runs; run += 1) {
      const figures = await runOpenLoop(rate, seconds, step, pids);
      const ceiling = await runOpenLoop(rate, Math.min(seconds, 10), live, pids);
      steps.push(figures);
      ceilings.push(ceiling);
      console.log(`run ${run}: ${figures.achieved.toFixed(0)} steps/s, p50 ${figures.p50.toFixed(1)} ms, p95 ${figures.p95.toFixed(1)}, p99 ${figures.p99.toFixed(1)}, failures ${figures.failures}${figures.firstFailure ? ` (${figures.firstFailure})` : ''}; CPU ms/step gateway ${figures.gatewayCpu.toFixed(2)}, redis-server ${figures.redisCpu.toFixed(3)}; ceiling /live p99 ${ceiling.p99.toFixed(1)} ms, ${ceiling.gatewayCpu.toFixed(2)} CPU ms`);
    }
    const m = (list: LoopFigures[], pick: (f: LoopFigures) => number): number => median(list.map(pick));
    console.log(`part 2: ${poolSize} journeys (${shopping.length} shopping, ${customers.length} with customer data), steps without the airline (status, filter, offers page, customer data) at ${rate}/s open loop for ${seconds} s, medians of ${runs} runs`);
    console.log(`  p50 ${m(steps, (f) => f.p50).toFixed(1)} ms, p95 ${m(steps, (f) => f.p95).toFixed(1)} ms, p99 ${m(steps, (f) => f.p99).toFixed(1)} ms (target p99 ≤ 20 ms); failures ${m(steps, (f) => f.failures)}`);
    console.log(`  CPU ms per step: gateway ${m(steps, (f) => f.gatewayCpu).toFixed(2)}, redis-server ${m(steps, (f) => f.redisCpu).toFixed(3)}`);
    console.log(`  ceiling, GET /api/v1/monitoring/live at the same rate: p99 ${m(ceilings, (f) => f.p99).toFixed(1)} ms, gateway ${m(ceilings, (f) => f.gatewayCpu).toFixed(2)} CPU ms per request; a step costs ${(m(steps, (f) => f.gatewayCpu) / m(ceilings, (f) => f.gatewayCpu)).toFixed(1)}× its CPU`);
  } finally {
    await http.close();
    for (const service of services.reverse()) await stopService(service);
    await dropKeys(redis, prefix);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const redisPid = (await redisServerPid(REDIS_URL)) ?? 0;
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
    console.log(`machine: ${cpus()[0]?.model} × ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}, Redis ${version}`);
    if (parts.has('1')) await partMemory(redis, redisPid);
    if (parts.has('2')) await partLatency(redis, redisPid);
  } finally {
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
