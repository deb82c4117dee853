import { resolve } from 'node:path';

/** IATA schema packages, laid out as `<version>/<files>`; never inside the repository. */
export const SCHEMA_PATH = resolve(process.env.NDC_SCHEMA_PATH ?? resolve(process.cwd(), '../shared/iata-ndc'));
/** Real sample messages, laid out as `<version>/<Message>__<source>__<name>.xml`. */
export const SAMPLES_PATH = resolve(process.env.NDC_SAMPLES_PATH ?? resolve(process.cwd(), '../shared/ndc-samples'));
/** The repository's fixtures (mapping cases, benchmark requests). */
export const FIXTURES_PATH = resolve(process.cwd(), 'fixtures');
/** Real Redis used by integration tests. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
