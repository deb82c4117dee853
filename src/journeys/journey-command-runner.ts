import type { PipelineDeps } from '../pipeline/ndc-pipeline.ts';
import { runCommand, type CommandCaller } from '../pipeline/run-command.ts';

export type { CommandCaller };

/** Stands in for the NDC version in command meta, logs and metrics of journey steps. */
export const JOURNEY_VERSION = 'json';

/** Runs a journey step's command through the stages of an NDC message; no business rule of its own. */
export function runJourneyCommand(deps: PipelineDeps, caller: CommandCaller, name: string, message: string, payload: unknown): Promise<unknown> {
  return runCommand(deps, caller, JOURNEY_VERSION, name, message, payload);
}
