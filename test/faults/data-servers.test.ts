import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer, startRedisServer } from '../../scripts/faults/data-servers.ts';
import type { DataServer } from '../../scripts/faults/types.ts';

/** One query on a fresh connection, so each call sees the server as it is now. */
async function query(url: string, sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

describe('data servers the fault harness restarts', () => {
  let dir: string;
  let redis: DataServer | undefined;
  let postgres: DataServer | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'data-servers-'));
    redis = await startRedisServer(join(dir, 'redis'));
    postgres = await startPostgresServer(join(dir, 'postgres'));
  });

  afterAll(async () => {
    await Promise.all([redis?.stop(), postgres?.stop()]);
    expect(redis?.running()).toBe(false);
    expect(postgres?.running()).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps Redis data across a clean restart and a SIGKILL', async () => {
    const server = redis!;
    expect(server.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    await withRedis(server.url, (client) => client.set('before-fast', '1'));
    const firstPid = server.pid();
    await server.restart({ mode: 'fast', downMs: 200 });
    expect(server.pid()).not.toBe(firstPid);

    // Written just before the crash: appendfsync always means it is on disk once acknowledged.
    await withRedis(server.url, (client) => client.rpush('before-crash', 'a', 'b', 'c'));
    const secondPid = server.pid()!;
    await server.restart({ mode: 'immediate', downMs: 200 });
    expect(server.pid()).not.toBe(secondPid);

    await withRedis(server.url, async (client) => {
      expect(await client.get('before-fast')).toBe('1');
      expect(await client.lrange('before-crash', 0, -1)).toEqual(['a', 'b', 'c']);
    });
  });

  it('keeps committed PostgreSQL rows across a fast and an immediate restart', async () => {
    const server = postgres!;
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/faults$/);
    await query(server.url, 'CREATE TABLE kept (id int PRIMARY KEY)');
    await query(server.url, 'INSERT INTO kept VALUES (1)');
    await server.restart({ mode: 'fast', downMs: 200 });

    await query(server.url, 'INSERT INTO kept VALUES (2)');
    const pid = server.pid();
    await server.restart({ mode: 'immediate', downMs: 200 });
    expect(server.pid()).not.toBe(pid);
    expect(server.output()).toMatch(/not properly shut down|automatic recovery/);

    const { rows } = await query(server.url, 'SELECT id FROM kept ORDER BY id');
    expect(rows.map((row: { id: number }) => row.id)).toEqual([1, 2]);
  });

  it('ends an open PostgreSQL session on an immediate restart, and the server takes new ones after it', async () => {
    const server = postgres!;
    const client = new pg.Client({ connectionString: server.url });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    try {
      await server.restart({ mode: 'immediate', downMs: 300 });
      await expect(client.query('SELECT 1')).rejects.toThrow();
    } finally {
      await client.end().catch(() => undefined);
    }
    expect((await query(server.url, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
