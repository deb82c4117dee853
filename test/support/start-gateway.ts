import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createLogger, type Logger } from '../../src/log/logger.ts';
import { createReferenceAirline } from '../../src/airline/index.ts';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { SCHEMA_PATH } from './paths.ts';

export interface RunningGateway {
  readonly url: string;
  readonly airlineUrl: string;
  readonly config: Config;
  readonly gateway: Gateway;
  readonly logger: Logger;
  close(): Promise<void>;
}

/**
 * Starts the reference airline and the gateway in this process on free ports, with a queue prefix
 * of its own. `env` overrides settings (e.g. REDIS_URL to run the BullMQ path).
 */
export async function startGateway(env: Record<string, string> = {}, logDestination?: NodeJS.WritableStream): Promise<RunningGateway> {
  const config = loadConfig({
    NDC_SCHEMA_PATH: SCHEMA_PATH,
    LOG_LEVEL: logDestination ? 'info' : 'silent',
    QUEUE_PREFIX: `test-${randomUUID()}`,
    PORT: '0',
    ...env,
  });
  const logger = createLogger(config.logLevel, logDestination);
  const airline = createReferenceAirline({ designator: config.airlineDesignator, name: config.airlineName, logger });
  const { url: airlineUrl } = await airline.listen(0, '127.0.0.1');
  const gateway = await createGateway(config, logger, { airlineUrl });
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    airlineUrl,
    config,
    gateway,
    logger,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await gateway.close();
      await airline.close();
    },
  };
}

/** POSTs an NDC body and returns status, headers and text. */
export async function postXml(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, { method: "POST", body: typeof body === "string" ? body : new Uint8Array(body), headers: { 'content-type': 'application/xml', ...headers } });
  return { status: response.status, text: await response.text(), headers: response.headers };
}
