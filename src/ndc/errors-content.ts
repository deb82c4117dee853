import { XMLBuilder } from 'fast-xml-parser';
import type { GatewayError, ErrorDetail } from '../errors/index.ts';
import { EDIST_172_NS, NDC_VERSIONS } from './ndc-versions.ts';

/** NDC allows at most 99 Error elements in 17.2; the same cap keeps 21.3+ answers bounded. */
const MAX_ERRORS = 99;

/**
 * 17.2 `Error/@Type` is a code of at most three characters from the IATA/OTA error type list
 * (3 business rule, 7 protocol violation, 12 processing exception, 13 application error), so the
 * gateway's stable code goes in `@Status` there.
 */
const ERROR_TYPE_172 = { request: '7', business: '3', deadline: '12', internal: '13' } as const;

function errorAttributes172(error: GatewayError, detail: ErrorDetail | undefined): Record<string, string> {
  return {
    '#text': describe(error, detail),
    '@Type': ERROR_TYPE_172[error.definition.kind],
    '@Code': error.definition.iataCode,
    '@ShortText': error.message.slice(0, 255),
    '@Status': error.code,
    ...(detail?.path ? { '@Tag': detail.path } : {}),
  };
}

function describe(error: GatewayError, detail: ErrorDetail | undefined): string {
  if (!detail) return error.message;
  const where = [detail.line !== undefined ? `line ${detail.line}` : '', detail.column !== undefined ? `column ${detail.column}` : '']
    .filter(Boolean)
    .join(', ');
  return `${error.message}: ${detail.message}${where ? ` (${where})` : ''}`;
}

function eachDetail(error: GatewayError): (ErrorDetail | undefined)[] {
  return error.details.length === 0 ? [undefined] : error.details.slice(0, MAX_ERRORS);
}

/**
 * The content of an RS root that reports errors, in the parsed-object shape the schema-aware builder takes.
 * This is the one place where the NDC `Error` element is filled in, for every version.
 * @param documentName 17.2 order responses (OrderViewRS, OrderReshopRS, OrderCancelRS) require a
 *   `Document` before `Errors`; pass a name for it when the response's schema requires one.
 */
export function buildErrorsContent(version: string, error: GatewayError, correlationId: string, documentName?: string): Record<string, unknown> {
  if (version === '17.2') {
    return {
      '@Version': '17.2',
      '@TransactionIdentifier': correlationId.slice(0, 32),
      ...(documentName !== undefined ? { Document: { Name: documentName } } : {}),
      Errors: {
        Error: eachDetail(error).map((detail) => errorAttributes172(error, detail)),
      },
    };
  }
  return {
    Error: eachDetail(error).map((detail) => ({
      Code: error.definition.iataCode,
      DescText: describe(error, detail),
      ErrorID: correlationId,
      LangCode: 'EN',
      StatusText: error.definition.kind,
      ...(detail?.path ? { TagText: detail.path } : {}),
      TypeCode: error.code,
    })),
  };
}

const genericBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', format: false });

/** The `Error` elements of {@link buildErrorsContent} for 21.3+, their children in the common-types namespace as in an RS. */
function prefixedErrors(version: string, error: GatewayError, correlationId: string): Record<string, unknown>[] {
  const { Error: errors } = buildErrorsContent(version, error, correlationId) as { Error: Record<string, unknown>[] };
  return errors.map((fields) => Object.fromEntries(Object.entries(fields).map(([name, value]) => [`cns:${name}`, value])));
}

/**
 * An answer that names no message of the version (unknown root, not XML at all, refused before
 * the body was read): an NDC `Errors` element in the namespace of `version`. In 17.2 it is the
 * global `Errors` element of the common types, schema-valid; 21.3 and later define no such element,
 * so there it carries `Error` elements shaped as in an RS, in that version's namespaces.
 */
export function buildGenericErrorsXml(error: GatewayError, correlationId: string, version: string): string {
  const info = NDC_VERSIONS[version];
  const content = !info || info.messageNamespace === EDIST_172_NS
    ? { Errors: { '@xmlns': EDIST_172_NS, Error: eachDetail(error).map((detail) => ({ ...errorAttributes172(error, detail), '@RecordID': correlationId.slice(0, 32) })) } }
    : { Errors: { '@xmlns': info.messageNamespace, '@xmlns:cns': info.typesNamespace, Error: prefixedErrors(version, error, correlationId) } };
  return `<?xml version="1.0" encoding="UTF-8"?>${genericBuilder.build(content) as string}`;
}
