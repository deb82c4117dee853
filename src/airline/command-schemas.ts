import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import type { ErrorDetail } from '../errors/index.ts';

/** The repository's `schemas/commands/` folder, found from this file. */
export const DEFAULT_COMMAND_SCHEMAS_PATH = fileURLToPath(new URL('../../schemas/commands/', import.meta.url));

/** Validators of the command contract, by file name without `.json` (e.g. `offer.shop`, `offer.shop.result`). */
export type CommandSchemas = ReadonlyMap<string, ValidateFunction>;

/** Compiles every schema of the contract folder once, in ajv strict mode, so the contract stays strict-clean. */
export function loadCommandSchemas(folder: string = DEFAULT_COMMAND_SCHEMAS_PATH): CommandSchemas {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
  const ids = new Map<string, string>();
  for (const file of files) {
    const schema = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { $id?: string };
    const id = schema.$id ?? file;
    ajv.addSchema(schema, id);
    ids.set(file.replace(/\.json$/, ''), id);
  }
  const compiled = new Map<string, ValidateFunction>();
  for (const [name, id] of ids) {
    const fn = ajv.getSchema(id);
    if (fn) compiled.set(name, fn);
  }
  return compiled;
}

/** ajv errors as the gateway's error details. */
export function schemaErrorDetails(fn: ValidateFunction): ErrorDetail[] {
  return (fn.errors ?? []).slice(0, 20).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
    return { message: `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`, path: e.instancePath || '/' };
  });
}
