import { once } from 'node:events';
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { trackConnections, type ConnectionDrainOptions } from '../../../src/net/drain-connections.ts';
import { waitFor } from '../../support/wait-for.ts';

interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
  readonly body: string;
  readonly reusedSocket: boolean;
}

const opened: { server: Server; agent?: Agent }[] = [];
afterEach(() => {
  for (const { server, agent } of opened.splice(0)) {
    agent?.destroy();
    server.closeAllConnections();
    server.close();
  }
});

/** A server whose `/slow` answers only when released; `/fast` answers at once. */
async function startServer(options: ConnectionDrainOptions = {}) {
  const waiting: (() => void)[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/slow') waiting.push(() => res.end('slow answer'));
    else res.end('fast answer');
  });
  const drain = trackConnections(server, options);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  opened.push({ server, agent });
  const get = (path: string): Promise<Answer> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body, reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
  const connect = (): Promise<Socket> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/fast', agent: false });
    req.on('socket', (socket) => socket.on('connect', () => resolve(socket)));
    req.on('error', reject);
    req.end();
  });
  return { server, drain, get, connect, waiting };
}

describe('trackConnections: drain', () => {
  it('answers a request in flight in full, with Connection: close, refuses new connections, and resolves after', async () => {
    const { drain, get, connect, waiting } = await startServer();
    const answer = get('/slow');
    await waitFor(() => waiting.length === 1);
    expect(drain.inFlight).toBe(1);

    let drained = false;
    const draining = drain.drain().then(() => { drained = true; });
    await expect(connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(drained).toBe(false);

    waiting[0]!();
    expect(await answer).toMatchObject({ status: 200, connection: 'close', body: 'slow answer' });
    await draining;
    expect(drain.connections).toBe(0);
  });

  it('answers a request that arrives on a connection idle when the drain began, with Connection: close', async () => {
    // Idle connections stay open for as long as this test could take: only the answer closes it.
    const { drain, get } = await startServer({ idleCloseMs: 600_000 });
    expect(await get('/fast')).toMatchObject({ status: 200, connection: 'keep-alive', reusedSocket: false });
    expect(drain.connections).toBe(1);

    const draining = drain.drain();
    expect(await get('/fast')).toMatchObject({ status: 200, connection: 'close', body: 'fast answer', reusedSocket: true });
    await draining;
    expect(drain.connections).toBe(0);
  });

  it('closes a connection left idle once idleCloseMs has passed, then resolves', async () => {
    const { drain, get } = await startServer({ idleCloseMs: 20 });
    await get('/fast');
    expect(drain.connections).toBe(1);
    await drain.drain();
    expect(drain.connections).toBe(0);
  });

  it('resolves at once without connections, and every later call gets the same drain', async () => {
    const { drain } = await startServer();
    const first = drain.drain();
    expect(drain.drain()).toBe(first);
    await first;
  });
});
