import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { GatewayError } from '../errors/index.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Checks internal commands before they are queued and results before they are mapped back. */
export interface CommandValidator {
  /** Throws INVALID_COMMAND naming each offending field. */
  validateCommand(name: string, payload: unknown): void;
  /** Throws INTERNAL_ERROR: a result that breaks its schema is our fault, not the client's. */
  validateResult(name: string, payload: unknown): void;
  readonly commands: readonly string[];
}

function toDetails(errors: ErrorObject[] | null | undefined): { message: string; path: string }[] {
  return (errors ?? []).slice(0, 50).map((e) => ({ message: `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`, path: e.instancePath || '/' }));
}

/**
 * Loads every `<command>.json` and `<command>.result.json` in the folder (plus shared files such as
 * `common.json`) and compiles them once.
 */
export function loadCommandValidator(folder: string): CommandValidator {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
  const byFile = new Map<string, { $id?: string }>();
  for (const file of files) {
    const schema = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { $id?: string };
    byFile.set(file, schema);
    ajv.addSchema(schema, schema.$id ?? file);
  }
  const compiled = new Map<string, ValidateFunction>();
  for (const [file, schema] of byFile) {
    const fn = ajv.getSchema(schema.$id ?? file);
    if (fn) compiled.set(file.replace(/\.json$/, ''), fn);
  }
  const commands = [...compiled.keys()].filter((k) => !k.endsWith('.result') && compiled.has(`${k}.result`));

  return {
    commands,
    validateCommand(name, payload) {
      const fn = compiled.get(name);
      if (!fn) throw new GatewayError('INTERNAL_ERROR', `No schema for command ${name}`);
      if (!fn(payload)) throw new GatewayError('INVALID_COMMAND', `The request does not carry what ${name} needs`, toDetails(fn.errors));
    },
    validateResult(name, payload) {
      const fn = compiled.get(`${name}.result`);
      if (!fn) throw new GatewayError('INTERNAL_ERROR', `No result schema for command ${name}`);
      if (!fn(payload)) throw new GatewayError('INTERNAL_ERROR', `The result of ${name} breaks its schema`, toDetails(fn.errors));
    },
  };
}
