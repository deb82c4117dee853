import type { AirlineContract } from '../contracts/airline/index.ts';
import { createAirlineClient } from '../downstream/airline-client.ts';
import type { Logger } from '../log/logger.ts';
import type { AirlineConnector, AirlineEntry } from './airline-connector.ts';

export interface ReferenceConnectorDeps {
  /** The airline's JSON command API: the entry's url, or the embedded reference airline's. */
  readonly baseUrl: string;
  readonly logger?: Logger;
  /** Shared by every reference connector, so the schemas are compiled once. */
  readonly contract?: AirlineContract;
  readonly commandSchemasPath?: string;
}

/**
 * A `reference` airline: the gateway's own JSON contract (schemas/airline/), posted as it is by the
 * airline client, with the entry's timeout, retries, pool and breaker.
 */
export function createReferenceConnector(entry: AirlineEntry, deps: ReferenceConnectorDeps): AirlineConnector {
  const client = createAirlineClient({
    baseUrl: deps.baseUrl,
    designator: entry.designator,
    timeoutMs: entry.timeoutMs,
    retries: entry.retries,
    connections: entry.connections,
    ...(entry.breaker ? { breaker: entry.breaker } : {}),
    ...(deps.logger ? { logger: deps.logger.child({ airline: entry.designator }) } : {}),
    ...(deps.contract ? { contract: deps.contract } : {}),
    ...(deps.commandSchemasPath ? { commandSchemasPath: deps.commandSchemasPath } : {}),
  });
  return {
    designator: entry.designator,
    kind: 'reference',
    call: (command, payload, options) => client.call(command, payload, options),
    isReachable: () => client.isReachable(),
    breakerState: () => client.breakerState(),
    close: () => client.close(),
  };
}
