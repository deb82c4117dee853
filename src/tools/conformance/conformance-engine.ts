import type { XsdEngine, XsdIssue } from '../../xsd/xsd-types.ts';
import type { XercesValidator } from '../../xsd/xerces-validator.ts';
import type { ConformanceEngineName } from './conformance-types.ts';

/**
 * One shape for every engine a conformance run drives. The gateway's engines are synchronous and
 * in-process; Xerces runs in a JVM and answers later, so the run awaits all of them alike.
 */
export interface ConformanceSchema {
  /** `file` is where `xml` was read from; an engine that reads files itself (Xerces) uses it. */
  validate(xml: Buffer, file: string, maxErrors: number): Promise<XsdIssue[]>;
  dispose(): void;
}

export interface ConformanceEngine {
  readonly name: ConformanceEngineName;
  /** Rejects when the schema does not compile under this engine. */
  compile(xsdFile: string): Promise<ConformanceSchema>;
  /** Frees what the engine holds beyond its schemas (temp files). */
  dispose(): void;
}

/** Wraps a gateway XSD engine (libxml2-wasm or libxmljs2). */
export function fromXsdEngine(name: ConformanceEngineName, engine: XsdEngine): ConformanceEngine {
  return {
    name,
    async compile(xsdFile: string): Promise<ConformanceSchema> {
      const schema = engine.compile(xsdFile);
      return {
        validate: async (xml, _file, maxErrors) => schema.validate(xml, { maxErrors }),
        dispose: () => schema.dispose(),
      };
    },
    dispose: () => undefined,
  };
}

/** Wraps the Xerces validator; Java reads each document from its file. */
export function fromXercesValidator(validator: XercesValidator): ConformanceEngine {
  return {
    name: 'xerces',
    async compile(xsdFile: string): Promise<ConformanceSchema> {
      const schema = await validator.compile(xsdFile);
      return {
        validate: (xml, file, maxErrors) => schema.validate(xml, { file, maxErrors }),
        dispose: () => schema.dispose(),
      };
    },
    dispose: () => validator.dispose(),
  };
}
