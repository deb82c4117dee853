import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../src/auth/index.ts';
import { startGateway, TEST_DATABASE_URL, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';

type Report = { status: string; checks: Record<string, { ok: boolean; detail?: Record<string, unknown> }> };

/** A probe with the demo client's key, which may see every check's details (a monitoring client). */
async function probe(gw: RunningGateway, path: 'live' | 'ready' | 'health'): Promise<{ status: number; body: Report }> {
  const response = await fetch(`${gw.url}/api/v1/monitoring/${path}`, { headers: { 'x-api-key': DEMO_API_KEY } });
  return { status: response.status, body: await response.json() as Report };
}

/** A TCP proxy to PostgreSQL that hangs up on every connection until it is let through: a database not up yet. */
async function startDatabaseGate(): Promise<{ url: string; open(): void; close(): Promise<void> }> {
  const target = new URL(TEST_DATABASE_URL);
  let through = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (!through) return client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = new URL(TEST_DATABASE_URL);
  url.port = String(port);
  return {
    url: url.toString(),
    open() { through = true; },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('GET /api/v1/monitoring/live, /ready and /health', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('is ready when schemas, queue, workers, order store, downstream services and the process itself are; /health is the same answer', async () => {
    const gw = await startGateway({ NDC_VERSIONS: '21.3' });
    closers.push(() => gw.close());
    const ready = await probe(gw, 'ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    expect(Object.keys(ready.body.checks)).toEqual(['schemas', 'queue', 'workers', 'orders', 'downstream', 'running']);
    expect(ready.body.checks.orders).toEqual({ ok: true, detail: { store: 'postgresql', open: true, failedAttempts: 0 } });
    expect(ready.body.checks.workers).toEqual({ ok: true, detail: { consuming: { offer: 1, order: 1, seat: 1, service: 1 } } });
    const health = await probe(gw, 'health');
    expect(health.status).toBe(200);
    expect(Object.keys(health.body.checks)).toEqual(Object.keys(ready.body.checks));
    expect(await probe(gw, 'live')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('opens the order store before ready, and retries a failed open until PostgreSQL answers', async () => {
    const database = await startDatabaseGate();
    closers.push(() => database.close());
    const gw = await startGateway({ NDC_VERSIONS: '21.3', DATABASE_URL: database.url });
    closers.push(() => gw.close());

    expect((await probe(gw, 'live')).status).toBe(200);
    const waiting = await probe(gw, 'ready');
    expect(waiting.status).toBe(503);
    expect(waiting.body.checks.orders).toMatchObject({ ok: false, detail: { store: 'postgresql', open: false, failedAttempts: expect.any(Number), lastError: expect.any(String) } });
    expect(Object.entries(waiting.body.checks).filter(([, check]) => !check.ok).map(([name]) => name)).toEqual(['orders']);

    database.open();
    await waitFor(async () => (await probe(gw, 'ready')).status === 200);
    expect((await probe(gw, 'ready')).body.checks.orders).toEqual({ ok: true, detail: { store: 'postgresql', open: true, failedAttempts: 0 } });
    const orders = await fetch(`${gw.url}/api/v1/one-order/ORDNOSUCH`);
    expect(orders.status).toBe(404);
  });

  it('stops being ready, and stays live, once the gateway begins to stop', async () => {
    const gw = await startGateway({ NDC_VERSIONS: '21.3' });
    closers.push(() => gw.close());
    expect((await probe(gw, 'ready')).status).toBe(200);
    gw.gateway.markStopping();
    const stopping = await probe(gw, 'ready');
    expect(stopping.status).toBe(503);
    expect(stopping.body.checks.running).toEqual({ ok: false, detail: 'stopping' });
    expect((await probe(gw, 'live')).status).toBe(200);
  });
});
