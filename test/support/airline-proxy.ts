import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { forwardTo, listenLoopback, readBody } from './forwarding-server.ts';

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
    await forwardTo(target, req, res, body, FORWARDED_HEADERS);
  }

  const { server, url } = await listenLoopback(handle);
  return {
    url,
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
