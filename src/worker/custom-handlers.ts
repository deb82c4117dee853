import type { CommandHandler } from '../queue/index.ts';
import type { AirlineCaller } from './airline-caller.ts';

/** What a custom handler is built from. */
export interface HandlerDeps {
  readonly airline: AirlineCaller;
}

/** Builds the handler of one command. */
export type HandlerFactory = (deps: HandlerDeps) => CommandHandler;

/**
 * Handlers by command name, for commands that need more than one airline call (orchestration,
 * compensation). Every other command with a schema pair in schemas/commands/ is forwarded to the
 * airline's endpoint of the same name, so a new message usually needs no entry here.
 */
export const CUSTOM_HANDLERS: Readonly<Record<string, HandlerFactory>> = Object.freeze({});
