import { createSqlAirlineOrderLinks } from '../airlines/ndc/index.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import { createAirlineChangeDefaults, createOrderHandlers, type AirlinePort, type PaymentPort } from '../orchestration/index.ts';
import { createLazyOrderStore, createOrderStore, type LazyOrderStore } from '../orders/index.ts';
import type { HandlerRegistry } from '../queue/index.ts';
import type { AirlineCaller } from './airline-caller.ts';
import { createCommandHandlers } from './command-handlers.ts';
import { createOrderAncillaryHandlers } from './order-ancillaries.handler.ts';

export interface WorkerHandlers {
  readonly handlers: HandlerRegistry;
  /** The order store the handlers write to; the caller starts opening it (`start()`) and closes it. */
  readonly store: LazyOrderStore;
  /** The default action of airline changes left unanswered past their action time limit, for a scheduled job to run. */
  readonly airlineChangeDefaults: ReturnType<typeof createAirlineChangeDefaults>;
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
  // Airline notices of changes name the airline's OrderID; the links lead it to the gateway's order.
  const links = createSqlAirlineOrderLinks(() => store.sql());
  const orchestration = {
    store, airline: deps.airline, payment: deps.payment, logger: deps.logger, links, options: { idempotencyTtlMs: deps.config.idempotencyTtlMs },
  };
  const orders = createOrderHandlers(orchestration);
  const ancillaries = createOrderAncillaryHandlers({ store, airline: deps.airline });
  return {
    handlers: createCommandHandlers({ airline: deps.airline, commands: deps.commands, handlers: new Map([...orders, ...ancillaries]) }),
    store,
    airlineChangeDefaults: createAirlineChangeDefaults(orchestration),
  };
}
