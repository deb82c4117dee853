import { describe, expect, it } from 'vitest';
import { missingShared, SCHEMA_PATH } from '../../support/paths.ts';

describe('missingShared', () => {
  it('lists what is missing, so a suite can skip on a machine without ../shared', () => {
    expect(missingShared([SCHEMA_PATH, '/nowhere/iata-ndc'], false)).toEqual(['/nowhere/iata-ndc']);
  });

  it('fails instead where NDC_REQUIRE_SHARED asks for them (CI)', () => {
    expect(() => missingShared(['/nowhere/iata-ndc'], true)).toThrow(/NDC_REQUIRE_SHARED is set but \/nowhere\/iata-ndc is missing/);
    expect(missingShared([SCHEMA_PATH], true)).toEqual([]);
  });
});
