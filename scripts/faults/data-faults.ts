/**
 * Faults of the data servers: Redis or PostgreSQL restarted under load, alternately as a clean
 * stop and as a crash, down for a random 0.5–3 s. What is promised: BullMQ and ioredis reconnect,
 * jobs in flight are finished or taken over as stalled, never lost; the order store's pools
 * reconnect; no order is lost or made twice; and no gateway or worker process exits because a
 * data server went away (the processes are not restarted by the harness: one that died is a bug).
 */
import type { Cluster, DataServer, FaultContext, FaultDefinition, ManagedProcess } from './types.ts';

const MIN_DOWN_MS = 500;
const MAX_DOWN_MS = 3000;

function restartable(server: Cluster['redis'], name: string): DataServer {
  if (!('restart' in server)) throw new Error(`${name} is a shared server: the fault needs the cluster's own (ownDataServers)`);
  return server;
}

/** The gateway's processes, which must outlive the data servers' restarts. */
function serviceProcesses(cluster: Cluster): readonly ManagedProcess[] {
  return [...cluster.gateways, ...cluster.workers];
}

function pidsOf(processes: readonly ManagedProcess[]): Map<ManagedProcess, number | undefined> {
  return new Map(processes.map((p) => [p, p.pid()]));
}

/** Throws when a process stopped or was replaced since `before`, with its last lines. */
function assertStillRunning(before: Map<ManagedProcess, number | undefined>, when: string): void {
  for (const [process, pid] of before) {
    if (!process.running() || process.pid() !== pid) {
      throw new Error(`${process.name} (pid ${pid}) exited ${when}:\n${process.output().slice(-2000)}`);
    }
  }
}

function restartUnderLoad(name: string, server: (cluster: Cluster) => Cluster['redis']): FaultDefinition['inject'] {
  return async (context: FaultContext) => {
    const target = restartable(server(context.cluster), name);
    const before = pidsOf(serviceProcesses(context.cluster));
    // Alternate, so each run has both: a clean stop (sessions told to go) and a crash (sockets just drop).
    const mode = context.injection % 2 === 1 ? 'immediate' : 'fast';
    const downMs = MIN_DOWN_MS + Math.floor(context.random() * (MAX_DOWN_MS - MIN_DOWN_MS));
    const started = Date.now();
    await target.restart({ mode, downMs });
    context.log(`injection ${context.injection}: ${name} ${mode} restart, down ${downMs} ms, answering again after ${Date.now() - started} ms`);
    assertStillRunning(before, `while ${name} was restarted`);
  };
}

export const redisRestart: FaultDefinition = {
  name: 'redis-restart',
  description: 'Redis restarted under load (SIGTERM or SIGKILL in turn), down 0.5–3 s',
  cluster: { ownDataServers: true },
  intervalMs: 3000,
  inject: restartUnderLoad('redis', (cluster) => cluster.redis),
};

export const postgresRestart: FaultDefinition = {
  name: 'postgres-restart',
  description: 'PostgreSQL restarted under load (fast or immediate shutdown in turn), down 0.5–3 s',
  cluster: { ownDataServers: true },
  intervalMs: 3000,
  inject: restartUnderLoad('postgres', (cluster) => cluster.postgres),
};
