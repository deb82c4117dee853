export { createAirlineClient, IDEMPOTENT_COMMANDS, type AirlineClient, type AirlineClientOptions, type AirlineCallOptions, type CircuitBreakerOptions } from './airline-client.ts';
export { createDownstreamTransport, readErrorBody, TransientFailure, type DownstreamTransport, type DownstreamTransportOptions, type DownstreamRequest, type DownstreamAnswer, type DownstreamCallOptions } from './downstream-transport.ts';
export { createPaymentClient, PaymentServiceError, type PaymentClient, type PaymentClientOptions, type PaymentCallOptions } from './payment-client.ts';
export { createDownstreamClients, type DownstreamClients } from './downstream-clients.ts';
