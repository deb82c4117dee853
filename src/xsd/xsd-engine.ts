import { createLibxml2WasmEngine } from './libxml2-wasm-engine.ts';
import { createLibxmljs2Engine } from './libxmljs2-engine.ts';
import type { XsdEngine, XsdEngineName } from './xsd-types.ts';

export type { CompiledSchema, CompiledSchemaSet, RootElement, ValidateOptions, XsdEngine, XsdEngineName, XsdIssue } from './xsd-types.ts';

/**
 * Creates the configured XSD engine. Each engine loads its library on creation only, so the one
 * not chosen (a WASM heap or a native addon) is never loaded.
 */
export function createXsdEngine(name: XsdEngineName): Promise<XsdEngine> {
  switch (name) {
    case 'libxml2-wasm':
      return createLibxml2WasmEngine();
    case 'libxmljs2':
      return createLibxmljs2Engine();
    default:
      return Promise.reject(new Error(`Unknown XSD engine: ${String(name)}`));
  }
}
