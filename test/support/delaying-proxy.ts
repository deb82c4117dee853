import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request the proxy saw on a delayed path. */
export interface DelayedCall {
  readonly path: string;
  /** Whether it reached the target: false when the caller was gone before the delay ended. */
  readonly forwarded: Promise<boolean>;
}

export interface DelayingProxy {
  readonly url: string;
  /** Calls seen so far on the delayed paths, in order of arrival. */
  readonly calls: readonly DelayedCall[];
  /** Resolves with the first call on `path` that arrives after this is called. */
  nextCall(path: string): Promise<DelayedCall>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * An HTTP proxy in front of a downstream service that holds requests on some paths for `delayMs`
 * before passing them on, so a test can act (e.g. kill the caller) while the call is in flight.
 * A call whose caller hung up during the delay is dropped: the target never sees it.
 */
export async function startDelayingProxy(options: { target: string; delayMs: number; delayedPaths: readonly string[] }): Promise<DelayingProxy> {
  const { target, delayMs } = options;
  const delayed = new Set(options.delayedPaths);
  const calls: DelayedCall[] = [];
  const waiters: { path: string; seen: number; resolve: (call: DelayedCall) => void }[] = [];

  function notify(): void {
    for (const waiter of [...waiters]) {
      const call = calls.filter((c) => c.path === waiter.path)[waiter.seen];
      if (!call) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(call);
    }
  }

  async function forward(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'accept', 'x-correlation-id']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${target}${req.url ?? '/'}`, {
      method: req.method ?? 'GET', headers, ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    });
    const text = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!delayed.has(path)) return forward(req, res, body);
    let callerGone = false;
    res.on('close', () => {
      if (!res.writableFinished) callerGone = true;
    });
    let settle!: (value: boolean) => void;
    calls.push({ path, forwarded: new Promise<boolean>((resolve) => { settle = resolve; }) });
    notify();
    await sleep(delayMs);
    if (callerGone) {
      settle(false);
      return;
    }
    settle(true);
    await forward(req, res, body);
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
    calls,
    nextCall(path) {
      const seen = calls.filter((c) => c.path === path).length;
      return new Promise((resolve) => {
        waiters.push({ path, seen, resolve });
        notify();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
