import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createPgOrderStore, type OrderStore } from '../../../src/orders/index.ts';
import { verifyNotificationSignature } from '../../../src/notifications/index.ts';
import { createWorkerService, type WorkerService } from '../../../src/worker-service.ts';
import { dropSchema, TEST_DATABASE_URL } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';
import { buildNewOrder } from '../../unit/orders/order-fixtures.ts';
import { dropRedisPrefix, REDIS_URL, silent, startReceiver, type Receiver } from './notification-fixtures.ts';

const SECRET = 's'.repeat(40);

describe('npm run worker', () => {
  const folder = mkdtempSync(join(tmpdir(), 'worker-notify-'));
  const prefix = `test-notify-${randomUUID()}`;
  const schema = `test_${randomUUID().replaceAll('-', '')}`;
  let hook: Receiver;
  let worker: WorkerService;
  let store: OrderStore;

  beforeAll(async () => {
    hook = await startReceiver();
    const clientsFile = join(folder, 'clients.json');
    writeFileSync(clientsFile, JSON.stringify([{ id: 'agency', name: 'Agency', apiKeys: [hashApiKey('agency-key-00000000')], messages: ['*'], notifications: { url: hook.url, format: 'json', secret: SECRET } }]));
    const config = loadConfig({
      REDIS_URL, QUEUE_PREFIX: prefix, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, CLIENTS_FILE: clientsFile,
      AIRLINE_URL: 'http://127.0.0.1:9', PAYMENT_URL: 'http://127.0.0.1:9', NOTIFY_DISPATCH_MS: '25', LOG_LEVEL: 'silent',
    });
    worker = await createWorkerService(config, silent);
    store = createPgOrderStore({ connectionString: TEST_DATABASE_URL, schema, logger: silent });
    await store.migrate();
  });

  afterAll(async () => {
    await store?.close();
    await worker?.close();
    await hook?.close();
    await dropSchema(TEST_DATABASE_URL, schema);
    await dropRedisPrefix(prefix);
    rmSync(folder, { recursive: true, force: true });
  });

  it('dispatches and delivers the notices of the orders its handlers (or anyone) wrote', async () => {
    const order = await store.create(buildNewOrder('agency'), { event: { type: 'order.created', clientId: 'agency' } });
    await store.update(order.orderId, 'agency', undefined, (o) => o, { type: 'order.hold-expired', clientId: 'gateway.housekeeping' });
    await waitFor(() => hook.received.length === 1);
    const [got] = hook.received;
    expect(got?.headers['x-ndc-event-type']).toBe('order.hold_expired');
    expect(verifyNotificationSignature({ header: got?.headers['x-ndc-signature'] as string, body: got?.body ?? '', secret: SECRET })).toBe(true);
  });
});
