import { loadConfig } from '../../config/config.ts';
import { exitOnStartFailure } from '../../lifecycle/exit-on-start-failure.ts';
import { createServiceLogger } from '../../log/logger.ts';
import { listenNaming } from '../../net/listen.ts';
import { createReferenceAirline } from './reference-airline.ts';

/** `npm run airline`: the reference airline alone, on AIRLINE_PORT, for a gateway started with AIRLINE_URL. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = (await createServiceLogger(config)).child({ component: 'reference-airline' });
  const airline = createReferenceAirline({
    designator: config.airlineDesignator, name: config.airlineName, network: { hubs: config.airlineHubs, regions: config.airlineRegions }, logger,
    ...(config.airlineEventsUrl ? { eventsUrl: config.airlineEventsUrl } : {}),
    ...(config.airlineEventsKey ? { eventsKey: config.airlineEventsKey } : {}),
    ...(config.airlineAdminKey ? { adminKey: config.airlineAdminKey } : {}),
    ...(config.airlineStateFile ? { stateFile: config.airlineStateFile } : {}),
  });
  const { url } = await listenNaming(airline.listen(config.airlinePort, config.host), 'AIRLINE_PORT', config.airlinePort, config.host);
  logger.info({ url, designator: config.airlineDesignator, eventsUrl: config.airlineEventsUrl, stateFile: config.airlineStateFile }, 'reference airline listening');
  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    void airline.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => exitOnStartFailure(error));
