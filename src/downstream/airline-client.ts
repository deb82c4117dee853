import type { ValidateFunction } from 'ajv';
import { loadAirlineContract, type AirlineCommandName, type AirlineCommands, type AirlineContract } from '../contracts/airline/index.ts';
import { schemaErrorDetails } from '../contracts/schema-folders.ts';
import { ERROR_TABLE, GatewayError, type ErrorCode } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { createDownstreamTransport, readErrorBody, type CircuitBreakerOptions, type DownstreamAnswer } from './downstream-transport.ts';

export type { CircuitBreakerOptions } from './downstream-transport.ts';

/** Commands that only read; repeating one after a lost answer does no harm, so they may be retried. */
export const IDEMPOTENT_COMMANDS: ReadonlySet<string> = new Set(['offer.shop', 'offer.price', 'service.list', 'seat.availability', 'order.rules']);

export interface AirlineCallOptions {
  /** Sent as X-Correlation-ID so the airline's logs join the gateway's. */
  readonly correlationId: string;
  /** Epoch ms after which nobody waits for the answer; caps every attempt and the retries. */
  readonly deadline?: number;
  /** Aborts the call, e.g. when the queued job is abandoned. */
  readonly signal?: AbortSignal;
}

export interface AirlineClient {
  /**
   * POSTs the command to `/v1/<command>` and returns the result JSON once it has passed the
   * command's result schema, or throws a GatewayError. A command outside the contract is not sent.
   */
  call<N extends AirlineCommandName>(command: N, payload: AirlineCommands[N]['command'], options: AirlineCallOptions): Promise<AirlineCommands[N]['result']>;
  call(command: string, payload: unknown, options: AirlineCallOptions): Promise<unknown>;
  /** GET /health answered 200 within a second (bypasses the breaker). */
  isReachable(): Promise<boolean>;
  /** The circuit breaker of the calls: `closed`, `open` or `half-open`. */
  breakerState(): 'closed' | 'open' | 'half-open';
  close(): Promise<void>;
}

export interface AirlineClientOptions {
  /** e.g. `http://127.0.0.1:8090`. */
  readonly baseUrl: string;
  /** Longest wait for one attempt (headers, and between body chunks); the deadline can make it shorter. */
  readonly timeoutMs: number;
  /** Further attempts after the first on network errors and 5xx, for idempotent commands only. */
  readonly retries: number;
  readonly logger?: Logger;
  /** Keep-alive connections to the airline. @defaultValue 16 */
  readonly connections?: number;
  /** First backoff; doubled per retry, with jitter. @defaultValue 50 */
  readonly retryBackoffMs?: number;
  readonly breaker?: CircuitBreakerOptions;
  /** Names the airline in errors and logs, e.g. `XR`. @defaultValue the host of baseUrl */
  readonly designator?: string;
  /** The command schemas the gateway forwards (COMMAND_SCHEMAS_PATH). @defaultValue the repository's schemas/commands */
  readonly commandSchemasPath?: string;
  /** The contract answers are checked against, e.g. one shared by several clients. @defaultValue loaded from commandSchemasPath and schemas/airline */
  readonly contract?: AirlineContract;
}

const BUSINESS_CODES = new Set(Object.entries(ERROR_TABLE).filter(([, d]) => d.kind === 'business').map(([code]) => code));

/**
 * The airline's answers: 200 is the result, which must pass the command's result schema (parse,
 * validate, then type: an answer of another shape must not reach a mapping or an order), 422 a
 * business refusal with a gateway code, 400 a command that breaks its schema.
 */
function readAirlineAnswer(airline: string, command: string, validate: ValidateFunction, { status, body }: DownstreamAnswer): unknown {
  if (status === 200) {
    if (validate(body)) return body;
    throw new GatewayError('INTERNAL_ERROR', `${airline} answered ${command} with a result that breaks the airline contract (${command}.result.json)`, schemaErrorDetails(validate, 10));
  }
  const error = readErrorBody(body);
  if (status === 422 && error.code && BUSINESS_CODES.has(error.code)) {
    throw new GatewayError(error.code as ErrorCode, error.message, error.details ?? []);
  }
  if (status === 422) throw new GatewayError('INVALID_BUSINESS_DATA', error.message ?? `${airline} refused ${command}`, error.details ?? []);
  if (status === 400) throw new GatewayError('INVALID_COMMAND', error.message ?? `${airline} rejected the ${command} command`, error.details ?? []);
  throw new GatewayError('INTERNAL_ERROR', `${airline} answered ${status} for ${command}${error.message ? `: ${error.message}` : ''}`);
}

/**
 * HTTP client for the airline's command API. Pooling, deadlines, retries of idempotent reads and
 * the circuit breaker come from the shared downstream transport. Every answer is checked against
 * its command's result schema where it enters the gateway, so neither the worker nor the edge
 * checks it again. A command's schema is compiled once, on its first call: compiling all of them
 * costs 0.25 s of CPU, which a process that only serves the edge, or only shops, need not pay at
 * start-up.
 */
export function createAirlineClient(options: AirlineClientOptions): AirlineClient {
  const name = options.designator ? `airline ${options.designator}` : `airline at ${new URL(options.baseUrl).host}`;
  const transport = createDownstreamTransport({ ...options, name });
  const contract = options.contract ?? loadAirlineContract(options.commandSchemasPath ? { commandSchemasPath: options.commandSchemasPath } : {});
  const Name = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

  function call(command: string, payload: unknown, callOptions: AirlineCallOptions): Promise<unknown> {
    const validate = contract.result(command);
    if (!validate) return Promise.reject(new GatewayError('INTERNAL_ERROR', `${command} is not a command of the airline contract, so it is not sent to the ${name}`));
    return transport.send({
      method: 'POST', path: `/v1/${command}`, body: payload, operation: command, idempotent: IDEMPOTENT_COMMANDS.has(command),
      correlationId: callOptions.correlationId, deadline: callOptions.deadline, signal: callOptions.signal,
      read: (answer) => readAirlineAnswer(Name, command, validate, answer),
    });
  }

  return {
    // One implementation behind both signatures: the answer it returns has passed the command's result schema.
    call: call as AirlineClient['call'],
    isReachable: () => transport.isReachable(),
    breakerState: () => transport.breakerState(),
    close: () => transport.close(),
  };
}
