import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ErrorDetail as LibxmlErrorDetail } from 'libxml2-wasm';
import type { CompiledSchema, ValidateOptions, XsdEngine, XsdIssue } from './xsd-types.ts';
import { cleanXsdMessage, EMPTY_DOCUMENT_MESSAGE, locateIssues, resolveMaxErrors, type RawXsdIssue } from './xsd-issues.ts';

type Libxml2Wasm = typeof import('libxml2-wasm');

let fsProvidersRegistered = false;

function formatDetails(details: readonly LibxmlErrorDetail[], fallback: string): string {
  const lines = details
    .filter((d) => d.level >= 2)
    .slice(0, 3)
    .map((d) => `${d.file ? `${basename(d.file)}:` : ''}${d.line > 0 ? `${d.line}: ` : ''}${cleanXsdMessage(d.message)}`);
  return lines.length > 0 ? lines.join('; ') : fallback;
}

function toText(xml: Buffer | string): string {
  return typeof xml === 'string' ? xml : xml.toString('utf8');
}

function compileSchema(lib: Libxml2Wasm, xsdFile: string): CompiledSchema {
  const { ParseOption, XmlDocument, XmlLibError, XmlValidateError, XsdValidator } = lib;
  // Schemas come from the operator's package, but still: no network for imports.
  const schemaOptions = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_BIG_LINES;
  // Client documents: no network, no external DTD or entities, no entity substitution. COMPACT
  // keeps short text in the nodes themselves: fewer allocations in the WASM heap per document.
  const documentOptions = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES | ParseOption.XML_PARSE_COMPACT;

  const path = resolve(xsdFile);
  const source = readFileSync(path);
  let schemaDoc: InstanceType<typeof XmlDocument> | undefined;
  let validator: InstanceType<typeof XsdValidator>;
  try {
    schemaDoc = XmlDocument.fromBuffer(source, { url: path, option: schemaOptions });
    validator = XsdValidator.fromDoc(schemaDoc);
  } catch (error) {
    schemaDoc?.dispose();
    const message = error instanceof XmlLibError ? formatDetails(error.details, error.message) : String(error);
    throw new Error(`${basename(path)} does not compile: ${message}`, { cause: error });
  }
  // The compiled schema may point into the schema document, so both live and die together.
  let disposed = false;

  return {
    validate(xml: Buffer | string, options?: ValidateOptions): XsdIssue[] {
      if (disposed) throw new Error(`${basename(path)}: schema used after dispose()`);
      const maxErrors = resolveMaxErrors(options);
      let doc: InstanceType<typeof XmlDocument>;
      try {
        doc = typeof xml === 'string'
          ? XmlDocument.fromString(xml, { option: documentOptions })
          : XmlDocument.fromBuffer(xml, { option: documentOptions });
      } catch (error) {
        const details = error instanceof XmlLibError ? error.details.filter((d) => d.level >= 2) : [];
        const raw: RawXsdIssue[] = details.length > 0
          ? details.map((d) => ({ message: d.message, line: d.line, column: d.col > 0 ? d.col : 1 }))
          : [{ message: error instanceof XmlLibError ? EMPTY_DOCUMENT_MESSAGE : String(error), line: 1, column: 1 }];
        return locateIssues(raw, () => toText(xml), maxErrors);
      }
      let raw: RawXsdIssue[];
      try {
        validator.validate(doc);
        return [];
      } catch (error) {
        if (error instanceof XmlValidateError) {
          raw = error.details
            .filter((d) => d.level >= 2)
            .map((d) => ({ message: d.message, line: d.line, column: d.col, ...(d.xpath ? { nodeXPath: d.xpath } : {}) }));
          if (raw.length === 0) raw = [{ message: error.message || 'The document does not validate against the schema' }];
        } else {
          raw = [{ message: error instanceof Error ? error.message : String(error) }];
        }
      } finally {
        doc.dispose();
      }
      return locateIssues(raw, () => toText(xml), maxErrors);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      validator.dispose();
      schemaDoc?.dispose();
    },
  };
}

/**
 * libxml2 compiled to WebAssembly: each schema is compiled once and validation then costs about
 * what native xmllint costs. Loads the library only when called.
 */
export async function createLibxml2WasmEngine(): Promise<XsdEngine> {
  const lib = await import('libxml2-wasm');
  if (!fsProvidersRegistered) {
    // xs:include / xs:import are read from disk relative to the schema's url
    const { xmlRegisterFsInputProviders } = await import('libxml2-wasm/lib/nodejs.mjs');
    xmlRegisterFsInputProviders();
    fsProvidersRegistered = true;
  }
  return { name: 'libxml2-wasm', compile: (xsdFile) => compileSchema(lib, xsdFile) };
}
