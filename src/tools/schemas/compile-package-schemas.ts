import { join } from 'node:path';
import { compileCombinedSchema } from '../../xsd/compile-combined-schema.ts';
import type { SchemaHeader } from '../../xsd/read-schema-header.ts';
import type { XsdEngine } from '../../xsd/xsd-types.ts';
import type { CombinedCompileResult, CompileFailure, CompileResults } from './schema-manifest.ts';

/** A message schema of a package: its header and its path relative to the package folder. */
export interface PackageMessage {
  readonly file: string;
  readonly header: SchemaHeader;
}

function messageOf(message: PackageMessage): string {
  return message.header.name.replace(/^IATA_/, '');
}

/**
 * The message schemas of each namespace compiled as one schema, as the gateway compiles them, with
 * the messages taken out where they do not compile together (26.1 OrderHistoryRS, 17.2
 * AirDocDisplayRQ). A namespace with one message schema (each PaymentClearance message) has none.
 */
function compileCombinedSchemas(engine: XsdEngine, folder: string, messages: readonly PackageMessage[]): CombinedCompileResult[] {
  const byNamespace = new Map<string, { message: string; file: string; relative: string }[]>();
  for (const m of messages) {
    const namespace = m.header.targetNamespace ?? '';
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), { message: messageOf(m), file: join(folder, m.file), relative: m.file }]);
  }
  const results: CombinedCompileResult[] = [];
  for (const [namespace, members] of byNamespace) {
    if (members.length < 2) continue;
    const outcome = compileCombinedSchema(engine, namespace, members);
    outcome.schema?.dispose();
    results.push({
      namespace,
      messages: outcome.included.map((m) => m.message),
      excluded: outcome.excluded.map(({ member, reason }) => ({ message: member.message, file: member.relative, reason })),
    });
  }
  return results;
}

/**
 * Compiles every message schema of a package on its own, as published, and keeps each failure's
 * reason (24.4 IATA_OrderChangeNotifRQ and 17.2 AirDocDisplayRQ fail), then compiles the message
 * schemas of each namespace as one schema, as the gateway does. Each schema is freed right after.
 */
export function compilePackageSchemas(engine: XsdEngine, folder: string, messages: readonly PackageMessage[]): CompileResults {
  const compiled: string[] = [];
  const failures: CompileFailure[] = [];
  for (const m of messages) {
    try {
      engine.compile(join(folder, m.file)).dispose();
      compiled.push(messageOf(m));
    } catch (error) {
      failures.push({ message: messageOf(m), file: m.file, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { engine: engine.name, compiled, failures, combined: compileCombinedSchemas(engine, folder, messages) };
}
