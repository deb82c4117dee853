import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A proxy in front of an airline that a test switches: passing, slow, or down. */
export interface AirlineProxy {
  readonly url: string;
  /** Requests that reached the proxy so far. */
  readonly received: number;
  /** Holds every later request `ms` before passing it on (0: at once). A caller gone meanwhile is never forwarded. */
  delay(ms: number): void;
  /** While down, every request's connection is dropped at once, as an airline that is gone. */
  down(isDown: boolean): void;
  close(): Promise<void>;
}

const FORWARDED_HEADERS = ['content-type', 'accept', 'x-correlation-id', 'authorization', 'soapaction'];

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts an {@link AirlineProxy} passing every path to `target` (a base URL: the request path is appended). */
export async function startAirlineProxy(target: string): Promise<AirlineProxy> {
  let delayMs = 0;
  let isDown = false;
  let received = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    received++;
    if (isDown) {
      req.socket.destroy();
      return;
    }
    const body = await readBody(req);
    let callerGone = false;
    res.on('close', () => {
      if (!res.writableFinished) callerGone = true;
    });
    if (delayMs > 0) await sleep(delayMs);
    if (callerGone) return;
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${target}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body.length > 0 ? { body: new Uint8Array(body) } : {}) });
    const bytes = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
    res.end(bytes);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get received() {
      return received;
    },
    delay(ms) {
      delayMs = ms;
    },
    down(value) {
      isDown = value;
      // Keep-alive connections opened while it was up must not carry requests past the cut.
      if (value) server.closeAllConnections();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
