import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What can be started on a port: an express app (its `listen` wraps `http.createServer`). */
export interface Listenable {
  listen(port: number, host: string, callback: (error?: Error) => void): Server;
}

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

export function createHttpListener(app: Listenable): HttpListener {
  let server: Server | undefined;
  return {
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const s = app.listen(port, host, (error?: Error) => {
          if (error) return reject(error);
          const address = s.address() as AddressInfo;
          resolve({ url: `http://${shownHost(host)}:${address.port}` });
        });
        s.keepAliveTimeout = 65_000;
        server = s;
      });
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
