import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createXsdEngine } from '../../../src/xsd/index.ts';

const require = createRequire(import.meta.url);

function isLibxmljs2Loaded(): boolean {
  return Object.keys(require.cache).some((file) => file.includes('/node_modules/libxmljs2/'));
}

describe('createXsdEngine', () => {
  it('loads only the chosen engine library', async () => {
    expect(isLibxmljs2Loaded()).toBe(false);
    const wasm = await createXsdEngine('libxml2-wasm');
    expect(wasm.name).toBe('libxml2-wasm');
    expect(isLibxmljs2Loaded()).toBe(false);
    const native = await createXsdEngine('libxmljs2');
    expect(native.name).toBe('libxmljs2');
    expect(isLibxmljs2Loaded()).toBe(true);
  });

  it('rejects an unknown engine name', async () => {
    await expect(createXsdEngine('xerces' as never)).rejects.toThrow(/Unknown XSD engine/);
  });
});
