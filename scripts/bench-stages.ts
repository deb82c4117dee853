/**
 * CPU per pipeline stage of one NDC request, in this process, without HTTP or a queue in between:
 * which stage costs the most, and how a change moves it.
 *
 *   npx tsx scripts/bench-stages.ts [--request fixtures/bench/air-shopping-1adt-oneway.xml] [--offers 0] [--iterations 300]
 *
 * The request goes through parse, request XSD and request mapping; the command goes to the
 * reference airline (started here, on a free port) once; its result then goes through the result
 * schema check the airline client makes where the answer enters the gateway, response mapping, the compiled writer and the response XSD check, each timed alone
 * with process.cpuUsage (medians of 5 batches). `--offers N` repeats the airline's offers (with new
 * ids) until the result has N, for the large-answer case; then memory before and after is shown too.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createReferenceAirline } from '../src/reference/airline/index.ts';
import { loadCommandValidator } from '../src/commands/command-validator.ts';
import { loadAirlineContract } from '../src/contracts/airline/index.ts';
import { loadConfig } from '../src/config/config.ts';
import { applyMapping, loadMappingRegistry } from '../src/mapping/index.ts';
import { NDC_VERSIONS } from '../src/ndc/ndc-versions.ts';
import { createMappingContext } from '../src/pipeline/mapping-context.ts';
import { createSchemaModels } from '../src/pipeline/schema-models.ts';
import { prepareServedMessages } from '../src/pipeline/served-messages.ts';
import { parseXml, readRootElement, writeXml } from '../src/xml/index.ts';
import { createSchemaRegistry, createXsdEngine } from '../src/xsd/index.ts';

const { values } = parseArgs({
  options: {
    request: { type: 'string', default: 'fixtures/bench/air-shopping-1adt-oneway.xml' },
    offers: { type: 'string', default: '0' },
    iterations: { type: 'string', default: '300' },
  },
});

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** CPU ms per call, median of 5 batches after a warm-up batch. */
function cpuMs(fn: () => unknown, n: number): number {
  for (let i = 0; i < Math.min(n, 50); i++) fn();
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const used = process.cpuUsage(before);
    batches.push((used.user + used.system) / 1000 / n);
  }
  return median(batches);
}

/** Repeats the offers of an offer.shop result, with fresh ids, until there are `count`. */
function widen(result: { offers: Record<string, unknown>[] }, count: number): void {
  const originals = result.offers;
  const offers: Record<string, unknown>[] = [];
  for (let i = 0; offers.length < count; i++) {
    const offer = structuredClone(originals[i % originals.length]!) as { offerId: string; offerItems?: { offerItemId: string }[] };
    const suffix = `-R${Math.floor(i / originals.length)}`;
    offer.offerId += suffix;
    for (const item of offer.offerItems ?? []) item.offerItemId += suffix;
    offers.push(offer as unknown as Record<string, unknown>);
  }
  result.offers = offers;
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, NDC_VERSIONS: '21.3,17.2', LOG_LEVEL: 'silent' });
  const schemas = createSchemaRegistry({ engine: await createXsdEngine(config.xsdEngine), schemaPath: config.schemaPath, versions: config.versions, messages: [] });
  const models = createSchemaModels(schemas);
  const commands = loadCommandValidator(config.commandSchemasPath);
  const airlineContract = loadAirlineContract({ commandSchemasPath: config.commandSchemasPath });
  const mappings = await loadMappingRegistry({
    mappingsPath: config.mappingsPath, versions: config.versions,
    prepare: (next) => prepareServedMessages(next, { versions: config.versions, schemas, models, commands }),
  });
  const body = readFileSync(values.request!);
  const root = readRootElement(body);
  const info = Object.values(NDC_VERSIONS).find((v) => v.messageNamespace === root.namespace && v.version !== '24.4' && v.version !== '26.1')!;
  const version = info.version;
  const message = info.messageOf(root.localName);
  const snapshot = mappings.current();
  const requestMapping = snapshot.request(version, message);
  const responseMapping = snapshot.response(version, message);
  const response = responseMapping.message.replace(/^IATA_/, '');
  const facts = { correlationId: 'bench', version, message, now: new Date().toISOString() };
  const requestModel = models.get(version, message);
  const responseModel = models.get(version, response);
  const n = Number(values.iterations);

  const text = body.toString('utf8').replace(/(<Date>)\d{4}-\d{2}-\d{2}/g, `$1${new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)}`);
  const parsed = parseXml(text, { model: requestModel });
  const command = applyMapping(requestMapping, parsed.document, createMappingContext(config, facts, root.localName));

  const airline = createReferenceAirline({ designator: config.airlineDesignator, name: config.airlineName });
  const { url } = await airline.listen(0, '127.0.0.1');
  const answer = await fetch(`${url}/v1/${requestMapping.command}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(command) });
  const result = await answer.json() as { offers: Record<string, unknown>[] };
  await airline.close();
  const wanted = Number(values.offers);
  if (wanted > 0) widen(result, wanted);

  const content = applyMapping(responseMapping, result, createMappingContext(config, facts, info.rootName(response))) as Record<string, unknown>;
  const written = writeXml(info.rootName(response), content, responseModel, info);
  const issues = schemas.get(version, response).validate(written);
  if (issues.length > 0) throw new Error(`the written answer does not validate: ${JSON.stringify(issues.slice(0, 3))}`);

  console.log(`${version} ${message}: request ${body.length} bytes; result ${result.offers.length} offers, ${JSON.stringify(result).length} bytes of JSON; answer ${written.length} bytes`);
  const stages: [string, () => unknown][] = [
    ['parse request (schema-aware)', () => parseXml(text, { model: requestModel })],
    ['request XSD', () => schemas.get(version, message).validate(text)],
    ['request mapping', () => applyMapping(requestMapping, parsed.document, createMappingContext(config, facts, root.localName))],
    ['command schema', () => commands.validateCommand(requestMapping.command, command)],
    ['result schema (airline client)', () => airlineContract.result(requestMapping.command)!(result)],
    ['response mapping', () => applyMapping(responseMapping, result, createMappingContext(config, facts, info.rootName(response)))],
    ['write (UTF-8)', () => writeXml(info.rootName(response), content, responseModel, info)],
    ['response XSD', () => schemas.get(version, response).validate(written)],
  ];
  const iterations = wanted > 0 ? Math.max(5, Math.floor(n / 50)) : n;
  let total = 0;
  for (const [name, fn] of stages) {
    const ms = cpuMs(fn, iterations);
    total += ms;
    console.log(`  ${name.padEnd(30)} ${ms.toFixed(3)} ms`);
  }
  console.log(`  ${'sum'.padEnd(30)} ${total.toFixed(3)} ms`);
  // The same stages one after the other, as a request runs them: caches are colder than in the loops above.
  const chained = cpuMs(() => { for (const [, fn] of stages) fn(); }, iterations);
  console.log(`  ${'all stages, one after the other'.padEnd(30)} ${chained.toFixed(3)} ms`);

  if (wanted > 0) {
    global.gc?.();
    const before = process.memoryUsage();
    const started = performance.now();
    const mapped = applyMapping(responseMapping, result, createMappingContext(config, facts, info.rootName(response))) as Record<string, unknown>;
    const bytes = writeXml(info.rootName(response), mapped, responseModel, info);
    const valid = schemas.get(version, response).validate(bytes).length === 0;
    const ms = performance.now() - started;
    const during = process.memoryUsage();
    global.gc?.();
    const after = process.memoryUsage();
    console.log(`one ${wanted}-offer answer mapped, written and validated in ${ms.toFixed(1)} ms wall (valid: ${valid}); `
      + `heap ${megabytes(before.heapUsed)} → ${megabytes(during.heapUsed)} → ${megabytes(after.heapUsed)} after GC; RSS ${megabytes(before.rss)} → ${megabytes(after.rss)}`);
  }
  schemas.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
