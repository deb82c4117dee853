import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/** Where the JSON Schema of scenario files lives; also what `$schema:` in a scenario file may point at. */
export const SCENARIO_SCHEMA_URL = new URL('../../../schemas/scenario.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;

/** Compiles the scenario schema once per process; every suite load shares it. */
export function getScenarioValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
  validator = ajv.compile(JSON.parse(readFileSync(SCENARIO_SCHEMA_URL, 'utf8')) as object);
  return validator;
}
