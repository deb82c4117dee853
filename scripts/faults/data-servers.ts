/**
 * Redis and PostgreSQL run by the fault harness: each in a folder of its own, on a port of its
 * own, so a fault can stop, crash and start them again under load without touching the shared
 * servers other tests use. Both keep their data across a restart: Redis writes every command to
 * its append-only file before it answers, PostgreSQL replays its WAL after a crash.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from '../bench-support.ts';
import type { DataServer } from './types.ts';

const REDIS_SERVER = '/usr/bin/redis-server';
const POSTGRES_BINARIES = ['/usr/local/bin', ...listPostgresBinDirs()];
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;
const OUTPUT_CHARS = 4000;

/** Signals that end each server: a clean stop, and a stop as a crash. */
interface Signals {
  readonly stop: NodeJS.Signals;
  readonly crash: NodeJS.Signals;
}

interface ServerSpec {
  readonly name: string;
  readonly url: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly signals: Signals;
  /** Runs the server as this OS user (PostgreSQL refuses to run as root). */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Resolves true once the server answers queries. */
  ready(): Promise<boolean>;
}

/** Children still running when the harness exits are ended with it, so no server outlives a crashed run. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function startManagedServer(spec: ServerSpec): DataServer {
  let child: ChildProcess | undefined;
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_CHARS);
    appendFileSync(spec.logFile, chunk);
  };
  const exited = (process: ChildProcess): boolean => process.exitCode !== null || process.signalCode !== null;

  async function start(): Promise<void> {
    if (child && !exited(child)) return;
    const started = spawn(spec.command, spec.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' },
      ...(spec.user ?? {}),
    });
    child = started;
    running.add(started);
    started.once('exit', () => running.delete(started));
    started.stdout!.on('data', keep);
    started.stderr!.on('data', keep);
    const until = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (exited(started)) throw new Error(`${spec.name} exited before it answered:\n${output}`);
      if (await spec.ready()) return;
      if (Date.now() > until) throw new Error(`${spec.name} did not answer at ${spec.url}:\n${output}`);
      await sleep(50);
    }
  }

  async function end(signal: NodeJS.Signals): Promise<void> {
    const current = child;
    if (!current || exited(current)) return;
    const gone = once(current, 'exit');
    current.kill(signal);
    const timer = setTimeout(() => current.kill('SIGKILL'), STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  }

  return {
    name: spec.name,
    url: spec.url,
    pid: () => (child && !exited(child) ? child.pid : undefined),
    running: () => child !== undefined && !exited(child),
    start,
    stop: () => end(spec.signals.stop),
    kill: () => end(spec.signals.crash),
    output: () => output,
    async restart({ mode, downMs }) {
      await end(mode === 'fast' ? spec.signals.stop : spec.signals.crash);
      await sleep(downMs);
      await start();
    },
  };
}

/** Answers true once redis-server replies +PONG (not -LOADING while it replays its append-only file). */
function pingRedis(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

/**
 * redis-server on a free port with its data in `dir`. Every write is in the append-only file
 * before Redis answers (appendfsync always), so even a SIGKILL loses no queued job. `kill()` and
 * `restart({ mode: 'immediate' })` are that SIGKILL; `stop()` and `fast` are SIGTERM.
 */
export async function startRedisServer(dir: string): Promise<DataServer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const server = startManagedServer({
    name: 'redis',
    url: `redis://127.0.0.1:${port}`,
    command: REDIS_SERVER,
    args: [
      '--bind', '127.0.0.1',
      '--port', String(port),
      '--dir', resolve(dir),
      '--appendonly', 'yes',
      '--appendfsync', 'always',
      '--save', '',
      '--daemonize', 'no',
      // BullMQ's keys must never be evicted.
      '--maxmemory-policy', 'noeviction',
    ],
    logFile: join(dir, 'redis.log'),
    signals: { stop: 'SIGTERM', crash: 'SIGKILL' },
    ready: () => pingRedis(port),
  });
  await server.start();
  return server;
}

function listPostgresBinDirs(): string[] {
  try {
    return execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort().reverse();
  } catch {
    return [];
  }
}

function postgresBinary(name: string): string {
  const found = POSTGRES_BINARIES.map((bin) => join(bin, name)).find((path) => existsSync(path));
  if (!found) throw new Error(`${name} not found in ${POSTGRES_BINARIES.join(', ')}`);
  return found;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` OS user, else as ourselves. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Lets `user` reach `dir`: owns it, and every folder above it can be passed through (mkdtemp makes them 0700). */
function handOver(dir: string, user: { uid: number; gid: number }): void {
  chownSync(dir, user.uid, user.gid);
  for (let parent = dirname(dir); parent !== dirname(parent); parent = dirname(parent)) {
    const { mode } = statSync(parent);
    if ((mode & 0o001) === 0) chmodSync(parent, mode | 0o001);
  }
}

async function queryOnce(url: string, sql: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(sql);
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * PostgreSQL on a free port with its cluster in `dir` (initdb, trust auth, socket in the same
 * folder) and a database `faults`. `stop()` and `restart({ mode: 'fast' })` are a fast shutdown
 * (SIGINT: sessions are ended, a checkpoint written); `kill()` and `immediate` are an immediate
 * shutdown (SIGQUIT, as `pg_ctl -m immediate`: no checkpoint, crash recovery from the WAL at the
 * next start). SIGKILL of the postmaster alone would leave its backends holding the shared memory
 * and the next start would refuse, so a crash is the immediate shutdown.
 */
export async function startPostgresServer(dir: string): Promise<DataServer> {
  const root = resolve(dir);
  const dataDir = join(root, 'data');
  mkdirSync(root, { recursive: true });
  const user = postgresUser();
  if (user) handOver(root, user);
  const port = await freePort();
  const logFile = join(root, 'postgres.log');
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    execFileSync(postgresBinary('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
      ...(user ?? {}),
    });
  }
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const server = startManagedServer({
    name: 'postgres',
    url: `postgres://postgres@127.0.0.1:${port}/faults`,
    command: postgresBinary('postgres'),
    args: [
      '-D', dataDir,
      '-p', String(port),
      '-k', root,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=200',
      // The faults crash the server process, not the machine: what a commit wrote is in the
      // operating system's cache and survives, so fsync only costs time on a shared machine.
      '-c', 'fsync=off',
      '-c', 'full_page_writes=off',
    ],
    logFile,
    signals: { stop: 'SIGINT', crash: 'SIGQUIT' },
    ...(user ? { user } : {}),
    ready: () => queryOnce(adminUrl, 'SELECT 1'),
  });
  await server.start();
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'faults'`);
    if (!rowCount) await client.query('CREATE DATABASE faults');
  } finally {
    await client.end();
  }
  return server;
}
