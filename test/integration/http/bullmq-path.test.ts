import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../src/auth/index.ts';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { REDIS_URL } from '../../support/paths.ts';
import { listSamples, moveDatesIntoFuture } from '../../support/samples.ts';
import { waitFor } from '../../support/wait-for.ts';

const sample = listSamples('21.3', ['AirShoppingRQ']).find((s) => s.name.includes('flexible_fares'))!;
const body = moveDatesIntoFuture(readFileSync(sample.file, 'utf8'));
const redis = new Redis(REDIS_URL);

async function removeKeys(prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}

/** `npm run worker` as a process of its own; resolves once its workers run, with the port of its monitoring endpoints. */
function startWorkerProcess(env: Record<string, string>): Promise<{ child: ChildProcess; monitoringUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker-main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', WORKER_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let monitoringUrl = '';
    createInterface({ input: child.stdout! }).on('line', (line) => {
      out += `${line}\n`;
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'worker monitoring listening') monitoringUrl = `http://127.0.0.1:${entry.port}/api/v1/monitoring`;
      if (entry.msg === 'workers running') resolve({ child, monitoringUrl });
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
  });
}

async function readiness(url: string): Promise<{ status: number; body: { status: string; checks: Record<string, { ok: boolean; detail?: unknown }> } }> {
  const response = await fetch(`${url}/api/v1/monitoring/ready`, { headers: { 'x-api-key': DEMO_API_KEY } });
  return { status: response.status, body: await response.json() as never };
}

describe('the BullMQ path on the real Redis', () => {
  const running: RunningGateway[] = [];
  let worker: ChildProcess | undefined;
  afterEach(async () => {
    worker?.kill('SIGKILL');
    worker = undefined;
    for (const gw of running.splice(0)) {
      await gw.close();
      await removeKeys(gw.config.queuePrefix);
    }
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('serves AirShopping through BullMQ workers in the gateway process, with the large result passed by reference', async () => {
    const gw = await startGateway({ NDC_VERSIONS: '21.3', REDIS_URL, RESULT_INLINE_MAX_BYTES: '1024' });
    running.push(gw);
    const answer = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, body);
    expect(answer.status, answer.text.slice(0, 1000)).toBe(200);
    expect(answer.text).toMatch(/<(?:\w+:)?Offer\b/);
    expect(gw.gateway.deps.schemas.get('21.3', 'AirShoppingRS').validate(answer.text)).toEqual([]);
    // The job went through the offer queue of this gateway's prefix; its result key was read and deleted.
    expect((await redis.keys(`${gw.config.queuePrefix}:offer:*`)).length).toBeGreaterThan(0);
    expect(await redis.keys(`${gw.config.queuePrefix}:result:*`)).toEqual([]);
    const health = await (await fetch(`${gw.url}/api/v1/monitoring/health`, { headers: { 'x-api-key': DEMO_API_KEY } })).json() as { checks: { queue: { detail: { transport: string } } } };
    expect(health.checks.queue.detail.transport).toBe('bullmq');
  });

  it('lets `npm run worker` processes do the work, is ready only while one consumes, and answers 504 when none is left', async () => {
    const gw = await startGateway({ NDC_VERSIONS: '21.3', REDIS_URL, RUN_WORKERS: 'false', REQUEST_TIMEOUT_MS: '2000' });
    running.push(gw);
    // No worker anywhere yet: every other check passes, and the gateway is not ready.
    const alone = await readiness(gw.url);
    expect(alone.status).toBe(503);
    expect(alone.body.checks.workers).toEqual({ ok: false, detail: { consuming: { offer: 0, order: 0, seat: 0, service: 0 } } });
    expect(Object.entries(alone.body.checks).filter(([, check]) => !check.ok).map(([name]) => name)).toEqual(['workers']);

    const started = await startWorkerProcess({
      REDIS_URL, QUEUE_PREFIX: gw.config.queuePrefix, AIRLINE_URL: gw.airlineUrl, PAYMENT_URL: gw.paymentUrl,
      DATABASE_URL: gw.config.databaseUrl!, DATABASE_SCHEMA: gw.config.databaseSchema,
    });
    worker = started.child;
    await waitFor(async () => (await readiness(gw.url)).status === 200);
    expect((await readiness(gw.url)).body.checks.workers).toEqual({ ok: true, detail: { consuming: { offer: 1, order: 1, seat: 1, service: 1 } } });

    // The worker's own endpoints, on WORKER_PORT.
    expect(await (await fetch(`${started.monitoringUrl}/live`)).json()).toEqual({ status: 'ok' });
    const workerReady = await fetch(`${started.monitoringUrl}/ready`);
    expect(workerReady.status).toBe(200);
    expect(Object.keys(((await workerReady.json()) as { checks: object }).checks)).toEqual(['workers', 'orders', 'downstream', 'running']);

    const served = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, body);
    expect(served.status, served.text.slice(0, 1000)).toBe(200);
    expect(served.text).toMatch(/<(?:\w+:)?Offer\b/);
    const metrics = await (await fetch(`${started.monitoringUrl}/metrics`)).text();
    expect(metrics).toMatch(/^ndc_worker_jobs_total\{command="offer\.shop",outcome="ok"\} 1$/m);

    worker.kill('SIGKILL');
    worker = undefined;
    await waitFor(async () => (await readiness(gw.url)).status === 503);
    const stranded = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, body);
    expect(stranded.status).toBe(504);
    expect(stranded.text).toContain('DEADLINE_EXCEEDED');
    expect(gw.gateway.deps.schemas.get('21.3', 'AirShoppingRS').validate(stranded.text)).toEqual([]);
  });
});
