import { expect } from 'vitest';
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
