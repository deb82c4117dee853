import type { Logger } from '../log/logger.ts';

/**
 * The port between the HTTP edge and the workers. The edge turns one NDC request into a
 * version-neutral command, sends it, and waits for the result; workers run the handler
 * registered under the command's name. Two adapters implement it: in-process (embedded)
 * and BullMQ on Redis (production).
 */

/** What travels with every command, independent of its payload. */
export interface CommandMeta {
  /** Ties the log lines of the edge and the worker to one request. */
  readonly correlationId: string;
  /** NDC version of the request, e.g. '21.3'; handlers stay version-neutral but may log it. */
  readonly version: string;
  /** NDC message name of the request, e.g. 'AirShoppingRQ'. */
  readonly message: string;
  /** Authenticated client, when known. */
  readonly clientId?: string;
  /** Epoch milliseconds after which nobody waits for the result any more. */
  readonly deadline: number;
}

/** One internal command. */
export interface CommandEnvelope {
  /** `<family>.<action>`, e.g. 'offer.shop'. The family picks the queue. */
  readonly name: string;
  /** Command data, already validated against its JSON Schema. Must be JSON-serialisable. */
  readonly payload: unknown;
  readonly meta: CommandMeta;
}

/** What a handler gets besides the payload. */
export interface HandlerContext {
  readonly meta: CommandMeta;
  /** Child logger that carries the correlationId and the command name. */
  readonly logger: Logger;
  /** Aborted when the deadline passes; pass it to downstream calls so they stop too. */
  readonly signal: AbortSignal;
}

/**
 * Runs one command. Returns a JSON-serialisable result, or throws a GatewayError;
 * anything else thrown reaches the sender as INTERNAL_ERROR.
 */
export type CommandHandler = (payload: unknown, context: HandlerContext) => Promise<unknown>;

/** Handlers by command name. */
export type HandlerRegistry = ReadonlyMap<string, CommandHandler>;

/** Sends commands and waits for their results. */
export interface CommandQueue {
  /** Resolves with the handler's result; rejects with a GatewayError (DEADLINE_EXCEEDED when meta.deadline passes). */
  send(envelope: CommandEnvelope): Promise<unknown>;
  /** Waiting plus active commands per family, for metrics and back-pressure. */
  depth(): Promise<Record<string, number>>;
  /** Whether the transport can take commands now (readiness probe). */
  isReady(): Promise<boolean>;
  /**
   * Workers consuming each family's commands now, for the readiness probe: a command sent to a
   * family nobody consumes waits until its deadline. BullMQ counts the workers connected to each
   * queue (in any process); the in-process queue is its own one worker until it closes.
   */
  workerCounts(): Promise<Record<string, number>>;
  /**
   * Stops taking commands and releases connections. Work already started is never cut short:
   * the in-process queue waits for the commands it accepted; the BullMQ sender answers its
   * waiting sends with INTERNAL_ERROR at once while the workers finish the jobs.
   */
  close(): Promise<void>;
}

/** The family of a command is its first name segment: 'offer.shop' → 'offer'. One queue per family. */
export function getCommandFamily(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? name : name.slice(0, dot);
}
