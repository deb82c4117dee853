import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ErrorDetail as LibxmlErrorDetail } from 'libxml2-wasm';
import { buildCombinedSchema } from './combined-schema.ts';
import { SchemaCompileError } from './schema-compile-error.ts';
import type { CompiledSchema, CompiledSchemaSet, RootElement, ValidateOptions, XsdEngine, XsdIssue } from './xsd-types.ts';
import { checkRootElement, cleanXsdMessage, EMPTY_DOCUMENT_MESSAGE, locateIssues, resolveMaxErrors, type RawXsdIssue } from './xsd-issues.ts';

type Libxml2Wasm = typeof import('libxml2-wasm');
type XmlDocument = InstanceType<Libxml2Wasm['XmlDocument']>;
type XsdValidator = InstanceType<Libxml2Wasm['XsdValidator']>;

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

/** A compiled schema and the document it was compiled from, which it may point into. */
interface LoadedSchema {
  readonly doc: XmlDocument;
  readonly validator: XsdValidator;
}

/** Parses and compiles a schema document; `name` says what failed in the error. */
function loadSchema(lib: Libxml2Wasm, source: Buffer | string, url: string, name: string): LoadedSchema {
  const { ParseOption, XmlDocument, XmlLibError, XsdValidator } = lib;
  // Schemas come from the operator's package, but still: no network for imports.
  const option = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_BIG_LINES;
  let doc: XmlDocument | undefined;
  try {
    doc = typeof source === 'string' ? XmlDocument.fromString(source, { url, option }) : XmlDocument.fromBuffer(source, { url, option });
    return { doc, validator: XsdValidator.fromDoc(doc) };
  } catch (error) {
    doc?.dispose();
    const details = error instanceof XmlLibError ? error.details : [];
    const message = error instanceof XmlLibError ? formatDetails(details, error.message) : String(error);
    const files = [...new Set(details.flatMap((d) => (d.file ? [resolve(d.file)] : [])))];
    throw new SchemaCompileError(name, message, files, { cause: error });
  }
}

/** Validates against a loaded schema until `isDisposed()`; `name` says which schema in the error. */
function createValidate(lib: Libxml2Wasm, schema: LoadedSchema, name: string, isDisposed: () => boolean) {
  const { ParseOption, XmlDocument, XmlLibError, XmlValidateError } = lib;
  // Client documents: no network, no external DTD or entities, no entity substitution. COMPACT
  // keeps short text in the nodes themselves: fewer allocations in the WASM heap per document.
  const documentOptions = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES | ParseOption.XML_PARSE_COMPACT;

  return (xml: Buffer | string, options?: ValidateOptions): XsdIssue[] => {
    if (isDisposed()) throw new Error(`${name}: schema used after dispose()`);
    const maxErrors = resolveMaxErrors(options);
    let doc: XmlDocument;
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
      const wrongRoot = options?.root && checkRootElement({ namespace: doc.root.namespaceUri, name: doc.root.name }, options.root, doc.root.line);
      if (wrongRoot) {
        raw = [wrongRoot];
      } else {
        schema.validator.validate(doc);
        return [];
      }
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
  };
}

function freeSchema(schema: LoadedSchema): void {
  schema.validator.dispose();
  schema.doc.dispose();
}

function compileSchema(lib: Libxml2Wasm, xsdFile: string): CompiledSchema {
  const path = resolve(xsdFile);
  const name = basename(path);
  const schema = loadSchema(lib, readFileSync(path), path, name);
  let disposed = false;
  return {
    validate: createValidate(lib, schema, name, () => disposed),
    dispose(): void {
      if (disposed) return;
      disposed = true;
      freeSchema(schema);
    },
  };
}

function compileSchemaSet(lib: Libxml2Wasm, xsdFiles: readonly string[], namespace: string): CompiledSchemaSet {
  const { url, text } = buildCombinedSchema(xsdFiles, namespace);
  const name = `The combined schema of ${xsdFiles.length} schema documents of ${namespace}`;
  let schema: LoadedSchema;
  try {
    schema = loadSchema(lib, text, url, name);
  } catch (error) {
    if (!(error instanceof SchemaCompileError)) throw error;
    // the combined document exists in memory only: name the real files
    throw new SchemaCompileError(error.schema, error.detail, error.files.filter((file) => file !== url), { cause: error.cause });
  }
  let disposed = false;
  const validate = createValidate(lib, schema, name, () => disposed);
  return {
    validate,
    // One compiled schema serves every member; a member only adds its root element.
    member(file: string, root: RootElement): CompiledSchema {
      let memberDisposed = false;
      const label = basename(file);
      return {
        validate(xml, options) {
          if (memberDisposed) throw new Error(`${label}: schema used after dispose()`);
          return validate(xml, { ...options, root });
        },
        dispose(): void {
          memberDisposed = true;
        },
      };
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      freeSchema(schema);
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
  return {
    name: 'libxml2-wasm',
    compile: (xsdFile) => compileSchema(lib, xsdFile),
    compileSet: (xsdFiles, namespace) => compileSchemaSet(lib, xsdFiles, namespace),
  };
}
