/**
 * Soak: mixed NDC traffic for half an hour against the gateway's processes as production runs
 * them, on the fault harness's cluster (scripts/faults/cluster.ts: a gateway with
 * RUN_WORKERS=false behind the loopback balancer, a worker, the reference airline and payment
 * service; BullMQ on the shared Redis and the order store on the shared PostgreSQL, with a queue
 * prefix and a schema of its own), reading the memory of the gateway and the worker every minute.
 * The traffic is the harness's sellers (scripts/faults/load.ts: AirShopping, OfferPrice,
 * OrderCreate with an Idempotency-Key) and one more seller that also retrieves its orders and
 * sends malformed and XSD-invalid XML (scripts/soak/soak-traffic.ts). libxml2-wasm documents are
 * freed by hand, so a leak on any path shows as a rising line here first.
 *   npx tsx scripts/soak.ts [--minutes 30] [--sample-seconds 60] [--warm-up-minutes 3] [--sellers 4] [--think-ms 100] [--out docs/soak] [--no-build]
 *   npx tsx scripts/soak.ts --plot-only [--out docs/soak]     # judges <out>.json again and redraws <out>.png
 * Writes <out>.json (every sample, the slopes, the machine) and <out>.png (the plot, drawn with
 * chart.js in headless chromium), and prints a table. After the warm-up, each series (RSS and V8
 * heap used, of the gateway and of the worker) gets a least-squares slope with its standard error;
 * it is flat when |slope| < 2 standard errors, or when the line's drift over the measured window
 * is below 1 MB (see judgeFlat). Exit code 1 when a series is not flat or a process died.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from './bench-support.ts';
import { startCluster } from './faults/cluster.ts';
import { startLoad } from './faults/load.ts';
import type { LoadReport } from './faults/types.ts';
import { renderPlotPng, type PlotSeries } from './soak/soak-plot.ts';
import { readProcess, type MemoryReading } from './soak/soak-sample.ts';
import { DRIFT_BOUND_MB, slopeOf, type SeriesSlope } from './soak/soak-stats.ts';
import { startTraffic, type TrafficCounts } from './soak/soak-traffic.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'sample-seconds': { type: 'string', default: '60' },
    'warm-up-minutes': { type: 'string', default: '3' },
    sellers: { type: 'string', default: '4' },
    'think-ms': { type: 'string', default: '100' },
    out: { type: 'string', default: 'docs/soak' },
    'no-build': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'warn' },
    'plot-only': { type: 'boolean', default: false },
  },
});
const OUT = resolve(values.out);
const DEMO_KEY = 'demo-key'; // the embedded demo client: no CLIENTS_FILE; it may read metrics

interface ProcessSample extends MemoryReading {
  /** CPU ms per request over the interval that ended with this sample. */
  readonly cpuMsPerRequest: number;
}

export interface SoakSample {
  readonly minute: number;
  readonly at: string;
  /** Requests answered (or given up) since the start. */
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly gateway: ProcessSample;
  readonly worker: ProcessSample;
}

export interface SoakReport {
  readonly machine: Record<string, string | number>;
  readonly settings: Record<string, number>;
  readonly samples: readonly SoakSample[];
  readonly slopes: readonly SeriesSlope[];
  readonly flat: boolean;
  readonly criterion: string;
  readonly traffic: {
    readonly requests: number;
    /** The fault harness's sellers (scripts/faults/load.ts): shop, price, book, retry a lost OrderCreate with its key. */
    readonly sellers: { readonly byMessage: Readonly<Record<string, number>>; readonly failedAttempts: number; readonly orders: number; readonly refused: number; readonly neverAnswered: number };
    /** The soak's own seller: the same messages plus OrderRetrieve, malformed and XSD-invalid XML. */
    readonly edgeSeller: TrafficCounts;
  };
}

const CRITERION = `after the warm-up, a least-squares line per series; flat when |slope| < 2 standard errors of the slope (no trend distinguishable from noise at about 95%), or when the line's drift over the measured window is below ${DRIFT_BOUND_MB} MB`;
const SERIES = [
  { name: 'gateway RSS', color: '#1f77b4', of: (s: SoakSample) => s.gateway.rssMb },
  { name: 'gateway heap used', color: '#6baed6', of: (s: SoakSample) => s.gateway.heapUsedMb },
  { name: 'worker RSS', color: '#d62728', of: (s: SoakSample) => s.worker.rssMb },
  { name: 'worker heap used', color: '#fc9272', of: (s: SoakSample) => s.worker.heapUsedMb },
] as const;

function computeSlopes(samples: readonly SoakSample[], warmUpMinutes: number): SeriesSlope[] {
  const measured = samples.filter((s) => s.minute >= warmUpMinutes - 1e-9);
  if (measured.length < 3) throw new Error(`only ${measured.length} samples after the ${warmUpMinutes}-minute warm-up: run longer`);
  return SERIES.map((series) => slopeOf(series.name, measured.map((s) => s.minute), measured.map(series.of)));
}

async function drawPlot(report: SoakReport, file: string): Promise<void> {
  const warmUp = report.settings.warmUpMinutes!;
  const measured = report.samples.filter((s) => s.minute >= warmUp - 1e-9);
  const from = measured[0]?.minute ?? 0;
  const to = measured.at(-1)?.minute ?? 0;
  const series: PlotSeries[] = SERIES.map((spec) => {
    const slope = report.slopes.find((s) => s.series === spec.name)!;
    // The fitted line's intercept, recomputed from its mean at the mean minute.
    const meanMinute = measured.reduce((sum, s) => sum + s.minute, 0) / measured.length;
    return {
      label: spec.name, color: spec.color,
      points: report.samples.map((s) => [Number(s.minute.toFixed(2)), Number(spec.of(s).toFixed(1))] as const),
      fit: { slope: slope.slopeMbPerMinute, intercept: slope.meanMb - slope.slopeMbPerMinute * meanMinute, from, to },
    };
  });
  const slopes = report.slopes.map((s) => `${s.series} ${s.slopeMbPerHour >= 0 ? '+' : ''}${s.slopeMbPerHour.toFixed(1)} ± ${(s.slopeErrorMbPerMinute * 60).toFixed(1)} MB/h`).join(' · ');
  await renderPlotPng({
    title: `Soak: ${report.settings.minutes} minutes of mixed NDC traffic, ${report.traffic.requests.toLocaleString('en')} requests: ${report.flat ? 'flat' : 'NOT flat'}`,
    subtitle: slopes,
    series,
    warmUpMinutes: warmUp,
  }, file);
}

function printSummary(report: SoakReport): void {
  const pad = (value: string, width: number): string => value.padStart(width);
  console.log('\nminute  requests  req/s | gateway RSS  heap used/total  CPU ms/req | worker RSS  heap used/total  CPU ms/req');
  for (const s of report.samples) {
    console.log(`${pad(s.minute.toFixed(1), 6)} ${pad(String(s.requests), 9)} ${pad(s.requestsPerSecond.toFixed(1), 6)} | ${pad(s.gateway.rssMb.toFixed(1), 11)} ${pad(`${s.gateway.heapUsedMb.toFixed(1)}/${s.gateway.heapTotalMb.toFixed(1)}`, 16)} ${pad(s.gateway.cpuMsPerRequest.toFixed(2), 11)} | ${pad(s.worker.rssMb.toFixed(1), 10)} ${pad(`${s.worker.heapUsedMb.toFixed(1)}/${s.worker.heapTotalMb.toFixed(1)}`, 16)} ${pad(s.worker.cpuMsPerRequest.toFixed(2), 11)}`);
  }
  console.log(`\nslopes after the ${report.settings.warmUpMinutes}-minute warm-up (${report.slopes[0]?.n ?? 0} samples):`);
  console.log('series               mean MB   MB/min ± SE          MB/hour   ≤ MB/hour  residual SD  drift MB  verdict');
  for (const s of report.slopes) {
    console.log(`${s.series.padEnd(18)} ${pad(s.meanMb.toFixed(1), 9)}   ${pad(s.slopeMbPerMinute.toFixed(3), 7)} ± ${s.slopeErrorMbPerMinute.toFixed(3).padEnd(8)} ${pad(s.slopeMbPerHour.toFixed(1), 9)} ${pad(s.upperBoundMbPerHour.toFixed(1), 10)} ${pad(s.residualSdMb.toFixed(2), 12)} ${pad(s.driftMb.toFixed(2), 9)}  ${s.flat ? 'flat' : 'NOT FLAT'} (${s.reason})`);
  }
  console.log(`\ncriterion: ${report.criterion}`);
  const { sellers, edgeSeller } = report.traffic;
  console.log(`traffic: ${report.traffic.requests} requests`);
  console.log(`  harness sellers: ${JSON.stringify(sellers.byMessage)}; 5xx or no answer ${sellers.failedAttempts}; orders ${sellers.orders}, refused ${sellers.refused}, never answered ${sellers.neverAnswered}`);
  console.log(`  edge seller: ${edgeSeller.ordersCreated} orders; ${Object.entries(edgeSeller.byMessage).map(([m, c]) => `${m} ${JSON.stringify(c)}`).join(', ')}`);
  if (edgeSeller.surprises.length > 0) console.log(`  unexpected answers (first ${edgeSeller.surprises.length}):\n    ${edgeSeller.surprises.join('\n    ')}`);
  console.log(`machine: ${Object.entries(report.machine).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  console.log(`verdict: ${report.flat ? 'flat within noise' : 'NOT flat'}`);
}

/** A setting of a running process, from /proc/<pid>/environ: how the soak finds the port each process of the cluster listens on. */
function envOf(pid: number, name: string): string {
  const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((e) => e.startsWith(`${name}=`));
  if (entry === undefined) throw new Error(`process ${pid} has no ${name}`);
  return entry.slice(name.length + 1);
}

async function runSoak(): Promise<SoakReport> {
  const minutes = Number(values.minutes);
  const sampleSeconds = Number(values['sample-seconds']);
  const warmUpMinutes = Number(values['warm-up-minutes']);
  const sellers = Number(values.sellers);
  const thinkMs = Number(values['think-ms']);
  if (!values['no-build']) build();
  const loadAtStart = loadavg();
  const cluster = await startCluster({ gateways: 1, workers: 1, ownDataServers: false, env: { LOG_LEVEL: values['log-level'] } });
  try {
    const gatewayPid = cluster.gateways[0]!.pid()!;
    const workerPid = cluster.workers[0]!.pid()!;
    const gatewayUrl = `http://127.0.0.1:${envOf(gatewayPid, 'PORT')}`;
    const workerUrl = `http://127.0.0.1:${envOf(workerPid, 'WORKER_PORT')}`;
    // The harness's sellers shop, price and book; one more seller also retrieves its orders and
    // sends malformed and XSD-invalid messages, so the error paths run all along.
    const load = startLoad(cluster.url, { sellers, thinkMs, apiKey: DEMO_KEY });
    const edge = startTraffic({ url: cluster.url, sellers: 1, pauseMs: thinkMs, apiKey: DEMO_KEY });
    const requestsSoFar = (): number => load.answersSince(0).length + edge.counts().requests;
    const samples: SoakSample[] = [];
    const started = performance.now();
    let last = { at: started, requests: 0, gatewayCpu: 0, workerCpu: 0 };
    console.log(`soak: ${minutes} minutes, a sample every ${sampleSeconds} s, ${sellers} + 1 sellers thinking ${thinkMs} ms; gateway pid ${gatewayPid}, worker pid ${workerPid}; logs in ${cluster.dir}`);
    let loadReport: LoadReport | undefined;
    try {
      for (let i = 0; ; i++) {
        const due = started + i * sampleSeconds * 1000;
        await new Promise((done) => setTimeout(done, Math.max(0, due - performance.now())));
        for (const process of [...cluster.gateways, ...cluster.workers, cluster.airline, cluster.payment]) {
          if (!process.running()) throw new Error(`${process.name} died during the soak:\n${process.output()}`);
        }
        const [g, w] = await Promise.all([
          readProcess(gatewayPid, `${gatewayUrl}/api/v1/monitoring/metrics`, { authorization: `Bearer ${DEMO_KEY}` }),
          readProcess(workerPid, `${workerUrl}/api/v1/monitoring/metrics`),
        ]);
        const now = performance.now();
        const requests = requestsSoFar();
        const done = requests - last.requests;
        const perRequest = (cpu: number, before: number): number => (i === 0 || done === 0 ? 0 : (cpu - before) / done);
        const sample: SoakSample = {
          minute: (now - started) / 60_000,
          at: new Date().toISOString(),
          requests,
          requestsPerSecond: i === 0 ? 0 : done / ((now - last.at) / 1000),
          gateway: { ...g, cpuMsPerRequest: perRequest(g.cpuMs, last.gatewayCpu) },
          worker: { ...w, cpuMsPerRequest: perRequest(w.cpuMs, last.workerCpu) },
        };
        samples.push(sample);
        last = { at: now, requests, gatewayCpu: g.cpuMs, workerCpu: w.cpuMs };
        console.log(`${sample.minute.toFixed(1).padStart(5)} min  ${String(requests).padStart(7)} requests  gateway RSS ${g.rssMb.toFixed(1)} MB heap ${g.heapUsedMb.toFixed(1)}/${g.heapTotalMb.toFixed(1)} MB  worker RSS ${w.rssMb.toFixed(1)} MB heap ${w.heapUsedMb.toFixed(1)}/${w.heapTotalMb.toFixed(1)} MB`);
        if (sample.minute >= minutes - 1e-6) break;
      }
    } finally {
      [loadReport] = await Promise.all([load.stop(), edge.stop()]);
    }
    const slopes = computeSlopes(samples, warmUpMinutes);
    const creates = loadReport.creates;
    return {
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGb: Number((totalmem() / 1e9).toFixed(1)), node: process.version,
        date: new Date().toISOString(), loadAverageAtStart: loadAtStart.map((l) => l.toFixed(2)).join(' '), loadAverageAtEnd: loadavg().map((l) => l.toFixed(2)).join(' '),
        notes: 'the machine was shared with other work (tests and benchmarks of other branches) during the run: CPU ms per request and throughput are noisy, memory slopes are not affected by CPU contention',
      },
      settings: { minutes, sampleSeconds, warmUpMinutes, sellers: sellers + 1, thinkMs },
      samples, slopes, flat: slopes.every((s) => s.flat), criterion: CRITERION,
      traffic: {
        requests: loadReport.requests + edge.counts().requests,
        sellers: { byMessage: loadReport.byMessage, failedAttempts: loadReport.failedAttempts, orders: creates.filter((c) => c.orderId).length, refused: creates.filter((c) => c.refusedCode).length, neverAnswered: creates.filter((c) => !c.orderId && !c.refusedCode).length },
        edgeSeller: edge.counts(),
      },
    };
  } finally {
    await cluster.stop();
  }
}

/** A stored report with its slopes and verdict computed again from its samples, as this code computes them. */
function rejudge(stored: SoakReport): SoakReport {
  const slopes = computeSlopes(stored.samples, stored.settings.warmUpMinutes!);
  return { ...stored, slopes, flat: slopes.every((s) => s.flat), criterion: CRITERION };
}

async function main(): Promise<void> {
  mkdirSync(dirname(OUT), { recursive: true });
  const report = values['plot-only'] ? rejudge(JSON.parse(readFileSync(`${OUT}.json`, 'utf8')) as SoakReport) : await runSoak();
  if (!values['plot-only']) writeFileSync(`${OUT}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await drawPlot(report, `${OUT}.png`);
  printSummary(report);
  console.log(`\nwrote ${values['plot-only'] ? '' : `${OUT}.json, `}${OUT}.png`);
  if (!report.flat) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
