import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { COMMAND_SCHEMAS_PATH, loadSchemaFolders } from '../schema-folders.ts';

/** The repository's `schemas/airline/` folder: the inventory commands and their results. */
export const AIRLINE_SCHEMAS_PATH = fileURLToPath(new URL('../../../schemas/airline/', import.meta.url));

export interface AirlineContractOptions {
  /** The gateway's command schemas, whose commands it forwards to the airline. @defaultValue the repository's schemas/commands */
  readonly commandSchemasPath?: string;
  /** The airline's own commands (the inventory behind the order lifecycle). @defaultValue the repository's schemas/airline */
  readonly airlineSchemasPath?: string;
}

/**
 * What the gateway and an airline agree on, as JSON Schemas, each compiled once: for every command the
 * gateway may send (`POST /v1/<command>`), the schema of its body and of the airline's answer.
 * The commands are those of `schemas/commands/` (the gateway forwards a client's command as it is,
 * unless it answers it itself, as it does the order.* lifecycle) and the inventory commands of
 * `schemas/airline/`.
 */
export interface AirlineContract {
  /** Every command with a body schema and a result schema. */
  readonly commands: readonly string[];
  /** The validator of a command's body, or undefined outside the contract. */
  command(name: string): ValidateFunction | undefined;
  /** The validator of a command's answer, or undefined outside the contract. */
  result(name: string): ValidateFunction | undefined;
}

export function loadAirlineContract(options: AirlineContractOptions = {}): AirlineContract {
  const schemas = loadSchemaFolders([options.commandSchemasPath ?? COMMAND_SCHEMAS_PATH, options.airlineSchemasPath ?? AIRLINE_SCHEMAS_PATH]);
  const names = new Set(schemas.names);
  const commands = schemas.names.filter((name) => !name.endsWith('.result') && names.has(`${name}.result`));
  const known = new Set(commands);
  return {
    commands,
    command: (name) => (known.has(name) ? schemas.get(name) : undefined),
    result: (name) => (known.has(name) ? schemas.get(`${name}.result`) : undefined),
  };
}
