import { XMLBuilder } from 'fast-xml-parser';

/**
 * What the JUnit reports (`validate` and `scenario run`) share: the builder settings, the escaping
 * of characters XML cannot carry, the time format, and the `<testsuites>` document around the suites.
 */

/** Characters XML 1.0 cannot carry, even escaped; engine messages and answers may quote them. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

export const junitBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  processEntities: true,
  suppressEmptyNode: true,
  format: true,
  indentBy: '  ',
});

/** JUnit times are seconds with millisecond precision. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** The `<testsuites>` totals; `skipped` is written only when given. */
export interface JunitTotals {
  name: string;
  tests: number;
  failures: number;
  errors: number;
  skipped?: number;
  durationMs: number;
}

/** A `<testsuite>` as builder data: `@_` attributes, `properties`, `testcase` entries. */
export type JunitSuite = Record<string, unknown>;

export function buildJunitXml(totals: JunitTotals, testsuite: readonly JunitSuite[]): string {
  const testsuites: Record<string, unknown> = {
    '@_name': totals.name,
    '@_tests': totals.tests,
    '@_failures': totals.failures,
    '@_errors': totals.errors,
  };
  if (totals.skipped !== undefined) testsuites['@_skipped'] = totals.skipped;
  testsuites['@_time'] = seconds(totals.durationMs);
  testsuites.testsuite = testsuite;
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites,
  };
  return junitBuilder.build(document) as string;
}
