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
 * `common.json`). Command schemas are compiled now, since every request is checked against one;
 * a result schema on its first use, once: the results of commands the airline answers are checked
 * by the airline client in the worker, so the edge compiles only the ones it checks.
 */
export function loadCommandValidator(folder: string): CommandValidator {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
  const ids = new Map<string, string>();
  for (const file of files) {
    const schema = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { $id?: string };
    ajv.addSchema(schema, schema.$id ?? file);
    ids.set(file.replace(/\.json$/, ''), schema.$id ?? file);
  }
  const commands = [...ids.keys()].filter((k) => !k.endsWith('.result') && ids.has(`${k}.result`));
  const compiled = new Map<string, ValidateFunction>();
  const validatorOf = (name: string): ValidateFunction | undefined => {
    let fn = compiled.get(name);
    const id = ids.get(name);
    if (!fn && id !== undefined) {
      fn = ajv.getSchema(id);
      if (fn) compiled.set(name, fn);
    }
    return fn;
  };
  for (const command of commands) validatorOf(command);

  return {
    commands,
    validateCommand(name, payload) {
      const fn = validatorOf(name);
      if (!fn) throw new GatewayError('INTERNAL_ERROR', `No schema for command ${name}`);
      if (!fn(payload)) throw new GatewayError('INVALID_COMMAND', `The request does not carry what ${name} needs`, toDetails(fn.errors));
    },
    validateResult(name, payload) {
      const fn = validatorOf(`${name}.result`);
      if (!fn) throw new GatewayError('INTERNAL_ERROR', `No result schema for command ${name}`);
      if (!fn(payload)) throw new GatewayError('INTERNAL_ERROR', `The result of ${name} breaks its schema`, toDetails(fn.errors));
    },
  };
}
