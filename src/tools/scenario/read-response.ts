import { existsSync } from 'node:fs';
import { GatewayError } from '../../errors/index.ts';
import { unwrapSoapEnvelope } from '../../http/soap-envelope.ts';
import { EDIST_172_NS, NDC_VERSIONS, OO_MESSAGE_NS } from '../../ndc/ndc-versions.ts';
import { findPayloadVersion } from '../../pipeline/detect-message.ts';
import { loadSchemaModel, parseXml, readRootElement, type SchemaModel } from '../../xml/index.ts';
import { resolveSchemaFile } from '../../xsd/index.ts';

/** An answer as the assertions see it: the HTTP facts, and the NDC document parsed with its schema model. */
export interface ScenarioResponse {
  readonly status: number;
  readonly contentType: string;
  /** The body as received. */
  readonly text: string;
  /** The NDC document: the body, or what its SOAP Body carries. */
  readonly xml?: string;
  /** Local name of the NDC root element, e.g. `IATA_OfferPriceRS`. */
  readonly rootName?: string;
  /** Version the document is judged as: 17.2 by namespace, else its VersionNumber, else the scenario's. */
  readonly version: string;
  /** Version-neutral message, e.g. `OfferPriceRS`. */
  readonly message?: string;
  /** The message XSD, when the version's package has it. */
  readonly schemaFile?: string;
  /** Content of the root element: local names, `@Attr`, `#text`; arrays where the XSD repeats. */
  readonly document?: Record<string, unknown>;
  /** Why the body is not an NDC document, when it is not. */
  readonly parseError?: string;
}

/** Parses answers, loading each message's schema model once per run. */
export interface ResponseReader {
  read(answer: { status: number; contentType: string; text: string }, scenarioVersion: string): ScenarioResponse;
}

function describeError(error: unknown): string {
  if (error instanceof GatewayError) {
    const detail = error.details[0];
    const where = detail?.line === undefined ? '' : ` (line ${detail.line}, column ${detail.column ?? 1})`;
    return `${detail?.message ?? error.message}${where}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function versionOf(namespace: string | undefined, xml: string, scenarioVersion: string): string {
  if (namespace === EDIST_172_NS) return '17.2';
  if (namespace === OO_MESSAGE_NS) {
    const claimed = /^(\d{2}\.\d)/.exec(findPayloadVersion(xml) ?? '')?.[1];
    if (claimed && NDC_VERSIONS[claimed] && claimed !== '17.2') return claimed;
  }
  return scenarioVersion;
}

/**
 * A reader over the installed schema packages. Without the message's schema the document is
 * still parsed, only without the knowledge of which elements repeat.
 */
export function createResponseReader(schemaPath: string): ResponseReader {
  const models = new Map<string, SchemaModel | undefined>();
  const modelOf = (schemaFile: string): SchemaModel | undefined => {
    if (models.has(schemaFile)) return models.get(schemaFile);
    let model: SchemaModel | undefined;
    try {
      model = existsSync(schemaFile) ? loadSchemaModel(schemaFile) : undefined;
    } catch {
      model = undefined;
    }
    models.set(schemaFile, model);
    return model;
  };

  return {
    read(answer, scenarioVersion) {
      const base = { status: answer.status, contentType: answer.contentType, text: answer.text };
      if (answer.text.trim() === '') return { ...base, version: scenarioVersion, parseError: 'the body is empty' };
      let xml: string;
      let root;
      try {
        const outer = readRootElement(answer.text);
        xml = unwrapSoapEnvelope(answer.text, outer).xml;
        root = xml === answer.text ? outer : readRootElement(xml);
      } catch (error) {
        return { ...base, version: scenarioVersion, parseError: describeError(error) };
      }
      const version = versionOf(root.namespace, xml, scenarioVersion);
      const info = NDC_VERSIONS[version];
      const message = info?.messageOf(root.localName);
      const schemaFile = message === undefined ? undefined : resolveSchemaFile(schemaPath, version, message);
      const model = schemaFile === undefined ? undefined : modelOf(schemaFile);
      const known = { ...base, xml, rootName: root.localName, version, ...(message === undefined ? {} : { message }), ...(schemaFile === undefined ? {} : { schemaFile }) };
      try {
        const parsed = parseXml(xml, model && model.rootName === root.localName ? { model } : {});
        return { ...known, document: parsed.document };
      } catch (error) {
        return { ...known, parseError: describeError(error) };
      }
    },
  };
}
