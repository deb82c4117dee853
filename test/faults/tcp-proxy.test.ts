import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy } from '../../scripts/faults/tcp-proxy.ts';
import type { TcpProxy } from '../../scripts/faults/types.ts';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';

/** An HTTP target that echoes the request body, so a test sees bytes cross the proxy both ways. */
let target: HttpServer;
let targetPort: number;
let proxy: TcpProxy | undefined;
/** A keep-alive agent like the gateway's pool: open connections must feel a mode change too. */
let agent: Agent;

beforeAll(async () => {
  target = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => res.end(`echo:${Buffer.concat(chunks).toString()}`));
  }).listen(0, '127.0.0.1');
  await once(target, 'listening');
  targetPort = (target.address() as AddressInfo).port;
});

afterAll(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await agent?.close();
});

async function send(url: string, body: string): Promise<{ status: number; text: string; ms: number }> {
  const started = Date.now();
  const answer = await request(url, { method: 'POST', body, dispatcher: agent, headersTimeout: 10_000, bodyTimeout: 10_000 });
  return { status: answer.statusCode, text: await answer.body.text(), ms: Date.now() - started };
}

/** The code of the error `promise` rejects with, its cause's when wrapped. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason as { code?: string; cause?: { code?: string } });
  expect(error, 'the request should have failed').toBeDefined();
  return error?.cause?.code ?? error?.code ?? 'none';
}

async function startProxy(): Promise<TcpProxy> {
  agent = new Agent({ keepAliveTimeout: 30_000 });
  proxy = await startTcpProxy({ host: '127.0.0.1', port: targetPort });
  return proxy;
}

describe('TCP proxy in front of a downstream', () => {
  it('passes requests and answers both ways', async () => {
    const p = await startProxy();
    expect(p.url).toBe(`http://127.0.0.1:${p.port}`);
    const answer = await send(p.url, 'hello');
    expect(answer).toMatchObject({ status: 200, text: 'echo:hello' });
  });

  it('holds every chunk in delay mode, on open keep-alive connections too, and stops holding in pass mode', async () => {
    const p = await startProxy();
    await send(p.url, 'warm');
    await p.mode({ kind: 'delay', ms: 400 });
    const slow = await send(p.url, 'slow');
    expect(slow.text).toBe('echo:slow');
    // Held once on the way there and once on the way back.
    expect(slow.ms).toBeGreaterThanOrEqual(750);
    await p.mode({ kind: 'pass' });
    const fast = await send(p.url, 'fast');
    expect(fast.text).toBe('echo:fast');
    expect(fast.ms).toBeLessThan(400);
  });

  it('lets a caller time out on a delayed answer, as the gateway does with its downstream timeout', async () => {
    const p = await startProxy();
    await p.mode({ kind: 'delay', ms: 1500 });
    const code = await failure(request(p.url, { method: 'POST', body: 'x', dispatcher: agent, headersTimeout: 300 }));
    expect(code).toBe('UND_ERR_HEADERS_TIMEOUT');
  });

  it('refuses connections (ECONNREFUSED) and resets open ones, then listens on the same port again in pass mode', async () => {
    const p = await startProxy();
    await send(p.url, 'before');
    // A request in flight on an open connection when the proxy starts refusing is cut.
    await p.mode({ kind: 'delay', ms: 1000 });
    const inFlight = failure(send(p.url, 'cut'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await p.mode({ kind: 'refuse' });
    expect(await inFlight).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(await failure(send(p.url, 'refused'))).toBe('ECONNREFUSED');
    await p.mode({ kind: 'pass' });
    expect(p.url).toBe(`http://127.0.0.1:${p.port}`);
    expect(await send(p.url, 'after')).toMatchObject({ status: 200, text: 'echo:after' });
  });

  it('drops connections at once in drop mode, and passes again after it', async () => {
    const p = await startProxy();
    await send(p.url, 'before');
    await p.mode({ kind: 'drop' });
    expect(await failure(send(p.url, 'dropped'))).toMatch(/ECONNRESET|UND_ERR_SOCKET|UND_ERR_CLOSED/);
    await p.mode({ kind: 'pass' });
    expect(await send(p.url, 'after')).toMatchObject({ status: 200, text: 'echo:after' });
  });

  it('survives many refuse/pass rounds on one port', async () => {
    const p = await startProxy();
    for (let round = 0; round < 20; round += 1) {
      await p.mode({ kind: 'refuse' });
      expect(await failure(send(p.url, 'refused'))).toBe('ECONNREFUSED');
      await p.mode({ kind: 'pass' });
      expect((await send(p.url, `round ${round}`)).text).toBe(`echo:round ${round}`);
    }
  });

  it('passes a large body whole and in order while delaying', async () => {
    const p = await startProxy();
    await p.mode({ kind: 'delay', ms: 50 });
    const body = Array.from({ length: 20_000 }, (_, i) => `${i},`).join('');
    expect((await send(p.url, body)).text).toBe(`echo:${body}`);
  });

  it('resets the client when the target is down (connection refused behind the proxy)', async () => {
    const unused: Server = createServer().listen(0, '127.0.0.1');
    await once(unused, 'listening');
    const deadPort = (unused.address() as AddressInfo).port;
    await new Promise((resolve) => unused.close(resolve));
    agent = new Agent();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: deadPort });
    expect(await failure(send(proxy.url, 'x'))).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
  });
});
