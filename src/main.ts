import type { Server } from 'node:http';
import { loadConfig } from './config/config.ts';
import { createLogger } from './log/logger.ts';
import { createReferenceAirline } from './airline/index.ts';
import { ClientsFileError } from './auth/index.ts';
import { createReferencePaymentService } from './payment/index.ts';
import { createGateway } from './gateway.ts';

/**
 * `npm start`: the gateway with embedded defaults. Without AIRLINE_URL it also starts the
 * reference airline on AIRLINE_PORT, without PAYMENT_URL the reference payment service on
 * PAYMENT_PORT, and without CLIENTS_FILE it serves the demo client; without REDIS_URL the queue is in-process; with REDIS_URL
 * and RUN_WORKERS (default) BullMQ workers run in this process too.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  let airlineUrl = config.airlineUrl;
  let airline: { close(): Promise<void> } | undefined;
  if (!airlineUrl) {
    const reference = createReferenceAirline({ designator: config.airlineDesignator, name: config.airlineName, logger: logger.child({ component: 'reference-airline' }) });
    airlineUrl = (await reference.listen(config.airlinePort, '127.0.0.1')).url;
    airline = reference;
    logger.info({ url: airlineUrl }, 'reference airline listening');
  }

  let paymentUrl = config.paymentUrl;
  let paymentService: { close(): Promise<void> } | undefined;
  if (!paymentUrl) {
    const reference = createReferencePaymentService({ logger: logger.child({ component: 'reference-payment-service' }) });
    paymentUrl = (await reference.listen(config.paymentPort, '127.0.0.1')).url;
    paymentService = reference;
    logger.info({ url: paymentUrl }, 'reference payment service listening');
  }

  const gateway = await createGateway(config, logger, { airlineUrl, paymentUrl });
  const server: Server = gateway.app.listen(config.port, config.host, () => {
    logger.info({ port: config.port, host: config.host, versions: config.versions }, 'NDC gateway listening');
  });
  server.requestTimeout = config.requestTimeoutMs + 5_000;
  server.headersTimeout = Math.min(60_000, config.requestTimeoutMs + 5_000);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close();
    await gateway.close();
    await airline?.close();
    await paymentService?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  // A bad CLIENTS_FILE is the operator's to fix: its message says where, a stack trace adds nothing.
  console.error(error instanceof ClientsFileError ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
