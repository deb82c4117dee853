import { GatewayError } from '../errors/index.ts';
import type { MappingSnapshot } from '../mapping/index.ts';
import { EDIST_172_NS, NDC_VERSIONS, OO_MESSAGE_NS } from '../ndc/ndc-versions.ts';

/** The root start tag, as read before the full parse. */
export interface RootElement {
  readonly localName: string;
  readonly namespace?: string;
  readonly line: number;
  readonly column: number;
}

/** Hints from outside the document: the route's message, an `NDC-Version` header or a version in the path. */
export interface DetectionHints {
  readonly routeMessage?: string;
  readonly headerVersion?: string;
  readonly pathVersion?: string;
}

export interface DetectedMessage {
  readonly version: string;
  /** Version-neutral message name, e.g. `AirShoppingRQ`. */
  readonly message: string;
  /** Name of the response message, e.g. `AirShoppingRS`. */
  readonly response: string;
  readonly rootName: string;
}

const VERSION_NUMBER = /<(?:[A-Za-z_][\w.-]*:)?VersionNumber\b[^>]*>\s*([^<\s]+)\s*</;

/** Finds `PayloadAttributes/VersionNumber` cheaply: it sits near the top of 21.3+ messages. */
export function findPayloadVersion(xml: string): string | undefined {
  const head = xml.length > 65_536 ? xml.slice(0, 65_536) : xml;
  const match = VERSION_NUMBER.exec(head);
  return match?.[1];
}

/** `21.3.5` → `21.3`; keeps only versions the gateway knows. */
function normaliseVersion(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const match = /^(\d{2})\.(\d)/.exec(raw.trim());
  return match ? `${match[1]}.${match[2]}` : raw.trim();
}

/**
 * The version a document claims: 17.2 by its namespace; in the namespace 21.3, 24.4 and 26.1
 * share, PayloadAttributes/VersionNumber, then the `NDC-Version` header, then the path, then the
 * default. Undefined for a namespace of no NDC version.
 */
function claimedVersion(root: RootElement, xml: string, hints: DetectionHints, defaultVersion: string): string | undefined {
  if (root.namespace === EDIST_172_NS) return '17.2';
  if (root.namespace !== OO_MESSAGE_NS) return undefined;
  return normaliseVersion(findPayloadVersion(xml)) ?? normaliseVersion(hints.headerVersion) ?? normaliseVersion(hints.pathVersion) ?? defaultVersion;
}

/**
 * The version an error answer speaks when the message is not known (a refusal before the body is
 * read, a body that is no NDC message): the one the document claims, else the one the
 * `NDC-Version` header or the path names, else the default; a document in an NDC namespace is
 * answered in that namespace whatever else is named. Only a version the gateway knows, served or
 * not, so that a refusal before authentication says nothing about what is served.
 */
export function errorVersion(hints: DetectionHints, defaultVersion: string, document?: { readonly root: RootElement; readonly xml: string }): string {
  const namespace = [EDIST_172_NS, OO_MESSAGE_NS].find((ns) => ns === document?.root.namespace);
  const fits = (version: string | undefined): version is string => {
    const info = version === undefined ? undefined : NDC_VERSIONS[version];
    return info !== undefined && (namespace === undefined || info.messageNamespace === namespace);
  };
  const claimed = document ? claimedVersion(document.root, document.xml, hints, defaultVersion) : undefined;
  const named = [claimed, normaliseVersion(hints.headerVersion), normaliseVersion(hints.pathVersion), defaultVersion].find(fits);
  return named ?? Object.values(NDC_VERSIONS).find((info) => info.messageNamespace === namespace)!.version;
}

/** The messages detection may answer with: those mapped in both directions (a mapping snapshot). */
export type MessageCatalog = Pick<MappingSnapshot, 'find' | 'mapped'>;

/**
 * Works out which NDC message and version a document is.
 * 17.2 has its own namespace. 21.3, 24.4 and 26.1 share one, so the version comes from
 * PayloadAttributes/VersionNumber, then the `NDC-Version` header, then the path, then the default.
 * A message is known when the mappings of its version map its request and its response.
 */
export function detectMessage(
  root: RootElement,
  xml: string,
  hints: DetectionHints,
  served: { readonly versions: readonly string[]; readonly defaultVersion: string },
  catalog: MessageCatalog,
): DetectedMessage {
  const where = { line: root.line, column: root.column, path: `/${root.localName}` };
  const version = claimedVersion(root, xml, hints, served.defaultVersion);
  if (version === undefined) {
    throw new GatewayError('UNSUPPORTED_VERSION', `The namespace ${root.namespace ?? '(none)'} of ${root.localName} is not an NDC version this gateway serves`, [
      { message: `Expected ${EDIST_172_NS} (17.2) or ${OO_MESSAGE_NS} (21.3, 24.4, 26.1)`, ...where },
    ]);
  }
  if (version === '17.2' && root.namespace !== EDIST_172_NS) {
    throw new GatewayError('UNSUPPORTED_VERSION', `Version ${version} does not use the namespace ${OO_MESSAGE_NS}`, [{ message: `namespace ${root.namespace}`, ...where }]);
  }
  if (!served.versions.includes(version) || !NDC_VERSIONS[version]) {
    throw new GatewayError('UNSUPPORTED_VERSION', `NDC version ${version} is not served; served versions: ${served.versions.join(', ')}`, [{ message: `version ${version}`, ...where }]);
  }
  const info = NDC_VERSIONS[version]!;
  const message = info.messageOf(root.localName);
  const servedMessage = catalog.find(version, message);
  // The catalog forgives an `IATA_` prefix; a root must still be the version's own name (no 21.3 root in the 17.2 namespace).
  if (!servedMessage || servedMessage.request !== message || info.rootName(message) !== root.localName) {
    const servedList = { message: `Served messages: ${catalog.mapped(version).map((m) => info.rootName(m.request)).join(', ')}`, ...where };
    const replacement = info.rootName(message) === root.localName ? info.replacedMessages[message] : undefined;
    if (replacement) {
      throw new GatewayError('UNKNOWN_MESSAGE', `${root.localName} is not a message of NDC ${version}: use ${replacement.join(' then ')}`, [
        { message: `NDC ${version} replaces ${message} with ${replacement.map((name) => `${name}RQ`).join(' then ')}`, ...where },
        servedList,
      ]);
    }
    throw new GatewayError('UNKNOWN_MESSAGE', `${root.localName} is not a message this gateway serves`, [servedList]);
  }
  if (hints.routeMessage && hints.routeMessage !== servedMessage.name) {
    throw new GatewayError('MESSAGE_ROUTE_MISMATCH', `The route is for ${hints.routeMessage} but the document is ${root.localName}`, [{ message: 'root element', ...where }]);
  }
  return { version, message, response: servedMessage.response, rootName: root.localName };
}
