import { Packr } from 'msgpackr';
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
  /**
   * Redis channel of the sender waiting for the answer. The worker publishes the result or the
   * error there and completes the job with no return value; without it, the result is the job's
   * return value, as BullMQ consumers read it.
   */
  readonly replyTo?: string;
}

/** Completed and failed jobs are kept this long at most, so a busy queue does not grow Redis. */
export const JOB_RETENTION_MAX_COUNT = 10_000;

/** Key under which a worker parks a large result for the sender to fetch once. */
export function buildResultKey(prefix: string, jobId: string): string {
  return `${prefix}:result:${jobId}`;
}

/** The pub/sub channel one sender process reads its answers from. */
export function buildReplyChannel(prefix: string, senderId: string): string {
  return `${prefix}:reply:${senderId}`;
}

/** What a worker publishes to a sender about one job. */
export type Reply =
  | { readonly jobId: string; readonly result: unknown }
  | { readonly jobId: string; readonly error: GatewayError }
  /** A result too large for one message, parked under this key for the sender to GETDEL. */
  | { readonly jobId: string; readonly parkedAt: string };

const RESULT = 0;
const FAILURE = 1;
const PARKED = 2;

/**
 * MessagePack (msgpackr, which BullMQ itself ships) with records: an offer list repeats the same
 * object shapes, which records write once per message. Each message carries its own record
 * definitions, so sender and worker share no state and may restart independently.
 */
const packr = new Packr({ useRecords: true });

export function encodeReply(reply: Reply): Buffer {
  if ('result' in reply) return packr.pack([reply.jobId, RESULT, reply.result ?? null]);
  if ('error' in reply) return packr.pack([reply.jobId, FAILURE, reply.error.toJSON()]);
  return packr.pack([reply.jobId, PARKED, reply.parkedAt]);
}

/** Reads a reply from Redis; anything that is not one of ours is undefined. */
export function decodeReply(message: Buffer): Reply | undefined {
  let value: unknown;
  try {
    value = packr.unpack(message);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 3 || typeof value[0] !== 'string') return undefined;
  const [jobId, kind, body] = value as [string, unknown, unknown];
  if (kind === RESULT) return { jobId, result: body };
  if (kind === FAILURE && typeof body === 'object' && body !== null) return { jobId, error: gatewayErrorFromJSON(body) };
  if (kind === PARKED && typeof body === 'string') return { jobId, parkedAt: body };
  return undefined;
}

/** Encodes a result on its own, for parking under a key. */
export function encodeResult(result: unknown): Buffer {
  return packr.pack(result ?? null);
}

export function decodeResult(parked: Buffer): unknown {
  return packr.unpack(parked);
}

/** Checks job data read from Redis; a malformed job cannot be run, so it fails as INTERNAL_ERROR. */
export function parseCommandJobData(data: unknown): CommandJobData {
  if (typeof data === 'object' && data !== null && 'meta' in data) {
    const meta: unknown = data.meta;
    if (typeof meta === 'object' && meta !== null) {
      const m = meta as Record<string, unknown>;
      if (typeof m.correlationId === 'string' && typeof m.version === 'string' && typeof m.message === 'string'
        && typeof m.deadline === 'number' && (m.clientId === undefined || typeof m.clientId === 'string')) {
        const { payload, replyTo } = data as { payload?: unknown; replyTo?: unknown };
        return typeof replyTo === 'string' ? { payload, meta: meta as CommandMeta, replyTo } : { payload, meta: meta as CommandMeta };
      }
    }
  }
  throw new GatewayError('INTERNAL_ERROR', 'The queued command has no valid meta data');
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
