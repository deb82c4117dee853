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
/** An OrderCreate in flight this long has passed the gateway's edge and waits for its worker's answer. */
const IN_FLIGHT_MS = 50;

/** Waits (at most `timeoutMs`) until some OrderCreate has been waiting for its answer for IN_FLIGHT_MS. */
async function orderCreateInFlight(context: FaultContext, timeoutMs: number, forMs = IN_FLIGHT_MS): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (context.inFlight('OrderCreateRQ').some((at) => Date.now() - at >= forMs)) return true;
    await sleep(10);
  }
  return false;
}

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
    // A random moment within an order's work (holding seats, authorising, writing, ticketing,
    // capturing), on whichever worker has it: an OrderCreate in flight for a random time.
    const inFlight = await orderCreateInFlight(context, 5000, Math.floor(context.random() * 400));
    const worker = pick(context, context.cluster.workers);
    const pid = worker.pid();
    await worker.kill();
    context.log(`injection ${context.injection}: SIGKILL ${worker.name} (pid ${pid})${inFlight ? ' with an OrderCreate in flight' : ''}`);
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
    // With an OrderCreate in flight: its answer may be lost, so the seller must retry it with its key.
    const inFlight = await orderCreateInFlight(context, 5000);
    const gateway = pick(context, context.cluster.gateways);
    const pid = gateway.pid();
    await gateway.kill();
    context.log(`injection ${context.injection}: SIGKILL ${gateway.name} (pid ${pid})${inFlight ? ' with an OrderCreate in flight' : ''}`);
    await sleep(Math.floor(context.random() * 1000));
    await gateway.start();
    await sleep(BALANCER_SETTLE_MS);
  },
};
