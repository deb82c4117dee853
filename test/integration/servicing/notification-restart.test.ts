import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, verifyNotificationSignature } from '../../../src/notifications/index.ts';
import { bookOrder, changeFlight, shopOffer } from '../../support/airline-change-support.ts';
import { dropSchema, startGatewayWithClients, TEST_DATABASE_URL, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';
import { dropRedisPrefix, REDIS_URL, startReceiver, type Receiver } from '../notifications/notification-fixtures.ts';

/**
 * A gateway restarted while a notice is being retried loses nothing: the retry waits in Redis
 * (BullMQ) and the delivery in PostgreSQL, so the gateway started again on the same queue prefix
 * and order store sends it, with the same event id, once the receiver answers.
 */

const CHANGE = 'order.airline_initiated_change';
const KEY_AGENCY = 'restart-agency-6c1e0b9d47';
const KEY_AIRLINE = 'restart-airline-xr-2a7d';
const SECRET = 'restart-secret-0123456789abcdef012345';

describe('a gateway restart in the middle of retries', () => {
  const prefix = `test-restart-${randomUUID()}`;
  const schema = `test_${randomUUID().replaceAll('-', '')}`;
  let receiver: Receiver;
  let receiverUp = false;
  let first: RunningGateway | undefined;
  let second: RunningGateway | undefined;

  const changeNotices = () => receiver.received.filter((r) => r.headers[EVENT_TYPE_HEADER.toLowerCase()] === CHANGE);
  const start = (keepSchema: boolean) => startGatewayWithClients([
    { id: 'agency', name: 'Agency', apiKeys: [hashApiKey(KEY_AGENCY)], messages: ['*'], notifications: { url: receiver.url, format: 'json', secret: SECRET, events: [CHANGE] } },
    { id: 'airline-xr', name: 'XR operations', apiKeys: [hashApiKey(KEY_AIRLINE)], messages: ['OrderChangeNotifRQ'], airlines: ['XR'] },
  ], {
    REDIS_URL, QUEUE_PREFIX: prefix, DATABASE_SCHEMA: schema, NDC_VERSIONS: '21.3',
    NOTIFY_BACKOFF_BASE_MS: '400', NOTIFY_BACKOFF_MAX_MS: '800', NOTIFY_DISPATCH_MS: '50',
  }, undefined, { airlineEventsKey: KEY_AIRLINE, keepSchema });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await receiver?.close();
    await dropSchema(TEST_DATABASE_URL, schema);
    await dropRedisPrefix(prefix);
  });

  it('sends the notice after the restart, with the same event id, exactly once acknowledged', async () => {
    receiver = await startReceiver(() => (receiverUp ? 204 : 503));
    first = await start(true);
    const booked = await bookOrder(first.url, KEY_AGENCY, await shopOffer(first.airlineUrl, { origin: 'LHR', destination: 'FRA' }, 36), 'restart-order');
    const aircraft = booked.segments[0]!.aircraft === '789' ? '359' : '789';
    const change = await changeFlight(first.airlineUrl, { segmentId: booked.segments[0]!.segmentId, kind: 'EQUIPMENT_CHANGE', aircraft });
    expect(change.orderIds).toEqual([booked.orderId]);

    // The first attempt fails; its retry waits in Redis when the gateway goes down.
    await waitFor(() => changeNotices().length >= 1);
    await first.close();
    first = undefined;
    const failed = changeNotices().length;
    receiverUp = true;

    second = await start(false);
    await waitFor(() => changeNotices().length > failed);
    const notices = changeNotices();
    expect(new Set(notices.map((n) => n.headers[EVENT_ID_HEADER.toLowerCase()])).size).toBe(1);
    const last = notices.at(-1)!;
    expect(verifyNotificationSignature({ header: String(last.headers[SIGNATURE_HEADER.toLowerCase()]), body: last.body, secret: SECRET })).toBe(true);
    expect(JSON.parse(last.body)).toMatchObject({ type: CHANGE, orderId: booked.orderId, order: { segments: [{ aircraft }] } });

    const running = second;
    await waitFor(async () => {
      const response = await fetch(`${running.url}/api/v1/notifications/deliveries?orderId=${booked.orderId}`, { headers: { 'x-api-key': KEY_AGENCY } });
      const { deliveries } = await response.json() as { deliveries: { eventType: string; status: string }[] };
      return deliveries.some((d) => d.eventType === CHANGE && d.status === 'delivered');
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(changeNotices().length).toBe(notices.length);
  }, 90_000);
});
