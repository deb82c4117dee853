import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';

const KEY_2025 = Buffer.alloc(32, 7).toString('base64');
const KEY_2024 = Buffer.alloc(32, 9).toString('base64');

describe('loadConfig: PERSONAL_DATA_KEYS', () => {
  it('is undefined unless set, so a production check can tell that no key is configured', () => {
    expect(loadConfig({}).personalDataKeys).toBeUndefined();
    expect(loadConfig({ PERSONAL_DATA_KEYS: '' }).personalDataKeys).toBeUndefined();
  });

  it('reads id:base64 pairs, newest (the sealing key) first', () => {
    expect(loadConfig({ PERSONAL_DATA_KEYS: `k2025:${KEY_2025}, k2024:${KEY_2024}` }).personalDataKeys).toEqual([
      { id: 'k2025', key: KEY_2025 },
      { id: 'k2024', key: KEY_2024 },
    ]);
  });

  it.each([
    ['a key that is not 32 bytes', `k1:${Buffer.alloc(16).toString('base64')}`],
    ['an entry without an id', KEY_2025],
    ['an id with a dot', `k.1:${KEY_2025}`],
    ['an id given twice', `k1:${KEY_2025},k1:${KEY_2024}`],
  ])('refuses %s, without repeating any key in the error', (_what, value) => {
    let error: unknown;
    try {
      loadConfig({ PERSONAL_DATA_KEYS: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/personalDataKeys|PERSONAL_DATA_KEYS/);
    expect((error as Error).message).not.toContain(KEY_2025);
    expect((error as Error).message).not.toContain(KEY_2024);
  });
});
