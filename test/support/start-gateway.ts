import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createLogger, type Logger } from '../../src/log/logger.ts';
import { createReferenceAirline, type ReferenceAirline, type ReferenceAirlineOptions } from '../../src/reference/airline/index.ts';
import { createReferencePaymentService } from '../../src/reference/payment/index.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway.ts';
import { SCHEMA_PATH } from './paths.ts';
import { freePort } from './ports.ts';

/** What {@link startGateway} passes on to the reference airline and the gateway. */
export type StartGatewayOptions = Partial<ReferenceAirlineOptions> & Pick<GatewayOptions, 'handlers'> & {
  /** The key the airline sends its change events to this gateway with (a client of CLIENTS_FILE). */
  readonly airlineEventsKey?: string;
  /** Leaves the order-store schema on close, for a gateway started again on it (DATABASE_SCHEMA in `env`). */
  readonly keepSchema?: boolean;
};

/** The real PostgreSQL of the project's machines; each gateway a test starts gets a schema of its own. */
export const TEST_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/test';

export interface RunningGateway {
  readonly url: string;
  readonly airlineUrl: string;
  readonly paymentUrl: string;
  /** The reference airline in this process, e.g. to read its inventory. */
  readonly airline: ReferenceAirline;
  readonly config: Config;
  readonly gateway: Gateway;
  readonly logger: Logger;
  close(): Promise<void>;
}

/**
 * Starts the reference airline, the reference payment service and the gateway in this process on
 * free ports, with a queue prefix and an order-store schema of its own (dropped on close).
 * `env` overrides settings (e.g. REDIS_URL to run the BullMQ path); `options` the reference
 * airline's (e.g. its clock) and gateway options (`handlers` standing in for a command's handler).
 * With `airlineEventsKey`, the airline sends its change events to this gateway with that key.
 */
export async function startGateway(
  env: Record<string, string> = {}, logDestination?: NodeJS.WritableStream, options: StartGatewayOptions = {},
): Promise<RunningGateway> {
  const { handlers, airlineEventsKey, keepSchema, ...airlineOptions } = options;
  const config = loadConfig({
    NDC_SCHEMA_PATH: SCHEMA_PATH,
    LOG_LEVEL: logDestination ? 'info' : 'silent',
    QUEUE_PREFIX: `test-${randomUUID()}`,
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: `test_${randomUUID().replaceAll('-', '')}`,
    MAPPINGS_WATCH: 'false',
    PORT: '0',
    ...env,
  });
  const logger = createLogger(config.logLevel, logDestination);
  // The airline must know where to send events before the gateway listens: the port is picked first.
  const gatewayPort = airlineEventsKey !== undefined ? await freePort() : 0;
  if (airlineEventsKey !== undefined) Object.assign(airlineOptions, { eventsUrl: `http://127.0.0.1:${gatewayPort}/api/v1/airline/events`, eventsKey: airlineEventsKey });
  const airline = createReferenceAirline({ designator: config.airlineDesignator, name: config.airlineName, network: { hubs: config.airlineHubs, regions: config.airlineRegions }, logger, ...airlineOptions });
  const { url: airlineUrl } = await airline.listen(0, '127.0.0.1');
  const payment = createReferencePaymentService({ logger });
  const { url: paymentUrl } = await payment.listen(0, '127.0.0.1');
  const gateway = await createGateway(config, logger, { ...(handlers ? { handlers } : {}), airlineUrl, paymentUrl });
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(gatewayPort, '127.0.0.1', () => resolve(s));
    // As src/net/listen.ts serves: with Node's 5 s default, a test that spends longer checking an
    // answer (xmllint on a busy machine) sends its next request on a socket the server is closing,
    // and fetch fails with ECONNRESET.
    s.keepAliveTimeout = 65_000;
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    airlineUrl,
    paymentUrl,
    airline,
    config,
    gateway,
    logger,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await gateway.close();
      await airline.close();
      await payment.close();
      if (config.databaseUrl && !keepSchema) await dropSchema(config.databaseUrl, config.databaseSchema);
    },
  };
}

/**
 * Starts a gateway (as {@link startGateway}) whose CLIENTS_FILE declares `clients`; the file lives
 * in a folder of its own, removed on close.
 */
export async function startGatewayWithClients(
  clients: readonly object[], env: Record<string, string> = {}, logDestination?: NodeJS.WritableStream, options: StartGatewayOptions = {},
): Promise<RunningGateway> {
  const folder = mkdtempSync(join(tmpdir(), 'gateway-clients-'));
  const clientsFile = join(folder, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify(clients));
  let gw: RunningGateway;
  try {
    gw = await startGateway({ ...env, CLIENTS_FILE: clientsFile }, logDestination, options);
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    ...gw,
    async close() {
      await gw.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Drops an order-store schema a test made, with everything in it. */
export async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** POSTs an NDC body and returns status, headers and text. */
export async function postXml(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/xml', ...headers } });
  return { status: response.status, text: await response.text(), headers: response.headers };
}
