import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resolves once `check` passes, looking again every `intervalMs`. It has no deadline of its own:
 * the test's timeout bounds the wait, so a slow machine makes a test slower, not failed.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, intervalMs = 25): Promise<void> {
  while (!(await check())) await sleep(intervalMs);
}
