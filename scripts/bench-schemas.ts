/**
 * What serving the schemas costs: compile time and memory of every served message of every served
 * version, loaded the way the gateway loads them (XSDs through the schema registry, the JS schema
 * models for the parser and builder), once per XSD engine, each in a fresh process.
 *
 *   npx tsx scripts/bench-schemas.ts              # both engines
 *   npx tsx scripts/bench-schemas.ts --gateway    # and the whole embedded gateway, idle
 *
 * Reads the packages from NDC_SCHEMA_PATH and the versions from NDC_VERSIONS, as the gateway does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { XsdEngineName } from '../src/xsd/index.ts';

const ENGINES: readonly XsdEngineName[] = ['libxml2-wasm', 'libxmljs2'];
const IDLE_MS = 2_000;

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

interface Measurement {
  readonly engine: XsdEngineName;
  readonly what: 'schemas' | 'gateway';
  readonly before: Memory;
  readonly after: Memory;
  /** Start of the first compile to the last model, in ms. */
  readonly readyMs: number;
  /** Of which XSD compiles, in ms (schemas only). */
  readonly xsdMs?: number;
  /** Messages with a compiled schema. */
  readonly compiled: number;
  readonly failures: number;
  /** Request messages served (schemas only). */
  readonly served?: number;
}

function memory(): Memory {
  // settle what start-up left for the collector, so the figures are what stays
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The schemas alone: engine, schema registry and models, filled by the mapping set as the gateway does. */
async function measureSchemas(engineName: XsdEngineName): Promise<Measurement> {
  const { loadConfig } = await import('../src/config/config.ts');
  const { loadCommandValidator } = await import('../src/commands/command-validator.ts');
  const { loadMappingRegistry } = await import('../src/mapping/index.ts');
  const { createSchemaModels } = await import('../src/pipeline/schema-models.ts');
  const { listServedMessages, prepareServedMessages } = await import('../src/pipeline/served-messages.ts');
  const { createSchemaRegistry, createXsdEngine } = await import('../src/xsd/index.ts');

  const config = loadConfig({ ...process.env, XSD_ENGINE: engineName });
  const engine = await createXsdEngine(config.xsdEngine);
  const before = memory();
  const started = performance.now();
  const schemas = createSchemaRegistry({ engine, schemaPath: config.schemaPath, versions: config.versions, messages: [] });
  let xsdMs = 0;
  const timedSchemas: typeof schemas = Object.create(schemas, {
    ensure: {
      value: (version: string, message: string): boolean => {
        const t = performance.now();
        try {
          return schemas.ensure(version, message);
        } finally {
          xsdMs += performance.now() - t;
        }
      },
    },
  });
  const models = createSchemaModels(schemas);
  const commands = loadCommandValidator(config.commandSchemasPath);
  const deps = { versions: config.versions, schemas: timedSchemas, models, commands };
  const mappings = await loadMappingRegistry({ mappingsPath: config.mappingsPath, versions: config.versions, prepare: (next) => prepareServedMessages(next, deps) });
  const readyMs = performance.now() - started;
  await sleep(IDLE_MS);
  const after = memory();
  const served = Object.values(listServedMessages(mappings.current(), deps)).reduce((n, list) => n + list.length, 0);
  return { engine: engineName, what: 'schemas', before, after, readyMs, xsdMs, compiled: schemas.compiledCount, failures: schemas.failures.length, served };
}

/** The whole gateway as `npm start` runs it (embedded queue and order store, reference services), idle. */
async function measureGateway(engineName: XsdEngineName): Promise<Measurement> {
  const { loadConfig } = await import('../src/config/config.ts');
  const { createLogger } = await import('../src/log/logger.ts');
  const { createReferenceAirline } = await import('../src/reference/airline/index.ts');
  const { createReferencePaymentService } = await import('../src/reference/payment/index.ts');
  const { createGateway } = await import('../src/gateway.ts');

  const dataDir = mkdtempSync(join(tmpdir(), 'bench-schemas-'));
  try {
    const config = loadConfig({ ...process.env, XSD_ENGINE: engineName, DATA_DIR: dataDir, MAPPINGS_WATCH: 'false', PORT: '0' });
    const logger = createLogger('silent');
    const before = memory();
    const started = performance.now();
    const airline = createReferenceAirline({ designator: config.airlineDesignator, name: config.airlineName, logger });
    const { url: airlineUrl } = await airline.listen(0, '127.0.0.1');
    const payment = createReferencePaymentService({ logger });
    const { url: paymentUrl } = await payment.listen(0, '127.0.0.1');
    const gateway = await createGateway(config, logger, { airlineUrl, paymentUrl });
    const server = gateway.app.listen(0, '127.0.0.1');
    const readyMs = performance.now() - started;
    await sleep(IDLE_MS);
    const after = memory();
    const { schemas } = gateway.deps;
    const measured: Measurement = { engine: engineName, what: 'gateway', before, after, readyMs, compiled: schemas.compiledCount, failures: schemas.failures.length };
    server.close();
    await gateway.close();
    await airline.close();
    await payment.close();
    return measured;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

function describe(m: Measurement): string[] {
  const row = (label: string, mem: Memory): string => `  ${label.padEnd(7)} rss ${mb(mem.rss).padStart(7)}  heap ${mb(mem.heapUsed).padStart(7)}  external ${mb(mem.external).padStart(7)}`;
  const timing = m.xsdMs === undefined ? `${(m.readyMs / 1000).toFixed(2)} s` : `${(m.readyMs / 1000).toFixed(2)} s (XSD ${(m.xsdMs / 1000).toFixed(2)} s, models ${((m.readyMs - m.xsdMs) / 1000).toFixed(2)} s)`;
  const counts = `${m.compiled} messages with a compiled schema, ${m.failures} failures${m.served === undefined ? '' : `, ${m.served} request messages served`}`;
  return [
    `${m.engine}, ${m.what === 'schemas' ? 'schemas of every served message' : 'whole gateway (embedded), idle'}: ready in ${timing}; ${counts}`,
    row('before', m.before),
    row('after', m.after),
    `  growth  rss ${mb(m.after.rss - m.before.rss).padStart(7)}  heap ${mb(m.after.heapUsed - m.before.heapUsed).padStart(7)}  external ${mb(m.after.external - m.before.external).padStart(7)}`,
  ];
}

async function child(engine: XsdEngineName, what: string): Promise<void> {
  const result = what === 'gateway' ? await measureGateway(engine) : await measureSchemas(engine);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { child: { type: 'string' }, what: { type: 'string' }, gateway: { type: 'boolean', default: false } } });
  if (values.child !== undefined) {
    await child(values.child as XsdEngineName, values.what ?? 'schemas');
    return;
  }
  const script = fileURLToPath(import.meta.url);
  const runs = ENGINES.flatMap((engine) => (values.gateway ? [[engine, 'schemas'], [engine, 'gateway']] : [[engine, 'schemas']]));
  for (const [engine, what] of runs) {
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, '--child', engine as string, '--what', what as string], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{')) {
      process.stderr.write(`${engine} ${what}: the measuring process failed (${run.status})\n${run.stdout}`);
      process.exitCode = 1;
      continue;
    }
    process.stdout.write(`${describe(JSON.parse(line) as Measurement).join('\n')}\n\n`);
  }
}

await main();
