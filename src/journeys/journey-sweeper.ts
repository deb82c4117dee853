import type { Logger } from '../log/logger.ts';
import type { JourneyService } from './journey-service.ts';

export interface JourneySweeper {
  stop(): Promise<void>;
}

/**
 * Abandons idle journeys every `everyMs` (JOURNEY_SWEEP_MS), whether or not anybody calls them
 * again. Every gateway process may run one: the store hands each idle journey to one claimer
 * only. A sweep never overlaps the previous one.
 */
export function startJourneySweeper(journeys: Pick<JourneyService, 'sweepIdle'>, everyMs: number, logger: Logger): JourneySweeper {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = (async () => {
      try {
        // Claims come in batches; a full batch means there may be more due now.
        while ((await journeys.sweepIdle(100)) >= 100) { /* next batch */ }
      } catch (error) {
        logger.error({ err: error }, 'journey sweep failed');
      } finally {
        running = undefined;
      }
    })();
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
