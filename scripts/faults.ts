/**
 * The fault harness's command: runs one fault (or all) against a cluster started as production
 * runs it, and prints each fault's report and reconciliation; with --markdown also the rows of
 * the README's Reliability table.
 *   npx tsx scripts/faults.ts [--fault NAME|all] [--times N] [--seed S] [--sellers N] [--markdown] [--no-build]
 *   npm run faults -- --fault worker-kill --times 100
 * The processes run the compiled build; it is rebuilt first unless --no-build.
 */
import { parseArgs } from 'node:util';
import { build } from './bench-support.ts';
import { FAULTS, faultNamed } from './faults/faults.ts';
import { runFault } from './faults/run-fault.ts';
import type { FaultReport } from './faults/types.ts';

const { values } = parseArgs({
  options: {
    fault: { type: 'string', default: 'all' },
    times: { type: 'string', default: '5' },
    seed: { type: 'string' },
    sellers: { type: 'string', default: '4' },
    markdown: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});

const MARKDOWN_HEADER = [
  '| fault | injections | requests | orders expected | orders found | duplicates | lost answers | failed requests | time to recover (median / max) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---|',
];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function row(r: FaultReport): string {
  return `| ${r.fault} | ${r.injections} | ${r.requests} | ${r.ordersExpected} | ${r.ordersFound} | ${r.duplicates} | ${r.lostAnswers} | ${r.failedRequests} | ${seconds(r.recoveryMs.median)} / ${seconds(r.recoveryMs.max)} |`;
}

async function main(): Promise<void> {
  if (!values['no-build']) build();
  const faults = values.fault === 'all' ? FAULTS : [faultNamed(values.fault)];
  const times = Number(values.times);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  const reports: FaultReport[] = [];
  let clean = true;
  for (const fault of faults) {
    const report = await runFault(fault, { times, sellers: Number(values.sellers), ...(seed !== undefined ? { seed } : {}) });
    reports.push(report);
    const { reconciliation: rec } = report;
    const ok = rec.duplicates === 0 && rec.missing === 0 && rec.orphans === 0 && rec.ordersFound === rec.ordersExpected && report.failedRequests === 0;
    clean &&= ok;
    console.log(`${fault.name}: ${ok ? 'ok' : 'FAILED'} — ${report.injections} injections, ${report.requests} requests, orders expected ${report.ordersExpected}, found ${report.ordersFound}, ` +
      `duplicates ${report.duplicates}, missing ${rec.missing}, orphans ${rec.orphans}, lost answers ${report.lostAnswers}, failed requests ${report.failedRequests}, ` +
      `recovery median ${seconds(report.recoveryMs.median)}, max ${seconds(report.recoveryMs.max)}`);
    for (const problem of rec.problems) console.log(`  ${problem}`);
  }
  if (values.markdown) console.log(['', ...MARKDOWN_HEADER, ...reports.map(row)].join('\n'));
  if (!clean) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
