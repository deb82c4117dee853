import express, { type IRouter, type Request, type Response } from 'express';
import { Ajv, type ValidateFunction } from 'ajv';
import { ERROR_TABLE, isGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { AirlineContext } from './airline-context.ts';
import { schemaErrorDetails } from '../contracts/schema-folders.ts';
import type { InventoryCommandName } from '../contracts/airline/index.ts';
import { createInventory, type Inventory, type InventoryOptions } from './inventory.handler.ts';

/**
 * The inventory commands over HTTP, in the binding of every airline command: `POST /v1/<command>`,
 * 200 with the result, 422 with a business code, 400 for a body that breaks the command's schema.
 * Their schemas live here, not in schemas/commands/: they are the airline's side of the order
 * lifecycle, which the gateway's orchestration calls, never commands a client sends.
 */

const id = { type: 'string', minLength: 1, maxLength: 256 } as const;
const idList = { type: 'array', minItems: 1, uniqueItems: true, items: id } as const;
const requestKey = { type: 'string', minLength: 1, maxLength: 512 } as const;
const passenger = {
  type: 'object', additionalProperties: false, required: ['id', 'type'],
  properties: { id, type: { type: 'string', pattern: '^[A-Z0-9]{3}$' } },
} as const;
const seat = {
  type: 'object', additionalProperties: false, required: ['itemId', 'paxId', 'segmentId', 'row', 'column'],
  properties: { itemId: id, paxId: id, segmentId: id, row: { type: 'integer', minimum: 1, maximum: 999 }, column: { type: 'string', pattern: '^[A-Z]$' } },
} as const;
const service = {
  type: 'object', additionalProperties: false, required: ['itemId', 'paxIds'],
  properties: { itemId: id, paxIds: idList, code: { type: 'string', minLength: 1, maxLength: 16 }, segmentIds: idList, offerId: id, offerItemId: id },
} as const;
const orderQuery = { type: 'object', additionalProperties: false, required: ['orderId'], properties: { orderId: id, itemIds: idList } } as const;

/** JSON Schemas (draft-07, ajv strict) of the inventory commands. */
export const INVENTORY_COMMAND_SCHEMAS: Readonly<Record<InventoryCommandName, object>> = {
  'inventory.hold': {
    type: 'object', additionalProperties: false, required: ['requestKey', 'orderId'],
    properties: {
      requestKey, orderId: id, offerId: id,
      passengers: { type: 'array', minItems: 1, maxItems: 9, items: passenger },
      flights: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['itemId', 'offerItemId'], properties: { itemId: id, offerItemId: id } } },
      services: { type: 'array', items: service },
      seats: { type: 'array', items: seat },
    },
  },
  'inventory.release': { type: 'object', additionalProperties: false, required: ['orderId', 'requestKey'], properties: { orderId: id, requestKey } },
  'inventory.issue': { type: 'object', additionalProperties: false, required: ['orderId', 'requestKey'], properties: { orderId: id, requestKey, itemIds: idList } },
  'inventory.void': { type: 'object', additionalProperties: false, required: ['orderId', 'issueRequestKey'], properties: { orderId: id, issueRequestKey: requestKey } },
  'inventory.cancel': { type: 'object', additionalProperties: false, required: ['orderId', 'requestKey'], properties: { orderId: id, requestKey, itemIds: idList } },
  'inventory.refund-quote': orderQuery,
  'inventory.reprice': orderQuery,
  'inventory.services': {
    type: 'object', additionalProperties: false, required: ['orderId'],
    properties: { orderId: id, segmentIds: idList, paxIds: idList, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
  },
  'inventory.seats': {
    type: 'object', additionalProperties: false, required: ['orderId'],
    properties: { orderId: id, segmentIds: idList, paxIds: idList, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
  },
  'inventory.availability': { type: 'object', additionalProperties: false, properties: { offerId: id, orderId: id } },
  'inventory.booking': orderQuery,
};

/** Command name → the inventory call that answers it. */
function commandTable(inventory: Inventory): Record<InventoryCommandName, (command: never) => unknown> {
  return {
    'inventory.hold': inventory.hold,
    'inventory.release': inventory.release,
    'inventory.issue': inventory.issue,
    'inventory.void': inventory.void,
    'inventory.cancel': inventory.cancel,
    'inventory.refund-quote': inventory.quoteRefund,
    'inventory.reprice': inventory.reprice,
    'inventory.services': inventory.services,
    'inventory.seats': inventory.seats,
    'inventory.availability': inventory.availability,
    'inventory.booking': inventory.booking,
  };
}

function sendError(res: Response, status: number, code: string, message: string, details?: unknown): void {
  res.status(status).json({ error: { code, message, ...(details !== undefined ? { details } : {}) } });
}

/**
 * Creates the airline's inventory and serves its commands on `router` (the reference airline's
 * Express app). Register before any catch-all `/v1/:command` route. Returns the inventory, so an
 * in-process caller can read it directly.
 */
export function registerInventoryRoutes(router: IRouter, ctx: AirlineContext, options: InventoryOptions = {}): Inventory {
  const inventory = createInventory(ctx, options);
  const ajv = new Ajv({ allErrors: true, strict: true });
  const table = commandTable(inventory);
  const json = express.json({ limit: '256kb' });

  for (const name of Object.keys(table) as InventoryCommandName[]) {
    const validate: ValidateFunction = ajv.compile(INVENTORY_COMMAND_SCHEMAS[name]);
    const run = table[name];
    router.post(`/v1/${name}`, json, (req: Request, res: Response) => {
      const log = res.locals.log as Logger | undefined;
      if (!validate(req.body)) {
        sendError(res, 400, 'INVALID_COMMAND', `The ${name} command breaks its schema`, schemaErrorDetails(validate));
        return;
      }
      try {
        res.status(200).json(run(req.body as never));
      } catch (error) {
        if (isGatewayError(error) && ERROR_TABLE[error.code].kind === 'business') {
          log?.info({ command: name, code: error.code, reason: error.message }, 'command refused');
          sendError(res, 422, error.code, error.message, error.details.length > 0 ? error.details : undefined);
          return;
        }
        log?.error({ command: name, err: error }, 'command failed');
        sendError(res, 500, 'INTERNAL_ERROR', 'The airline could not process the command');
      }
    });
  }
  return inventory;
}
