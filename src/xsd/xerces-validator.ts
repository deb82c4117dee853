import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import type { ValidateOptions, XsdIssue } from './xsd-types.ts';
import { resolveMaxErrors } from './xsd-issues.ts';
import { createSchemaMirror, type SchemaMirror } from './xerces/xerces-schema-mirror.ts';
import { locateXercesIssues, parseXercesMessages } from './xerces/xerces-issues.ts';

/**
 * Xerces (Java) through xsd-schema-validator: a second opinion on libxml2 for certification runs.
 * The library starts one JVM per document and compiles the schema again in it, so a validation
 * costs about half a second of CPU whatever the document; runs are spread over a few JVMs at once.
 */
export interface XercesValidator {
  readonly name: 'xerces';
  /** Checks once that the schema compiles under Xerces (and prepares its offline copy); rejects when it does not. */
  compile(xsdFile: string): Promise<XercesSchema>;
  /** Removes the temp copies of schema packages. */
  dispose(): void;
}

/** Options of one Xerces validation. */
export interface XercesValidateOptions extends ValidateOptions {
  /** Path of the document on disk: Java then reads the bytes itself, so the document's own encoding is honoured. */
  readonly file?: string;
}

/** A schema Xerces compiled once; each validation still runs in its own JVM. */
export interface XercesSchema {
  /** Resolves to `[]` when the document is valid; malformed XML comes back as issues. */
  validate(xml: Buffer | string, options?: XercesValidateOptions): Promise<XsdIssue[]>;
  dispose(): void;
}

export interface XercesValidatorOptions {
  /** JVMs running at once. @defaultValue the number of cores, at most 4 */
  readonly concurrency?: number;
  /** Where the offline copies of schema packages go. @defaultValue the OS temp dir */
  readonly tempDir?: string;
}

/** Java is missing or the helper did not start: no verdict, as opposed to a schema that does not compile. */
export class XercesUnavailableError extends Error {
  override name = 'XercesUnavailableError';
}

type ValidateXml = typeof import('xsd-schema-validator').validateXML;

interface HelperOutcome {
  readonly result: string;
  readonly messages: readonly string[];
}

/** The library resolves for a valid document and rejects otherwise; both carry the helper's result and lines. */
async function runHelper(validateXml: ValidateXml, input: string | Buffer | { file: string }, schema: string): Promise<HelperOutcome> {
  try {
    const { result, messages } = await validateXml(input, schema);
    return { result, messages };
  } catch (error) {
    const data = error as { result?: unknown; messages?: unknown; message?: unknown };
    if (typeof data.result === 'string' && Array.isArray(data.messages)) {
      return { result: data.result, messages: data.messages.filter((m): m is string => typeof m === 'string') };
    }
    // no result: Java is missing or did not start
    throw new XercesUnavailableError(`Xerces could not run: ${typeof data.message === 'string' ? data.message : String(error)}`, { cause: error });
  }
}

function createLimiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((wake) => waiting.push(wake));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** A document that no NDC schema declares: a schema that compiles answers "cannot find the declaration". */
const PROBE = '<ndc-gateway-schema-probe/>';

/** Creates the Xerces validator; loads xsd-schema-validator only when called. */
export async function createXercesValidator(options: XercesValidatorOptions = {}): Promise<XercesValidator> {
  const { validateXML } = await import('xsd-schema-validator');
  const concurrency = options.concurrency ?? Math.min(4, availableParallelism());
  const limit = createLimiter(Math.max(1, concurrency));
  const mirror: SchemaMirror = createSchemaMirror(options.tempDir);

  async function compile(xsdFile: string): Promise<XercesSchema> {
    const original = resolve(xsdFile);
    const schema = mirror.resolve(original);
    const probe = await limit(() => runHelper(validateXML, PROBE, schema));
    if (probe.result === 'FATAL_ERROR') {
      const reasons = parseXercesMessages(probe.messages).map((m) => mirror.toOriginal(m.text));
      throw new Error(`${basename(original)} does not compile under Xerces: ${reasons.join('; ') || 'no detail given'}`);
    }
    let disposed = false;
    return {
      async validate(xml: Buffer | string, validateOptions?: XercesValidateOptions): Promise<XsdIssue[]> {
        if (disposed) throw new Error(`${basename(original)}: schema used after dispose()`);
        const maxErrors = resolveMaxErrors(validateOptions);
        const file = validateOptions?.file;
        const outcome = await limit(() => runHelper(validateXML, file === undefined ? xml : { file: resolve(file) }, schema));
        if (outcome.result === 'OK') return [];
        const messages = parseXercesMessages(outcome.messages);
        if (messages.length === 0) return [{ message: `Xerces rejected the document (${outcome.result}) without detail` }];
        const text = (): string => (typeof xml === 'string' ? xml : xml.length > 0 ? xml.toString('utf8') : file ? readFileSync(file, 'utf8') : '');
        return locateXercesIssues(messages.map((m) => ({ ...m, text: mirror.toOriginal(m.text) })), text, maxErrors);
      },
      dispose(): void {
        disposed = true;
      },
    };
  }

  return { name: 'xerces', compile, dispose: () => mirror.dispose() };
}
