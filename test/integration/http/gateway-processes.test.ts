import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../src/auth/index.ts';
import { REDIS_URL, SCHEMA_PATH } from '../../support/paths.ts';
import { TEST_DATABASE_URL } from '../../support/start-gateway.ts';

const SCHEMA = `test_${randomUUID().replaceAll('-', '')}`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** GET on a connection of its own, so the cluster's round robin hands each to the next process. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(check).catch(() => false))) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('GATEWAY_PROCESSES=2: gateway processes sharing one port', () => {
  let child: ChildProcess;
  let port: number;
  const listening: number[] = [];

  beforeAll(async () => {
    port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        GATEWAY_PROCESSES: '2',
        PORT: String(port),
        HOST: '127.0.0.1',
        AIRLINE_PORT: String(await freePort()),
        PAYMENT_PORT: String(await freePort()),
        NDC_SCHEMA_PATH: SCHEMA_PATH,
        NDC_VERSIONS: '21.3',
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: SCHEMA,
        REDIS_URL,
        QUEUE_PREFIX: `test-${randomUUID()}`,
        MAPPINGS_WATCH: 'false',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; pid?: number };
      if (entry.msg === 'NDC gateway listening' && entry.pid !== undefined) listening.push(entry.pid);
    });
    await waitFor(async () => listening.length === 2 && (await get(port, '/api/v1/monitoring/health')).status === 200);
  }, 90_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await client.end();
  });

  it('runs two gateway processes besides the primary', () => {
    expect(new Set(listening).size).toBe(2);
    expect(listening).not.toContain(child.pid);
  });

  it('sums the metrics of every process whichever one a scrape reaches', async () => {
    const posts = Array.from({ length: 10 }, () => new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/v1/ndc', method: 'POST', agent: false, headers: { 'content-type': 'application/xml' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end('<Unknown/>');
    }));
    expect(await Promise.all(posts)).toEqual(Array(10).fill(400));
    const outcomes = (text: string): number => [...text.matchAll(/^ndc_requests_total\{message="unknown",version="unknown",outcome="\w+"\} (\d+)$/gm)]
      .reduce((sum, match) => sum + Number(match[1]), 0);
    for (let i = 0; i < 4; i++) expect(outcomes((await get(port, '/api/v1/monitoring/metrics', { authorization: `Bearer ${DEMO_API_KEY}` })).text)).toBe(10);
  });

  it('replaces a gateway process that dies, and keeps serving meanwhile', async () => {
    const victim = listening[0]!;
    process.kill(victim, 'SIGKILL');
    await waitFor(() => listening.length === 3);
    expect(listening[2]).not.toBe(victim);
    for (let i = 0; i < 4; i++) expect((await get(port, '/api/v1/monitoring/health')).status).toBe(200);
  }, 60_000);

  it('stops every process on SIGTERM', async () => {
    const pids = listening.slice(1);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});
