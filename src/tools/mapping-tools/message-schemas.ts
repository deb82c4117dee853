import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NDC_VERSIONS } from '../../ndc/ndc-versions.ts';
import { loadSchemaModel, loadSchemaModelSet, preloadSchemaModel, type SchemaModel } from '../../xml/index.ts';
import { readPackageMessages } from '../../xsd/package-messages.ts';

/**
 * Where the tools find a message's XSD: `<schemaPath>/<version>/<root>.xsd`, the layout of the
 * IATA packages (`IATA_AirShoppingRQ.xsd` in 21.3 and later, `AirShoppingRQ.xsd` in 17.2).
 * Returns undefined for a version the gateway does not know or a message the package lacks.
 */
export function findMessageSchema(schemaPath: string, version: string, message: string): string | undefined {
  const info = NDC_VERSIONS[version];
  if (!info) return undefined;
  const file = join(schemaPath, version, info.schemaFile(info.rootName(message)));
  return existsSync(file) ? file : undefined;
}

/** The element model of a message, or the reason it cannot be had, worded for a lint finding. */
export function loadMessageModel(schemaPath: string, version: string, message: string): { model: SchemaModel } | { problem: string } {
  const file = findMessageSchema(schemaPath, version, message);
  if (!file) {
    const root = NDC_VERSIONS[version]?.rootName(message) ?? message;
    return { problem: `the NDC ${version} schema package has no ${root} (looked in ${join(schemaPath, version)})` };
  }
  try {
    return { model: loadPackageModel(schemaPath, version, file) };
  } catch (error) {
    return { problem: `cannot read the schema of ${message} (${version}): ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * The response a request message is answered with in a version: `<Message>RS` when the package
 * has it. Undefined when it has none (OrderCreate, OrderRetrieve… answer with OrderViewRS, whose
 * name the request does not tell); the response mapping's `message:` then only needs an XSD.
 */
export function findExpectedResponse(schemaPath: string, version: string, message: string): string | undefined {
  const rs = `${message}RS`;
  return findMessageSchema(schemaPath, version, rs) ? rs : undefined;
}

/**
 * The element model of the message schema `file` of a package: from the file alone, else, for a
 * schema that does not stand alone (24.4 OrderChangeNotifRQ uses a type only OrderHistoryRS
 * defines), from the message schemas of its namespace read as one set, as the gateway's combined
 * schema finds it. Every type is compiled here, so a missing one shows now, not at the first parse.
 */
export function loadPackageModel(schemaPath: string, version: string, file: string): SchemaModel {
  try {
    const model = loadSchemaModel(file);
    preloadSchemaModel(model);
    return model;
  } catch (error) {
    const messages = readPackageMessages(schemaPath, version);
    const own = messages.find((m) => resolve(m.file) === resolve(file));
    if (!own) throw error;
    const model = loadSchemaModelSet(messages.filter((m) => m.namespace === own.namespace).map((m) => m.file)).model(file);
    preloadSchemaModel(model);
    return model;
  }
}
