import { createXsdEngine, type CompiledSchema, type XsdEngineName } from '../../xsd/index.ts';

/** Validates built responses against their XSD, compiling each schema once for the whole run. */
export interface XsdResponseValidator {
  /** Problems as `line:column path: message`; empty when valid. */
  validate(xml: string, schemaFile: string): string[];
  /** Frees every compiled schema (the WASM engine holds a few MB each). */
  dispose(): void;
}

/**
 * Creates a validator on the gateway's XSD engine, so `mapping test` judges a response the way
 * the gateway does before it answers. A schema that does not compile is reported per response.
 */
export async function createXsdResponseValidator(engineName: XsdEngineName): Promise<XsdResponseValidator> {
  const engine = await createXsdEngine(engineName);
  const compiled = new Map<string, CompiledSchema | Error>();
  return {
    validate(xml, schemaFile) {
      let schema = compiled.get(schemaFile);
      if (!schema) {
        try {
          schema = engine.compile(schemaFile);
        } catch (error) {
          schema = error instanceof Error ? error : new Error(String(error));
        }
        compiled.set(schemaFile, schema);
      }
      if (schema instanceof Error) return [`the schema ${schemaFile} does not compile: ${schema.message}`];
      return schema.validate(xml).map((issue) => {
        const where = [issue.line === undefined ? '' : `${issue.line}:${issue.column ?? 1}`, issue.path ?? ''].filter(Boolean).join(' ');
        return where ? `${where}: ${issue.message}` : issue.message;
      });
    },
    dispose() {
      for (const schema of compiled.values()) if (!(schema instanceof Error)) schema.dispose();
      compiled.clear();
    },
  };
}
