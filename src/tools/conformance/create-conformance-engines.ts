import { createLibxml2WasmEngine } from '../../xsd/libxml2-wasm-engine.ts';
import { createLibxmljs2Engine } from '../../xsd/libxmljs2-engine.ts';
import { createXercesValidator } from '../../xsd/xerces-validator.ts';
import { fromXercesValidator, fromXsdEngine, type ConformanceEngine } from './conformance-engine.ts';
import { CONFORMANCE_ENGINES, type ConformanceEngineName } from './conformance-types.ts';

/** Reads `--engine`: one engine name, or `all`. Undefined for anything else. */
export function parseEngineChoice(choice: string): readonly ConformanceEngineName[] | undefined {
  if (choice === 'all') return CONFORMANCE_ENGINES;
  return (CONFORMANCE_ENGINES as readonly string[]).includes(choice) ? [choice as ConformanceEngineName] : undefined;
}

/** Creates the engines asked for; each loads its library (WASM heap, native addon, Java bridge) only here. */
export async function createConformanceEngines(names: readonly ConformanceEngineName[]): Promise<ConformanceEngine[]> {
  const engines: ConformanceEngine[] = [];
  for (const name of names) {
    switch (name) {
      case 'libxml2':
        engines.push(fromXsdEngine(name, await createLibxml2WasmEngine()));
        break;
      case 'libxmljs2':
        engines.push(fromXsdEngine(name, await createLibxmljs2Engine()));
        break;
      case 'xerces':
        engines.push(fromXercesValidator(await createXercesValidator()));
        break;
    }
  }
  return engines;
}
