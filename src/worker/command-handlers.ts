import { ORDER_COMMANDS } from '../orchestration/index.ts';
import type { CommandHandler, HandlerRegistry } from '../queue/index.ts';
import type { AirlineCaller } from './airline-caller.ts';
import { CUSTOM_HANDLERS, type HandlerFactory } from './custom-handlers.ts';

/** A handler that forwards its command to the airline (`POST /v1/<command>`) and returns the airline's result. */
export function forwardToAirline(airline: AirlineCaller, command: string): CommandHandler {
  return (payload, { meta }) => airline.call(command, payload, { correlationId: meta.correlationId, deadline: meta.deadline });
}

/**
 * Whether the worker answers a command with an airline answer (forwarded, or read from the
 * airline's inventory), which the airline client checked against the airline contract where it
 * entered the gateway. False for the results the gateway makes itself: the order lifecycle and the
 * custom handlers. The edge checks only those, so no result is checked twice.
 */
export function isAirlineAnswer(command: string): boolean {
  return !(ORDER_COMMANDS as readonly string[]).includes(command) && !Object.hasOwn(CUSTOM_HANDLERS, command);
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
