import { checkMessagePermission, type ApiClient } from '../auth/index.ts';
import type { Logger } from '../log/logger.ts';
import type { PipelineDeps } from '../pipeline/ndc-pipeline.ts';
import { tokeniseCardData } from '../pipeline/tokenise-card-data.ts';
import { isAirlineAnswer } from '../worker/command-handlers.ts';

/** Stands in for the NDC version in command meta, logs and metrics of journey steps. */
export const JOURNEY_VERSION = 'json';

/** Who a command runs for: the client with its permissions, or (the sweeper) the journey's owner by id. */
export interface CommandCaller {
  readonly client?: ApiClient;
  readonly clientId: string;
  readonly correlationId: string;
  readonly logger: Logger;
}

/**
 * Runs a version-neutral command through the stages NDC and the ONE Order API use: the client's
 * permission for the NDC message the step stands for, card tokenisation at the edge, the command
 * schema, the queue and its handlers, the result schema (of what the gateway made itself). No business rule of its own.
 */
export async function runJourneyCommand(deps: PipelineDeps, caller: CommandCaller, name: string, message: string, payload: unknown): Promise<unknown> {
  if (caller.client) checkMessagePermission(caller.client, message);
  const deadline = Date.now() + deps.config.queueWaitMs;
  const command = await tokeniseCardData(payload, { payment: deps.payment, correlationId: caller.correlationId, deadline, logger: caller.logger });
  deps.commands.validateCommand(name, command);
  const result = await deps.queue.send({
    name,
    payload: command,
    meta: { correlationId: caller.correlationId, version: JOURNEY_VERSION, message, deadline, clientId: caller.clientId },
  });
  // As on the NDC path: an airline answer was checked against the airline contract where it entered.
  if (!isAirlineAnswer(name)) deps.commands.validateResult(name, result);
  return result;
}
