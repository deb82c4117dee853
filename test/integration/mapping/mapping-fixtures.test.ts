import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { loadCommandValidator } from '../../../src/commands/command-validator.ts';
import { loadAirlineContract } from '../../../src/contracts/airline/index.ts';
import { loadMappingRegistry, loadOutboundMappings } from '../../../src/mapping/index.ts';
import { listFixtureCases, runFixtureRequest, runFixtureResponse, runOutboundFixtureCase, type FixtureRunEnvironment } from '../../../src/tools/mapping-tools/index.ts';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import { buildXml, loadSchemaModel, parseXml, readRootElement } from '../../../src/xml/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { xmllintText } from '../../support/xmllint.ts';
import { unexpectedRuleFindings } from '../../support/response-rules.ts';

/**
 * Table-driven mapping suite. Each folder fixtures/mapping/<version>/<case>/ holds:
 *   request.xml   an NDC request
 *   command.json  the command its request mapping must produce
 *   result.json   a worker result for that command
 *   expected.xml  the NDC response the response mapping and builder must produce (XSD-valid)
 * A case runs exactly as `ndc-gateway mapping test` runs it (src/tools/mapping-tools/run-fixture-case.ts).
 */
const ROOT = 'fixtures/mapping';
const allCases = existsSync(ROOT) ? await listFixtureCases([ROOT]) : [];
const cases = allCases.filter((c) => !c.outbound);
// fixtures/mapping/outbound/<version>/<case>/: the outbound mappings (mappings/outbound), see below.
const outboundCases = allCases.filter((c) => c.outbound);

const config = loadConfig({ NDC_SCHEMA_PATH: SCHEMA_PATH });
// The mappings decide what is served, and so which response each case's request is answered with.
const mappings = await loadMappingRegistry({ mappingsPath: config.mappingsPath, versions: config.versions });
const env: FixtureRunEnvironment = { config, mappings, commands: loadCommandValidator(config.commandSchemasPath) };

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

  for (const testCase of cases) describe(`${testCase.version} ${testCase.name}`, () => {
    it('maps the request to the expected command, which passes its schema', async () => {
      const outcome = await runFixtureRequest(testCase, env);
      expect(outcome.problems).toEqual([]);
      expect(outcome.actual).toEqual(outcome.expected);
    });

    it('maps the result to the expected response, which validates against the XSD', async () => {
      const outcome = await runFixtureResponse(testCase, env);
      expect(outcome.problems).toEqual([]);
      expect(outcome.actual).toEqual(outcome.expected);
      // The XML the gateway built, not the stored expected.xml, is what must satisfy xmllint.
      const lint = xmllintText(schemaFileOf(testCase.version, outcome.response ?? ''), outcome.xml ?? '');
      expect(lint.valid, lint.output).toBe(true);
    });

    it('builds a response that passes every business rule (src/rules)', async () => {
      const { xml } = await runFixtureResponse(testCase, env);
      expect(unexpectedRuleFindings(testCase.version, xml ?? '')).toEqual([]);
    });

    it('writes with the compiled writer the bytes the reference builder writes', async () => {
      const { xml, response } = await runFixtureResponse(testCase, env);
      const info = NDC_VERSIONS[testCase.version]!;
      const model = loadSchemaModel(schemaFileOf(testCase.version, response ?? ''));
      const { rootName, document } = parseXml(xml ?? '', { model });
      expect(xml).toBe(buildXml(rootName, document, model, info));
    });
  });
});

describe('outbound mapping fixtures', () => {
  const contract = loadAirlineContract();
  const outbound = (version: string) => loadOutboundMappings({ mappingsPath: config.mappingsPath, version });

  it('has cases', () => {
    expect(outboundCases.length).toBeGreaterThanOrEqual(5);
  });

  for (const testCase of outboundCases) {
    it(`${testCase.version} ${testCase.name}: builds request.xml (xmllint-valid) and reads response.xml into result.json`, async () => {
      let built = '';
      const outcome = await runOutboundFixtureCase(testCase, {
        schemaPath: config.schemaPath, mappings: outbound, contract,
        validateRequest: (xml, schemaFile) => {
          built = xml;
          const lint = xmllintText(schemaFile, xml);
          return lint.valid ? [] : [lint.output];
        },
      });
      expect(outcome.request.problems).toEqual([]);
      expect(outcome.request.actual).toEqual(outcome.request.expected);
      expect(outcome.response.problems).toEqual([]);
      expect(outcome.response.actual).toEqual(outcome.response.expected);
      expect(built).not.toBe('');
    });
  }
});
