import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import { createAirlineClient, type AirlineClient } from './airline-client.ts';
import { createPaymentClient, type PaymentClient } from './payment-client.ts';

/** The clients of the airline and the payment service, as the gateway and every worker hold them. */
export interface DownstreamClients {
  readonly airline: AirlineClient;
  readonly payment: PaymentClient;
  readonly airlineUrl: string;
  readonly paymentUrl: string;
  close(): Promise<void>;
}

/**
 * Clients with the configured timeouts and retries.
 * @param urls services started by this process; left out, AIRLINE_URL and PAYMENT_URL, else the
 * reference services on AIRLINE_PORT and PAYMENT_PORT of this machine
 */
export function createDownstreamClients(
  config: Pick<Config, 'airlineUrl' | 'airlinePort' | 'airlineDesignator' | 'commandSchemasPath' | 'paymentUrl' | 'paymentPort' | 'downstreamTimeoutMs' | 'downstreamRetries'>,
  logger: Logger,
  urls: { readonly airlineUrl?: string; readonly paymentUrl?: string } = {},
): DownstreamClients {
  const airlineUrl = urls.airlineUrl ?? config.airlineUrl ?? `http://127.0.0.1:${config.airlinePort}`;
  const paymentUrl = urls.paymentUrl ?? config.paymentUrl ?? `http://127.0.0.1:${config.paymentPort}`;
  const policy = { timeoutMs: config.downstreamTimeoutMs, retries: config.downstreamRetries, logger };
  const airline = createAirlineClient({ baseUrl: airlineUrl, ...policy, designator: config.airlineDesignator, commandSchemasPath: config.commandSchemasPath });
  const payment = createPaymentClient({ baseUrl: paymentUrl, ...policy });
  return {
    airline,
    payment,
    airlineUrl,
    paymentUrl,
    async close() {
      await airline.close();
      await payment.close();
    },
  };
}
