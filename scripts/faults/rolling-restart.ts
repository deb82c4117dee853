import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultContext, FaultDefinition, ManagedProcess } from './types.ts';

/**
 * After a gateway is back, how long before its peer is stopped: the balancer checks readiness
 * every 200 ms, and a gateway it has not seen back yet would leave one gateway taking all traffic
 * (it still takes a request the other refuses, so this is margin, not correctness).
 */
const SETTLE_MS = 1_000;

/** What a gateway writes when SIGTERM did not end it cleanly within SHUTDOWN_GRACE_MS. */
const UNCLEAN_STOP = /the shutdown grace period ran out|stopping failed/;

/** The exit the cluster's process wrapper notes last in a process's output (`[gateway-1 exited: 0]`). */
function lastExit(output: string): string | undefined {
  return [...output.matchAll(/\[[\w-]+ exited: (\w+)\]/g)].at(-1)?.[1];
}

/** Requests of `context` sent since `since` that a seller saw fail: no answer at all, or a 5xx. */
function failedSince(context: FaultContext, since: number): string[] {
  return context.answersSince(since)
    .filter((answer) => answer.status === 0 || answer.status >= 500)
    .map((answer) => `${answer.message} ${answer.status === 0 ? 'no answer' : answer.status} after ${answer.ms} ms (sent ${answer.at - since} ms into the restart)`);
}

/** SIGTERM, wait for the exit, start again, wait until ready and seen by the balancer. */
async function restart(gateway: ManagedProcess, context: FaultContext): Promise<void> {
  const started = Date.now();
  await gateway.stop();
  const stopMs = Date.now() - started;
  const exit = lastExit(gateway.output());
  if (UNCLEAN_STOP.test(gateway.output()) || (exit !== undefined && exit !== '0')) {
    throw new Error(`${gateway.name} did not stop cleanly on SIGTERM (exit ${exit ?? 'unknown'}):\n${gateway.output()}`);
  }
  await gateway.start();
  context.log(`${gateway.name}: stopped in ${stopMs} ms, back after ${Date.now() - started} ms`);
  await sleep(SETTLE_MS);
}

/**
 * A rolling restart as a deployment does it, behind the loopback balancer, under load: SIGTERM
 * to the first gateway, wait for its exit, start it again, wait until it is ready, then the same
 * for the next. The gateway's promise on SIGTERM (not ready at once, no new connections, every
 * request it took answered, idle keep-alive connections closed) and the balancer's (no request to
 * a gateway that failed /ready, a refused or reset connection retried on the other) together make
 * it one with no failed request at all.
 */
export const rollingRestart: FaultDefinition = {
  name: 'rolling-restart',
  description: 'Two gateways behind a loopback balancer, each stopped with SIGTERM and started again in turn, under load',
  cluster: {
    gateways: 2,
    // Restarting a gateway compiles its schemas on the cores its peer serves on (production has
    // them apart): downstream and request deadlines with room for that, so an answer slowed by a
    // busy test machine is not taken for a request the restart failed. The harness keeps the
    // lease above the request timeout, as the gateway requires.
    env: { DOWNSTREAM_TIMEOUT_MS: '10000', REQUEST_TIMEOUT_MS: '25000', IDEMPOTENCY_LEASE_MS: '26000' },
  },
  intervalMs: 1_000,
  noFailedRequests: true,
  async inject(context) {
    const since = Date.now();
    const { gateways, balancer } = context.cluster;
    const retriedBefore = balancer.stats().retried;
    if (gateways.length < 2) throw new Error(`a rolling restart needs at least 2 gateways, the cluster has ${gateways.length}`);
    for (const gateway of gateways) await restart(gateway, context);
    const retried = balancer.stats().retried - retriedBefore;
    // Not a failure (the balancer placed them), but requests a gateway refused or cut while stopping.
    if (retried > 0) context.log(`restart ${context.injection}: the balancer sent ${retried} request(s) again to the other gateway`);
    const failed = failedSince(context, since);
    if (failed.length > 0) context.log(`${failed.length} failed request(s) during restart ${context.injection}:\n  ${failed.slice(0, 10).join('\n  ')}`);
  },
};
