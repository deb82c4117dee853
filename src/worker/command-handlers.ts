import type { CommandHandler, HandlerRegistry } from '../queue/index.ts';
import type { AirlineCaller } from './airline-caller.ts';
import { CUSTOM_HANDLERS, type HandlerFactory } from './custom-handlers.ts';

/** A handler that forwards its command to the airline (`POST /v1/<command>`) and returns the airline's result. */
export function forwardToAirline(airline: AirlineCaller, command: string): CommandHandler {
  return (payload, { meta }) => airline.call(command, payload, { correlationId: meta.correlationId, deadline: meta.deadline });
}

export interface CommandHandlerOptions {
  readonly airline: AirlineCaller;
  /** Commands that have a schema pair in schemas/commands/ (CommandValidator.commands). */
  readonly commands: readonly string[];
  /** @defaultValue CUSTOM_HANDLERS */
  readonly custom?: Readonly<Record<string, HandlerFactory>>;
  /** Handlers built elsewhere with their own dependencies (e.g. the order lifecycle); they win over both. */
  readonly handlers?: ReadonlyMap<string, CommandHandler>;
}

/**
 * Handlers by command name: the custom handler registered for a command, else the default one that
 * forwards it to the airline. So a command is runnable as soon as its schema pair exists.
 */
export function createCommandHandlers(options: CommandHandlerOptions): HandlerRegistry {
  const custom = options.custom ?? CUSTOM_HANDLERS;
  const handlers = new Map<string, CommandHandler>();
  for (const command of options.commands) handlers.set(command, forwardToAirline(options.airline, command));
  for (const [command, factory] of Object.entries(custom)) handlers.set(command, factory({ airline: options.airline }));
  for (const [command, handler] of options.handlers ?? []) handlers.set(command, handler);
  return handlers;
}
