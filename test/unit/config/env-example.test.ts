import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';

/** `NAME=value` lines of a dotenv file. */
function readEnvFile(path: string): Record<string, string> {
  const entries = readFileSync(path, 'utf8').split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

describe('.env.example', () => {
  const example = readEnvFile('.env.example');

  it('lists every setting config.ts reads, and nothing else', () => {
    const read = new Set([...readFileSync('src/config/config.ts', 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
    expect(Object.keys(example).sort()).toEqual([...read].sort());
  });

  it('gives the defaults: loaded as it is, it is the configuration of an empty environment', () => {
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });
});
