import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { applyMapping, loadMappingFile, parseMappingSource, type MappingSpec } from '../../../src/mapping/index.ts';
import {
  buildMessageScaffold, createXsdResponseValidator, formatLintIssue, lintMappings, writeMessageScaffold, ScaffoldExistsError,
  type ScaffoldFile, type XsdResponseValidator,
} from '../../../src/tools/mapping-tools/index.ts';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import { buildXml, loadSchemaModel, parseXml, type ElementInfo } from '../../../src/xml/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';
import { schemaFileOf } from '../../support/samples.ts';

const config = loadConfig({ NDC_SCHEMA_PATH: SCHEMA_PATH });
const temp = mkdtempSync(join(tmpdir(), 'mapping-scaffold-'));
let validator: XsdResponseValidator;

beforeAll(async () => {
  validator = await createXsdResponseValidator('libxml2-wasm');
});
afterAll(() => {
  validator.dispose();
  rmSync(temp, { recursive: true, force: true });
});

/** A value each simple type of the scaffolded elements accepts; anything else gets an ID-like text. */
const SAMPLE_BY_TYPE: Readonly<Record<string, string>> = {
  DateTimeType: '2026-01-01T10:00:00', DateType: '2026-01-01', TimeType: '10:00:00', IndType: 'true',
  AirlineDesigCodeType: 'XR', IATA_LocationCodeType: 'FRA', CurCodeType: 'EUR', CountryCodeType: 'DE',
  AmountType: '1.00', NumberType: '1', QtyType: '1', OrdinalType: '1', PercentType: '1', DurationType: 'PT1H',
};

function sampleFor(info: ElementInfo): string {
  return SAMPLE_BY_TYPE[info.typeName?.replace(/^\{[^}]*\}/, '') ?? ''] ?? 'X1';
}

/**
 * Fills a scaffolded response map the way an author would: every placeholder path becomes a sample
 * literal fit for its element's type, and every `each` writes its element once.
 */
function fillPlaceholders(map: Record<string, unknown>, place: ElementInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(map)) {
    if (typeof rule !== 'object' || rule === null || key.startsWith('@')) {
      out[key] = rule;
      continue;
    }
    const child = place.child(key);
    if (!child) throw new Error(`scaffold wrote '${key}', which ${place.name} does not allow`);
    const spec = rule as Record<string, unknown>;
    if ('each' in spec) out[key] = { ...spec, each: '$item', map: fillPlaceholders(spec.map as Record<string, unknown>, child) };
    else if ('map' in spec) out[key] = { ...spec, map: fillPlaceholders(spec.map as Record<string, unknown>, child) };
    else out[key] = { value: sampleFor(child) };
  }
  return out;
}

function scaffold(message: string, version: string, outDir: string): ScaffoldFile[] {
  return buildMessageScaffold({ message, version, outDir, mappingsPath: config.mappingsPath, schemaPath: config.schemaPath, commandSchemasPath: config.commandSchemasPath });
}

function fileOf(files: readonly ScaffoldFile[], role: ScaffoldFile['role']): ScaffoldFile {
  const file = files.find((f) => f.role === role);
  if (!file) throw new Error(`no ${role}`);
  return file;
}

describe('mapping scaffold', () => {
  for (const [version, message] of [['21.3', 'AirShopping'], ['21.3', 'OfferPrice'], ['21.3', 'OrderRules'], ['17.2', 'AirShopping']] as const) {
    it(`${version} ${message}: the mappings load, lint clean and the filled response map builds XSD-valid XML`, async () => {
      const outDir = join(temp, `${version}-${message}`);
      const files = await writeMessageScaffold({
        message, version, outDir, mappingsPath: config.mappingsPath, schemaPath: config.schemaPath, commandSchemasPath: config.commandSchemasPath,
      });
      expect(files.map((f) => f.path.slice(outDir.length + 1)).sort()).toEqual(
        [`${message}.request.yaml`, `${message}.response.yaml`, expect.stringMatching(/\.json$/), expect.stringMatching(/\.result\.json$/)].sort(),
      );
      const request = await loadMappingFile(fileOf(files, 'request mapping').path, { direction: 'request' });
      const response = await loadMappingFile(fileOf(files, 'response mapping').path, { direction: 'response' });
      expect(request.direction === 'request' && request.command).toMatch(/^[a-z]+(\.[a-z]+)+$/);
      expect(response.direction === 'response' && response.message).toBe(`${message}RS`);

      const mappingFiles = [fileOf(files, 'request mapping').path, fileOf(files, 'response mapping').path];
      const lint = await lintMappings({ targets: mappingFiles, version, mappingsPath: outDir, schemaPath: config.schemaPath, commandSchemasPath: outDir });
      expect(lint.issues.map(formatLintIssue)).toEqual([]);

      const info = NDC_VERSIONS[version]!;
      const rsFile = schemaFileOf(version, `${message}RS`);
      const model = loadSchemaModel(rsFile);
      const spec = parse(fileOf(files, 'response mapping').text) as MappingSpec;
      const filled = parseMappingSource(JSON.stringify({ message: spec.message, map: fillPlaceholders(spec.map as Record<string, unknown>, model.root) }), 'filled.json');
      const xml = buildXml(info.rootName(`${message}RS`), applyMapping(filled, {}), model, info);
      expect(validator.validate(xml, rsFile)).toEqual([]);
      // The same check does refuse a response that lacks what the scaffold wrote.
      expect(validator.validate(buildXml(info.rootName(`${message}RS`), {}, model, info), rsFile)).not.toEqual([]);
    });
  }

  it('writes a command schema that the scaffolded request mapping satisfies on a real request', () => {
    const files = scaffold('AirShopping', '21.3', join(temp, 'command-check'));
    const mapping = parseMappingSource(fileOf(files, 'request mapping').text, 'AirShopping.request.yaml');
    const requestXml = readFileSync('fixtures/mapping/21.3/air-shopping-round-trip-multi-ptc/request.xml', 'utf8');
    const document = parseXml(requestXml, { model: loadSchemaModel(schemaFileOf('21.3', 'AirShoppingRQ')) }).document;
    const command = applyMapping(mapping, document, { rootName: 'IATA_AirShoppingRQ' });
    expect(Object.keys(command).length).toBeGreaterThan(0);
    const schema = JSON.parse(fileOf(files, 'command schema').text) as { $id: string; additionalProperties: boolean };
    expect(schema.$id).toBe('https://ndc-gateway.local/schemas/commands/air.shopping.json');
    expect(schema.additionalProperties).toBe(false);
    const validate = new Ajv({ strict: true }).compile(schema);
    expect(validate(command), JSON.stringify(validate.errors)).toBe(true);
    const result = JSON.parse(fileOf(files, 'result schema').text) as { $id: string };
    expect(result.$id).toBe('https://ndc-gateway.local/schemas/commands/air.shopping.result.json');
    expect(() => new Ajv({ strict: true }).compile(result)).not.toThrow();
  });

  it('shows the request element tree as comments and keeps the map loadable in 17.2', () => {
    const text = fileOf(scaffold('AirShopping', '17.2', join(temp, 'tree')), 'request mapping').text;
    expect(text).toMatch(/^# yaml-language-server: \$schema=.*schemas\/mapping\.schema\.json$/m);
    expect(text).toMatch(/^# +CoreQuery$/m);
    expect(text).toMatch(/^# +Passenger\+? @PassengerID/m);
    expect(text).toContain('command: air.shopping');
  });

  it('refuses to overwrite without force, and replaces with it', async () => {
    const outDir = join(temp, 'overwrite');
    const options = { message: 'OrderRules', version: '21.3', outDir, mappingsPath: config.mappingsPath, schemaPath: config.schemaPath, commandSchemasPath: config.commandSchemasPath };
    await writeMessageScaffold(options);
    await expect(writeMessageScaffold(options)).rejects.toBeInstanceOf(ScaffoldExistsError);
    await expect(writeMessageScaffold({ ...options, force: true })).resolves.toHaveLength(4);
  });
});
