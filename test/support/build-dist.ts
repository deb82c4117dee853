import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock older than this was left by a build that was killed. */
const STALE_LOCK_MS = 300_000;

/**
 * Builds dist/ as `npm start` does before it runs `node dist/main.js` (quick when it is up to
 * date), one build at a time: test files that run in parallel must not write dist/ together.
 */
export async function buildDist(): Promise<void> {
  const lock = join(tmpdir(), `ndc-gateway-build-${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12)}`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
