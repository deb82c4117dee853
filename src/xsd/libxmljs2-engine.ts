import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Document as LibxmljsDocument } from 'libxmljs2';
import { buildCombinedSchema } from './combined-schema.ts';
import { SchemaCompileError } from './schema-compile-error.ts';
import type { CompiledSchema, CompiledSchemaSet, RootElement, ValidateOptions, XsdEngine, XsdIssue } from './xsd-types.ts';
import { checkRootElement, EMPTY_DOCUMENT_MESSAGE, locateIssues, resolveMaxErrors, type RawXsdIssue } from './xsd-issues.ts';

type Libxmljs2 = typeof import('libxmljs2');

/** Client documents: no network; entities are not substituted and no DTD is loaded (libxmljs2's defaults, kept). */
const DOCUMENT_OPTIONS = { nonet: true, big_lines: true } as const;

/** What libxmljs2 attaches to the errors it throws or collects. */
interface LibxmljsErrorFields {
  readonly message: string;
  readonly line?: number | null;
  readonly column?: number | null;
  readonly level?: number | null;
}

function readErrorFields(error: unknown): LibxmljsErrorFields {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { message, line, column, level } = error as { message: unknown; line?: unknown; column?: unknown; level?: unknown };
    return {
      message: typeof message === 'string' ? message : String(message),
      line: typeof line === 'number' ? line : null,
      column: typeof column === 'number' ? column : null,
      level: typeof level === 'number' ? level : null,
    };
  }
  return { message: String(error) };
}

function toText(xml: Buffer | string): string {
  return typeof xml === 'string' ? xml : xml.toString('utf8');
}

/** A failed schema parse leaves libxml2's global error handler set; a successful parse resets it. */
function resetErrorHandler(lib: Libxmljs2): void {
  lib.parseXml('<reset/>');
}

function parseSchemaDocument(lib: Libxmljs2, text: string, url: string): LibxmljsDocument {
  return lib.parseXml(text, { baseUrl: url, nonet: true, big_lines: true });
}

/**
 * Parses a schema document and compiles it once, so a broken schema fails here and not per
 * request (libxmljs2 compiles the schema inside validate()). It does not say which included file
 * an error is in, so the error names none.
 */
function loadSchemaDocument(lib: Libxmljs2, text: string, url: string, name: string): LibxmljsDocument {
  try {
    const schemaDoc = parseSchemaDocument(lib, text, url);
    lib.parseXml('<probe/>').validate(schemaDoc);
    return schemaDoc;
  } catch (error) {
    resetErrorHandler(lib);
    const { message, line } = readErrorFields(error);
    throw new SchemaCompileError(name, `${line ? `${line}: ` : ''}${message.trim()}`, [], { cause: error });
  }
}

/**
 * libxmljs2 does not say which included file broke a schema. The cheap case to tell is a file that
 * is not even well-formed (17.2 AirDocDisplayRQ, a space before `<?xml`): parsing each file alone
 * names it, so the caller can take it out without searching.
 */
function nameUnparsableFiles(lib: Libxmljs2, error: SchemaCompileError, xsdFiles: readonly string[]): SchemaCompileError {
  const unparsable = xsdFiles.map((file) => resolve(file)).filter((file) => {
    try {
      parseSchemaDocument(lib, readFileSync(file, 'utf8'), file);
      return false;
    } catch {
      return true;
    }
  });
  if (unparsable.length === 0) return error;
  resetErrorHandler(lib);
  const detail = `${unparsable.map((file) => basename(file)).join(', ')} ${unparsable.length === 1 ? 'is' : 'are'} not well-formed`;
  return new SchemaCompileError(error.schema, detail, unparsable, { cause: error });
}

/** Validates with `judge` (a `doc.validate(schema)` call) until `isDisposed()`. */
function createValidate(lib: Libxmljs2, name: string, judge: (doc: LibxmljsDocument) => boolean, isDisposed: () => boolean) {
  return (xml: Buffer | string, options?: ValidateOptions): XsdIssue[] => {
    if (isDisposed()) throw new Error(`${name}: schema used after dispose()`);
    const maxErrors = resolveMaxErrors(options);
    let doc: LibxmljsDocument;
    try {
      // the native binding takes a Buffer as well as a string; its typings only say string
      doc = lib.parseXml(xml as string, DOCUMENT_OPTIONS);
    } catch (error) {
      const { message, line, column } = readErrorFields(error);
      const raw: RawXsdIssue[] = [{
        message: message === 'Could not parse XML string' ? EMPTY_DOCUMENT_MESSAGE : message,
        line: line && line > 0 ? line : 1,
        column: column && column > 0 ? column : 1,
      }];
      return locateIssues(raw, () => toText(xml), maxErrors);
    }
    const root = doc.root();
    const wrongRoot = options?.root && root && checkRootElement({ namespace: root.namespace()?.href() ?? '', name: root.name() }, options.root, root.line());
    if (wrongRoot) return locateIssues([wrongRoot], () => toText(xml), maxErrors);
    // Known cost of libxmljs2: it compiles the schema again on every call.
    if (judge(doc)) return [];
    const raw: RawXsdIssue[] = doc.validationErrors
      .map(readErrorFields)
      .filter((e) => (e.level ?? 2) >= 2)
      .map((e) => ({ message: e.message, line: e.line ?? 0, column: e.column ?? 0 }));
    if (raw.length === 0) raw.push({ message: 'The document does not validate against the schema' });
    return locateIssues(raw, () => toText(xml), maxErrors);
  };
}

function compileSchema(lib: Libxmljs2, xsdFile: string): CompiledSchema {
  const path = resolve(xsdFile);
  const name = basename(path);
  let schema: LibxmljsDocument | undefined = loadSchemaDocument(lib, readFileSync(path, 'utf8'), path, name);
  return {
    validate: createValidate(lib, name, (doc) => doc.validate(schema as LibxmljsDocument), () => schema === undefined),
    dispose(): void {
      // the native document is freed by the garbage collector once unreferenced
      schema = undefined;
    },
  };
}

/**
 * The combined schema, compiled once to prove it compiles. Because libxmljs2 compiles on every
 * validate call, a member checks its documents against its own schema document, which is no
 * larger than the combined one and gives the same verdict; only a member whose own document does
 * not compile (24.4 OrderChangeNotifRQ as published) is checked against the combined schema.
 */
function compileSchemaSet(lib: Libxmljs2, xsdFiles: readonly string[], namespace: string): CompiledSchemaSet {
  const { url, text } = buildCombinedSchema(xsdFiles, namespace);
  const name = `The combined schema of ${xsdFiles.length} schema documents of ${namespace}`;
  let combined: LibxmljsDocument | undefined;
  try {
    combined = loadSchemaDocument(lib, text, url, name);
  } catch (error) {
    throw nameUnparsableFiles(lib, error as SchemaCompileError, xsdFiles);
  }
  const isDisposed = (): boolean => combined === undefined;
  return {
    validate: createValidate(lib, name, (doc) => doc.validate(combined as LibxmljsDocument), isDisposed),
    member(file: string, root: RootElement): CompiledSchema {
      const path = resolve(file);
      let memberDisposed = false;
      // undefined: not tried yet; null: does not compile on its own, so the combined schema judges
      let own: LibxmljsDocument | null | undefined;
      const judge = (doc: LibxmljsDocument): boolean => {
        if (own === undefined) {
          try {
            own = parseSchemaDocument(lib, readFileSync(path, 'utf8'), path);
          } catch {
            resetErrorHandler(lib);
            own = null;
          }
        }
        if (own !== null) {
          try {
            return doc.validate(own);
          } catch {
            resetErrorHandler(lib);
            own = null;
          }
        }
        return doc.validate(combined as LibxmljsDocument);
      };
      const validate = createValidate(lib, basename(path), judge, () => memberDisposed || isDisposed());
      return {
        validate: (xml, options) => validate(xml, { ...options, root }),
        dispose(): void {
          memberDisposed = true;
          own = undefined;
        },
      };
    },
    dispose(): void {
      combined = undefined;
    },
  };
}

/**
 * libxml2 through the native libxmljs2 binding. Parsing is fast, but the binding recompiles the
 * schema on every validate call, so each validation pays a schema compile. Loads the binding only when called.
 */
export async function createLibxmljs2Engine(): Promise<XsdEngine> {
  const mod = await import('libxmljs2');
  const lib = (mod as { default?: Libxmljs2 }).default ?? mod;
  return {
    name: 'libxmljs2',
    compile: (xsdFile) => compileSchema(lib, xsdFile),
    compileSet: (xsdFiles, namespace) => compileSchemaSet(lib, xsdFiles, namespace),
  };
}
