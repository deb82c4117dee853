import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * src/ holds three kinds of code, kept apart so that a reader sees what ships in the request path:
 * the gateway (everything at the top of src/), the reference services that stand in for other
 * companies' systems (src/reference/: the airline and the payment service, which speak to the
 * gateway only through the contracts it owns in src/contracts and schemas/), and the tools
 * (src/tools/: CLI, conformance, scenarios, mapping tools, schema import). The gateway imports
 * neither, except the entry point that starts the reference services next to it in the embedded
 * set-up.
 */

const SRC = resolve(process.cwd(), 'src');
const REFERENCE = join(SRC, 'reference');
const TOOLS = join(SRC, 'tools');
const ENTRY_POINTS = new Set(['main.ts']);
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const inside = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}/`);

/** `file: specifier` for every relative import of a gateway file that lands in `folder`. */
function gatewayImportsOf(folder: string): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    if (inside(file, REFERENCE) || inside(file, TOOLS)) continue;
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      if (!specifier?.startsWith('.')) continue;
      if (inside(resolve(dirname(file), specifier), folder)) found.push(`${relative(SRC, file)}: ${specifier}`);
    }
  }
  return found;
}

describe('the serving path, the reference services and the tools live apart', () => {
  it('the gateway imports the reference services only in the entry point that starts them', () => {
    const found = gatewayImportsOf(REFERENCE);
    expect(found.filter((line) => !ENTRY_POINTS.has(line.slice(0, line.indexOf(':'))))).toEqual([]);
    // The check itself works: the embedded start-up does import them.
    expect(found.some((line) => line.startsWith('main.ts: '))).toBe(true);
  });

  it('the gateway never imports the tools', () => {
    expect(gatewayImportsOf(TOOLS)).toEqual([]);
  });

  it('holds the reference services and the tools in their folders, and nothing of theirs at the top', () => {
    // admin-guard.ts is the one piece both reference services share: their admin routes' access rule.
    expect(readdirSync(REFERENCE).sort()).toEqual(['admin-guard.ts', 'airline', 'payment']);
    expect(readdirSync(TOOLS).sort()).toEqual(['airline-admin', 'cli', 'conformance', 'mapping-tools', 'scenario', 'schemas']);
    expect(readdirSync(SRC).filter((name) => ['airline', 'payment', 'cli', 'conformance', 'mapping-tools', 'scenario', 'schemas'].includes(name))).toEqual([]);
  });
});
