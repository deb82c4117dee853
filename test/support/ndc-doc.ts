import { expect } from 'vitest';
import { SOAP_11_NS } from '../../src/http/soap-envelope.ts';
import { OO_MESSAGE_NS, OO_TYPES_NS } from '../../src/ndc/ndc-versions.ts';

/** A parsed NDC document as tests read it: local names, '@Attr', '#text', arrays where the XSD repeats. */
export type Doc = Record<string, any>;

/** `YYYY-MM-DD`, `days` from today (UTC). */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A 21.3 AirShoppingRQ for one adult. */
/** A 21.3 message from AGENCY1 with `body` as its Request (types prefixed `c:`), optionally with its own message id. */
export function message213(root: string, body: string, messageId?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${OO_MESSAGE_NS}" xmlns:c="${OO_TYPES_NS}">
  <DistributionChain><c:DistributionChainLink><c:Ordinal>1</c:Ordinal><c:OrgRole>Seller</c:OrgRole><c:ParticipatingOrg><c:OrgID>AGENCY1</c:OrgID></c:ParticipatingOrg></c:DistributionChainLink></DistributionChain>
  <PayloadAttributes>${messageId ? `<c:CorrelationID>${messageId}</c:CorrelationID>` : ''}<c:VersionNumber>21.3</c:VersionNumber></PayloadAttributes>
  <Request>${body}</Request>
</${root}>`;
}

export function airShopping213(origin: string, destination: string, date: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_AirShoppingRQ xmlns="${OO_MESSAGE_NS}" xmlns:cns="${OO_TYPES_NS}">
  <DistributionChain><cns:DistributionChainLink>
    <cns:Ordinal>1</cns:Ordinal><cns:OrgRole>Seller</cns:OrgRole><cns:ParticipatingOrg><cns:OrgID>AGENCY1</cns:OrgID></cns:ParticipatingOrg>
  </cns:DistributionChainLink></DistributionChain>
  <Request>
    <cns:FlightRequest><cns:FlightRequestOriginDestinationsCriteria><cns:OriginDestCriteria>
      <cns:DestArrivalCriteria><cns:IATA_LocationCode>${destination}</cns:IATA_LocationCode></cns:DestArrivalCriteria>
      <cns:OriginDepCriteria><cns:Date>${date}</cns:Date><cns:IATA_LocationCode>${origin}</cns:IATA_LocationCode></cns:OriginDepCriteria>
    </cns:OriginDestCriteria></cns:FlightRequestOriginDestinationsCriteria></cns:FlightRequest>
    <cns:PaxList><cns:Pax><cns:PaxID>PAX1</cns:PaxID><cns:PTC>ADT</cns:PTC></cns:Pax></cns:PaxList>
  </Request>
</IATA_AirShoppingRQ>`;
}

/** A 21.3 AirShoppingRQ for one adult from London to Frankfurt 30 days from now. */
export function airShoppingLhrFra213(): string {
  return airShopping213('LHR', 'FRA', dayFromToday(30));
}

/** The gateway's code of the first error of an NDC answer: `Error/@Status` in 17.2, `Error/TypeCode` in 21.3+. */
export function errorCodeOf(xml: string): string | undefined {
  return /Status="([A-Z_]+)"/.exec(xml)?.[1] ?? /<(?:\w+:)?TypeCode>([A-Z_]+)</.exec(xml)?.[1];
}

/** Puts a document into a SOAP 1.1 envelope, as many 17.2 partners send it. */
export function soap11(xml: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="${SOAP_11_NS}">
  <soapenv:Header/>
  <soapenv:Body>
    ${xml.replace(/^<\?xml[^>]*\?>\s*/, '')}
  </soapenv:Body>
</soapenv:Envelope>`;
}

/** The NDC document inside a SOAP answer, checked to be a SOAP 1.1 envelope. */
export function unwrapSoap11(text: string): string {
  const envelope = /<(\w+):Envelope\b[^>]*\sxmlns:\1="([^"]+)"/.exec(text);
  expect(envelope?.[2], text.slice(0, 500)).toBe(SOAP_11_NS);
  const prefix = envelope![1];
  const body = new RegExp(`<${prefix}:Body>([\\s\\S]*)</${prefix}:Body>`).exec(text);
  expect(body, text.slice(0, 500)).not.toBeNull();
  return `<?xml version="1.0" encoding="UTF-8"?>${body![1]!.trim()}`;
}

export function asList<T = Doc>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export function attr(element: Doc | undefined, name: string): string | undefined {
  return element?.[`@${name}`] as string | undefined;
}

/** Text of an element that may carry attributes (`{ '#text': … }`) or be plain text. */
export function text(element: unknown): string | undefined {
  if (element !== null && typeof element === 'object') return (element as Doc)['#text'] as string | undefined;
  return element as string | undefined;
}

/** A 17.2 IDREFS value as a list of ids. */
export function refs(value: unknown): string[] {
  return (text(value) ?? '').split(/\s+/).filter(Boolean);
}
