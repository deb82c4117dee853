/**
 * Durable OrderCreate throughput end to end: POST /api/v1/one-order/create through the queue
 * (BullMQ on Redis by default), the order lifecycle (offer check, hold, card authorisation,
 * PostgreSQL write, ticketing and capture) and back. Everything runs in this process, like
 * `npm start` with REDIS_URL and DATABASE_URL set; the load generator too.
 *   npx tsx scripts/bench-order-create.ts [--orders 600] [--concurrency 32] [--queue bullmq|in-process]
 * Offers are shopped first (one adult each, spread over many dates so no flight sells out);
 * each order is paid with the approving test card. Prints orders/s, p50 and p99, and the machine.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Pool } from 'undici';
import { createReferenceAirline } from '../src/airline/index.ts';
import { loadConfig } from '../src/config/config.ts';
import { createGateway } from '../src/gateway.ts';
import { createLogger } from '../src/log/logger.ts';
import { createReferencePaymentService } from '../src/payment/index.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '600' },
    concurrency: { type: 'string', default: '32' },
    queue: { type: 'string', default: 'bullmq' },
    database: { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/test' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const orders = Number(values.orders);
const concurrency = Number(values.concurrency);
const ROUTES = [['LHR', 'FRA'], ['FRA', 'LHR'], ['LHR', 'JFK'], ['JFK', 'LHR'], ['DXB', 'LHR'], ['LHR', 'DXB'], ['SIN', 'DXB'], ['DXB', 'SIN']] as const;

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const schema = `bench_${randomUUID().replaceAll('-', '')}`;
  const prefix = `bench-${randomUUID()}`;
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    LOG_LEVEL: 'warn',
    MAPPINGS_WATCH: 'false',
    NDC_VERSIONS: '21.3',
    DATABASE_URL: values.database!,
    DATABASE_SCHEMA: schema,
    QUEUE_PREFIX: prefix,
    WORKER_CONCURRENCY: String(concurrency),
    ...(values.queue === 'bullmq' ? { REDIS_URL: values.redis! } : { REDIS_URL: '' }),
  });
  const logger = createLogger('warn');
  const airline = createReferenceAirline({ designator: config.airlineDesignator, name: config.airlineName, logger });
  const { url: airlineUrl } = await airline.listen(0);
  const payment = createReferencePaymentService({ logger, amountLimit: 1_000_000 });
  const { url: paymentUrl } = await payment.listen(0);
  const gateway = await createGateway(config, logger, { airlineUrl, paymentUrl });
  const server = gateway.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new Pool(base, { connections: concurrency });
  try {
    // Offers first, outside the measurement.
    const offerIds: string[] = [];
    for (let i = 0; offerIds.length < orders; i += 1) {
      const [origin, destination] = ROUTES[i % ROUTES.length]!;
      const shop = await fetch(`${airlineUrl}/v1/offer.shop`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ journeys: [{ origin, destination, date: day(20 + (i % 200)) }], passengers: [{ id: 'PAX1', type: 'ADT' }], maxOffers: 3 }),
      });
      const result = (await shop.json()) as { offers?: { offerId: string }[] };
      for (const offer of result.offers ?? []) if (offerIds.length < orders) offerIds.push(offer.offerId);
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
    await create(offerIds.pop()!); // warm-up: opens the store, compiles what the first order needs
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < offerIds.length) {
        const { ms, status } = await create(offerIds[next++]!);
        if (status === 201) latencies.push(ms);
        else failures += 1;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(`machine: ${cpus()[0]?.model} × ${cpus().length} cores, node ${process.version}; queue ${values.queue}; PostgreSQL, synchronous commit`);
    console.log(`${latencies.length} orders in ${seconds.toFixed(1)} s: ${(latencies.length / seconds).toFixed(0)} orders/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, failures ${failures} (target ≥ 300 orders/s)`);
    if (firstFailure) console.log(`first failure: ${firstFailure}`);
  } finally {
    await client.close();
    server.close();
    await gateway.close();
    await airline.close();
    await payment.close();
    const db = new pg.Client({ connectionString: values.database });
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
    if (values.queue === 'bullmq') {
      const { Redis } = await import('ioredis');
      const redis = new Redis(values.redis!);
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
