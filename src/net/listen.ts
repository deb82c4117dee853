import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One HTTP server for an app: started by `listen`, stopped (open connections too) by `close`. */
export interface HttpListener {
  /** Starts listening; port 0 picks a free port. The URL names a host a client can reach. */
  listen(port: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
}

/** The host for a URL: a wildcard address becomes loopback, an IPv6 address goes in brackets. */
export function shownHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
}

/**
 * @param app an express app, or any request listener. The server is made here rather than by
 * express's `app.listen`, whose failure to listen (a port in use) escapes as an unhandled error event.
 */
export function createHttpListener(app: RequestListener): HttpListener {
  let server: Server | undefined;
  return {
    async listen(port, host = '127.0.0.1') {
      const s = createServer(app);
      s.keepAliveTimeout = 65_000;
      await listenOn(s, port, host);
      server = s;
      const address = s.address() as AddressInfo;
      return { url: `http://${shownHost(host)}:${address.port}` };
    },
    close() {
      const s = server;
      server = undefined;
      if (!s) return Promise.resolve();
      return new Promise((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}

function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A server could not listen; the message is one line that names the setting to change. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/** Turns a failed listen into a {@link ListenError} naming `setting` (e.g. PORT); other errors pass unchanged. */
export function explainListenError(error: unknown, setting: string, port: number, host: string): unknown {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return new ListenError(`${setting}=${port}: the port is already in use on ${host}; set ${setting} to a free port`);
    case 'EACCES':
      return new ListenError(`${setting}=${port}: this user may not listen on that port on ${host}; set ${setting} to a port above 1023`);
    case 'EADDRNOTAVAIL':
      return new ListenError(`HOST=${host}: no network interface of this machine has that address; set HOST to one of its addresses, or 0.0.0.0 for all`);
    default:
      return error;
  }
}

/** Waits for `listening`; a failure names `setting` as {@link explainListenError} does. */
export async function listenNaming<T>(listening: Promise<T>, setting: string, port: number, host: string): Promise<T> {
  try {
    return await listening;
  } catch (error) {
    throw explainListenError(error, setting, port, host);
  }
}

/** Starts `server` listening on `port` and `host`; a failure names `setting`. */
export function listenServer(server: Server, port: number, host: string, setting: string): Promise<void> {
  return listenNaming(listenOn(server, port, host), setting, port, host);
}
