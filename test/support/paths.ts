import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** IATA schema packages, laid out as `<version>/<files>`; never inside the repository. */
export const SCHEMA_PATH = resolve(process.env.NDC_SCHEMA_PATH ?? resolve(process.cwd(), '../shared/iata-ndc'));
/** Real sample messages, laid out as `<version>/<Message>__<source>__<name>.xml`. */
export const SAMPLES_PATH = resolve(process.env.NDC_SAMPLES_PATH ?? resolve(process.cwd(), '../shared/ndc-samples'));
/** The repository's fixtures (mapping cases, benchmark requests). */
export const FIXTURES_PATH = resolve(process.cwd(), 'fixtures');
/** Real Redis used by integration tests. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** xmllint from Debian's libxml2-utils, the reference verdict of the conformance suites. */
export const XMLLINT = '/usr/bin/xmllint';

/**
 * The paths a suite needs that are not in the repository, and which of them are missing. With
 * NDC_REQUIRE_SHARED set (CI sets it), a missing one is an error, so a suite that would otherwise
 * skip its cases fails instead; on a developer's machine without them, suites skip.
 */
export function missingShared(paths: readonly string[], required: boolean = Boolean(process.env.NDC_REQUIRE_SHARED)): string[] {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0 && required) {
    throw new Error(`NDC_REQUIRE_SHARED is set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: the IATA schemas and samples (../shared), and xmllint (npm test installs it), are needed`);
  }
  return missing;
}

missingShared([SCHEMA_PATH, SAMPLES_PATH]);
