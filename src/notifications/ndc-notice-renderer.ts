import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';
import { applyMapping, loadMappingRegistry, type MappingSnapshot } from '../mapping/index.ts';
import { NDC_VERSIONS } from '../ndc/ndc-versions.ts';
import { parseXml, readRootElement, writeXml } from '../xml/index.ts';
import type { NdcSchemas } from '../airlines/ndc/ndc-schemas.ts';
import type { NdcRenderTarget, NoticeContent, NoticeRenderer, RenderedNotice } from './notice-renderer.ts';

export const NDC_XML_CONTENT_TYPE = 'application/xml; charset=utf-8';

/** The folder under MAPPINGS_PATH whose `<version>/` folders hold the notice mappings. */
export const NOTICE_MAPPINGS_FOLDER = 'notices';

export interface NdcNoticeRendererOptions {
  /** The mappings folder (MAPPINGS_PATH); the notice mappings are in its `notices/<version>/`. */
  readonly mappingsPath: string;
  /** The XSDs and models of the messages, in any NDC version (the airline connectors' kind). */
  readonly schemas: NdcSchemas;
  /** What `$config.*` offers the mappings: the designator and name the notices are sent as. */
  readonly config: { readonly airlineDesignator: string; readonly airlineName: string };
  /** @defaultValue every NDC version the gateway knows */
  readonly versions?: readonly string[];
  readonly logger?: Logger;
}

/**
 * `order.airline_initiated_change` → `AirlineInitiatedChange`: the mapping file of a notice type
 * is `notices/<version>/AirlineInitiatedChange.response.yaml`, whose `message:` is what it builds.
 */
export function noticeMappingName(type: string): string {
  return type.replace(/^order\./, '').split(/[._-]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

/** Status codes an Acknowledgement refuses with (its schema has no Errors element: 17.2 and 21.3+ alike). */
const REFUSING_STATUS = /^(error|failed|failure|rejected|nok|ko|nak)$/i;

function hasErrors(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasErrors);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, child]) => key === 'Errors' || key === 'Error' || hasErrors(child));
}

/**
 * Whether a receiver's 2xx answer to an NDC notification acknowledges it: an empty body or an
 * Acknowledgement does, unless the Acknowledgement carries Errors or a refusing StatusCode
 * (ERROR, REJECTED…); an `Errors` document does not.
 */
export function isAcknowledgement(status: number, body: string): boolean {
  if (status < 200 || status >= 300) return false;
  if (body.trim() === '') return true;
  let root: string;
  let document: Record<string, unknown>;
  try {
    root = readRootElement(body).localName;
    document = parseXml(body).document;
  } catch {
    return false;
  }
  if (/Errors$/.test(root)) return false;
  if (hasErrors(document)) return false;
  const statusCode = (document.Notification as Record<string, unknown> | undefined)?.StatusCode ?? document.StatusCode;
  return !(typeof statusCode === 'string' && REFUSING_STATUS.test(statusCode.trim()));
}

/**
 * The NDC bodies of notices, built by mapping files as every other NDC message the gateway
 * writes: `notices/<version>/<Notice>.response.yaml` maps the {@link NoticeContent} (notice, the
 * order as it is now, the airline change) to the message its `message:` names, in the seller's
 * version; the writer puts it in schema order and the body is checked against its XSD. A version
 * with no mapping for the notice (24.4: its OrderChangeNotifRQ schema does not compile on its own,
 * so a seller could not check it) gives undefined, and the delivery sends JSON. So does a body that
 * fails its XSD, which is logged: a seller must never get an invalid message.
 */
export async function createNdcNoticeRenderer(options: NdcNoticeRendererOptions): Promise<NoticeRenderer> {
  const versions = options.versions ?? Object.keys(NDC_VERSIONS);
  const mappings: MappingSnapshot = await loadMappingRegistry({
    mappingsPath: join(options.mappingsPath, NOTICE_MAPPINGS_FOLDER),
    versions,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const log = options.logger;
  return {
    render(content: NoticeContent, target: NdcRenderTarget): RenderedNotice | undefined {
      const { version } = target;
      const info = NDC_VERSIONS[version];
      const name = noticeMappingName(content.type);
      if (!info || !versions.includes(version) || !mappings.has(version, name, 'response')) return undefined;
      const mapping = mappings.response(version, name);
      const message = info.messageOf(mapping.message);
      if (!options.schemas.has(version, message)) return undefined;
      const rootName = info.rootName(message);
      const ctx = { correlationId: content.eventId, version, message, now: new Date().toISOString() };
      let xml: Buffer;
      try {
        const mapped = applyMapping(mapping, content, { config: options.config, ctx, rootName });
        xml = writeXml(rootName, mapped, options.schemas.model(version, message), info);
      } catch (error) {
        // The order lacks what the message requires (a mapping's `required`): the seller still learns of it, as JSON.
        log?.error({ version, message, type: content.type, eventId: content.eventId, err: error }, 'the notice cannot be built as NDC; it goes as JSON');
        return undefined;
      }
      const issues = options.schemas.schema(version, message).validate(xml, { maxErrors: 5 });
      if (issues.length > 0) {
        log?.error({ version, message, type: content.type, eventId: content.eventId, issues }, 'the notice built does not validate against its XSD; it goes as JSON');
        return undefined;
      }
      return { body: xml.toString('utf8'), contentType: NDC_XML_CONTENT_TYPE };
    },
    acknowledged: (status, body) => isAcknowledgement(status, body),
  };
}
