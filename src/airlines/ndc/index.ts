export { createNdcConnector, NDC_IDEMPOTENT_COMMANDS, type NdcConnectorDeps } from './ndc-connector.ts';
export { createNdcSchemas, type NdcSchemas, type NdcSchemasOptions } from './ndc-schemas.ts';
export { createAirlineOrderLinks, createMemoryAirlineOrderLinks, createSqlAirlineOrderLinks } from './airline-order-links.ts';
