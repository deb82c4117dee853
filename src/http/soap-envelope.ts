import { GatewayError } from '../errors/index.ts';

export const SOAP_11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP_12_NS = 'http://www.w3.org/2003/05/soap-envelope';

export type SoapVersion = '1.1' | '1.2';

export interface Unwrapped {
  /** The NDC document carried in the Body, with the envelope's in-scope namespace declarations copied onto it. */
  readonly xml: string;
  readonly soap?: SoapVersion;
  /** Lines before the NDC element in the original body, so error positions can point into what the client sent. */
  readonly lineOffset: number;
}

const XMLNS = /\sxmlns(?::([\w.-]+))?\s*=\s*("[^"]*"|'[^']*')/g;

function namespaceDeclarations(startTag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of startTag.matchAll(XMLNS)) found.set(match[1] ?? '', match[2]!);
  return found;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

/** Takes the NDC message out of a SOAP 1.1 or 1.2 envelope; documents without an envelope pass through. */
export function unwrapSoapEnvelope(xml: string, root: { localName: string; namespace?: string }): Unwrapped {
  const soap: SoapVersion | undefined = root.namespace === SOAP_11_NS ? '1.1' : root.namespace === SOAP_12_NS ? '1.2' : undefined;
  if (!soap || root.localName !== 'Envelope') return { xml, lineOffset: 0 };

  const envelopeTag = /<(?:[\w.-]+:)?Envelope\b[^>]*>/.exec(xml);
  const bodyOpen = /<([\w.-]+:)?Body\b[^>]*?(\/?)>/.exec(xml);
  if (!envelopeTag || !bodyOpen || bodyOpen[2] === '/') {
    throw new GatewayError('UNKNOWN_MESSAGE', 'The SOAP envelope has no Body carrying an NDC message', [{ message: 'SOAP Body missing or empty', path: '/Envelope/Body' }]);
  }
  const bodyClose = xml.lastIndexOf(`</${bodyOpen[1] ?? ''}Body`);
  if (bodyClose < 0) throw new GatewayError('MALFORMED_XML', 'The SOAP Body is not closed', [{ message: 'missing </Body>', path: '/Envelope/Body' }]);
  const contentStart = bodyOpen.index + bodyOpen[0].length;
  let inner = xml.slice(contentStart, bodyClose);
  const firstElement = /<(?![!?/])([\w.:-]+)/.exec(inner);
  if (!firstElement) {
    throw new GatewayError('UNKNOWN_MESSAGE', 'The SOAP Body is empty', [{ message: 'no element in SOAP Body', path: '/Envelope/Body' }]);
  }
  const lineOffset = lineOf(xml, contentStart + firstElement.index) - 1;
  inner = inner.slice(firstElement.index);

  // Namespaces declared on Envelope or Body stay in scope for the message: copy the ones it does not redeclare.
  const inScope = new Map([...namespaceDeclarations(envelopeTag[0]), ...namespaceDeclarations(bodyOpen[0])]);
  const tagEnd = inner.indexOf('>');
  const own = namespaceDeclarations(inner.slice(0, tagEnd));
  const extra = [...inScope].filter(([prefix]) => !own.has(prefix)).map(([prefix, uri]) => ` xmlns${prefix ? `:${prefix}` : ''}=${uri}`);
  const nameEnd = firstElement[0].length;
  inner = inner.slice(0, nameEnd) + extra.join('') + inner.slice(nameEnd);
  return { xml: inner.trimEnd(), soap, lineOffset };
}

const XML_DECLARATION = /^<\?xml[^>]*\?>\s*/;
const ENVELOPE_OPEN: Readonly<Record<SoapVersion, Buffer>> = {
  '1.1': Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_11_NS}"><soap:Body>`),
  '1.2': Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_12_NS}"><soap:Body>`),
};
const ENVELOPE_CLOSE = Buffer.from('</soap:Body></soap:Envelope>');

/**
 * Puts an encoded NDC response into the same SOAP envelope version the request came in. The
 * document's bytes go in unchanged (its XML declaration dropped); only the envelope is added.
 */
export function wrapSoapEnvelope(ndcXml: Buffer, soap: SoapVersion): Buffer {
  const head = ndcXml.subarray(0, Math.min(ndcXml.length, 100)).toString('latin1');
  const declaration = XML_DECLARATION.exec(head)?.[0].length ?? 0;
  return Buffer.concat([ENVELOPE_OPEN[soap], ndcXml.subarray(declaration), ENVELOPE_CLOSE]);
}

export function soapContentType(soap: SoapVersion | undefined): string {
  if (soap === '1.2') return 'application/soap+xml; charset=utf-8';
  return soap === '1.1' ? 'text/xml; charset=utf-8' : 'application/xml; charset=utf-8';
}
