import { gatewayErrorFromJSON, GatewayError } from '../errors/index.ts';
import type { CommandMeta } from './command-queue.ts';

/**
 * What the sender and the workers agree on when a command crosses Redis. Both sides may run
 * in different processes and versions, so everything read back from Redis is checked.
 */

/** The BullMQ job data of one command; the job name is the command name. */
export interface CommandJobData {
  readonly payload: unknown;
  readonly meta: CommandMeta;
}

/** Returned through BullMQ instead of a result too large to travel inline. */
export interface ResultReference {
  readonly $ref: string;
}

/** Completed and failed jobs are kept this long at most, so a busy queue does not grow Redis. */
export const JOB_RETENTION_MAX_COUNT = 10_000;

/** Key under which a worker parks a large result for the sender to fetch once. */
export function buildResultKey(prefix: string, jobId: string): string {
  return `${prefix}:result:${jobId}`;
}

/** Checks job data read from Redis; a malformed job cannot be run, so it fails as INTERNAL_ERROR. */
export function parseCommandJobData(data: unknown): CommandJobData {
  if (typeof data === 'object' && data !== null && 'meta' in data) {
    const meta: unknown = data.meta;
    if (typeof meta === 'object' && meta !== null) {
      const m = meta as Record<string, unknown>;
      if (typeof m.correlationId === 'string' && typeof m.version === 'string' && typeof m.message === 'string'
        && typeof m.deadline === 'number' && (m.clientId === undefined || typeof m.clientId === 'string')) {
        return { payload: (data as { payload?: unknown }).payload, meta: meta as CommandMeta };
      }
    }
  }
  throw new GatewayError('INTERNAL_ERROR', 'The queued command has no valid meta data');
}

/** Whether a BullMQ return value is a reference to a parked result of this prefix (and not a handler's own data). */
export function isResultReference(value: unknown, prefix: string): value is ResultReference {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const ref = (value as { $ref?: unknown }).$ref;
  return keys.length === 1 && typeof ref === 'string' && ref.startsWith(`${prefix}:result:`);
}

/** The failedReason text a worker gives a job: the GatewayError as JSON, so the sender can rebuild it. */
export function encodeFailure(error: GatewayError): string {
  return JSON.stringify(error.toJSON());
}

/**
 * Rebuilds the GatewayError a worker encoded; undefined when the text is not one
 * (a BullMQ timeout, a stalled job, a closing queue).
 */
export function decodeFailure(reason: string): GatewayError | undefined {
  if (!reason.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(reason);
    if (typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string') {
      return gatewayErrorFromJSON(value);
    }
  } catch {
    // Not JSON: not ours.
  }
  return undefined;
}
