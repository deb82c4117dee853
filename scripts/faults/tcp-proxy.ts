import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProxyMode, TcpProxy } from './types.ts';

const HOST = '127.0.0.1';

/**
 * Passes bytes from one socket to the other, each chunk held `delayMs()` (read when it arrives)
 * and kept in order: a chunk that arrives after the delay was lifted still waits behind the held
 * ones. The end of the stream is held the same way, so a reply is never cut short by its own FIN.
 */
function relay(from: Socket, to: Socket, delayMs: () => number): void {
  const held: { readonly at: number; readonly chunk: Buffer | null }[] = [];
  let timer: NodeJS.Timeout | undefined;

  const write = (chunk: Buffer | null): void => {
    if (to.destroyed) return;
    if (chunk === null) {
      to.end();
      return;
    }
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  };

  const release = (): void => {
    timer = undefined;
    const now = Date.now();
    while (held.length > 0 && held[0]!.at <= now) write(held.shift()!.chunk);
    schedule();
  };

  const schedule = (): void => {
    if (timer !== undefined || held.length === 0) return;
    timer = setTimeout(release, Math.max(0, held[0]!.at - Date.now()));
  };

  const push = (chunk: Buffer | null): void => {
    const ms = delayMs();
    if (ms <= 0 && held.length === 0) {
      write(chunk);
      return;
    }
    held.push({ at: Date.now() + ms, chunk });
    schedule();
  };

  from.on('data', (chunk: Buffer) => push(chunk));
  from.on('end', () => push(null));
  from.on('close', () => {
    // A reset (not a clean end) is passed on at once, as a reset, so the other side sees it too.
    if (!from.readableEnded) {
      if (timer !== undefined) clearTimeout(timer);
      held.length = 0;
      to.resetAndDestroy();
    }
  });
  to.on('close', () => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

/**
 * A TCP proxy on 127.0.0.1 in front of a downstream service that a fault switches between passing,
 * delaying every chunk, refusing connections (the listener is closed, so connects get
 * ECONNREFUSED, and open connections are reset) and dropping them (accepted, then closed at once).
 * It keeps its port across modes: `pass` after `refuse` listens on the same port again.
 */
export async function startTcpProxy(target: { readonly host: string; readonly port: number }, options: { readonly port?: number } = {}): Promise<TcpProxy> {
  let current: ProxyMode = { kind: 'pass' };
  let server: Server | undefined;
  let port = options.port ?? 0;
  let closed = false;
  /** Client-side sockets with their upstream socket, so a mode change can reset both. */
  const open = new Map<Socket, Socket | undefined>();
  const delayMs = (): number => (current.kind === 'delay' ? current.ms : 0);

  function accept(client: Socket): void {
    if (current.kind === 'drop' || current.kind === 'refuse') {
      client.destroy();
      return;
    }
    client.setNoDelay(true);
    const upstream = createConnection({ host: target.host, port: target.port, allowHalfOpen: true });
    upstream.setNoDelay(true);
    open.set(client, upstream);
    // Errors are the peer's business: each side only passes them on by resetting the other.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    relay(client, upstream, delayMs);
    relay(upstream, client, delayMs);
    client.on('close', () => open.delete(client));
  }

  function resetOpen(): void {
    for (const [client, upstream] of open) {
      client.resetAndDestroy();
      upstream?.resetAndDestroy();
    }
    open.clear();
  }

  /**
   * Listens on `port` (0 the first time: any free one). Binding the same port again can fail for
   * a moment when an outgoing connection borrowed it as its local port while the proxy refused,
   * so it tries again for a while.
   */
  async function listen(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const candidate = createServer({ allowHalfOpen: true }, accept);
      candidate.listen(port, HOST);
      try {
        await Promise.race([once(candidate, 'listening'), once(candidate, 'error').then(([error]) => Promise.reject(error as Error))]);
        server = candidate;
        port = (candidate.address() as { port: number }).port;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw error;
        await sleep(50);
      }
    }
  }

  async function stopListening(): Promise<void> {
    const listening = server;
    server = undefined;
    if (!listening) return;
    await new Promise<void>((resolve) => listening.close(() => resolve()));
  }

  await listen();

  return {
    url: `http://${HOST}:${port}`,
    port,
    async mode(mode: ProxyMode): Promise<void> {
      if (closed) throw new Error('The TCP proxy is closed');
      current = mode;
      if (mode.kind === 'refuse' || mode.kind === 'drop') resetOpen();
      if (mode.kind === 'refuse') await stopListening();
      else if (!server) await listen();
    },
    async close() {
      closed = true;
      resetOpen();
      await stopListening();
    },
  };
}
