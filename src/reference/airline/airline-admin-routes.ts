import express, { type IRouter, type NextFunction, type Request, type Response } from 'express';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ERROR_TABLE, isGatewayError } from '../../errors/index.ts';
import type { Logger } from '../../log/logger.ts';
import { adminGuard } from '../admin-guard.ts';
import { schemaErrorDetails } from '../../contracts/schema-folders.ts';
import type { AirlineEventSender } from './airline-event-sender.ts';
import type { FlightChangeRequest } from './inventory-flight-change.ts';
import type { Inventory } from './inventory.handler.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * The airline's own admin routes, what its operations staff would use: `POST /admin/flights/change`
 * changes a flight (times, cancellation, aircraft) and tells the gateway which orders it hits;
 * `GET /admin/events` lists the events sent and where their delivery stands; `GET /admin/bookings`
 * lists what the airline holds per order. With an admin key
 * they need `Authorization: Bearer <key>`; without one only callers on loopback are let in.
 */

const LOCAL_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$';

const changeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    changeId: { type: 'string', minLength: 1, maxLength: 128 },
    carrier: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
    flightNumber: { type: 'string', pattern: '^([A-Z0-9]{2})?[0-9]{1,4}[A-Z]?$' },
    date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    segmentId: { type: 'string', minLength: 1, maxLength: 256 },
    kind: { enum: ['SCHEDULE_CHANGE', 'CANCELLATION', 'EQUIPMENT_CHANGE'] },
    departure: { type: 'string', pattern: LOCAL_TIME },
    arrival: { type: 'string', pattern: LOCAL_TIME },
    shiftMinutes: { type: 'integer', minimum: -2880, maximum: 2880, not: { const: 0 } },
    aircraft: { type: 'string', minLength: 1, maxLength: 8 },
    reason: { type: 'string', minLength: 1, maxLength: 1000 },
    actionTimeLimit: { type: 'string', format: 'date-time' },
    defaultAction: { enum: ['ACCEPT', 'CANCEL'] },
  },
  oneOf: [{ required: ['segmentId'] }, { required: ['flightNumber', 'date'] }],
} as const;

export interface AirlineAdminOptions {
  readonly inventory: Inventory;
  readonly events: AirlineEventSender;
  /** Bearer key of the admin routes; unset lets in loopback callers only. */
  readonly adminKey?: string;
}

function sendError(res: Response, status: number, code: string, message: string, details?: unknown): void {
  res.status(status).json({ error: { code, message, ...(details !== undefined ? { details } : {}) } });
}

export function registerAirlineAdminRoutes(router: IRouter, options: AirlineAdminOptions): void {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(changeSchema);

  const guard = adminGuard(options.adminKey, 'AIRLINE_ADMIN_KEY');

  router.post('/admin/flights/change', guard, express.json({ limit: '64kb' }), (req: Request, res: Response, next: NextFunction) => {
    const log = res.locals.log as Logger | undefined;
    if (!validate(req.body)) {
      sendError(res, 400, 'INVALID_COMMAND', 'The flight change breaks its schema', schemaErrorDetails(validate));
      return;
    }
    let outcome;
    try {
      outcome = options.inventory.changeFlight(req.body as FlightChangeRequest);
    } catch (error) {
      if (isGatewayError(error) && ERROR_TABLE[error.code].kind === 'business') {
        sendError(res, 422, error.code, error.message, error.details.length > 0 ? error.details : undefined);
        return;
      }
      next(error);
      return;
    }
    log?.info({ changeId: outcome.changeId, segmentId: outcome.flight.segmentId, kind: outcome.kind, orders: outcome.orderIds.length }, 'flight changed');
    if (!outcome.event) {
      res.status(200).json({ ...outcome, delivery: null });
      return;
    }
    options.events.send(outcome.event).then((delivery) => {
      res.status(200).json({ ...outcome, delivery: { status: delivery.status, attempts: delivery.attempts, ...(delivery.lastStatus !== undefined ? { lastStatus: delivery.lastStatus } : {}), ...(delivery.lastError !== undefined ? { lastError: delivery.lastError } : {}) } });
    }, next);
  });

  router.get('/admin/events', guard, (_req: Request, res: Response) => {
    res.json({ events: options.events.list() });
  });

  // What the airline holds per order (items and their status, tickets and EMDs), oldest first,
  // so an operator, or a reconciliation, can check that each order was ticketed once.
  router.get('/admin/bookings', guard, (_req: Request, res: Response) => {
    res.json({ bookings: options.inventory.bookings() });
  });
}
