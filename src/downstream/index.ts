export { createAirlineClient, IDEMPOTENT_COMMANDS, type AirlineClient, type AirlineClientOptions, type AirlineCallOptions, type CircuitBreakerOptions } from './airline-client.ts';
