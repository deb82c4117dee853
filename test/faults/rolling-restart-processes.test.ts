import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';
import { createReferenceAirline, type ReferenceAirline } from '../../src/reference/airline/index.ts';
import { createReferencePaymentService, type ReferencePaymentService } from '../../src/reference/payment/index.ts';
import { startBalancer } from '../../scripts/faults/balancer.ts';
import { rollingRestart } from '../../scripts/faults/rolling-restart.ts';
import type { AnswerRecord, Balancer, Cluster, FaultContext, ManagedProcess } from '../../scripts/faults/types.ts';
import { airShoppingRq213, offerPriceRq213, orderCreateRq213, type PickedOffer } from '../support/aggregator-messages.ts';
import { buildDist } from '../support/build-dist.ts';
import { dayFromToday } from '../support/ndc-doc.ts';
import { REDIS_URL, SCHEMA_PATH } from '../support/paths.ts';
import { freePort } from '../support/ports.ts';
import { dropSchema, TEST_DATABASE_URL } from '../support/start-gateway.ts';

/**
 * The rolling restart, without the fault harness's cluster: two `node dist/main.js` gateways
 * (RUN_WORKERS=false) and one `node dist/worker-main.js` on a queue prefix and schema of their own,
 * the reference airline and payment service in this process, the harness's balancer in front,
 * and sellers shopping, pricing and booking through it on kept-alive connections. Each gateway in
 * turn gets SIGTERM, exits and comes back, and no seller sees a failed request.
 */

const SELLERS = 6;
const ROUNDS = 2;

function spawnNode(script: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const inherited = { ...process.env };
  for (const key of ['DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL', 'AIRLINE_URL', 'PAYMENT_URL', 'CLIENTS_FILE', 'NODE_ENV']) delete inherited[key];
  const child = spawn(process.execPath, [script], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => output };
}

/** A process started by this test on a port of its own, started again on the same port. */
function managed(name: string, script: string, env: Record<string, string>, readyUrl: string): ManagedProcess {
  let current: { child: ChildProcess; output: () => string } | undefined;
  let earlier = '';
  const exited = (): Promise<void> => new Promise((resolve) => {
    const child = current?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const running = (): boolean => current !== undefined && current.child.exitCode === null && current.child.signalCode === null;
  return {
    name,
    pid: () => (running() ? current?.child.pid : undefined),
    running,
    output: () => earlier + (current?.output() ?? ''),
    async start() {
      earlier = (earlier + (current?.output() ?? '')).slice(-20_000);
      current = spawnNode(script, env);
      for (;;) {
        if (!running()) throw new Error(`${name} exited before it was ready:\n${current.output()}`);
        const res = await fetch(readyUrl).catch(() => undefined);
        await res?.arrayBuffer();
        if (res?.status === 200) return;
        await sleep(100);
      }
    },
    async stop() {
      if (!running()) return;
      const done = exited();
      current!.child.kill('SIGTERM');
      const timer = setTimeout(() => current?.child.kill('SIGKILL'), 30_000);
      await done;
      clearTimeout(timer);
    },
    async kill() {
      if (!running()) return;
      const done = exited();
      current!.child.kill('SIGKILL');
      await done;
    },
  };
}

/** POSTs an NDC message through `agent` (kept alive, as a seller's pool): status 0 when no answer came. */
function post(url: string, agent: Agent, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/xml', ...headers }, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', () => resolve({ status: 0, text: '' }));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (error) => resolve({ status: 0, text: String(error) }));
    req.end(body);
  });
}

/** The first offer of a 21.3 AirShoppingRS, read as a seller's script would. */
function firstOffer(xml: string): PickedOffer | undefined {
  const offer = /<(?:\w+:)?Offer>([\s\S]*?)<\/(?:\w+:)?Offer>/.exec(xml)?.[1];
  if (!offer) return undefined;
  const pick = (name: string): string | undefined => new RegExp(`<(?:\\w+:)?${name}>([^<]+)<`).exec(offer)?.[1];
  const total = /<(?:\w+:)?TotalAmount CurCode="([A-Z]{3})">([^<]+)</.exec(offer);
  return {
    owner: pick('OwnerCode')!,
    offerId: pick('OfferID')!,
    itemIds: [...offer.matchAll(/<(?:\w+:)?OfferItemID>([^<]+)</g)].map((m) => m[1]!),
    total: total?.[2] ?? '0',
    currency: total?.[1] ?? 'EUR',
  };
}

describe('a rolling restart of two gateway processes behind the balancer, under load', () => {
  const prefix = `faults-${randomUUID()}`;
  const schema = `faults_${randomUUID().replaceAll('-', '')}`;
  let airline: ReferenceAirline;
  let payment: ReferencePaymentService;
  let worker: ManagedProcess;
  let gateways: ManagedProcess[] = [];
  let balancer: Balancer;

  beforeAll(async () => {
    await buildDist();
    airline = createReferenceAirline({ designator: 'XR', name: 'Reference Air', logger: createLogger('silent') });
    payment = createReferencePaymentService();
    const airlineUrl = (await airline.listen(0, '127.0.0.1')).url;
    const paymentUrl = (await payment.listen(0, '127.0.0.1')).url;
    const env = {
      HOST: '127.0.0.1', NDC_SCHEMA_PATH: SCHEMA_PATH, NDC_VERSIONS: '21.3', MAPPINGS_WATCH: 'false', LOG_LEVEL: 'info',
      REDIS_URL, QUEUE_PREFIX: prefix, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema,
      AIRLINE_URL: airlineUrl, PAYMENT_URL: paymentUrl, GATEWAY_PROCESSES: '1', RUN_WORKERS: 'false',
      ...rollingRestart.cluster?.env,
    };
    const workerPort = await freePort();
    worker = managed('worker', 'dist/worker-main.js', { ...env, WORKER_PORT: String(workerPort) }, `http://127.0.0.1:${workerPort}/api/v1/monitoring/ready`);
    await worker.start();
    const ports = [await freePort(), await freePort()];
    gateways = ports.map((port, i) => managed(`gateway-${i + 1}`, 'dist/main.js', { ...env, PORT: String(port) }, `http://127.0.0.1:${port}/api/v1/monitoring/ready`));
    await Promise.all(gateways.map((g) => g.start()));
    balancer = await startBalancer(ports.map((port) => `http://127.0.0.1:${port}`));
  }, 180_000);

  afterAll(async () => {
    await balancer?.close();
    for (const g of gateways) await g.kill();
    await worker?.kill();
    await airline?.close();
    await payment?.close();
    await dropSchema(TEST_DATABASE_URL, schema);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('fails no request while each gateway is stopped with SIGTERM and started again in turn', async () => {
    const answers: (AnswerRecord & { text?: string })[] = [];
    let running = true;
    const ndc = `${balancer.url}/api/v1/ndc`;
    const send = async (agent: Agent, message: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> => {
      const at = Date.now();
      const answer = await post(`${ndc}/${path}`, agent, body, headers);
      answers.push({ at, message, status: answer.status, ms: Date.now() - at, ...(answer.status === 0 || answer.status >= 500 ? { text: answer.text.slice(0, 300) } : {}) });
      return answer;
    };
    const sellers = Array.from({ length: SELLERS }, async (_, seller) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let n = 0; running; n++) {
          const shop = await send(agent, 'AirShoppingRQ', 'AirShopping', airShoppingRq213('LHR', 'FRA', dayFromToday(20 + ((seller * 7 + n) % 40))));
          const offer = shop.status === 200 ? firstOffer(shop.text) : undefined;
          if (!offer) continue;
          await send(agent, 'OfferPriceRQ', 'OfferPrice', offerPriceRq213(offer));
          if (n % 2 === 0) await send(agent, 'OrderCreateRQ', 'OrderCreate', orderCreateRq213(offer, randomUUID(), '4111111111111111'), { 'idempotency-key': randomUUID() });
        }
      } finally {
        agent.destroy();
      }
    });
    const logs: string[] = [];
    const context = (injection: number): FaultContext => ({
      cluster: { gateways, workers: [worker], balancer } as unknown as Cluster,
      injection,
      random: Math.random,
      log: (message) => logs.push(message),
      answersSince: (since) => answers.filter((a) => a.at >= since),
    });

    await sleep(2_000);
    for (let injection = 1; injection <= ROUNDS; injection++) {
      await rollingRestart.inject(context(injection));
      await sleep(rollingRestart.intervalMs ?? 1_000);
    }
    running = false;
    await Promise.all(sellers);

    const failed = answers.filter((a) => a.status === 0 || a.status >= 500);
    expect(failed, `${logs.join('\n')}\n${gateways.map((g) => g.output().slice(-3000)).join('\n')}`).toEqual([]);
    expect(answers.filter((a) => a.message === 'OrderCreateRQ' && a.status === 200).length).toBeGreaterThan(0);
    expect(balancer.stats().failed).toBe(0);
  }, 600_000);
});
