import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../../support/build-dist.ts';
import { REDIS_URL, SCHEMA_PATH } from '../../support/paths.ts';
import { freePort, takePort } from '../../support/ports.ts';
import { dropSchema, TEST_DATABASE_URL } from '../../support/start-gateway.ts';

/**
 * What the compiled entry points (`node dist/main.js`, `node dist/worker-main.js`) say when they
 * refuse to start: one message that names what to change, no stack trace, exit code 1.
 */

interface Run {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
}

async function run(script: string, env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, NDC_SCHEMA_PATH: SCHEMA_PATH, NDC_VERSIONS: '21.3', MAPPINGS_WATCH: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr, stdout };
}

/** The order store of the one gateway that gets as far as opening it (PORT taken). */
const SCHEMA = `test_${randomUUID().replaceAll('-', '')}`;

describe('a start that is refused', () => {
  beforeAll(buildDist, 120_000);
  afterAll(async () => {
    await dropSchema(TEST_DATABASE_URL, SCHEMA);
  });

  it('lists everything the production profile misses in one message', async () => {
    const result = await run('dist/main.js', { NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'ConfigError: the gateway cannot start in the production profile (NODE_ENV=production or GATEWAY_PROFILE=production):',
      '  - AIRLINE_URL is not set: the built-in reference airline, a simulator, would answer',
      '  - PAYMENT_URL is not set: the built-in reference payment service, a simulator, would take the payments',
      '  - CLIENTS_FILE is not set: every caller would be the demo client',
      '  - DATABASE_URL is not set while REDIS_URL is: orders would go to the embedded store of this one process, not to one every worker shares',
      '  - PERSONAL_DATA_KEYS is not set: contacts and identity documents would be sealed with the published development key',
    ]);
    expect(result.stdout).toBe('');
  });

  it('says in one line that the schema folder is missing, not once per message', async () => {
    const missing = join(tmpdir(), 'no-such-iata-schemas');
    const result = await run('dist/main.js', { NDC_SCHEMA_PATH: missing });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'ConfigError: the gateway cannot start:',
      `  - NDC_SCHEMA_PATH ${missing} does not exist: point it at the IATA schema packages (<version>/<files>), or import one with \`npx ndc-gateway schemas import <zip>\``,
    ]);
    expect(result.stdout).not.toContain('schema not available');
  });

  it('refuses workers in other processes without DATABASE_URL, in every profile', async () => {
    const edge = await run('dist/main.js', { REDIS_URL, RUN_WORKERS: 'false' });
    expect(edge.code).toBe(1);
    expect(edge.stderr).toMatch(/^ConfigError: the gateway cannot start:\n {2}- DATABASE_URL is not set while RUN_WORKERS=false with REDIS_URL/);
    const worker = await run('dist/worker-main.js', { REDIS_URL });
    expect(worker.code).toBe(1);
    expect(worker.stderr).toMatch(/^ConfigError: npm run worker cannot start:\n {2}- DATABASE_URL is not set: a separate worker/);
  });

  it.each([
    ['AIRLINE_PORT', 'dist/main.js'],
    ['PAYMENT_PORT', 'dist/main.js'],
    ['PORT', 'dist/main.js'],
    ['WORKER_PORT', 'dist/worker-main.js'],
  ])('names %s when its port is in use', async (setting, script) => {
    const taken = await takePort();
    try {
      const env: Record<string, string> = {
        PORT: String(await freePort()), AIRLINE_PORT: String(await freePort()), PAYMENT_PORT: String(await freePort()), WORKER_PORT: String(await freePort()),
        DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: SCHEMA,
        ...(script === 'dist/worker-main.js' ? { REDIS_URL, QUEUE_PREFIX: `test-${randomUUID()}` } : {}),
        [setting]: String(taken.port),
      };
      const result = await run(script, env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`ListenError: ${setting}=${taken.port}: the port is already in use on 127.0.0.1; set ${setting} to a free port\n`);
    } finally {
      taken.server.close();
    }
  });
});
