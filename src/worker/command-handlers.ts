import type { CommandHandler, HandlerRegistry } from '../queue/index.ts';

/** The airline API as handlers see it: one call per command. */
export interface AirlineCaller {
  call(command: string, payload: unknown, options: { correlationId: string; deadline?: number }): Promise<unknown>;
}

/** Commands answered by one call to the airline's endpoint of the same name. */
export const AIRLINE_COMMANDS = ['offer.shop', 'offer.price', 'service.list', 'seat.availability'] as const;

/** A handler that forwards its command to the airline and returns the airline's result. */
export function forwardToAirline(airline: AirlineCaller, command: string): CommandHandler {
  return (payload, { meta }) => airline.call(command, payload, { correlationId: meta.correlationId, deadline: meta.deadline });
}

/**
 * Handlers by command name. A new message that needs a new command registers its handler here;
 * commands that are a single airline call only need their name in AIRLINE_COMMANDS.
 */
export function createCommandHandlers(deps: { airline: AirlineCaller }): HandlerRegistry {
  const handlers = new Map<string, CommandHandler>();
  for (const command of AIRLINE_COMMANDS) handlers.set(command, forwardToAirline(deps.airline, command));
  return handlers;
}
