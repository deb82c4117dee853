import type { Config } from '../config/config.ts';
import type { MappingContext } from '../mapping/index.ts';

/** What `$ctx.*` offers mapping files. */
export interface RequestFacts {
  readonly correlationId: string;
  readonly version: string;
  readonly message: string;
  /** ISO date-time of the request; fixed in fixtures so outputs are reproducible. */
  readonly now: string;
}

/** The context both mapping directions of one request see: `$config.*` and `$ctx.*`. */
export function createMappingContext(config: Config, facts: RequestFacts, rootName: string): MappingContext {
  return { config, ctx: facts, rootName };
}
