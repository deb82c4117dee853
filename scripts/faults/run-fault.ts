/**
 * Runs one fault as its definition says: starts the cluster, warms it up, starts the sellers'
 * load, injects the fault `times` times (a pause of intervalMs plus jitter before each, then the
 * time until the first OrderCreate sent after the injection began ends in an order), stops the
 * load, waits for the system to converge, reconciles, and stops the cluster.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from '../bench-support.ts';
import { startCluster, type RunningCluster } from './cluster.ts';
import { startLoad } from './load.ts';
import { reconcile } from './reconcile.ts';
import type { ClusterOptions, FaultContext, FaultDefinition, FaultReport, LoadReport, Reconciliation } from './types.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

export interface RunFaultOptions {
  readonly times: number;
  /** Seed of the fault's random choices (which worker, when). @defaultValue FAULT_SEED or 1 */
  readonly seed?: number;
  /** Virtual sellers. @defaultValue 4 */
  readonly sellers?: number;
  /** Progress lines; stderr by default. */
  readonly log?: (line: string) => void;
}

export const DEFAULT_CLUSTER: ClusterOptions = { gateways: 1, workers: 2, ownDataServers: false };
const DEFAULT_INTERVAL_MS = 3000;
/** How long an injection may take to recover (an OrderCreate ending in an order) before the run fails. */
const RECOVERY_TIMEOUT_MS = 90_000;
/** How long reconciliation waits for jobs still running after the load stopped to settle. */
const CONVERGENCE_MS = 30_000;


/** Reconciles until it is clean or CONVERGENCE_MS passed: a job may still be finishing an order its seller gave up on. */
async function converge(load: LoadReport, cluster: RunningCluster): Promise<Reconciliation> {
  const until = Date.now() + CONVERGENCE_MS;
  for (;;) {
    const result = await reconcile(load, { databaseUrl: cluster.databaseUrl, schema: cluster.schema, airlineUrl: cluster.airlineUrl, paymentUrl: cluster.paymentUrl });
    if (result.problems.length === 0 || Date.now() > until) return result;
    await sleep(1000);
  }
}

export async function runFault(definition: FaultDefinition, options: RunFaultOptions): Promise<FaultReport> {
  const seed = options.seed ?? Number(process.env.FAULT_SEED ?? 1);
  const random = seededRandom(seed);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const say = (line: string): void => log(`[${new Date().toISOString().slice(11, 23)} ${definition.name}] ${line}`);
  const clusterOptions: ClusterOptions = {
    ...DEFAULT_CLUSTER, ...definition.cluster,
    env: { ...definition.cluster?.env },
  };
  say(`starting ${clusterOptions.gateways} gateway(s), ${clusterOptions.workers} worker(s), ${clusterOptions.ownDataServers ? 'own' : 'shared'} Redis and PostgreSQL; seed ${seed}`);
  const cluster = await startCluster(clusterOptions);
  say(`cluster up at ${cluster.url}, logs in ${cluster.dir}`);
  const load = startLoad(cluster.url, { sellers: options.sellers ?? 4, random });
  let stopped = false;
  try {
    if ((await load.firstOrderAfter(0, RECOVERY_TIMEOUT_MS)) === undefined) throw new Error('no OrderCreate ended in an order during the warm-up');
    const recoveries: number[] = [];
    for (let injection = 1; injection <= options.times; injection++) {
      const interval = definition.intervalMs ?? DEFAULT_INTERVAL_MS;
      await sleep(interval + Math.floor(random() * interval * 0.5));
      const started = Date.now();
      const context: FaultContext = {
        cluster, injection, random, log: say,
        answersSince: (since) => load.answersSince(since),
        inFlight: (message) => load.inFlight(message),
      };
      await definition.inject(context);
      const recovered = await load.firstOrderAfter(started, RECOVERY_TIMEOUT_MS);
      if (recovered === undefined) throw new Error(`injection ${injection}: no OrderCreate ended in an order within ${RECOVERY_TIMEOUT_MS} ms`);
      recoveries.push(recovered - started);
      say(`injection ${injection}/${options.times}: recovered in ${recovered - started} ms`);
    }
    say('stopping the load; every OrderCreate in flight ends first');
    const report = await load.stop();
    stopped = true;
    const reconciliation = await converge(report, cluster);
    const unanswered = report.creates.filter((c) => c.orderId === undefined && c.refusedCode === undefined).length;
    const failedAnswers = definition.noFailedRequests ? report.failedAttempts : 0;
    const result: FaultReport = {
      fault: definition.name,
      injections: options.times,
      requests: report.requests,
      ordersExpected: reconciliation.ordersExpected,
      ordersFound: reconciliation.ordersFound,
      duplicates: reconciliation.duplicates,
      lostAnswers: report.creates.reduce((sum, c) => sum + c.lostAnswers, 0),
      failedRequests: unanswered + failedAnswers,
      recoveryMs: { median: Math.round(median(recoveries)), max: Math.max(0, ...recoveries) },
      reconciliation,
    };
    const statuses = new Map<string, number>();
    for (const a of load.answersSince(0)) if (a.message === 'OrderCreateRQ') statuses.set(`${a.status}${a.errorCode ? ` ${a.errorCode}` : ''}`, (statuses.get(`${a.status}${a.errorCode ? ` ${a.errorCode}` : ''}`) ?? 0) + 1);
    say(`OrderCreate answers: ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}`);
    const refused = new Map<string, number>();
    for (const c of report.creates) if (c.refusedCode) refused.set(c.refusedCode, (refused.get(c.refusedCode) ?? 0) + 1);
    say(`${report.requests} requests (${Object.entries(report.byMessage).map(([m, n]) => `${m} ${n}`).join(', ')}), ${report.failedAttempts} failed attempts; ` +
      `creates: ${report.creates.length}, refused ${[...refused].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}, unanswered ${unanswered}`);
    for (const problem of reconciliation.problems.slice(0, 20)) say(`problem: ${problem}`);
    return result;
  } catch (error) {
    const outputs = [...cluster.gateways, ...cluster.workers].map((p) => `--- ${p.name} (${p.running() ? 'running' : 'down'})\n${p.output().slice(-1500)}`).join('\n');
    say(`failed: ${String(error)}\n${outputs}`);
    throw error;
  } finally {
    if (!stopped) await load.stop().catch(() => undefined);
    await cluster.stop();
  }
}
