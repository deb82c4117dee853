import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { forwardTo, listenLoopback, readBody } from './forwarding-server.ts';

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

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => forwardTo(target, req, res, body, ['content-type', 'accept', 'x-correlation-id']);

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

  const { server, url } = await listenLoopback(handle);

  return {
    url,
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
