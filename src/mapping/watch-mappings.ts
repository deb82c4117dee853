import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';

export interface WatchMappingsOptions {
  /** The mappings folder (MAPPINGS_PATH), watched with everything below it. */
  readonly path: string;
  /** Called once per burst of changes, after `debounceMs` without a change; never twice at once. */
  readonly onChange: () => unknown;
  /** Quiet time before a reload: an editor's save or a `git pull` is many events. @defaultValue 200 */
  readonly debounceMs?: number;
  /** `auto` uses recursive fs.watch where the platform has it and polls elsewhere. @defaultValue 'auto' */
  readonly mode?: 'auto' | 'poll';
  /** How often the polling fallback looks at the files. @defaultValue 1000 */
  readonly pollIntervalMs?: number;
  readonly logger?: Logger;
}

export interface MappingWatcher {
  /** How changes are noticed: file-system events, or comparing sizes and times at an interval. */
  readonly mode: 'events' | 'poll';
  /** Stops watching and waits for a reload that is running. */
  close(): Promise<void>;
}

/** Editor swap and backup files: saving a mapping should cause one reload, not three. */
const IGNORED = /(^|[\\/])(\.#[^\\/]*|[^\\/]*~|[^\\/]*\.sw[a-p]|4913)$/;

/** Size and modification time of every file below a folder; a change in any of them is a change of mappings. */
async function fingerprint(folder: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      parts.push(`${dir}:missing`);
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && !IGNORED.test(path)) {
        try {
          const info = await stat(path);
          parts.push(`${path}:${info.size}:${info.mtimeMs}`);
        } catch {
          // removed between readdir and stat; the next poll sees it gone
        }
      }
    }
  };
  await walk(folder);
  return parts.join('\n');
}

/**
 * Calls `onChange` when files under the mappings folder change, so the gateway reloads mappings
 * without a restart. Bursts are debounced, and a change during a running reload causes one more
 * reload after it, so the last state on disk is always the one loaded.
 */
export function watchMappings(options: WatchMappingsOptions): MappingWatcher {
  const { path, onChange, logger } = options;
  const debounceMs = options.debounceMs ?? 200;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const fire = (): void => {
    timer = undefined;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        await onChange();
      } catch (error) {
        logger?.error({ err: error }, 'mapping reload after a file change failed');
      }
    })().finally(() => {
      running = undefined;
      if (again && !closed) {
        again = false;
        schedule();
      }
    });
  };
  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };

  let watcher: FSWatcher | undefined;
  let poller: NodeJS.Timeout | undefined;
  const startPolling = (): void => {
    let last: Promise<string> = fingerprint(path);
    let busy = false;
    poller = setInterval(() => {
      if (busy) return;
      busy = true;
      void Promise.all([last, fingerprint(path)]).then(([before, now]) => {
        last = Promise.resolve(now);
        if (before !== now) schedule();
      }).finally(() => {
        busy = false;
      });
    }, pollIntervalMs);
    poller.unref();
  };

  if (options.mode !== 'poll') {
    try {
      watcher = watch(path, { recursive: true, persistent: false }, (_event, filename) => {
        if (filename && IGNORED.test(String(filename))) return;
        schedule();
      });
      watcher.on('error', (error) => {
        // e.g. the folder was removed and made again: fall back to polling rather than go blind
        logger?.warn({ err: error, path }, 'watching the mappings folder failed; polling it instead');
        watcher?.close();
        watcher = undefined;
        if (!closed && !poller) startPolling();
      });
    } catch (error) {
      logger?.info({ path, reason: (error as Error).message }, 'recursive file watching is not available here; polling the mappings folder');
    }
  }
  if (!watcher) startPolling();
  logger?.info({ path, mode: watcher ? 'events' : 'poll' }, 'watching mappings for changes');

  return {
    get mode() {
      return watcher ? 'events' : 'poll';
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
      if (poller) clearInterval(poller);
      await running;
    },
  };
}
