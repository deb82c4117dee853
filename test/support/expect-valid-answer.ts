import { expect } from 'vitest';
import { EDIST_172_NS } from '../../src/ndc/ndc-versions.ts';
import { readRootElement } from '../../src/xml/index.ts';
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
