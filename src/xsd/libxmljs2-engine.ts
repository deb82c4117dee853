import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Document as LibxmljsDocument } from 'libxmljs2';
import type { CompiledSchema, ValidateOptions, XsdEngine, XsdIssue } from './xsd-types.ts';
import { EMPTY_DOCUMENT_MESSAGE, locateIssues, resolveMaxErrors, type RawXsdIssue } from './xsd-issues.ts';

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

function compileSchema(lib: Libxmljs2, xsdFile: string): CompiledSchema {
  const path = resolve(xsdFile);
  let schemaDoc: LibxmljsDocument | undefined;
  try {
    schemaDoc = lib.parseXml(readFileSync(path, 'utf8'), { baseUrl: path, nonet: true, big_lines: true });
    // libxmljs2 compiles the schema inside validate(); try it once so a broken schema fails here, not per request.
    lib.parseXml('<probe/>').validate(schemaDoc);
  } catch (error) {
    // a failed schema parse leaves libxml2's global error handler set; a successful parse resets it
    lib.parseXml('<reset/>');
    const { message, line } = readErrorFields(error);
    throw new Error(`${basename(path)} does not compile: ${line ? `${line}: ` : ''}${message.trim()}`, { cause: error });
  }
  let schema: LibxmljsDocument | undefined = schemaDoc;

  return {
    validate(xml: Buffer | string, options?: ValidateOptions): XsdIssue[] {
      if (schema === undefined) throw new Error(`${basename(path)}: schema used after dispose()`);
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
      // Known cost of libxmljs2: it compiles the schema again on every call.
      if (doc.validate(schema)) return [];
      const raw: RawXsdIssue[] = doc.validationErrors
        .map(readErrorFields)
        .filter((e) => (e.level ?? 2) >= 2)
        .map((e) => ({ message: e.message, line: e.line ?? 0, column: e.column ?? 0 }));
      if (raw.length === 0) raw.push({ message: 'The document does not validate against the schema' });
      return locateIssues(raw, () => toText(xml), maxErrors);
    },
    dispose(): void {
      // the native document is freed by the garbage collector once unreferenced
      schema = undefined;
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
  return { name: 'libxmljs2', compile: (xsdFile) => compileSchema(lib, xsdFile) };
}
