import type { Logger } from '../log/logger.ts';

export interface StopOnSignalOptions {
  readonly logger: Logger;
  /** Longest a stop may take (SHUTDOWN_GRACE_MS); then the process exits with code 1 anyway. */
  readonly graceMs: number;
  /** Stops the process's work; the process then exits with the code it resolves with, else 0. */
  stop(signal: NodeJS.Signals): Promise<number | void>;
  /** What is still running, logged when the grace period runs out. */
  remaining?(): Record<string, unknown>;
  /** Runs when the grace period runs out, just before the exit. */
  onTimeout?(): void;
}

/**
 * Runs `stop` once, on the first SIGTERM or SIGINT, then exits. A second signal changes nothing:
 * the grace period bounds the stop, so an orchestrator's final SIGKILL never finds it half done.
 */
export function stopOnSignal(options: StopOnSignalOptions): void {
  const { logger, graceMs } = options;
  let stopping = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const started = performance.now();
    logger.info({ signal, graceMs }, 'stopping');
    const timer = setTimeout(() => {
      logger.error({ signal, graceMs, ...options.remaining?.() }, 'the shutdown grace period ran out; exiting with work unfinished');
      options.onTimeout?.();
      process.exit(1);
    }, graceMs);
    options.stop(signal).then((code) => {
      clearTimeout(timer);
      logger.info({ signal, ms: Math.round(performance.now() - started) }, 'stopped');
      process.exit(code ?? 0);
    }, (error: unknown) => {
      logger.error({ err: error, signal }, 'stopping failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
