import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import type { ErrorDetail } from '../errors/index.ts';

/** The repository's `schemas/commands/` folder: the internal commands and their results. */
export const COMMAND_SCHEMAS_PATH = fileURLToPath(new URL('../../schemas/commands/', import.meta.url));

/** Validators of a contract, by file name without `.json` (e.g. `offer.shop`, `offer.shop.result`, `authorisation`). */
export interface SchemaSet {
  readonly names: readonly string[];
  /** The validator of a schema, compiled on first use and kept; undefined for an unknown name. */
  get(name: string): ValidateFunction | undefined;
}

/**
 * Reads every schema of the folders into one ajv instance in strict mode (so the contract stays
 * strict-clean), so that a `$ref` from one folder to another resolves by `$id`. A file name in two
 * folders is refused: the names are the contract's vocabulary. A schema is compiled the first time
 * it is asked for, once: a process compiles only the schemas it uses (compiling all of
 * schemas/commands and schemas/airline costs 0.2–0.6 s).
 */
export function loadSchemaFolders(folders: readonly string[]): SchemaSet {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const ids = new Map<string, string>();
  for (const folder of folders) {
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) {
      const name = file.replace(/\.json$/, '');
      if (ids.has(name)) throw new Error(`${join(folder, file)}: a schema named ${name} is already loaded from another folder`);
      const schema = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { $id?: string };
      const id = schema.$id ?? file;
      ajv.addSchema(schema, id);
      ids.set(name, id);
    }
  }
  return {
    names: [...ids.keys()],
    get(name) {
      const id = ids.get(name);
      return id === undefined ? undefined : ajv.getSchema(id);
    },
  };
}

/** ajv errors as the gateway's error details. */
export function schemaErrorDetails(fn: ValidateFunction, max = 20): ErrorDetail[] {
  return (fn.errors ?? []).slice(0, max).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
    return { message: `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`, path: e.instancePath || '/' };
  });
}
