import { expect } from 'vitest';
import { EDIST_172_NS, NDC_VERSIONS } from '../../src/ndc/ndc-versions.ts';
import { createSchemaModels } from '../../src/pipeline/schema-models.ts';
import { parseXml, readRootElement } from '../../src/xml/index.ts';
import { createSchemaRegistry, createXsdEngine } from '../../src/xsd/index.ts';
import type { Doc } from './ndc-doc.ts';
import { SCHEMA_PATH } from './paths.ts';
import { schemaFileOf } from './samples.ts';
import type { RunningGateway } from './start-gateway.ts';
import { xmllintText } from './xmllint.ts';

/**
 * Asserts that an answer of the gateway is valid against its message's XSD, by the gateway's own
 * validator and by xmllint; a failure shows the first `shown` characters of the document.
 */
export function expectValidAnswer(gw: RunningGateway, version: string, message: string, xml: string, shown = 3000): void {
  expect(gw.gateway.deps.schemas.get(version, message).validate(xml), xml.slice(0, shown)).toEqual([]);
  const lint = xmllintText(schemaFileOf(version, message), xml);
  expect(lint.valid, lint.output).toBe(true);
}

/** Asserts that an answer is the generic 17.2 `Errors`, a global element of the 17.2 common types, valid by xmllint. */
export function expectValidErrors172(xml: string): void {
  expect(readRootElement(xml)).toMatchObject({ localName: 'Errors', namespace: EDIST_172_NS });
  const lint = xmllintText(`${SCHEMA_PATH}/17.2/edist_commontypes.xsd`, xml);
  expect(lint.valid, lint.output).toBe(true);
}

/** The gateway's own XSD validator and schema-aware parser, in the test process, for answers of gateways running as processes. */
export interface NdcChecker {
  /** Asserts that `xml` is valid against the XSD of `message` in `version` (our validator and xmllint), and parses it. */
  expectValid(version: string, message: string, xml: string): Doc;
  /** Parses an answer without checking it. */
  parse(version: string, message: string, xml: string): Doc;
  dispose(): void;
}

/** An {@link NdcChecker} compiling each version's schemas on first use, as a gateway does. */
export async function createNdcChecker(versions: readonly string[] = Object.keys(NDC_VERSIONS)): Promise<NdcChecker> {
  const engine = await createXsdEngine('libxml2-wasm');
  const schemas = createSchemaRegistry({ engine, schemaPath: SCHEMA_PATH, versions: [...versions], messages: [] });
  const models = createSchemaModels(schemas);
  const parse = (version: string, message: string, xml: string): Doc => {
    expect(models.ensure(version, message), `${message} ${version} has a schema model`).toBe(true);
    return parseXml(xml, { model: models.get(version, message) }).document as Doc;
  };
  return {
    expectValid(version, message, xml) {
      expect(schemas.ensure(version, message), `${message} ${version} compiles`).toBe(true);
      expect(schemas.get(version, message).validate(xml), xml.slice(0, 3000)).toEqual([]);
      const lint = xmllintText(schemaFileOf(version, message), xml);
      expect(lint.valid, lint.output).toBe(true);
      return parse(version, message, xml);
    },
    parse,
    dispose: () => schemas.dispose(),
  };
}
