import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ERROR_TABLE, isGatewayError } from '../../errors/index.ts';
import { createLogger, type Logger } from '../../log/logger.ts';
import { createHttpListener } from '../../net/listen.ts';
import type { AirlineData } from './airline-data.ts';
import { createAirlineContext, type AirlineContext } from './airline-context.ts';
import { loadAirlineContract, type OfferCommandName } from '../../contracts/airline/index.ts';
import { schemaErrorDetails } from '../../contracts/schema-folders.ts';
import { shopOffers } from './offer-shop.handler.ts';
import { priceOffer } from './offer-price.handler.ts';
import { listServices } from './service-list.handler.ts';
import { showSeats } from './seat-availability.handler.ts';
import { showOrderRules } from './order-rules.handler.ts';
import type { OfferStore } from './offer-store.ts';
import { registerInventoryRoutes } from './inventory-routes.ts';
import { registerAirlineAdminRoutes } from './airline-admin-routes.ts';
import { createAirlineEventSender } from './airline-event-sender.ts';
import type { Inventory } from './inventory.handler.ts';
import type { NetworkPlan } from './world-network.ts';

export interface ReferenceAirlineOptions {
  /** Two-character airline designator; owner of every offer and carrier of every flight. */
  readonly designator: string;
  readonly name: string;
  readonly logger?: Logger;
  /** Clock; tests inject one to move past offer expiry. */
  readonly now?: () => Date;
  /** Lifetime of offers. @defaultValue 1800 */
  readonly offerTtlSeconds?: number;
  /** @defaultValue the data files in the repository's fixtures folder */
  readonly data?: AirlineData;
  /** @defaultValue the repository's schemas/commands */
  readonly commandSchemasPath?: string;
  /** Hubs, regions and seed of the generated network. @defaultValue DEFAULT_HUBS, ALL_REGIONS, the designator */
  readonly network?: Partial<NetworkPlan>;
  /**
   * Where the airline sends its change events (the gateway's `POST /api/v1/airline/events`);
   * without it changes are made and listed but not sent.
   */
  readonly eventsUrl?: string;
  /** Bearer key sent with every event (the gateway's key for this airline). */
  readonly eventsKey?: string;
  /** Attempts per event, the first included. @defaultValue 6 */
  readonly eventAttempts?: number;
  /** Delay before the second attempt of an event; doubles after each. @defaultValue 1000 */
  readonly eventRetryBaseMs?: number;
  /** Bearer key of the admin routes (`/admin/...`); without it they answer loopback callers only. */
  readonly adminKey?: string;
  /** Journal file keeping bookings, holds, tickets and schedule changes across restarts; without it, memory only. */
  readonly stateFile?: string;
}

export interface ReferenceAirline {
  /** Starts listening; port 0 picks a free port. */
  listen(port: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
  /** The offers made so far, e.g. for an order service that must verify them. */
  readonly store: OfferStore;
  /** Seats held and sold, tickets and EMDs issued: what orders did to the airline. */
  readonly inventory: Inventory;
}

type Handler = (command: never, ctx: AirlineContext) => unknown;

/** Command name → handler. A new airline command is one entry here and one schema pair. */
const HANDLERS: Record<OfferCommandName, Handler> = {
  'offer.shop': shopOffers,
  'offer.price': priceOffer,
  'service.list': listServices,
  'seat.availability': showSeats,
  'order.rules': showOrderRules,
};

const BUSINESS_STATUS = 422;

function sendError(res: Response, status: number, code: string, message: string, details?: unknown): void {
  res.status(status).json({ error: { code, message, ...(details !== undefined ? { details } : {}) } });
}

/**
 * The reference airline: a JSON service that answers the internal commands from data files, the
 * downstream the gateway's worker calls. Business refusals are 422 with a gateway business code,
 * commands that break their schema are 400.
 */
export function createReferenceAirline(options: ReferenceAirlineOptions): ReferenceAirline {
  const logger = options.logger ?? createLogger('silent');
  const ctx = createAirlineContext({
    designator: options.designator,
    ...(options.data ? { data: options.data } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.offerTtlSeconds !== undefined ? { offerTtlSeconds: options.offerTtlSeconds } : {}),
    ...(options.network ? { network: options.network } : {}),
  });
  const contract = loadAirlineContract(options.commandSchemasPath ? { commandSchemasPath: options.commandSchemasPath } : {});
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const correlationId = req.get('x-correlation-id') || randomUUID();
    res.locals.correlationId = correlationId;
    res.locals.log = logger.child({ correlationId });
    res.setHeader('X-Correlation-ID', correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      (res.locals.log as Logger).info({ method: req.method, path: req.path, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10 }, 'airline request');
    });
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', designator: options.designator, name: options.name, storedOffers: ctx.store.size });
  });

  // Holds, ticketing and cancellation behind the order lifecycle; before the catch-all command route.
  const inventory = registerInventoryRoutes(app, ctx, contract, options.stateFile !== undefined ? { stateFile: options.stateFile } : {});

  // Airline-initiated changes, and the events that tell the gateway about them.
  const events = createAirlineEventSender({
    logger,
    ...(options.eventsUrl !== undefined ? { url: options.eventsUrl } : {}),
    ...(options.eventsKey !== undefined ? { key: options.eventsKey } : {}),
    ...(options.eventAttempts !== undefined ? { attempts: options.eventAttempts } : {}),
    ...(options.eventRetryBaseMs !== undefined ? { retryBaseMs: options.eventRetryBaseMs } : {}),
  });
  registerAirlineAdminRoutes(app, { inventory, events, ...(options.adminKey !== undefined ? { adminKey: options.adminKey } : {}) });

  app.post('/v1/:command', express.json({ limit: '1mb' }), (req: Request, res: Response) => {
    const name = String(req.params.command);
    const log = res.locals.log as Logger;
    const handler = HANDLERS[name as OfferCommandName] as Handler | undefined;
    const validate = contract.command(name);
    if (!handler || !validate) {
      sendError(res, 404, 'NOT_FOUND', `The airline has no command ${name}`);
      return;
    }
    if (!validate(req.body)) {
      sendError(res, 400, 'INVALID_COMMAND', `The ${name} command breaks its schema`, schemaErrorDetails(validate));
      return;
    }
    try {
      res.status(200).json(handler(req.body as never, ctx));
    } catch (error) {
      if (isGatewayError(error) && ERROR_TABLE[error.code].kind === 'business') {
        log.info({ command: name, code: error.code, reason: error.message }, 'command refused');
        sendError(res, BUSINESS_STATUS, error.code, error.message, error.details.length > 0 ? error.details : undefined);
        return;
      }
      log.error({ command: name, err: error }, 'command failed');
      sendError(res, 500, 'INTERNAL_ERROR', 'The airline could not process the command');
    }
  });

  app.use((_req: Request, res: Response) => sendError(res, 404, 'NOT_FOUND', 'No such route'));

  // Express recognises error handlers by their four parameters.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') return sendError(res, 400, 'INVALID_COMMAND', 'The body is not valid JSON');
    if (type === 'entity.too.large') return sendError(res, 413, 'BODY_TOO_LARGE', 'The body is over 1 MB');
    (res.locals.log as Logger | undefined ?? logger).error({ err: error }, 'airline request failed');
    return sendError(res, 500, 'INTERNAL_ERROR', 'The airline could not process the request');
  });

  const http = createHttpListener(app);
  return {
    store: ctx.store,
    inventory,
    listen: (port, host) => http.listen(port, host),
    async close() {
      ctx.store.close();
      events.close();
      await http.close();
      inventory.close();
    },
  };
}
