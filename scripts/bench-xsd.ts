/**
 * Per-document XSD validation time of each engine (schema compiled once) against native xmllint,
 * on real 21.3 AirShoppingRS samples of about 58 KB and 950 KB.
 *
 *   npx tsx scripts/bench-xsd.ts
 *
 * Reads the schema and samples from NDC_SCHEMA_PATH / NDC_SAMPLES_PATH (default ../shared/...).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createXsdEngine, type XsdEngineName } from '../src/xsd/index.ts';

const schemaRoot = resolve(process.env.NDC_SCHEMA_PATH ?? '../shared/iata-ndc');
const samplesRoot = resolve(process.env.NDC_SAMPLES_PATH ?? '../shared/ndc-samples');
const XSD = join(schemaRoot, '21.3', 'IATA_AirShoppingRS.xsd');
const DOCUMENTS = [
  join(samplesRoot, '21.3', 'AirShoppingRS__VS__airshopping_shop_by_departure_time_RS.xml'),
  join(samplesRoot, '21.3', 'AirShoppingRS__VS__airshopping_shop_calendar_search_RS.xml'),
];

/** Runs per document: fewer for big documents and for libxmljs2, which compiles the schema on every call. */
const RUNS: Record<XsdEngineName, { warmup: number; small: number; large: number }> = {
  'libxml2-wasm': { warmup: 20, small: 300, large: 60 },
  libxmljs2: { warmup: 3, small: 40, large: 20 },
};
const XMLLINT_RUNS = 7;
const XMLLINT_REPEAT_ITERATIONS = 100; // fixed by xmllint --repeat

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

function summarize(samples: readonly number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

function formatMs(ms: number): string {
  if (Number.isNaN(ms)) return 'n/a';
  return ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function formatRatio(a: number, b: number): string {
  return b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : 'n/a';
}

function runXmllint(args: readonly string[]): string {
  const result = spawnSync('xmllint', [...args], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return `${result.stdout}${result.stderr}`;
}

function readTiming(output: string, pattern: RegExp): number {
  const match = pattern.exec(output);
  return match ? Number(match[1]) : Number.NaN;
}

/** xmllint figures: 'Validating took N ms' (whole ms, validation only) and --repeat (parse + validate, averaged). */
function measureXmllint(doc: string): { validateMedian: number; parseValidateMedian: number } {
  const validating: number[] = [];
  const repeated: number[] = [];
  for (let i = 0; i < XMLLINT_RUNS; i++) {
    validating.push(readTiming(runXmllint(['--timing', '--noout', '--schema', XSD, doc]), /Validating took (\d+) ms/));
    const total = readTiming(runXmllint(['--timing', '--repeat', '--noout', '--schema', XSD, doc]), /\d+ iterations took (\d+) ms/);
    repeated.push(total / XMLLINT_REPEAT_ITERATIONS);
  }
  return { validateMedian: summarize(validating).median, parseValidateMedian: summarize(repeated).median };
}

interface Row {
  engine: XsdEngineName;
  document: string;
  sizeKb: number;
  runs: number;
  median: number;
  p95: number;
  xmllintValidate: number;
  xmllintParseValidate: number;
}

async function main(): Promise<void> {
  for (const file of [XSD, ...DOCUMENTS]) {
    if (!existsSync(file)) throw new Error(`missing ${file}; set NDC_SCHEMA_PATH / NDC_SAMPLES_PATH`);
  }
  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GB RAM, node ${process.version}`);
  console.log(`xmllint: ${runXmllint(['--version']).split('\n')[0] ?? ''}`);
  console.log(`schema: 21.3/${basename(XSD)}`);
  for (const doc of DOCUMENTS) console.log(`document: ${basename(doc)} (${statSync(doc).size} bytes)`);
  console.log('');

  const xmllint = new Map(DOCUMENTS.map((doc) => [doc, measureXmllint(doc)]));
  const rows: Row[] = [];
  for (const engineName of ['libxml2-wasm', 'libxmljs2'] as const) {
    const engine = await createXsdEngine(engineName);
    const compileStart = performance.now();
    const schema = engine.compile(XSD);
    console.log(`${engineName}: schema compiled in ${formatMs(performance.now() - compileStart)} ms`);
    DOCUMENTS.forEach((doc, position) => {
      const bytes = readFileSync(doc);
      const plan = RUNS[engineName];
      const runs = position === 0 ? plan.small : plan.large;
      for (let i = 0; i < plan.warmup; i++) {
        const issues = schema.validate(bytes);
        if (issues.length > 0) throw new Error(`${basename(doc)} does not validate: ${issues[0]?.message ?? ''}`);
      }
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        schema.validate(bytes);
        times.push(performance.now() - start);
      }
      const { median, p95 } = summarize(times);
      const reference = xmllint.get(doc);
      rows.push({
        engine: engineName,
        document: basename(doc),
        sizeKb: Math.round(bytes.length / 1024),
        runs,
        median,
        p95,
        xmllintValidate: reference?.validateMedian ?? Number.NaN,
        xmllintParseValidate: reference?.parseValidateMedian ?? Number.NaN,
      });
    });
    schema.dispose();
  }

  console.log('');
  const header = ['engine', 'doc KB', 'runs', 'median ms', 'p95 ms', 'xmllint validate ms', 'xmllint parse+validate ms', 'engine / xmllint validate', 'engine / xmllint parse+validate'];
  const table = rows.map((r) => [
    r.engine,
    String(r.sizeKb),
    String(r.runs),
    formatMs(r.median),
    formatMs(r.p95),
    formatMs(r.xmllintValidate),
    formatMs(r.xmllintParseValidate),
    formatRatio(r.median, r.xmllintValidate),
    formatRatio(r.median, r.xmllintParseValidate),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
  console.log('');
  console.log('Engine times include parsing the document (validate takes bytes). xmllint "validate" is its');
  console.log(`"Validating took N ms" line (whole milliseconds, median of ${XMLLINT_RUNS} runs); "parse+validate" is`);
  console.log(`--repeat (${XMLLINT_REPEAT_ITERATIONS} iterations of parse + validate) divided by ${XMLLINT_REPEAT_ITERATIONS}, median of ${XMLLINT_RUNS} runs.`);
}

await main();
