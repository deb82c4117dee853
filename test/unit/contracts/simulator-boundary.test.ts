import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The reference airline stands in for another company's system: the gateway speaks to it only
 * through the contract it owns (src/contracts/airline, schemas/commands, schemas/airline). So no
 * file of src/ outside src/airline may import from it, except the entry point that starts the
 * reference services next to the gateway in the embedded set-up.
 */

const SRC = resolve(process.cwd(), 'src');
const SIMULATOR = join(SRC, 'airline');
const ENTRY_POINTS = new Set(['main.ts']);
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file: specifier` for every relative import of a file outside the simulator that lands inside it. */
function importsOfSimulator(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    if (file.startsWith(`${SIMULATOR}/`)) continue;
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      if (!specifier?.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      if (target === SIMULATOR || target.startsWith(`${SIMULATOR}/`)) found.push(`${relative(SRC, file)}: ${specifier}`);
    }
  }
  return found;
}

describe('the reference airline is a simulator the gateway does not depend on', () => {
  it('is imported from outside src/airline only by the entry point that starts it', () => {
    const found = importsOfSimulator();
    expect(found.filter((line) => !ENTRY_POINTS.has(line.slice(0, line.indexOf(':'))))).toEqual([]);
    // The check itself works: the embedded start-up does import it.
    expect(found.some((line) => line.startsWith('main.ts: '))).toBe(true);
  });
});
