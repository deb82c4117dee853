import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { GatewayError } from '../../errors/index.ts';
import type { RuleChecker } from '../../rules/rule-checker.ts';
import { XercesUnavailableError } from '../../xsd/xerces-validator.ts';
import { DEFAULT_MAX_ERRORS } from '../../xsd/xsd-issues.ts';
import { findDisagreement } from './compare-engines.ts';
import type { ConformanceEngine } from './conformance-engine.ts';
import type { ConformanceReport, EngineVerdict, FileError, FileResult, FileStatus, RulesVerdict } from './conformance-types.ts';
import { detectFileMessage, schemaFileOf, type DetectedFile } from './detect-file-message.ts';
import { createSchemaCache, type SchemaCache } from './schema-cache.ts';
import { summariseResults } from './summarise-results.ts';

export interface ConformanceOptions {
  /** Folder holding schema packages as `<version>/<files>`. */
  readonly schemaPath: string;
  /** Every file is validated by each of these, in this order. */
  readonly engines: readonly ConformanceEngine[];
  /** Forces the version of every file (`--ndc-version`). */
  readonly version?: string;
  /** Version of a 21.3+ document that does not say. @defaultValue '21.3' */
  readonly defaultVersion?: string;
  /** Issues kept per file and engine. @defaultValue 50 */
  readonly maxErrors?: number;
  /** Files in flight at once; only an engine that waits (Xerces, one JVM per file) gains from more than one. @defaultValue the cores (at most 4) with Xerces, else 1 */
  readonly concurrency?: number;
  /** File names in the report are relative to this folder when below it. @defaultValue process.cwd() */
  readonly cwd?: string;
  /**
   * Also checks the business rules on every file (`--rules`). With no engines (`--rules-only`)
   * only the rules run, and a message whose XSD is not installed is checked without its schema model.
   */
  readonly rules?: RuleChecker;
  /** Called after each file, in completion order. */
  readonly onProgress?: (done: number, total: number, result: FileResult) => void;
}

function displayName(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function installedVersions(schemaPath: string): string[] {
  try {
    return readdirSync(schemaPath, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

function missingSchemaError(schemaPath: string, detected: DetectedFile, xsd: string): FileError {
  if (!existsSync(join(schemaPath, detected.version))) {
    const installed = installedVersions(schemaPath);
    return {
      code: 'NO_SCHEMA',
      message: `NDC ${detected.version} is not installed under ${schemaPath} (installed: ${installed.join(', ') || 'none'}), so ${detected.message} cannot be validated`,
    };
  }
  return { code: 'NO_SCHEMA', message: `The ${detected.version} package has no schema for ${detected.message} (${xsd} not found)` };
}

function errorOf(error: unknown, code: FileError['code']): FileError {
  return { code: error instanceof XercesUnavailableError ? 'ENGINE_ERROR' : code, message: error instanceof Error ? error.message : String(error) };
}

async function judge(engine: ConformanceEngine, cache: SchemaCache, xsd: string, xml: Buffer, file: string, maxErrors: number): Promise<EngineVerdict> {
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
  let schema;
  try {
    schema = await cache.get(engine, xsd);
  } catch (error) {
    return { engine: engine.name, valid: false, issues: [], durationMs: elapsed(), error: errorOf(error, 'SCHEMA_ERROR') };
  }
  try {
    const issues = await schema.validate(xml, file, maxErrors);
    return { engine: engine.name, valid: issues.length === 0, issues, durationMs: elapsed() };
  } catch (error) {
    return { engine: engine.name, valid: false, issues: [], durationMs: elapsed(), error: errorOf(error, 'ENGINE_ERROR') };
  }
}

/** The rules' verdict; a document the parser refuses is a NOT_XML error, located like the parser locates it. */
function checkRulesOf(checker: RuleChecker, xml: Buffer, detected: DetectedFile): RulesVerdict {
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
  try {
    const findings = checker.check({ xml, version: detected.version, message: detected.message });
    return { findings, durationMs: elapsed() };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    const detail = error.details[0];
    const fileError: FileError = {
      code: 'NOT_XML',
      message: detail?.message ?? error.message,
      ...(detail?.line === undefined ? {} : { line: detail.line }),
      ...(detail?.column === undefined ? {} : { column: detail.column }),
    };
    return { findings: [], durationMs: elapsed(), error: fileError };
  }
}

function statusOf(verdicts: readonly EngineVerdict[], rules: RulesVerdict | undefined): FileStatus {
  if (verdicts.length === 0 && rules?.error) return 'error';
  const xsdValid = verdicts.every((v) => v.valid);
  const rulesPass = !rules || (!rules.error && rules.findings.every((f) => f.severity !== 'error'));
  return xsdValid && rulesPass ? 'valid' : 'invalid';
}

async function checkFile(path: string, options: ConformanceOptions, cache: SchemaCache, cwd: string): Promise<FileResult> {
  const file = displayName(path, cwd);
  let xml: Buffer;
  try {
    xml = readFileSync(path);
  } catch (error) {
    return { file, status: 'error', error: { code: 'UNREADABLE', message: error instanceof Error ? error.message : String(error) }, verdicts: [], disagreement: false };
  }
  const detection = detectFileMessage(xml, {
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.defaultVersion === undefined ? {} : { defaultVersion: options.defaultVersion }),
  });
  if (!detection.ok) {
    return {
      file,
      status: 'error',
      ...(detection.rootName === undefined ? {} : { rootName: detection.rootName }),
      ...(detection.namespace === undefined ? {} : { namespace: detection.namespace }),
      error: detection.error,
      verdicts: [],
      disagreement: false,
    };
  }
  const detected = detection.file;
  const schemaFile = schemaFileOf(options.schemaPath, detected.version, detected.rootName);
  const described = { file, ...detected, schemaFile };
  const rulesOnly = options.engines.length === 0 && options.rules !== undefined;
  if (!existsSync(schemaFile) && !rulesOnly) {
    return { ...described, status: 'error', error: missingSchemaError(options.schemaPath, detected, schemaFile), verdicts: [], disagreement: false };
  }
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  const verdicts: EngineVerdict[] = [];
  for (const engine of options.engines) verdicts.push(await judge(engine, cache, schemaFile, xml, path, maxErrors));
  const failed = verdicts.find((v) => v.error !== undefined);
  const rules = options.rules && !failed ? checkRulesOf(options.rules, xml, detected) : undefined;
  const status = failed ? 'error' : statusOf(verdicts, rules);
  const error = failed?.error ?? (status === 'error' ? rules?.error : undefined);
  return {
    ...described, status, ...(error ? { error } : {}), verdicts, disagreement: findDisagreement(verdicts), ...(rules ? { rules } : {}),
  };
}

/**
 * Validates every file with every engine and returns the verdicts as plain data. A file that is
 * not NDC, or has no schema installed, becomes an error row; nothing here throws for one bad file.
 */
export async function runConformance(files: readonly string[], options: ConformanceOptions): Promise<ConformanceReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const cwd = options.cwd ?? process.cwd();
  const cache = createSchemaCache();
  const results: FileResult[] = new Array<FileResult>(files.length);
  const waits = options.engines.some((e) => e.name === 'xerces');
  // as many files in flight as Xerces runs JVMs, so a file's time is its own and not time queued
  const concurrency = Math.max(1, options.concurrency ?? (waits ? Math.min(4, availableParallelism()) : 1));
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      const result = await checkFile(resolve(cwd, files[index] as string), options, cache, cwd);
      results[index] = result;
      options.onProgress?.(++done, files.length, result);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  } finally {
    await cache.dispose();
  }
  const ruleIds = options.rules ? [...new Set(options.rules.rules.map((rule) => rule.id))].sort() : undefined;
  return {
    schemaPath: options.schemaPath,
    engines: options.engines.map((e) => e.name),
    ...(ruleIds ? { rules: ruleIds } : {}),
    startedAt,
    files: results,
    summary: summariseResults(results, performance.now() - started, ruleIds),
  };
}
