import { fileURLToPath } from 'node:url';
import { loadSchemaFolders, type SchemaSet } from '../schema-folders.ts';

/** The repository's `schemas/payment/` folder: the payment API and the test-card file format. */
export const PAYMENT_SCHEMAS_PATH = fileURLToPath(new URL('../../../schemas/payment/', import.meta.url));

/**
 * Validators of the payment API by file name without `.json` (`token.create`, `authorisation`, ...).
 * The service checks requests with them and the client checks answers, so both hold to one contract.
 */
export function loadPaymentSchemas(folder: string = PAYMENT_SCHEMAS_PATH): SchemaSet {
  return loadSchemaFolders([folder]);
}
