import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** The connections of one HTTP server, followed so it can stop without failing a request. */
export interface ConnectionDrain {
  /** Requests being answered now. */
  readonly inFlight: number;
  /** Connections open now. */
  readonly connections: number;
  /**
   * Stops accepting connections, answers every request in flight, and any request that still
   * arrives on a connection already open, each with `Connection: close`, then closes the
   * connections one by one as they fall idle. Resolves once none is left open.
   */
  drain(): Promise<void>;
}

export interface ConnectionDrainOptions {
  /**
   * How long a connection idle when the drain begins stays open before it is closed: a request a
   * client has already sent on it is still read and answered. @defaultValue 1000
   */
  readonly idleCloseMs?: number;
}

/**
 * Follows the connections and requests of `server` from now on. `server.close()` of node:http
 * closes idle keep-alive connections at once, and with them any request a client wrote onto one
 * just before; a drain instead closes each connection only after its last answer, with
 * `Connection: close` telling the client not to send another.
 */
export function trackConnections(server: Server, options: ConnectionDrainOptions = {}): ConnectionDrain {
  const idleCloseMs = options.idleCloseMs ?? 1_000;
  /** Requests in flight per open connection. */
  const open = new Map<Socket, number>();
  const responses = new Set<ServerResponse>();
  let draining: Promise<void> | undefined;

  const closeWhenIdle = (socket: Socket): void => {
    const timer = setTimeout(() => {
      // Bytes that arrived meanwhile are read in this turn's poll phase, before setImmediate runs.
      setImmediate(() => {
        if (open.get(socket) === 0) socket.destroy();
      });
    }, idleCloseMs);
    socket.once('close', () => clearTimeout(timer));
  };

  server.on('connection', (socket: Socket) => {
    open.set(socket, 0);
    socket.once('close', () => open.delete(socket));
  });
  server.prependListener('request', (req, res) => {
    const socket = req.socket;
    open.set(socket, (open.get(socket) ?? 0) + 1);
    responses.add(res);
    if (draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      responses.delete(res);
      if (!open.has(socket)) return;
      const left = (open.get(socket) ?? 1) - 1;
      open.set(socket, left);
      // An answer whose headers went out before the drain did not say `Connection: close`.
      if (draining && left === 0 && !socket.destroyed) closeWhenIdle(socket);
    });
  });

  return {
    get inFlight() {
      return responses.size;
    },
    get connections() {
      return open.size;
    },
    drain() {
      draining ??= new Promise<void>((resolve) => {
        for (const res of responses) if (!res.headersSent) res.setHeader('Connection', 'close');
        // net.Server's close stops listening and calls back once every connection is gone, without
        // the immediate cut of idle connections that http.Server's close adds. The last socket's
        // own close event may still be queued then.
        NetServer.prototype.close.call(server, () => setImmediate(resolve));
        for (const [socket, requests] of open) if (requests === 0) closeWhenIdle(socket);
      });
      return draining;
    },
  };
}
