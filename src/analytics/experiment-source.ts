import type { Logger } from '../log/logger.ts';
import type { Experiment } from './analytics-types.ts';
import type { ExperimentSource } from './experiment-assignment.ts';
import type { ExperimentRegistry } from './experiment-registry.ts';

export interface CachedExperimentSourceOptions {
  readonly registry: Pick<ExperimentRegistry, 'running'>;
  readonly logger: Logger;
  /** How long one read of the experiments table serves journey starts. @defaultValue 1000 */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

/**
 * The running experiments for journey starts, read from the experiments table at most once per
 * `cacheMs` (concurrent starts share one read), so a busy gateway does not query the database for
 * each journey; an experiment started or stopped takes effect within that time. When the table
 * cannot be read (the order store is still opening, the database is down) journeys still start:
 * with the last list read, or with no experiment, and the log says so.
 */
export function createCachedExperimentSource(options: CachedExperimentSourceOptions): ExperimentSource {
  const { registry, logger } = options;
  const cacheMs = options.cacheMs ?? 1000;
  const now = options.now ?? Date.now;
  let last: readonly Experiment[] = [];
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<readonly Experiment[]> | undefined;

  return {
    running() {
      if (now() - readAt < cacheMs) return Promise.resolve(last);
      reading ??= registry.running().then((experiments) => {
        last = experiments;
        readAt = now();
        return experiments;
      }, (err: unknown) => {
        logger.warn({ err }, 'running experiments could not be read; journeys start with the last list known');
        readAt = now();
        return last;
      }).finally(() => {
        reading = undefined;
      });
      return reading;
    },
  };
}
