import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchMappings, type MappingWatcher } from '../../../src/mapping/index.ts';

let root: string;
let watcher: MappingWatcher | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'watch-mappings-'));
  await mkdir(join(root, '21.3'));
  await writeFile(join(root, '21.3/AirShopping.request.yaml'), 'command: offer.shop\nmap: {}\n');
});

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  await rm(root, { recursive: true, force: true });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await sleep(20);
  }
}

describe.each(['auto', 'poll'] as const)('watchMappings (%s)', (mode) => {
  const options = { debounceMs: 200, pollIntervalMs: 50, mode };

  it('reloads once for a burst of changes in a nested folder', async () => {
    let calls = 0;
    watcher = watchMappings({ path: root, onChange: () => { calls += 1; }, ...options });
    if (mode === 'auto') expect(watcher.mode).toBe('events');
    else expect(watcher.mode).toBe('poll');
    await sleep(150);
    for (let i = 0; i < 5; i += 1) {
      await writeFile(join(root, '21.3/AirShopping.request.yaml'), `command: offer.shop\nmap: { n: ${i} }\n`);
      await sleep(10);
    }
    await waitFor(() => calls > 0);
    await sleep(450);
    expect(calls).toBe(1);
  });

  it('notices a new file and reloads again for a change made while a reload runs', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    watcher = watchMappings({
      path: root,
      onChange: () => {
        calls += 1;
        return calls === 1 ? new Promise<void>((resolve) => { release = resolve; }) : undefined;
      },
      ...options,
    });
    await sleep(150);
    await writeFile(join(root, '21.3/OrderRules.request.yaml'), 'command: order.rules\nmap: {}\n');
    await waitFor(() => calls === 1);
    await writeFile(join(root, '21.3/OrderRules.response.yaml'), 'message: OrderRulesRS\nmap: {}\n');
    await sleep(450);
    expect(calls).toBe(1);
    release();
    await waitFor(() => calls === 2);
  });

  it('ignores editor swap files and stops on close', async () => {
    let calls = 0;
    watcher = watchMappings({ path: root, onChange: () => { calls += 1; }, ...options });
    await sleep(150);
    await writeFile(join(root, '21.3/.AirShopping.request.yaml.swp'), 'x');
    await writeFile(join(root, '21.3/AirShopping.request.yaml~'), 'x');
    await sleep(450);
    expect(calls).toBe(0);
    await watcher.close();
    await writeFile(join(root, '21.3/AirShopping.request.yaml'), 'command: offer.shop\nmap: { closed: true }\n');
    await sleep(450);
    expect(calls).toBe(0);
  });

  it('logs a failing reload and keeps watching', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const logger = { error: (obj: unknown) => errors.push(obj), info: () => undefined, warn: () => undefined };
    watcher = watchMappings({
      path: root,
      onChange: () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
      },
      logger: logger as never,
      ...options,
    });
    await sleep(150);
    await writeFile(join(root, '21.3/AirShopping.request.yaml'), 'command: offer.shop\nmap: { a: 1 }\n');
    await waitFor(() => errors.length === 1);
    await writeFile(join(root, '21.3/AirShopping.request.yaml'), 'command: offer.shop\nmap: { a: 2 }\n');
    await waitFor(() => calls === 2);
  });
});
