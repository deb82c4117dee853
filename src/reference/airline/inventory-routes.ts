import express, { type IRouter, type Request, type Response } from 'express';
import { ERROR_TABLE, isGatewayError } from '../../errors/index.ts';
import type { Logger } from '../../log/logger.ts';
import type { AirlineContext } from './airline-context.ts';
import { schemaErrorDetails } from '../../contracts/schema-folders.ts';
import type { AirlineContract, InventoryCommandName } from '../../contracts/airline/index.ts';
import { createInventory, type Inventory, type InventoryOptions } from './inventory.handler.ts';

/**
 * The inventory commands over HTTP, in the binding of every airline command: `POST /v1/<command>`,
 * 200 with the result, 422 with a business code, 400 for a body that breaks the command's schema.
 * They are the airline's side of the order lifecycle, which the gateway's orchestration calls,
 * never commands a client sends; their schemas are the gateway's, in schemas/airline/.
 */

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
 * Express app), checking each body against the contract. Register before any catch-all `/v1/:command` route. Returns the inventory, so an
 * in-process caller can read it directly.
 */
export function registerInventoryRoutes(router: IRouter, ctx: AirlineContext, contract: AirlineContract, options: InventoryOptions = {}): Inventory {
  const inventory = createInventory(ctx, options);
  const table = commandTable(inventory);
  const json = express.json({ limit: '256kb' });

  for (const name of Object.keys(table) as InventoryCommandName[]) {
    const validate = contract.command(name);
    if (!validate) throw new Error(`The airline contract has no schema for ${name}`);
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
