import { setTimeout as sleep } from 'node:timers/promises';
import { toGatewayError, type GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';

/** Codes after which the outcome of a call is unknown or the service was briefly away: a keyed call may be repeated. */
const TRANSIENT_CODES = new Set(['DOWNSTREAM_UNAVAILABLE', 'DEADLINE_EXCEEDED']);

export function isTransient(error: unknown): boolean {
  return TRANSIENT_CODES.has(toGatewayError(error).code);
}

export interface RetryPolicy {
  /** Extra attempts after the first. */
  readonly retries: number;
  /** First pause; doubled per attempt. */
  readonly backoffMs: number;
  /** Epoch ms; no attempt starts after it. */
  readonly deadline?: number;
}

/**
 * Repeats `action` after transient failures. Only for calls that are safe to repeat: keyed by an
 * idempotency key, or idempotent by nature.
 */
export async function withRetries<T>(action: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      const pause = policy.backoffMs * 2 ** attempt;
      const outOfTime = policy.deadline !== undefined && Date.now() + pause >= policy.deadline;
      if (attempt >= policy.retries || !isTransient(error) || outOfTime) throw error;
      await sleep(pause);
    }
  }
}

export interface StepOptions {
  /**
   * Add the undo even when the step fails. For keyed calls whose outcome is unknown after a
   * failure (a timeout may hide a hold that was made), so the undo runs in any case; such undos
   * must cope with there being nothing to undo.
   */
  readonly undoEvenIfFailed?: boolean;
}

export interface CompensationReport {
  /** Steps undone, latest first. */
  readonly undone: readonly string[];
  /** Undos that failed; what they should have undone needs an operator (or expires on its own). */
  readonly failed: readonly { readonly step: string; readonly error: GatewayError }[];
}

/**
 * A saga: steps run in order, each may leave an undo, and on failure the undos run in reverse.
 * The runner never retries a step on its own; the step decides (see withRetries).
 */
export interface StepRunner {
  run<T>(step: string, action: () => Promise<T>, undo?: (result: T | undefined) => Promise<unknown>, options?: StepOptions): Promise<T>;
  /** Takes on the undo of a step an earlier attempt of the request finished, when carrying on from it. */
  adopt(step: string, undo: () => Promise<unknown>): void;
  /** Runs the undos collected so far, latest first, once. Never throws: failures are logged and reported. */
  compensate(cause: unknown): Promise<CompensationReport>;
  /** Steps that succeeded, in order. */
  readonly completed: readonly string[];
}

export function createStepRunner(logger: Logger): StepRunner {
  const undos: { step: string; undo: () => Promise<unknown> }[] = [];
  const completed: string[] = [];
  let compensated: Promise<CompensationReport> | undefined;

  async function compensateOnce(cause: unknown): Promise<CompensationReport> {
    const undone: string[] = [];
    const failed: { step: string; error: GatewayError }[] = [];
    const reason = toGatewayError(cause);
    for (const { step, undo } of undos.reverse()) {
      try {
        await undo();
        undone.push(step);
        logger.info({ step, cause: reason.code }, 'step undone');
      } catch (error) {
        const failure = toGatewayError(error);
        failed.push({ step, error: failure });
        logger.error({ step, cause: reason.code, err: failure }, 'undo failed; left for expiry or an operator');
      }
    }
    undos.length = 0;
    return { undone, failed };
  }

  return {
    async run(step, action, undo, options = {}) {
      if (compensated) throw new Error(`Step ${step} started after compensation`);
      let result: Awaited<ReturnType<typeof action>> | undefined;
      try {
        result = await action();
      } catch (error) {
        if (undo && options.undoEvenIfFailed) undos.push({ step, undo: () => undo(undefined) });
        logger.info({ step, code: toGatewayError(error).code }, 'step failed');
        throw error;
      }
      if (undo) undos.push({ step, undo: () => undo(result) });
      completed.push(step);
      logger.debug({ step }, 'step done');
      return result;
    },
    adopt(step, undo) {
      undos.push({ step, undo });
      completed.push(step);
    },
    compensate(cause) {
      compensated ??= compensateOnce(cause);
      return compensated;
    },
    completed,
  };
}
