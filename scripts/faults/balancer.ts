import { once } from 'node:events';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Balancer } from './types.ts';

export interface BalancerOptions {
  /** Port to listen on (127.0.0.1). @defaultValue a free one */
  readonly port?: number;
  /** What each upstream must answer 200 at to get requests. @defaultValue '/api/v1/monitoring/ready' */
  readonly readyPath?: string;
  /** How often each upstream's readiness is checked. @defaultValue 200 */
  readonly checkMs?: number;
}

/** Headers of one connection, not of the message: not passed on either way. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);

/** Errors raised before any byte of an answer came: the upstream never took the request whole, so another may. */
const NOT_TAKEN = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

interface Upstream {
  readonly url: URL;
  ready: boolean;
}

function passedOn(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Whether a GET of `url` answers 200 within `timeoutMs`. */
function answers200(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode === 200));
      res.once('error', () => resolve(false));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

/**
 * A loopback HTTP balancer, as a load balancer in front of gateway processes: round robin over the
 * upstreams whose ready path answered 200 at the last check. A request is read whole first, so
 * one whose connection to an upstream is refused or reset before any byte of the answer came can
 * be sent to the next upstream: that upstream never took it (a stopping gateway closes its
 * listener and its idle keep-alive connections). An answer cut after it began is cut for the
 * client too. The balancer answers 502 itself only when no upstream could take a request.
 */
export async function startBalancer(upstreams: readonly string[], options: BalancerOptions = {}): Promise<Balancer> {
  if (upstreams.length === 0) throw new Error('a balancer needs at least one upstream');
  const readyPath = options.readyPath ?? '/api/v1/monitoring/ready';
  const checkMs = options.checkMs ?? 200;
  const pool: Upstream[] = upstreams.map((url) => ({ url: new URL(url), ready: false }));
  // Keep-alive towards the upstreams, as a real balancer's pool: the case a stopping gateway must handle.
  const agent = new Agent({ keepAlive: true });
  let next = 0;
  let forwarded = 0;
  let failed = 0;
  let closed = false;

  const check = async (upstream: Upstream): Promise<void> => {
    upstream.ready = await answers200(new URL(readyPath, upstream.url), Math.max(1_000, checkMs * 5));
  };
  const timers = new Set<NodeJS.Timeout>();
  const checkLoop = (upstream: Upstream): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void check(upstream).finally(() => {
        if (!closed) checkLoop(upstream);
      });
    }, checkMs);
    timers.add(timer);
  };

  /**
   * The ready upstreams, starting at the next in turn, then the others as a last try: one that
   * came back since the last check (its peer stopping now) takes the request rather than a 502.
   */
  const candidates = (): Upstream[] => {
    const start = next++ % pool.length;
    const ordered = [...pool.slice(start), ...pool.slice(0, start)];
    return [...ordered.filter((upstream) => upstream.ready), ...ordered.filter((upstream) => !upstream.ready)];
  };

  /** Sends the request to `upstream`: its answer, or the error that came before any byte of one. */
  const send = (upstream: Upstream, req: IncomingMessage, body: Buffer, clientGone: AbortSignal): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const outgoing = request(new URL(req.url ?? '/', upstream.url), {
        method: req.method,
        agent,
        headers: { ...passedOn(req.headers), host: upstream.url.host, 'content-length': String(body.length) },
        signal: clientGone,
      }, resolve);
      outgoing.once('error', reject);
      outgoing.end(body);
    });

  const relay = (answer: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, passedOn(answer.headers));
    answer.pipe(res);
    // Cut after the answer began: the client must see it cut too, not a short body that looks whole.
    answer.once('aborted', () => res.destroy());
    answer.once('error', () => res.destroy());
  };

  const server = createServer((req, res) => {
    const clientGone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) clientGone.abort();
    });
    void (async () => {
      const body = await readBody(req);
      const errors: string[] = [];
      for (const upstream of candidates()) {
        try {
          const answer = await send(upstream, req, body, clientGone.signal);
          forwarded++;
          relay(answer, res);
          return;
        } catch (error) {
          if (clientGone.signal.aborted) return;
          const code = (error as NodeJS.ErrnoException).code ?? '';
          // 'socket hang up' (ECONNRESET) covers a kept-alive connection the upstream closed as the request went out.
          if (!NOT_TAKEN.has(code)) throw error;
          if (code === 'ECONNREFUSED') upstream.ready = false;
          errors.push(`${upstream.url.host}: ${code}`);
        }
      }
      failed++;
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no upstream could take the request', tried: errors }));
    })().catch((error: unknown) => {
      failed++;
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
    });
  });

  await Promise.all(pool.map(check));
  for (const upstream of pool) checkLoop(upstream);
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ forwarded, failed }),
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await stopped;
    },
  };
}
