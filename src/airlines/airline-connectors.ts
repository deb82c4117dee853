import { ConfigError } from '../config/config-error.ts';
import { loadAirlineContract } from '../contracts/airline/index.ts';
import type { Logger } from '../log/logger.ts';
import type { AirlineConnector, AirlineEntry, AirlineOrderLinks } from './airline-connector.ts';
import { createAirlineMetrics, type AirlineMetrics } from './airline-metrics.ts';
import { createAirlineRouter, type AirlineRouter } from './airline-router.ts';
import type { AirlinesSetup } from './airlines-file.ts';
import { createMemoryAirlineOrderLinks } from './ndc/airline-order-links.ts';
import { createNdcConnector } from './ndc/ndc-connector.ts';
import { createNdcSchemas } from './ndc/ndc-schemas.ts';
import type { XsdEngine } from '../xsd/index.ts';
import { createReferenceConnector } from './reference-connector.ts';

/** Builds the connector of an `ndc` airline (the NDC connector's factory). */
export type NdcConnectorFactory = (entry: AirlineEntry, deps: { readonly logger: Logger; readonly links: AirlineOrderLinks }) => AirlineConnector;

export interface AirlineRouterDeps {
  readonly logger: Logger;
  /** Where a `reference` airline without url is answered: the embedded reference airline. */
  readonly embeddedAirlineUrl: string;
  readonly commandSchemasPath?: string;
  /** @defaultValue links kept in this process */
  readonly links?: AirlineOrderLinks;
  /** Needed when the file names an `ndc` airline. */
  readonly createNdcConnector?: NdcConnectorFactory;
}

/** The router of AIRLINES_FILE with one connector per airline, and its metrics (registered by whoever serves /metrics). */
export function createAirlineRouterFromFile(setup: AirlinesSetup, deps: AirlineRouterDeps): { router: AirlineRouter; metrics: AirlineMetrics } {
  const links = deps.links ?? createMemoryAirlineOrderLinks();
  if (setup.missingSecrets.length > 0) {
    deps.logger.warn({ problems: setup.missingSecrets }, 'AIRLINES_FILE names secrets whose environment variables are not set: those headers and settlements are left out');
  }
  const contract = loadAirlineContract(deps.commandSchemasPath ? { commandSchemasPath: deps.commandSchemasPath } : {});
  const airlines = setup.airlines.map((entry) => {
    if (entry.kind === 'reference') {
      return { entry, connector: createReferenceConnector(entry, { baseUrl: entry.url ?? deps.embeddedAirlineUrl, logger: deps.logger, contract }) };
    }
    if (!deps.createNdcConnector) throw new ConfigError(`AIRLINES_FILE ${setup.file}: ${entry.designator} is an ndc airline, and this build has no NDC connector`);
    return { entry, connector: deps.createNdcConnector(entry, { logger: deps.logger.child({ airline: entry.designator }), links }) };
  });
  const metrics = createAirlineMetrics(airlines.map((a) => a.connector));
  const router = createAirlineRouter({ airlines, links, maxOffers: setup.fanOut.maxOffers, metrics, logger: deps.logger });
  return { router, metrics };
}

/**
 * The factory of `ndc` connectors of one process: their XSDs and schema models are compiled once
 * per version, with the process's XSD engine, on the first message of that version.
 */
export function createNdcConnectorFactory(options: { readonly engine: XsdEngine; readonly schemaPath: string; readonly mappingsPath: string; readonly logger: Logger }): { create: NdcConnectorFactory; dispose(): void } {
  const schemas = createNdcSchemas({ engine: options.engine, schemaPath: options.schemaPath, logger: options.logger });
  return {
    create: (entry, deps) => createNdcConnector(entry, { ...deps, schemas, mappingsPath: options.mappingsPath }),
    dispose: () => schemas.dispose(),
  };
}
