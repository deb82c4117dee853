import type { Logger } from '../log/logger.ts';
import { NDC_VERSIONS } from '../ndc/ndc-versions.ts';
import { xmlWriterFor } from '../xml/index.ts';
import type { MappedMessage, MappingReloadResult, MappingSnapshot } from '../mapping/index.ts';
import type { SchemaRegistry } from '../xsd/index.ts';
import type { SchemaModels } from './schema-models.ts';

/** What decides whether a mapped message can be served besides its mappings. */
export interface ServedMessageDeps {
  readonly versions: readonly string[];
  readonly schemas: SchemaRegistry;
  readonly models: SchemaModels;
  /** Commands that have a JSON Schema pair (and so a worker handler). */
  readonly commands: { readonly commands: readonly string[] };
  readonly logger?: Logger;
}

/** Request messages served per version, e.g. `{ '21.3': ['AirShoppingRQ', …] }`. */
export type ServedMessageList = Readonly<Record<string, readonly string[]>>;

/** A reload's result and what is served afterwards, so a new message's author sees whether it went live. */
export interface MappingReloadReport extends MappingReloadResult {
  readonly served: ServedMessageList;
}

/**
 * Whether a mapped message is served: the XSDs and models of its request and response are ready
 * and its command has a schema. A mapped message that is not is answered MESSAGE_UNAVAILABLE.
 */
export function isServable(version: string, message: MappedMessage, deps: ServedMessageDeps): boolean {
  return [message.request, message.response].every((m) => deps.schemas.has(version, m) && deps.models.has(version, m))
    && deps.commands.commands.includes(message.command);
}

/**
 * Compiles what the messages of a new mapping set need, before the set is put in force: the XSD
 * and model of the request and response of every mapped message, and the response's writer
 * (each compiled once; messages already served cost nothing). Problems are logged, never thrown: one message that cannot be
 * served must not keep the other mappings out.
 */
export function prepareServedMessages(snapshot: MappingSnapshot, deps: ServedMessageDeps): void {
  for (const version of deps.versions) {
    for (const mapped of snapshot.mapped(version)) {
      for (const message of [mapped.request, mapped.response]) {
        if (deps.schemas.ensure(version, message)) deps.models.ensure(version, message);
      }
      // The response writer is compiled now, so the first answer does not pay for it.
      if (deps.models.has(version, mapped.response)) xmlWriterFor(deps.models.get(version, mapped.response), NDC_VERSIONS[version]!);
      if (!deps.commands.commands.includes(mapped.command)) {
        deps.logger?.warn({ version, message: mapped.request, command: mapped.command }, 'the command of this message has no schema in schemas/commands; the message will be refused');
      }
    }
  }
}

/** The served set of a snapshot, for the health check and the reload answer. */
export function listServedMessages(snapshot: MappingSnapshot, deps: ServedMessageDeps): ServedMessageList {
  const served: Record<string, string[]> = {};
  for (const version of deps.versions) {
    served[version] = snapshot.mapped(version).filter((m) => isServable(version, m, deps)).map((m) => m.request);
  }
  return served;
}
