import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, NOTIFICATIONS_DEAD_QUEUE, SIGNATURE_HEADER, verifyNotificationSignature } from '../../../src/notifications/index.ts';
import { bookOrder, changeFlight, shopOffer, type BookedOrder } from '../../support/airline-change-support.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { startGatewayWithClients, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';
import { xmllintText } from '../../support/xmllint.ts';
import { dropRedisPrefix, REDIS_URL, startReceiver, type Receiver, type Received } from '../notifications/notification-fixtures.ts';

/**
 * Issue 11 end to end, on BullMQ (Redis) and PostgreSQL: the reference airline's operations move
 * a flight (`POST /admin/flights/change`); the airline tells the gateway of the orders hit
 * (`POST /api/v1/airline/events`); each order gets its new version and its notice; the notices go
 * to the sellers' webhooks, signed, once per order: a JSON receiver that fails twice gets the
 * notice a third time and acknowledges it, one that never answers well ends dead (BullMQ
 * dead-letter queue) and gets it again on redelivery, and sellers that asked for NDC get an
 * XSD-valid OrderChangeNotifRQ (21.3) or OrderChangeNotif (17.2).
 */

const CHANGE = 'order.airline_initiated_change';
const KEYS = {
  a: 'e2e-agency-a-4f1d0c2b9e', b: 'e2e-agency-b-7a3e5d1c08', flaky: 'e2e-agency-flaky-2c9b', dead: 'e2e-agency-dead-5e7f1a',
  ndc21: 'e2e-agency-ndc21-8d2c', ndc17: 'e2e-agency-ndc17-1b6e', airline: 'e2e-airline-xr-0f3a6c',
} as const;
const SECRETS = {
  a: 'secret-agency-a-0123456789abcdef0123', b: 'secret-agency-b-fedcba9876543210fedc', flaky: 'secret-flaky-00112233445566778899',
  dead: 'secret-dead-99887766554433221100aa', ndc21: 'secret-ndc21-aabbccddeeff00112233', ndc17: 'secret-ndc17-33221100ffeeddccbbaa',
} as const;

type Seller = keyof typeof SECRETS;

const changeNotices = (receiver: Receiver): Received[] => receiver.received.filter((r) => r.headers[EVENT_TYPE_HEADER.toLowerCase()] === CHANGE);
const header = (received: Received, name: string): string => String(received.headers[name.toLowerCase()]);

describe('an airline schedule change reaches the sellers of the orders it hits', () => {
  const prefix = `test-e2e-${randomUUID()}`;
  let gw: RunningGateway;
  const receivers = {} as Record<Seller, Receiver>;
  /** Receivers answer well from this many attempts of an airline-change notice on (flaky: 3; dead: never, until redelivery). */
  let deadAnswers = 503;
  const booked = {} as Record<'a1' | 'a2' | 'b1' | 'bOther' | 'flaky' | 'dead' | 'ndc21' | 'ndc17', BookedOrder>;
  let segmentId = '';

  /** The airline-change delivery of an order, as its seller lists it. */
  async function changeDelivery(key: string, orderId: string): Promise<{ deliveryId: string; status: string; attempts: number } | undefined> {
    const response = await fetch(`${gw.url}/api/v1/notifications/deliveries?orderId=${orderId}`, { headers: { 'x-api-key': key } });
    const { deliveries } = await response.json() as { deliveries: { deliveryId: string; eventType: string; status: string; attempts: number }[] };
    return deliveries.find((d) => d.eventType === CHANGE);
  }

  beforeAll(async () => {
    receivers.a = await startReceiver();
    receivers.b = await startReceiver();
    receivers.flaky = await startReceiver((_n, got) => (got.headers[EVENT_TYPE_HEADER.toLowerCase()] === CHANGE && changeNotices(receivers.flaky).length <= 2 ? 500 : 204));
    receivers.dead = await startReceiver((_n, got) => (got.headers[EVENT_TYPE_HEADER.toLowerCase()] === CHANGE ? deadAnswers : 204));
    receivers.ndc21 = await startReceiver();
    receivers.ndc17 = await startReceiver();
    const seller = (id: Seller, format: 'json' | 'ndc' = 'json', version?: string) => ({
      id: `agency-${id}`, name: `Agency ${id}`, apiKeys: [hashApiKey(KEYS[id])], messages: ['*'],
      notifications: { url: receivers[id].url, format, ...(version ? { version } : {}), secret: SECRETS[id] },
    });
    gw = await startGatewayWithClients([
      seller('a'), seller('b'), seller('flaky'), seller('dead'), seller('ndc21', 'ndc', '21.3'), seller('ndc17', 'ndc', '17.2'),
      { id: 'airline-xr', name: 'XR operations', apiKeys: [hashApiKey(KEYS.airline)], messages: ['OrderChangeNotifRQ'], airlines: ['XR'] },
    ], {
      REDIS_URL, QUEUE_PREFIX: prefix, NDC_VERSIONS: '21.3,17.2',
      NOTIFY_BACKOFF_BASE_MS: '50', NOTIFY_BACKOFF_MAX_MS: '200', NOTIFY_DISPATCH_MS: '50', NOTIFY_MAX_AGE_MS: '4000',
    }, undefined, { airlineEventsKey: KEYS.airline });

    const onFlight = () => shopOffer(gw.airlineUrl, { origin: 'LHR', destination: 'FRA' }, 33);
    booked.a1 = await bookOrder(gw.url, KEYS.a, await onFlight(), 'e2e-a1');
    booked.a2 = await bookOrder(gw.url, KEYS.a, await onFlight(), 'e2e-a2');
    booked.b1 = await bookOrder(gw.url, KEYS.b, await onFlight(), 'e2e-b1');
    booked.bOther = await bookOrder(gw.url, KEYS.b, await shopOffer(gw.airlineUrl, { origin: 'LHR', destination: 'FRA' }, 34), 'e2e-b-other');
    booked.flaky = await bookOrder(gw.url, KEYS.flaky, await onFlight(), 'e2e-flaky');
    booked.dead = await bookOrder(gw.url, KEYS.dead, await onFlight(), 'e2e-dead');
    booked.ndc21 = await bookOrder(gw.url, KEYS.ndc21, await onFlight(), 'e2e-ndc21');
    booked.ndc17 = await bookOrder(gw.url, KEYS.ndc17, await onFlight(), 'e2e-ndc17');
    segmentId = booked.a1.segments[0]!.segmentId;
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    for (const receiver of Object.values(receivers)) await receiver.close();
    await dropRedisPrefix(prefix);
  });

  it('books the orders on one flight, and one of agency B on another', () => {
    for (const order of [booked.a2, booked.b1, booked.flaky, booked.dead, booked.ndc21, booked.ndc17]) expect(order.segments[0]!.segmentId).toBe(segmentId);
    expect(booked.bOther.segments[0]!.segmentId).not.toBe(segmentId);
  });

  it('moves the flight at the airline, which tells the gateway of exactly the orders on it', async () => {
    const answer = await changeFlight(gw.airlineUrl, { segmentId, kind: 'SCHEDULE_CHANGE', shiftMinutes: 75, reason: 'Slot moved by the airport' });
    expect([...answer.orderIds].sort()).toEqual([booked.a1, booked.a2, booked.b1, booked.flaky, booked.dead, booked.ndc21, booked.ndc17].map((o) => o.orderId).sort());
    expect(answer.delivery).toMatchObject({ status: 'DELIVERED', lastStatus: 200 });
  });

  it('notifies agencies A and B once per order, signed with their own secret', async () => {
    await waitFor(() => changeNotices(receivers.a).length >= 2 && changeNotices(receivers.b).length >= 1);
    // Time for any duplicate to show up.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const toA = changeNotices(receivers.a);
    const toB = changeNotices(receivers.b);
    expect(toA.map((r) => JSON.parse(r.body).orderId).sort()).toEqual([booked.a1.orderId, booked.a2.orderId].sort());
    expect(toB.map((r) => JSON.parse(r.body).orderId)).toEqual([booked.b1.orderId]);
    for (const [received, own, other] of [...toA.map((r) => [r, SECRETS.a, SECRETS.b] as const), ...toB.map((r) => [r, SECRETS.b, SECRETS.a] as const)]) {
      expect(verifyNotificationSignature({ header: header(received, SIGNATURE_HEADER), body: received.body, secret: own })).toBe(true);
      expect(verifyNotificationSignature({ header: header(received, SIGNATURE_HEADER), body: received.body, secret: other })).toBe(false);
      const body = JSON.parse(received.body);
      expect(header(received, EVENT_ID_HEADER)).toBe(body.id);
      expect(body).toMatchObject({ type: CHANGE, data: { changeId: expect.any(String) } });
      expect(body.order.airlineChanges[0]).toMatchObject({ status: 'PENDING', reason: 'Slot moved by the airport' });
    }
    expect(new Set([...toA, ...toB].map((r) => header(r, EVENT_ID_HEADER))).size).toBe(3);
  });

  it('retries a webhook that fails twice: the third attempt, same event id, is acknowledged', async () => {
    await waitFor(async () => (await changeDelivery(KEYS.flaky, booked.flaky.orderId))?.status === 'delivered');
    const attempts = changeNotices(receivers.flaky);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((r) => header(r, EVENT_ID_HEADER))).size).toBe(1);
    expect(await changeDelivery(KEYS.flaky, booked.flaky.orderId)).toMatchObject({ status: 'delivered', attempts: 3 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(changeNotices(receivers.flaky)).toHaveLength(3);
  });

  it('gives up on a webhook that never acknowledges (dead, in the dead-letter queue), and redelivers it on request', async () => {
    const deliveriesOf = () => changeDelivery(KEYS.dead, booked.dead.orderId);
    await waitFor(async () => (await deliveriesOf())?.status === 'dead', 100);
    const dead = (await deliveriesOf())!;
    expect(dead.attempts).toBeGreaterThanOrEqual(2);
    const queue = new Queue(NOTIFICATIONS_DEAD_QUEUE, { connection: { url: REDIS_URL }, prefix });
    try {
      const jobs = await queue.getJobs(['waiting', 'completed', 'failed', 'delayed', 'active']);
      expect(jobs.map((j) => String(j.id ?? j.data?.deliveryId))).toContainEqual(expect.stringContaining(dead.deliveryId));
    } finally {
      await queue.close();
    }

    deadAnswers = 204;
    const tried = changeNotices(receivers.dead).length;
    const redeliver = await fetch(`${gw.url}/api/v1/notifications/deliveries/${dead.deliveryId}/redeliver`, { method: 'POST', headers: { 'x-api-key': KEYS.dead } });
    expect(redeliver.status).toBe(202);
    await waitFor(async () => (await deliveriesOf())?.status === 'delivered');
    const last = changeNotices(receivers.dead).at(-1)!;
    expect(changeNotices(receivers.dead).length).toBe(tried + 1);
    expect(header(last, EVENT_ID_HEADER)).toBe(dead.deliveryId);
    expect(verifyNotificationSignature({ header: header(last, SIGNATURE_HEADER), body: last.body, secret: SECRETS.dead })).toBe(true);
  });

  it('sends NDC sellers an XSD-valid OrderChangeNotifRQ (21.3) and OrderChangeNotif (17.2), signed', async () => {
    await waitFor(() => changeNotices(receivers.ndc21).length >= 1 && changeNotices(receivers.ndc17).length >= 1);
    for (const [seller, version, message] of [['ndc21', '21.3', 'OrderChangeNotifRQ'], ['ndc17', '17.2', 'OrderChangeNotif']] as const) {
      const received = changeNotices(receivers[seller]);
      expect(received).toHaveLength(1);
      const notice = received[0]!;
      expect(String(notice.headers['content-type'])).toMatch(/^application\/xml/);
      expect(notice.body).toContain(booked[seller].orderId);
      const lint = xmllintText(schemaFileOf(version, message), notice.body);
      expect(lint.valid, `${version} ${lint.output}\n${notice.body.slice(0, 1500)}`).toBe(true);
      expect(verifyNotificationSignature({ header: header(notice, SIGNATURE_HEADER), body: notice.body, secret: SECRETS[seller] })).toBe(true);
    }
  });

  it('leaves the order on the other flight alone', async () => {
    const order = await (await fetch(`${gw.url}/api/v1/one-order/${booked.bOther.orderId}`, { headers: { 'x-api-key': KEYS.b } })).json() as { order: { version: number; airlineChanges?: unknown[] } };
    expect(order.order.version).toBe(booked.bOther.version);
    expect(order.order.airlineChanges).toBeUndefined();
    expect(changeNotices(receivers.b).map((r) => JSON.parse(r.body).orderId)).not.toContain(booked.bOther.orderId);
  });
});
