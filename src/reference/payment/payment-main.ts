import { loadConfig } from '../../config/config.ts';
import { exitOnStartFailure } from '../../lifecycle/exit-on-start-failure.ts';
import { createServiceLogger } from '../../log/logger.ts';
import { listenNaming } from '../../net/listen.ts';
import { createReferencePaymentService } from './reference-payment-service.ts';

/** The reference payment service alone, on PAYMENT_PORT, for a gateway started with PAYMENT_URL. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = (await createServiceLogger(config)).child({ component: 'reference-payment-service' });
  const service = createReferencePaymentService({ logger });
  const { url } = await listenNaming(service.listen(config.paymentPort, config.host), 'PAYMENT_PORT', config.paymentPort, config.host);
  logger.info({ url }, 'reference payment service listening');
  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    void service.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => exitOnStartFailure(error));
