import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** Where the JSON Schema of mapping files lives; also what `$schema:` in a mapping file may point at. */
export const MAPPING_SCHEMA_URL = new URL('../../schemas/mapping.schema.json', import.meta.url);

const SCHEMA_ID = 'https://ndc-gateway.local/schemas/mapping.schema.json';

export interface MappingValidators {
  readonly mapping: ValidateFunction;
  readonly codeTableFile: ValidateFunction;
  readonly versionFile: ValidateFunction;
  readonly outboundVersionFile: ValidateFunction;
}

let validators: MappingValidators | undefined;

/** Compiles the mapping schema once per process; the validators are shared by every load and reload. */
export function getMappingValidators(): MappingValidators {
  if (validators) return validators;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
  ajv.addSchema(JSON.parse(readFileSync(MAPPING_SCHEMA_URL, 'utf8')) as object);
  const get = (ref: string): ValidateFunction => {
    const validate = ajv.getSchema(`${SCHEMA_ID}${ref}`);
    if (!validate) throw new Error(`mapping schema has no ${ref}`);
    return validate;
  };
  validators = { mapping: get(''), codeTableFile: get('#/$defs/codeTableFile'), versionFile: get('#/$defs/versionFile'), outboundVersionFile: get('#/$defs/outboundVersionFile') };
  return validators;
}

export type { ErrorObject };
