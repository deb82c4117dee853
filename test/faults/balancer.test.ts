import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBalancer } from '../../scripts/faults/balancer.ts';
import type { Balancer } from '../../scripts/faults/types.ts';
import { freePort } from '../support/ports.ts';
import { waitFor } from '../support/wait-for.ts';

/** One upstream as the balancer sees a gateway: a ready path it can fail, and answers naming itself. */
interface Upstream {
  readonly name: string;
  readonly url: string;
  ready: boolean;
  /** What it does with a request other than the ready check. */
  behaviour: 'answer' | 'reset' | 'cut';
  readonly served: string[];
  close(): Promise<void>;
}

async function startUpstream(name: string): Promise<Upstream> {
  const upstream = { name, ready: true, behaviour: 'answer', served: [] as string[] } as Upstream & { url: string; server: Server };
  const server = createServer((req, res) => {
    if (req.url === '/api/v1/monitoring/ready') {
      res.writeHead(upstream.ready ? 200 : 503).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { body += chunk; });
    req.on('end', () => {
      if (upstream.behaviour === 'reset') {
        req.socket.destroy();
        return;
      }
      upstream.served.push(body);
      if (upstream.behaviour === 'cut') {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('part of it');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      res.writeHead(201, { 'content-type': 'text/plain', 'x-upstream': name, 'x-seen-key': String(req.headers['idempotency-key'] ?? '') });
      res.end(`${name}:${req.method}:${req.url}:${body}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(upstream, {
    url,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  });
  return upstream;
}

/** POSTs through the balancer: status, headers and body, or the error of a cut answer. */
function post(url: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; upstream: string; key: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method: 'POST', headers: { 'content-type': 'text/plain', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, upstream: String(res.headers['x-upstream'] ?? ''), key: String(res.headers['x-seen-key'] ?? ''), text }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('answer cut')));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('startBalancer', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });
  const started = async (upstreams: Upstream[], checkMs = 50): Promise<Balancer> => {
    for (const upstream of upstreams) cleanup.push(() => upstream.close());
    const balancer = await startBalancer(upstreams.map((u) => u.url), { checkMs });
    cleanup.push(() => balancer.close());
    return balancer;
  };

  it('takes turns over the ready upstreams and passes method, path, headers, body and status through', async () => {
    const a = await startUpstream('a');
    const b = await startUpstream('b');
    const balancer = await started([a, b]);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await post(balancer.url, `/api/v1/ndc/AirShopping?i=${i}`, `body-${i}`, { 'idempotency-key': `k${i}` }));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(answers.map((r) => r.key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
    expect(answers.map((r) => r.text.replace(/^\w:/, ''))).toEqual(answers.map((_, i) => `POST:/api/v1/ndc/AirShopping?i=${i}:body-${i}`));
    expect(a.served).toHaveLength(3);
    expect(b.served).toHaveLength(3);
    expect(balancer.stats()).toEqual({ forwarded: 6, failed: 0 });
  });

  it('sends nothing to an upstream once its ready path fails, and sends to it again once it passes', async () => {
    const a = await startUpstream('a');
    const b = await startUpstream('b');
    const balancer = await started([a, b]);
    a.ready = false;
    await waitFor(async () => (await post(balancer.url, '/probe', '')).upstream === 'b' && (await post(balancer.url, '/probe', '')).upstream === 'b');
    const servedByA = a.served.length;
    for (let i = 0; i < 6; i++) expect((await post(balancer.url, '/x', `${i}`)).upstream).toBe('b');
    expect(a.served).toHaveLength(servedByA);
    a.ready = true;
    await waitFor(async () => (await post(balancer.url, '/probe', '')).upstream === 'a');
  });

  it('sends a request refused by an upstream marked ready to the next one', async () => {
    const a = await startUpstream('a');
    const b = await startUpstream('b');
    // Checks far apart: the balancer still holds `a` ready when its connections are refused.
    const balancer = await started([a, b], 60_000);
    await a.close();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(balancer.url, '/x', `${i}`)));
    expect(answers.map((r) => [r.status, r.upstream])).toEqual(Array(8).fill([201, 'b']));
    expect(balancer.stats()).toEqual({ forwarded: 8, failed: 0 });
  });

  it('tries an upstream not ready at the last check when the ready ones refuse, rather than answering 502', async () => {
    const a = await startUpstream('a');
    const b = await startUpstream('b');
    b.ready = false;
    const balancer = await started([a, b], 60_000);
    await a.close();
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => post(balancer.url, '/x', `${i}`)));
    expect(answers.map((r) => [r.status, r.upstream])).toEqual(Array(4).fill([201, 'b']));
  });

  it('sends a request whose connection was reset before any answer to the next upstream', async () => {
    const a = await startUpstream('a');
    const b = await startUpstream('b');
    const balancer = await started([a, b], 60_000);
    a.behaviour = 'reset';
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => post(balancer.url, '/x', `${i}`)));
    expect(answers.map((r) => [r.status, r.upstream])).toEqual(Array(6).fill([201, 'b']));
    expect(b.served.sort()).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('cuts the answer to the client when the upstream cut it after it began, and does not send the request again', async () => {
    const a = await startUpstream('a');
    const b = await startUpstream('b');
    const balancer = await started([a, b], 60_000);
    a.behaviour = 'cut';
    b.behaviour = 'cut';
    await expect(post(balancer.url, '/x', 'once')).rejects.toThrow();
    expect([...a.served, ...b.served]).toEqual(['once']);
  });

  it('answers 502 with a JSON body when no upstream can take the request', async () => {
    const a = await startUpstream('a');
    const balancer = await started([a], 60_000);
    await a.close();
    const refused = await post(balancer.url, '/x', '');
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.text)).toMatchObject({ error: 'no upstream could take the request', tried: [expect.stringContaining('ECONNREFUSED')] });
    expect(balancer.stats()).toEqual({ forwarded: 0, failed: 1 });
  });

  it('listens on the port it is given', async () => {
    const a = await startUpstream('a');
    const port = await freePort();
    for (const upstream of [a]) cleanup.push(() => upstream.close());
    const balancer = await startBalancer([a.url], { port });
    cleanup.push(() => balancer.close());
    expect(balancer.url).toBe(`http://127.0.0.1:${port}`);
    expect((await post(balancer.url, '/x', '')).status).toBe(201);
  });
});
