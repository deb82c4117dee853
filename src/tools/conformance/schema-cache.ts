import type { ConformanceEngine, ConformanceSchema } from './conformance-engine.ts';

/**
 * Compiles each schema once per engine per run, however many files use it, so a folder of hundreds
 * of messages costs one compile per message type. A schema that does not compile is remembered too,
 * and every file that needs it reports the same failure without trying again.
 */
export interface SchemaCache {
  get(engine: ConformanceEngine, xsdFile: string): Promise<ConformanceSchema>;
  /** Compiles attempted so far (successful or not). */
  readonly compiles: number;
  dispose(): Promise<void>;
}

export function createSchemaCache(): SchemaCache {
  const entries = new Map<string, Promise<ConformanceSchema>>();
  return {
    get(engine: ConformanceEngine, xsdFile: string): Promise<ConformanceSchema> {
      const key = `${engine.name}\u0000${xsdFile}`;
      let entry = entries.get(key);
      if (!entry) {
        entry = engine.compile(xsdFile);
        // remembered as rejected; the caller handles the rejection
        entry.catch(() => undefined);
        entries.set(key, entry);
      }
      return entry;
    },
    get compiles(): number {
      return entries.size;
    },
    async dispose(): Promise<void> {
      const settled = await Promise.allSettled(entries.values());
      for (const outcome of settled) if (outcome.status === 'fulfilled') outcome.value.dispose();
      entries.clear();
    },
  };
}
