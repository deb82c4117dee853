import { join } from 'node:path';
import { isGatewayError } from '../../errors/index.ts';
import { NDC_VERSIONS, OO_MESSAGE_NS } from '../../ndc/ndc-versions.ts';
import { findPayloadVersion } from '../../pipeline/detect-message.ts';
import { readRootElement } from '../../xml/parse-xml.ts';
import type { FileError, VersionSource } from './conformance-types.ts';

/**
 * Which NDC message and version a file holds, for any message of any version a schema package may
 * hold (the gateway's own detection only admits the messages it serves).
 *
 * - 17.2 (and other EDIST releases) carry the version in the namespace: `…/IATA/EDIST/2017.2`.
 * - 18.1–20.1 use a namespace per message that carries the version: `…/IATA/2015/00/2019.2/IATA_AirShoppingRQ`.
 * - 21.3, 24.4 and 26.1 share one namespace, and so do the PaymentClearance messages their packages
 *   hold (`…/2015/00/2022.1/IATA_PaymentClearanceRQ`): the version is `PayloadAttributes/VersionNumber`
 *   when the document has one, else the default.
 */
export interface DetectedFile {
  /** Root element without prefix, e.g. `IATA_AirShoppingRQ`. */
  readonly rootName: string;
  readonly namespace?: string;
  /** e.g. `AirShoppingRQ`. */
  readonly message: string;
  readonly version: string;
  readonly versionSource: VersionSource;
}

export type Detection = { readonly ok: true; readonly file: DetectedFile } | { readonly ok: false; readonly error: FileError; readonly rootName?: string; readonly namespace?: string };

export interface DetectOptions {
  /** Forces the version (`--ndc-version`). */
  readonly version?: string;
  /** Version of a shared-namespace document that does not say. @defaultValue '21.3' */
  readonly defaultVersion?: string;
}

interface NamespaceRule {
  readonly pattern: RegExp;
  /** `versioned`: the namespace names the version (captures: 2-digit year, release); `shared`: it does not. */
  readonly kind: 'versioned' | 'shared';
}

/** What varies is data: one rule per namespace family. */
const NAMESPACE_RULES: readonly NamespaceRule[] = [
  { pattern: /^http:\/\/www\.iata\.org\/IATA\/EDIST\/20(\d\d)\.(\d)$/, kind: 'versioned' },
  { pattern: /^http:\/\/www\.iata\.org\/IATA\/2015\/00\/20(1\d|20)\.(\d)\/[A-Za-z_][\w.-]*$/, kind: 'versioned' },
  { pattern: new RegExp(`^${OO_MESSAGE_NS.replace(/[.]/g, '\\.')}$`), kind: 'shared' },
  { pattern: /^http:\/\/www\.iata\.org\/IATA\/2015\/00\/20\d\d\.\d\/IATA_Payment[\w.-]*$/, kind: 'shared' },
];

/** Bytes of a document searched for PayloadAttributes, which sits near the top. */
const HEAD_BYTES = 65_536;
const PAYLOAD_ATTRIBUTES = /<(?:[A-Za-z_][\w.-]*:)?PayloadAttributes\b[^>]*>[\s\S]*?<\/(?:[A-Za-z_][\w.-]*:)?PayloadAttributes\s*>/;

/** `21.3.5`, `21.3` or `2021.3` → `21.3`; versions before the shared namespace (21.3) are ignored. */
export function normalisePayloadVersion(raw: string | undefined): string | undefined {
  const match = raw === undefined ? null : /^(?:20)?(\d\d)\.(\d)(?:\.\d+)?$/.exec(raw.trim());
  if (!match) return undefined;
  const version = `${match[1]}.${match[2]}`;
  return Number(match[1]) >= 21 ? version : undefined;
}

/** The version a shared-namespace document states in PayloadAttributes/VersionNumber. */
export function readPayloadVersion(head: string): string | undefined {
  const block = PAYLOAD_ATTRIBUTES.exec(head);
  return block ? normalisePayloadVersion(findPayloadVersion(block[0])) : undefined;
}

/** XSD of a message in an installed package: `<schemaPath>/<version>/<root>.xsd`. */
export function schemaFileOf(schemaPath: string, version: string, rootName: string): string {
  const info = NDC_VERSIONS[version];
  return join(schemaPath, version, info ? info.schemaFile(rootName) : `${rootName}.xsd`);
}

/** Detects message and version from the root element and, in shared namespaces, PayloadAttributes. */
export function detectFileMessage(xml: Buffer | string, options: DetectOptions = {}): Detection {
  let root;
  try {
    root = readRootElement(xml);
  } catch (error) {
    const detail = isGatewayError(error) ? error.details[0] : undefined;
    const message = detail?.message ?? (error instanceof Error ? error.message : String(error));
    return {
      ok: false,
      error: { code: 'NOT_XML', message: `Not a readable XML document: ${message}`, ...(detail?.line ? { line: detail.line } : {}), ...(detail?.column ? { column: detail.column } : {}) },
    };
  }
  const { localName: rootName, namespace } = root;
  const where = { line: root.line, column: root.column };
  const rule = namespace === undefined ? undefined : NAMESPACE_RULES.find((r) => r.pattern.test(namespace));
  if (!rule || namespace === undefined) {
    return {
      ok: false,
      rootName,
      ...(namespace === undefined ? {} : { namespace }),
      error: { code: 'NOT_NDC', message: `${rootName} in namespace ${namespace ?? '(none)'} is not an NDC message`, ...where },
    };
  }
  const message = rootName.replace(/^IATA_/, '');
  let version: string;
  let versionSource: VersionSource;
  if (options.version !== undefined) {
    version = options.version;
    versionSource = 'option';
  } else if (rule.kind === 'versioned') {
    const match = rule.pattern.exec(namespace);
    version = `${match?.[1] ?? ''}.${match?.[2] ?? ''}`;
    versionSource = 'namespace';
  } else {
    const text = typeof xml === 'string' ? xml.slice(0, HEAD_BYTES) : xml.subarray(0, HEAD_BYTES).toString('utf8');
    const claimed = readPayloadVersion(text);
    version = claimed ?? options.defaultVersion ?? '21.3';
    versionSource = claimed === undefined ? 'default' : 'payload';
  }
  return { ok: true, file: { rootName, namespace, message, version, versionSource } };
}
