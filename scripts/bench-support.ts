/**
 * What the end-to-end benchmarks share: the gateway's processes started as production runs them,
 * CPU and memory read from /proc (steady under noise from other work, unlike wall time), ports,
 * and medians.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux
const PAGE_BYTES = 4096; // getconf PAGESIZE

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function median(numbers: readonly number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** User plus system CPU of a process so far (or system CPU only: time in the kernel), in ms; 0 once it is gone. */
export function cpuMs(pid: number, systemOnly = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (((systemOnly ? 0 : Number(fields[11])) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Resident memory of a process in MB; 0 once it is gone. */
export function rssMb(pid: number): number {
  try {
    return (Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES) / 1e6;
  } catch {
    return 0;
  }
}

/** The process and every process below it (e.g. the gateway processes of GATEWAY_PROCESSES). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** redis-server's pid, from INFO. */
export async function redisServerPid(url: string): Promise<number | undefined> {
  const redis = new Redis(url);
  try {
    const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    return Number.isFinite(pid) ? pid : undefined;
  } finally {
    redis.disconnect();
  }
}

export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last few KB the process wrote, for errors. */
  output: string;
}

export interface ServiceOptions {
  /** Run the TypeScript source through tsx instead of the compiled build. */
  readonly tsx?: boolean;
  /** Node flags, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
}

let stopping = false;

/** Compiles src/ to dist/ (`npm run build`), as production runs it. */
export function build(): void {
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}

/** Starts `src/<file>.ts` as production runs it, compiled (`dist/<file>.js`), or through tsx. */
export function startService(name: string, script: string, env: NodeJS.ProcessEnv, options: ServiceOptions = {}): Service {
  const nodeArgs = options.nodeArgs ?? [];
  const args = options.tsx ? [...nodeArgs, '--import', 'tsx', script] : [...nodeArgs, script.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const service: Service = { name, child, output: '' };
  const keep = (chunk: Buffer): void => {
    service.output = (service.output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`${name} exited (${code ?? signal}):\n${service.output}`);
  });
  return service;
}

export async function stopService(service: Service): Promise<void> {
  stopping = true;
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  const exited = new Promise((done) => service.child.once('exit', done));
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  stopping = false;
}

/** Waits for 200 at `url`; seconds it took. */
export async function waitForHealth(url: string, service: Service, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} did not start:\n${service.output}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return (performance.now() - started) / 1000;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`${service.name} not healthy at ${url}:\n${service.output}`);
}
