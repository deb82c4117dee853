/** Back-off settings of notification retries (NOTIFY_BACKOFF_BASE_MS, NOTIFY_BACKOFF_MAX_MS). */
export interface BackoffSettings {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * The wait before the next attempt after `failures` failed ones: exponential (base, 2×base, 4×base…
 * capped at max) with equal jitter, half fixed and half random. The fixed half keeps the waits
 * growing; the random half spreads the retries of many deliveries that failed together (a receiver
 * that was down) so they do not all come back at once.
 */
export function retryDelayMs(failures: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const exponential = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, Math.min(failures - 1, 40)));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
