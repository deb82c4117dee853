export type { AirlineCaller } from './airline-caller.ts';
export * from './command-handlers.ts';
export * from './custom-handlers.ts';
export * from './worker-handlers.ts';
export { createOrderAncillaryHandlers } from './order-ancillaries.handler.ts';
