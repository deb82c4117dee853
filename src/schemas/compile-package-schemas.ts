import { join } from 'node:path';
import type { XsdEngine } from '../xsd/xsd-types.ts';
import type { CompileResults } from './schema-manifest.ts';
import type { SchemaHeader } from '../xsd/read-schema-header.ts';

/** A message schema of a package: its header and its path relative to the package folder. */
export interface PackageMessage {
  readonly file: string;
  readonly header: SchemaHeader;
}

/**
 * Compiles every message schema of a package once, as the gateway would at start-up, and keeps
 * each failure's reason (24.4 IATA_OrderChangeNotifRQ and 17.2 AirDocDisplayRQ fail as published).
 * Each schema is freed right after: compiled libxml2-wasm schemas hold about 4 MB each.
 */
export function compilePackageSchemas(engine: XsdEngine, folder: string, messages: readonly PackageMessage[]): CompileResults {
  const compiled: string[] = [];
  const failures: { message: string; file: string; error: string }[] = [];
  for (const { file, header } of messages) {
    const message = header.name.replace(/^IATA_/, '');
    try {
      engine.compile(join(folder, file)).dispose();
      compiled.push(message);
    } catch (error) {
      failures.push({ message, file, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { engine: engine.name, compiled, failures };
}
