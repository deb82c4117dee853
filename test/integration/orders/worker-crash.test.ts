import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryAvailabilityResult, InventoryBookingResult, OfferShopResult } from '../../../src/contracts/airline/index.ts';
import { createReferenceAirline, type ReferenceAirline } from '../../../src/reference/airline/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { deriveOrderId, type OrderCreateResult } from '../../../src/orchestration/index.ts';
import { createPgOrderStore, type OrderStore } from '../../../src/orders/index.ts';
import { createReferencePaymentService, type ReferencePaymentService } from '../../../src/reference/payment/index.ts';
import { createBullmqQueue, type CommandEnvelope, type CommandQueue } from '../../../src/queue/index.ts';
import { startDelayingProxy, type DelayingProxy } from '../../support/delaying-proxy.ts';
import { REDIS_URL } from '../../support/paths.ts';
import { TEST_DATABASE_URL } from '../../support/start-gateway.ts';

/**
 * A worker process killed in the middle of order.create (seats held, card authorised, order
 * written, tickets not issued yet) must not leave a second order, a dangling authorisation or
 * held seats behind. Either the job is taken over by another worker process, which finishes the
 * same order while the sender still waits, or, once the sender gave up, the client's retry with
 * the same idempotency key finishes it.
 */

const ISSUE_PATH = '/v1/inventory.issue';
/** How long the proxy holds inventory.issue: the window in which the worker is killed. */
const ISSUE_DELAY_MS = 1500;
/** Worker lock and stalled-job check; the dead worker's job runs again within about twice this. */
const QUEUE_LOCK_MS = 2000;
const logger = createLogger('silent');
const passengers = [
  { paxId: 'PAX1', ptc: 'ADT', givenName: 'Anna', surname: 'Muller' },
  { paxId: 'PAX2', ptc: 'ADT', givenName: 'Jonas', surname: 'Weber' },
];

const prefix = `test-${randomUUID()}`;
const schema = `test_${randomUUID().replaceAll('-', '')}`;
const redis = new Redis(REDIS_URL);
const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
const workers: ChildProcess[] = [];
/** The worker process serving the queue now, if any. */
let running: ChildProcess | undefined;
let airline: ReferenceAirline;
let airlineUrl: string;
let payment: ReferencePaymentService;
let paymentUrl: string;
let proxy: DelayingProxy;
let sender: CommandQueue;
let store: OrderStore | undefined;

function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** `npm run worker`, as deployed: its own process, talking to the airline through the proxy. */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker-main.ts'], {
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      QUEUE_LOCK_MS: String(QUEUE_LOCK_MS),
      AIRLINE_URL: proxy.url,
      PAYMENT_URL: paymentUrl,
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      WORKER_CONCURRENCY: '4',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  return new Promise<ChildProcess>((resolve, reject) => {
    let out = '';
    const collect = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes('workers running')) resolve(child);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before it ran: ${out}`)));
  }).then((child) => {
    running = child;
    return child;
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function availability(offerId: string): Promise<{ segmentId: string; held: number; sold: number }[]> {
  const { segments } = airline.inventory.availability({ offerId }) as InventoryAvailabilityResult;
  return segments.map(({ segmentId, held, sold }) => ({ segmentId, held, sold }));
}

async function removeKeys(): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}

beforeAll(async () => {
  airline = createReferenceAirline({ designator: 'XR', name: 'Reference Air', logger });
  ({ url: airlineUrl } = await airline.listen(0, '127.0.0.1'));
  payment = createReferencePaymentService({ logger });
  ({ url: paymentUrl } = await payment.listen(0, '127.0.0.1'));
  proxy = await startDelayingProxy({ target: airlineUrl, delayMs: ISSUE_DELAY_MS, delayedPaths: [ISSUE_PATH] });
  sender = createBullmqQueue({ redisUrl: REDIS_URL, prefix, logger, resultTtlSeconds: 60, families: ['order'] });
});

afterAll(async () => {
  await Promise.allSettled(workers.map(kill));
  await sender?.close();
  await store?.close();
  await removeKeys();
  await redis.quit();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
  await proxy?.close();
  await payment?.close();
  await airline?.close();
});

type Card = { token: string; maskedNumber: string; brand: string; expiry: string };
type Segments = Awaited<ReturnType<typeof availability>>;

interface Booking {
  readonly clientId: string;
  readonly orderId: string;
  readonly offerId: string;
  readonly before: Segments;
  /** The order.create command with a deadline `deadlineMs` from now; the same request every time. */
  command(deadlineMs: number): CommandEnvelope;
}

/** Shops a two-passenger offer and tokenises the test card, as the edge does before order.create. */
async function prepareBooking(daysAhead: number): Promise<Booking> {
  const shopped = await postJson<OfferShopResult>(`${airlineUrl}/v1/offer.shop`, {
    journeys: [{ origin: 'LHR', destination: 'FRA', date: dayFromToday(daysAhead) }, { origin: 'FRA', destination: 'LHR', date: dayFromToday(daysAhead + 7) }],
    passengers: passengers.map((p) => ({ id: p.paxId, type: p.ptc })), directOnly: true, fareFamilies: ['ECOCLASSIC'], currency: 'EUR',
  });
  const offer = shopped.offers.find((o) => o.fareFamily === 'ECOCLASSIC');
  if (!offer) throw new Error('no ECOCLASSIC offer');
  const card = await postJson<Card>(`${paymentUrl}/v1/tokens`, { cardNumber: '4111111111111111', expiry: '12/35', cvv: '123', holderName: 'ANNA MULLER' });
  const clientId = `agency-${randomUUID()}`;
  const idempotencyKey = `crash-${randomUUID()}`;
  const payload = {
    idempotencyKey, offerId: offer.offerId, passengers,
    payment: { card: { token: card.token, maskedNumber: card.maskedNumber, brand: card.brand, expiry: card.expiry }, holderName: 'ANNA MULLER' },
  };
  return {
    clientId,
    orderId: deriveOrderId(clientId, idempotencyKey),
    offerId: offer.offerId,
    before: await availability(offer.offerId),
    command: (deadlineMs) => ({
      name: 'order.create', payload,
      meta: { correlationId: `crash-${randomUUID()}`, version: '21.3', message: 'OrderCreateRQ', clientId, deadline: Date.now() + deadlineMs },
    }),
  };
}

/**
 * Sends the order and SIGKILLs the worker while it waits for inventory.issue: seats held, card
 * authorised, order written. Resolves, with the sender's answer still pending, once the worker is
 * dead and its claim on the key has run out.
 */
async function crashDuringIssue(booking: Booking, worker: ChildProcess, deadlineMs: number): Promise<{ answer: Promise<unknown> }> {
  expect(booking.before.every((s) => s.held === 0)).toBe(true);
  const issueArrived = proxy.nextCall(ISSUE_PATH);
  const answer = sender.send(booking.command(deadlineMs));
  answer.catch(() => undefined);
  const issue = await issueArrived;

  expect((await availability(booking.offerId)).map((s) => [s.held, s.sold])).toEqual(booking.before.map((s) => [s.held + passengers.length, s.sold]));
  expect(payment.authorisations().filter((a) => a.reference === booking.orderId).map((a) => a.status)).toEqual(['AUTHORISED']);
  const written = await admin.query<{ status: string; record: { payments: { status: string }[] } }>(
    `SELECT status, record FROM "${schema}".orders WHERE owner_client_id = $1`, [booking.clientId]);
  expect(written.rows.map((r) => [r.status, r.record.payments.map((p) => p.status)])).toEqual([['OPENED', ['PENDING']]]);

  await kill(worker);
  running = undefined;
  expect(await issue.forwarded).toBe(false);
  // The dead worker's claim keeps the key for the store's lease (60 s) so that no second attempt
  // runs alongside a live one; it is moved back by 60 s here instead of the test waiting for it.
  const idempotencyKey = (booking.command(0).payload as { idempotencyKey: string }).idempotencyKey;
  const aged = await admin.query(
    `UPDATE "${schema}".idempotency_keys SET created_at = created_at - interval '60 seconds' WHERE key = $1 AND state = 'in-progress'`,
    [`order.create:${idempotencyKey}`]);
  expect(aged.rowCount).toBe(1);
  return { answer };
}

/** Exactly one order for the key, ticketed and captured; no authorisation left open; seats sold once, none held. */
async function expectOneFinishedOrder(booking: Booking, answer: OrderCreateResult): Promise<void> {
  const { clientId, orderId } = booking;
  expect(answer.order.orderId).toBe(orderId);
  expect(answer.order.status).toBe('OPENED');
  // A client sending the same request again gets the same order back.
  expect(await sender.send(booking.command(10_000))).toEqual(answer);

  store ??= createPgOrderStore({ connectionString: TEST_DATABASE_URL, schema, logger, poolSize: 2 });
  const rows = await admin.query<{ order_id: string }>(`SELECT order_id FROM "${schema}".orders WHERE owner_client_id = $1`, [clientId]);
  expect(rows.rows.map((r) => r.order_id)).toEqual([orderId]);
  const order = await store.get(orderId, clientId);
  expect(order?.status).toBe('OPENED');
  expect(order?.documents.filter((d) => d.type === 'ET').map((d) => d.paxId).sort()).toEqual(['PAX1', 'PAX2']);
  expect(order?.payments.map((p) => p.status)).toEqual(['SUCCESSFUL']);

  const authorisations = payment.authorisations();
  expect(authorisations.filter((a) => a.reference === orderId).map((a) => [a.status, a.capturedAmount])).toEqual([['CAPTURED', order?.totalPrice.total]]);
  expect(authorisations.filter((a) => a.status === 'AUTHORISED')).toEqual([]);

  const after = await availability(booking.offerId);
  expect(after.map((s) => [s.held, s.sold])).toEqual(booking.before.map((s) => [0, s.sold + passengers.length]));
  const held = airline.inventory.booking({ orderId }) as InventoryBookingResult;
  expect(held.items.filter((i) => i.status === 'HELD')).toEqual([]);
  expect(held.documents.filter((d) => d.status === 'ISSUED').map((d) => d.number).sort()).toEqual(order?.documents.map((d) => d.number).sort());
}

/** Waits until no order job is waiting or running: the dead worker's job did not linger. */
async function expectQueueDrained(withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  let depth = await sender.depth();
  while ((depth.order ?? 0) > 0 && Date.now() < until) {
    await sleep(200);
    depth = await sender.depth();
  }
  expect(depth).toEqual({ order: 0 });
}

describe('order.create when its worker process is killed', () => {
  it('is taken over by another worker process while the sender waits: one order, ticketed and captured, seats sold once, nothing left held or authorised', async () => {
    const worker = startWorker();
    worker.catch(() => undefined);
    const booking = await prepareBooking(45);
    // The sender waits long enough for the job to be taken over after the kill.
    const { answer } = await crashDuringIssue(booking, await worker, 25_000);

    await startWorker();
    const restartedAt = Date.now();
    const result = await answer as OrderCreateResult;
    // The new worker took the job over through the stalled-job check, then issued (held by the proxy) and captured.
    const takeoverMs = Date.now() - restartedAt;
    expect(takeoverMs).toBeLessThan(2 * QUEUE_LOCK_MS + ISSUE_DELAY_MS + 8000);
    expect(proxy.calls.filter((c) => c.path === ISSUE_PATH)).toHaveLength(2);

    await expectOneFinishedOrder(booking, result);
    await expectQueueDrained(0);
  }, 40_000);

  it('is finished by the client\'s retry with the same key once the sender gave up; the killed job does not linger', async () => {
    const worker = running ? Promise.resolve(running) : startWorker();
    worker.catch(() => undefined);
    const booking = await prepareBooking(60);
    const issuesBefore = proxy.calls.length;
    const { answer } = await crashDuringIssue(booking, await worker, 3000);
    await expect(answer).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });

    await startWorker();
    const result = await sender.send(booking.command(15_000)) as OrderCreateResult;
    expect(proxy.calls.length - issuesBefore).toBe(2);

    await expectOneFinishedOrder(booking, result);
    // The killed job does not linger: the sender removes it once it gave up, or the next worker drops it, its deadline passed.
    await expectQueueDrained(2 * QUEUE_LOCK_MS + 2000);
  }, 40_000);
});
