import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';

/** Whether the IATA package of `version` defines the request message `message` (`OrderCancelRQ`). */
function defines(version: string, message: string): boolean {
  const info = NDC_VERSIONS[version]!;
  return existsSync(join(SCHEMA_PATH, version, info.schemaFile(info.rootName(message))));
}

describe('replaced messages, per version', () => {
  const cases = Object.values(NDC_VERSIONS).flatMap((info) => Object.entries(info.replacedMessages).map(([message, by]) => ({ version: info.version, message, by })));

  it('has the replacements of OrderCancel in every Offers & Orders version', () => {
    for (const version of ['21.3', '24.4', '26.1']) expect(NDC_VERSIONS[version]!.replacedMessages.OrderCancelRQ).toEqual(['OrderReshop', 'OrderChange']);
  });

  it.each(cases)('$version: $message is gone from the package, 17.2 had it, and $by are there', ({ version, message, by }) => {
    expect(defines(version, message)).toBe(false);
    expect(defines('17.2', message)).toBe(true);
    for (const name of by) expect(defines(version, `${name}RQ`), name).toBe(true);
  });
});
