import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NDC_VERSIONS } from '../ndc/ndc-versions.ts';
import { readSchemaHeader } from './read-schema-header.ts';
import type { RootElement } from './xsd-types.ts';

/** A message schema of an installed package, as the gateway validates with it. */
export interface PackageMessageSchema {
  /** e.g. `AirShoppingRQ`. */
  readonly message: string;
  /** Absolute path of the message's own XSD. */
  readonly file: string;
  /** Target namespace of that XSD ('' when it has none). */
  readonly namespace: string;
  /** The root element a document of this message has. */
  readonly root: RootElement;
}

/** Path of a message schema in a package, e.g. `<schemaPath>/21.3/IATA_AirShoppingRQ.xsd`. */
export function resolveSchemaFile(schemaPath: string, version: string, message: string): string | undefined {
  const info = NDC_VERSIONS[version];
  return info ? join(schemaPath, version, info.schemaFile(info.rootName(message))) : undefined;
}

/**
 * The message schemas of a version's package: every `<root>.xsd` that declares a global element
 * `<root>` which is a root name of that version. Shared type libraries (common types, xmldsig)
 * are left out. Sorted by file name.
 */
export function readPackageMessages(schemaPath: string, version: string): PackageMessageSchema[] {
  const info = NDC_VERSIONS[version];
  const folder = resolve(schemaPath, version);
  if (!info || !existsSync(folder)) return [];
  const messages: PackageMessageSchema[] = [];
  for (const file of readdirSync(folder).sort()) {
    if (!file.endsWith('.xsd')) continue;
    const rootName = file.slice(0, -'.xsd'.length);
    const message = info.messageOf(rootName);
    if (info.rootName(message) !== rootName || info.schemaFile(rootName) !== file) continue;
    const header = readSchemaHeader(join(folder, file));
    if (!header.isMessage) continue;
    const namespace = header.targetNamespace ?? '';
    messages.push({ message, file: join(folder, file), namespace, root: { namespace, name: rootName } });
  }
  return messages;
}

/** Names of the messages a version's package contains, e.g. `['Acknowledgement', 'AirShoppingRQ', …]`. */
export function listSchemaMessages(schemaPath: string, version: string): string[] {
  return readPackageMessages(schemaPath, version).map((m) => m.message);
}
