/**
 * Faults of the gateway's own processes: a worker SIGKILLed at a random moment under load (its
 * jobs are taken over as stalled by the other worker, or finished by the seller's retry with its
 * key), and a gateway SIGKILLed with requests in flight behind the balancer (the other gateway
 * carries the traffic; sellers retry lost answers with their key). Each process is started again
 * at the same address before the next injection.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultContext, FaultDefinition, ManagedProcess } from './types.ts';

/** Longer than the balancer's readiness check (200 ms), so a gateway back up gets traffic again before the next kill. */
const BALANCER_SETTLE_MS = 600;

function pick(context: FaultContext, processes: readonly ManagedProcess[]): ManagedProcess {
  const running = processes.filter((p) => p.running());
  if (running.length === 0) throw new Error('no process left running to kill');
  return running[Math.floor(context.random() * running.length)]!;
}

export const workerKill: FaultDefinition = {
  name: 'worker-kill',
  description: 'a worker process SIGKILLed at a random moment under load, then started again',
  cluster: { workers: 2, gateways: 1 },
  intervalMs: 3000,
  async inject(context) {
    // The runner's jitter before each injection makes the moment random: within a job or between jobs.
    const worker = pick(context, context.cluster.workers);
    const pid = worker.pid();
    await worker.kill();
    context.log(`injection ${context.injection}: SIGKILL ${worker.name} (pid ${pid})`);
    await sleep(Math.floor(context.random() * 1000));
    await worker.start();
  },
};

export const gatewayKill: FaultDefinition = {
  name: 'gateway-kill',
  description: 'a gateway process SIGKILLed with requests in flight (two behind a balancer), then started again',
  cluster: { gateways: 2, workers: 2 },
  intervalMs: 3000,
  async inject(context) {
    const gateway = pick(context, context.cluster.gateways);
    const pid = gateway.pid();
    await gateway.kill();
    context.log(`injection ${context.injection}: SIGKILL ${gateway.name} (pid ${pid})`);
    await sleep(Math.floor(context.random() * 1000));
    await gateway.start();
    await sleep(BALANCER_SETTLE_MS);
  },
};
