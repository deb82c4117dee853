import type { Logger } from '../../log/logger.ts';
import type { OrderStoreSql } from '../../orders/order-store.ts';
import type { XsdEngine } from '../../xsd/index.ts';
import type { NdcConnectorFactory } from '../airline-connectors.ts';
import type { AirlineOrderLinks } from '../airline-connector.ts';
import { createAirlineOrderLinks } from './airline-order-links.ts';
import { createNdcConnector } from './ndc-connector.ts';
import { createNdcSchemas } from './ndc-schemas.ts';

export interface NdcAggregatorOptions {
  /** The process's XSD engine. */
  readonly engine: XsdEngine;
  /** NDC_SCHEMA_PATH */
  readonly schemaPath: string;
  /** MAPPINGS_PATH: the connectors read `outbound/<version>/` there. */
  readonly mappingsPath: string;
  readonly logger: Logger;
  /** The order store's database (`OrderStore.sql`), where the airlines' order ids are kept; without it, in this process only. */
  readonly sql?: () => Promise<OrderStoreSql>;
}

/**
 * What the router of AIRLINES_FILE needs to build its `ndc` airlines, as the gateway and a worker
 * process hold it: the link store in the order database, so every process finds the airline's ids
 * of an order, and one set of outbound XSDs and models for all NDC airlines of the process.
 */
export function createNdcAggregatorDeps(options: NdcAggregatorOptions): { links: AirlineOrderLinks; createNdcConnector: NdcConnectorFactory } {
  const schemas = createNdcSchemas({ engine: options.engine, schemaPath: options.schemaPath, logger: options.logger });
  return {
    links: createAirlineOrderLinks(options.sql),
    createNdcConnector: (entry, deps) => createNdcConnector(entry, { ...deps, schemas, mappingsPath: options.mappingsPath }),
  };
}
