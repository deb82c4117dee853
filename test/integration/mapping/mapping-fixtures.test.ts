import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { loadCommandValidator } from '../../../src/commands/command-validator.ts';
import { applyMapping, loadMappingRegistry } from '../../../src/mapping/index.ts';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import { createMappingContext } from '../../../src/pipeline/mapping-context.ts';
import { buildXml, loadSchemaModel, parseXml, readRootElement } from '../../../src/xml/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { xmllintText } from '../../support/xmllint.ts';

/**
 * Table-driven mapping suite. Each folder fixtures/mapping/<version>/<case>/ holds:
 *   request.xml   an NDC request
 *   command.json  the command its request mapping must produce
 *   result.json   a worker result for that command
 *   expected.xml  the NDC response the response mapping and builder must produce (XSD-valid)
 */
const ROOT = 'fixtures/mapping';
const cases = existsSync(ROOT)
  ? readdirSync(ROOT).flatMap((version) => readdirSync(join(ROOT, version)).map((name) => ({ version, name, dir: join(ROOT, version, name) })))
  : [];

const config = loadConfig({ NDC_SCHEMA_PATH: SCHEMA_PATH });
const commands = loadCommandValidator(config.commandSchemasPath);
// The mappings decide what is served, and so which response each case's request is answered with.
const mappings = await loadMappingRegistry({ mappingsPath: config.mappingsPath, versions: config.versions });

describe('mapping fixtures', () => {
  it('has cases for every message the 21.3 and 17.2 mappings serve', () => {
    for (const version of ['21.3', '17.2']) {
      const covered = new Set(cases.filter((c) => c.version === version).map((c) => {
        const root = readRootElement(readFileSync(join(c.dir, 'request.xml'), 'utf8')).localName;
        return NDC_VERSIONS[version]!.messageOf(root);
      }));
      expect(mappings.mapped(version).length, version).toBeGreaterThanOrEqual(4);
      for (const { request } of mappings.mapped(version)) expect(covered, `${version} ${request}`).toContain(request);
    }
  });

  for (const { version, name, dir } of cases) describe(`${version} ${name}`, () => {
    const info = NDC_VERSIONS[version]!;
    const requestXml = readFileSync(join(dir, 'request.xml'), 'utf8');
    const message = info.messageOf(readRootElement(requestXml).localName);
    const response = mappings.find(version, message)?.response ?? `no mapping serves ${message} in ${version}`;
    const facts = { correlationId: 'fixture', version, message, now: '2026-01-01T00:00:00Z' };

    it('maps the request to the expected command, which passes its schema', () => {
      const parsed = parseXml(requestXml, { model: loadSchemaModel(schemaFileOf(version, message)) });
      const mapping = mappings.request(version, message);
      const command = applyMapping(mapping, parsed.document, createMappingContext(config, facts, info.rootName(message)));
      expect(command).toEqual(JSON.parse(readFileSync(join(dir, 'command.json'), 'utf8')));
      expect(() => commands.validateCommand(mapping.command, command)).not.toThrow();
    });

    it('maps the result to the expected response, which validates against the XSD', () => {
      const result: unknown = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
      const mapping = mappings.request(version, message);
      expect(() => commands.validateResult(mapping.command, result)).not.toThrow();
      const rsModel = loadSchemaModel(schemaFileOf(version, response));
      const content = applyMapping(mappings.response(version, message), result, createMappingContext(config, facts, info.rootName(response)));
      const built = buildXml(info.rootName(response), content, rsModel, info);
      const expected = readFileSync(join(dir, 'expected.xml'), 'utf8');
      expect(parseXml(built, { model: rsModel }).document).toEqual(parseXml(expected, { model: rsModel }).document);
      const lint = xmllintText(schemaFileOf(version, response), expected);
      expect(lint.valid, lint.output).toBe(true);
    });
  });
});
