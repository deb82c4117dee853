import { checkMessagePermission, type ApiClient } from '../auth/index.ts';
import type { Logger } from '../log/logger.ts';
import { isAirlineAnswer } from '../worker/command-handlers.ts';
import type { PipelineDeps } from './ndc-pipeline.ts';
import { tokeniseCardData } from './tokenise-card-data.ts';

/** Who a command runs for: the client with its permissions, or (a sweeper) a journey's owner by id. */
export interface CommandCaller {
  readonly client?: ApiClient;
  readonly clientId: string;
  readonly correlationId: string;
  readonly logger: Logger;
}

/**
 * Runs a version-neutral command from a JSON API (ONE Order, journeys) through the stages of an NDC
 * message: the client's permission for the NDC message it stands for, card tokenisation at the
 * edge, the command schema (of what is queued, cards already tokens), the queue and its handlers,
 * and the result schema of what the gateway made itself (an airline answer was checked against
 * the airline contract where it entered). `version` stands in for the NDC version in meta, logs
 * and metrics.
 */
export async function runCommand(deps: PipelineDeps, caller: CommandCaller, version: string, name: string, message: string, payload: unknown): Promise<unknown> {
  if (caller.client) checkMessagePermission(caller.client, message);
  const deadline = Date.now() + deps.config.queueWaitMs;
  const command = await tokeniseCardData(payload, { payment: deps.payment, correlationId: caller.correlationId, deadline, logger: caller.logger });
  deps.commands.validateCommand(name, command);
  const result = await deps.queue.send({
    name,
    payload: command,
    meta: { correlationId: caller.correlationId, version, message, deadline, clientId: caller.clientId },
  });
  if (!isAirlineAnswer(name)) deps.commands.validateResult(name, result);
  return result;
}
