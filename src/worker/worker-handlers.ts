import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import { createOrderHandlers, type AirlinePort, type PaymentPort } from '../orchestration/index.ts';
import { createLazyOrderStore, createOrderStore, type LazyOrderStore } from '../orders/index.ts';
import type { HandlerRegistry } from '../queue/index.ts';
import type { AirlineCaller } from './airline-caller.ts';
import { createCommandHandlers } from './command-handlers.ts';
import { createOrderAncillaryHandlers } from './order-ancillaries.handler.ts';

export interface WorkerHandlers {
  readonly handlers: HandlerRegistry;
  /** The order store the handlers write to; the caller starts opening it (`start()`) and closes it. */
  readonly store: LazyOrderStore;
}

/**
 * Everything a worker process runs, the same in `npm start` and `npm run worker`: the order
 * lifecycle (store, airline, payment), the services and seats of an order, and the default airline
 * forwarding for every other command.
 */
export function createWorkerHandlers(deps: {
  readonly config: Config;
  readonly logger: Logger;
  readonly airline: AirlineCaller & AirlinePort;
  readonly payment: PaymentPort;
  /** Commands with a schema pair in schemas/commands/. */
  readonly commands: readonly string[];
}): WorkerHandlers {
  const store = createLazyOrderStore(() => createOrderStore(deps.config, deps.logger), { logger: deps.logger });
  const orders = createOrderHandlers({
    store, airline: deps.airline, payment: deps.payment, logger: deps.logger, options: { idempotencyTtlMs: deps.config.idempotencyTtlMs },
  });
  const ancillaries = createOrderAncillaryHandlers({ store, airline: deps.airline });
  return { handlers: createCommandHandlers({ airline: deps.airline, commands: deps.commands, handlers: new Map([...orders, ...ancillaries]) }), store };
}
