import { createAirlineRouterFromFile, type NdcConnectorFactory } from '../airlines/airline-connectors.ts';
import type { AirlineOrderLinks } from '../airlines/airline-connector.ts';
import type { AirlineMetrics } from '../airlines/airline-metrics.ts';
import type { AirlineRouter } from '../airlines/airline-router.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import { createAirlineClient, type AirlineClient } from './airline-client.ts';
import { createPaymentClient, type PaymentClient } from './payment-client.ts';

/** The clients of the airline and the payment service, as the gateway and every worker hold them. */
export interface DownstreamClients {
  /** The one airline, or with AIRLINES_FILE the router over its airlines. */
  readonly airline: AirlineClient | AirlineRouter;
  readonly payment: PaymentClient;
  /** The one airline's URL; with AIRLINES_FILE, the embedded reference airline's (used only by a `reference` airline without url). */
  readonly airlineUrl: string;
  readonly paymentUrl: string;
  /** With AIRLINES_FILE: the router, whose airlines readiness checks one by one. */
  readonly router?: AirlineRouter;
  /** With AIRLINES_FILE: calls and breakers per airline, to register where /metrics is served. */
  readonly airlineMetrics?: AirlineMetrics;
  close(): Promise<void>;
}

/** What aggregator mode is built with besides the configuration. */
export interface AggregatorDeps {
  /** Which airline owns each order. @defaultValue links kept in this process */
  readonly links?: AirlineOrderLinks;
  readonly createNdcConnector?: NdcConnectorFactory;
}

/**
 * Clients with the configured timeouts and retries. With AIRLINES_FILE the airline is the router
 * over one connector per airline of the file; without it, the one airline as before.
 * @param urls services started by this process; left out, AIRLINE_URL and PAYMENT_URL, else the
 * reference services on AIRLINE_PORT and PAYMENT_PORT of this machine
 */
export function createDownstreamClients(
  config: Pick<Config, 'airlineUrl' | 'airlinePort' | 'airlineDesignator' | 'commandSchemasPath' | 'paymentUrl' | 'paymentPort' | 'downstreamTimeoutMs' | 'downstreamRetries'> & Partial<Pick<Config, 'airlines'>>,
  logger: Logger,
  urls: { readonly airlineUrl?: string | undefined; readonly paymentUrl?: string | undefined } = {},
  aggregator: AggregatorDeps = {},
): DownstreamClients {
  const airlineUrl = urls.airlineUrl ?? config.airlineUrl ?? `http://127.0.0.1:${config.airlinePort}`;
  const paymentUrl = urls.paymentUrl ?? config.paymentUrl ?? `http://127.0.0.1:${config.paymentPort}`;
  const policy = { timeoutMs: config.downstreamTimeoutMs, retries: config.downstreamRetries, logger };
  const routed = config.airlines
    ? createAirlineRouterFromFile(config.airlines, {
      logger, embeddedAirlineUrl: airlineUrl, commandSchemasPath: config.commandSchemasPath,
      ...(aggregator.links ? { links: aggregator.links } : {}),
      ...(aggregator.createNdcConnector ? { createNdcConnector: aggregator.createNdcConnector } : {}),
    })
    : undefined;
  const airline = routed?.router ?? createAirlineClient({ baseUrl: airlineUrl, ...policy, designator: config.airlineDesignator, commandSchemasPath: config.commandSchemasPath });
  const payment = createPaymentClient({ baseUrl: paymentUrl, ...policy });
  return {
    airline,
    payment,
    airlineUrl,
    paymentUrl,
    ...(routed ? { router: routed.router, airlineMetrics: routed.metrics } : {}),
    async close() {
      await airline.close();
      await payment.close();
    },
  };
}
