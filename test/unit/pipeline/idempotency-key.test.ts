import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { loadMappingRegistry } from '../../../src/mapping/index.ts';
import { addIdempotencyKey, deriveIdempotencyKey, digestOfContent, type IdempotencyInput } from '../../../src/pipeline/idempotency-key.ts';
import { parseXml } from '../../../src/xml/index.ts';

// The rules are data of the real mapping files (version.yaml: idempotency, `idempotent: true`).
const mappings = await loadMappingRegistry({ mappingsPath: 'mappings', versions: ['21.3', '17.2', '24.4', '26.1'] });

type Document = Record<string, unknown>;
const said = (version: string, document: Document) => mappings.idempotency(version)?.read(document) ?? {};
const readSender = (version: string, document: Document): string | undefined => said(version, document).sender;
const readMessageId = (version: string, document: Document): string | undefined => said(version, document).messageId;
/** The key as the pipeline derives it for a message of `version` (the message itself does not matter: it is keyed when its mapping is idempotent). */
function keyOf(input: { message?: string; version: string; document: Document; clientId: string; header?: string }): string {
  const { version, document, clientId, header } = input;
  const derived: IdempotencyInput = { rules: mappings.idempotency(version), document, clientId, ...(header === undefined ? {} : { header }) };
  return deriveIdempotencyKey(derived);
}

const OO_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const CNS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';
const EDIST_NS = 'http://www.iata.org/IATA/EDIST/2017.2';

function orderCreate213(payload: string, links: string, request = '<cns:CreateOrder/>'): Record<string, unknown> {
  return parseXml(`<?xml version="1.0" encoding="UTF-8"?>
<IATA_OrderCreateRQ xmlns="${OO_NS}" xmlns:cns="${CNS}">
  <DistributionChain>${links}</DistributionChain>
  ${payload}
  <Request>${request}</Request>
</IATA_OrderCreateRQ>`).document;
}

const link = (ordinal: number, role: string, orgId: string): string => `<cns:DistributionChainLink>
  <cns:Ordinal>${ordinal}</cns:Ordinal><cns:OrgRole>${role}</cns:OrgRole>
  <cns:ParticipatingOrg><cns:Name>Org ${orgId}</cns:Name><cns:OrgID>${orgId}</cns:OrgID></cns:ParticipatingOrg>
</cns:DistributionChainLink>`;

function orderCreate172(attributes: string, sender: string): Record<string, unknown> {
  return parseXml(`<?xml version="1.0" encoding="UTF-8"?>
<ns:OrderCreateRQ Version="17.2" ${attributes} xmlns:ns="${EDIST_NS}">
  <ns:Document><ns:Name>AGENCY SYSTEM</ns:Name></ns:Document>
  <ns:Party><ns:Sender>${sender}</ns:Sender></ns:Party>
  <ns:Query/>
</ns:OrderCreateRQ>`).document;
}

describe('idempotency key, NDC 21.3', () => {
  const seller = link(2, 'Seller', 'AGENCY42') + link(1, 'Distributor', 'AGGREGATOR7');

  it('takes the sender from the Seller link and the message id from PayloadAttributes/CorrelationID', () => {
    const document = orderCreate213('<PayloadAttributes><cns:CorrelationID>MSG-0001</cns:CorrelationID><cns:TrxID>TRX-9</cns:TrxID><cns:VersionNumber>21.3</cns:VersionNumber></PayloadAttributes>', seller);
    expect(readSender('21.3', document)).toBe('AGENCY42');
    expect(readMessageId('21.3', document)).toBe('MSG-0001');
    expect(keyOf({ message: 'OrderCreateRQ', version: '21.3', document, clientId: 'tmc-1' })).toBe('tmc-1:AGENCY42:MSG-0001');
  });

  it('uses TrxID only together with SeqNumber, since one TrxID covers a whole transaction', () => {
    const both = orderCreate213('<PayloadAttributes><cns:SeqNumber>3</cns:SeqNumber><cns:TrxID>TRX-9</cns:TrxID></PayloadAttributes>', seller);
    expect(readMessageId('21.3', both)).toBe('TRX-9#3');
    const trxOnly = orderCreate213('<PayloadAttributes><cns:TrxID>TRX-9</cns:TrxID></PayloadAttributes>', seller);
    expect(readMessageId('21.3', trxOnly)).toBeUndefined();
    expect(keyOf({ message: 'OrderChangeRQ', version: '21.3', document: trxOnly, clientId: 'tmc-1' })).toMatch(/^tmc-1:AGENCY42:sha256-[0-9a-f]{64}$/);
  });

  it('keys a document without a message id by its content, so only an identical re-send is a replay', () => {
    const key = (payload: string, request?: string): string | undefined =>
      keyOf({ message: 'OrderCreateRQ', version: '21.3', clientId: 'tmc-1', document: orderCreate213(payload, seller, request) });
    const first = key('<PayloadAttributes><cns:Timestamp>2030-01-01T10:00:00Z</cns:Timestamp></PayloadAttributes>');
    // A retry may renew its timestamp; it is still the same request.
    expect(key('<PayloadAttributes><cns:Timestamp>2030-01-01T10:00:05Z</cns:Timestamp></PayloadAttributes>')).toBe(first);
    expect(key('', '<cns:CreateOrder><cns:Other/></cns:CreateOrder>')).not.toBe(first);
  });

  it('never hashes a card number: the content is masked before its digest is taken', () => {
    const withCard = (pan: string): Record<string, unknown> => ({ Request: { PaymentFunctions: { PaymentCard: { CardNumber: pan, SeriesCode: '737' } } } });
    expect(digestOfContent(withCard('4111111111111111'))).toBe(digestOfContent(withCard('************1111')));
    expect(digestOfContent(withCard('4111111111111111'))).not.toBe(digestOfContent(withCard('5555555555554444')));
  });

  it('falls back to the link with Ordinal 1 when no link is the Seller, then to the first link', () => {
    const document = orderCreate213('', link(2, 'Distributor', 'SECOND') + link(1, 'Distributor', 'FIRST'));
    expect(readSender('21.3', document)).toBe('FIRST');
    expect(readSender('21.3', orderCreate213('', link(3, 'Distributor', 'THIRD') + link(2, 'Distributor', 'SECOND')))).toBe('THIRD');
  });

  it('reads links the schema-aware parser made arrays, and text carrying attributes', () => {
    const document = {
      DistributionChain: { DistributionChainLink: [
        { Ordinal: '1', OrgRole: 'Distributor', ParticipatingOrg: { OrgID: 'AGG' } },
        { Ordinal: '2', OrgRole: 'Seller', ParticipatingOrg: { OrgID: { '#text': ' SELLER1 ', '@Owner': 'XR' } } },
      ] },
      PayloadAttributes: { CorrelationID: 'C-1' },
    };
    expect(keyOf({ message: 'OrderCancelRQ', version: '24.4', document, clientId: 'c' })).toBe('c:SELLER1:C-1');
  });

  it('lets the Idempotency-Key header take the place of the message id', () => {
    const document = orderCreate213('<PayloadAttributes><cns:CorrelationID>MSG-0001</cns:CorrelationID></PayloadAttributes>', seller);
    expect(keyOf({ message: 'OrderCreateRQ', version: '21.3', document, clientId: 'tmc-1', header: 'b1c2-retry-safe' })).toBe('tmc-1:AGENCY42:b1c2-retry-safe');
    const none = orderCreate213('', seller);
    expect(keyOf({ message: 'OrderCreateRQ', version: '21.3', document: none, clientId: 'tmc-1', header: 'h-1' })).toBe('tmc-1:AGENCY42:h-1');
  });

  it('refuses a malformed Idempotency-Key header', () => {
    const document = orderCreate213('', seller);
    for (const header of ['', 'has space', 'x'.repeat(201), 'caf\u00e9']) {
      expect(() => keyOf({ message: 'OrderCreateRQ', version: '21.3', document, clientId: 'c', header })).toThrow(GatewayError);
    }
  });

  it('escapes the separator, so different parts never make one key', () => {
    const a = { DistributionChain: { DistributionChainLink: { OrgRole: 'Seller', ParticipatingOrg: { OrgID: 'A:B' } } }, PayloadAttributes: { CorrelationID: 'C' } };
    const b = { DistributionChain: { DistributionChainLink: { OrgRole: 'Seller', ParticipatingOrg: { OrgID: 'A' } } }, PayloadAttributes: { CorrelationID: 'B:C' } };
    const keyA = keyOf({ message: 'OrderCreateRQ', version: '21.3', document: a, clientId: 'x' });
    const keyB = keyOf({ message: 'OrderCreateRQ', version: '21.3', document: b, clientId: 'x' });
    expect(keyA).toBe('x:A%3AB:C');
    expect(keyA).not.toBe(keyB);
  });
});

describe('idempotency key, NDC 17.2', () => {
  it('takes the sender from Party/Sender/TravelAgencySender/AgencyID and the message id from @EchoToken', () => {
    const document = orderCreate172('EchoToken="ECHO-77" TransactionIdentifier="T1"',
      '<ns:TravelAgencySender><ns:Name>Agency</ns:Name><ns:AgencyID Owner="XR">AG-1</ns:AgencyID></ns:TravelAgencySender>');
    expect(readSender('17.2', document)).toBe('AG-1');
    expect(readMessageId('17.2', document)).toBe('ECHO-77');
    expect(keyOf({ message: 'OrderCreateRQ', version: '17.2', document, clientId: 'tmc-1' })).toBe('tmc-1:AG-1:ECHO-77');
  });

  it('uses @TransactionIdentifier with @SequenceNmbr, and not alone', () => {
    const sender = '<ns:AggregatorSender><ns:AggregatorID>AGG-9</ns:AggregatorID></ns:AggregatorSender>';
    const both = orderCreate172('TransactionIdentifier="T1" SequenceNmbr="2"', sender);
    expect(keyOf({ message: 'OrderChangeRQ', version: '17.2', document: both, clientId: 'c' })).toBe('c:AGG-9:T1#2');
    const alone = orderCreate172('TransactionIdentifier="T1"', sender);
    expect(readMessageId('17.2', alone)).toBeUndefined();
    // Without a message id the content decides; root attributes such as @TimeStamp stay out of it.
    const key = keyOf({ message: 'OrderChangeRQ', version: '17.2', document: alone, clientId: 'c' });
    expect(key).toMatch(/^c:AGG-9:sha256-[0-9a-f]{64}$/);
    expect(keyOf({ message: 'OrderChangeRQ', version: '17.2', document: orderCreate172('TransactionIdentifier="T2" TimeStamp="2030-01-01T10:00:00Z"', sender), clientId: 'c' })).toBe(key);
  });

  it.each([
    ['<ns:MarketingCarrierSender><ns:AirlineID>XR</ns:AirlineID></ns:MarketingCarrierSender>', 'XR'],
    ['<ns:AgentUserSender><ns:AgentUserID>USER-5</ns:AgentUserID></ns:AgentUserSender>', 'USER-5'],
    ['<ns:EnabledSystemSender><ns:SystemID>SYS-1</ns:SystemID></ns:EnabledSystemSender>', 'SYS-1'],
    ['<ns:CorporateSender><ns:ID>CORP-3</ns:ID></ns:CorporateSender>', 'CORP-3'],
  ])('reads the sender id of %s', (sender, id) => {
    expect(readSender('17.2', orderCreate172('EchoToken="E"', sender))).toBe(id);
  });

  it('keys a message without a sender id by the client and message id alone', () => {
    const document = orderCreate172('EchoToken="E-1"', '<ns:TravelAgencySender><ns:Name>No id</ns:Name></ns:TravelAgencySender>');
    expect(keyOf({ message: 'OrderCancelRQ', version: '17.2', document, clientId: 'c' })).toBe('c::E-1');
  });
});

describe('idempotency key stage', () => {
  const document = { PayloadAttributes: { CorrelationID: 'M-1' }, DistributionChain: { DistributionChainLink: { OrgRole: 'Seller', ParticipatingOrg: { OrgID: 'S' } } } };
  const rules = mappings.idempotency('21.3');

  it('is data: the request mappings marked idempotent are the writes, in every version', () => {
    const writes = (version: string): string[] => mappings.mapped(version).filter((m) => mappings.request(version, m.request).idempotent).map((m) => m.request).sort();
    expect(writes('21.3')).toEqual(['OrderChangeRQ', 'OrderCreateRQ']);
    expect(writes('26.1')).toEqual(['OrderChangeRQ', 'OrderCreateRQ']);
    expect(writes('17.2')).toEqual(['OrderCancelRQ', 'OrderChangeRQ', 'OrderCreateRQ']);
    for (const version of ['21.3', '17.2', '24.4', '26.1']) expect(mappings.idempotency(version)).toBeDefined();
  });

  it('adds the key to the command of an idempotent message, without changing the mapped command', () => {
    const command = { offerId: 'OF1' };
    expect(addIdempotencyKey(command, { idempotent: true }, { rules, document, clientId: 'c' })).toEqual({ offerId: 'OF1', idempotencyKey: 'c:S:M-1' });
    expect(command).toEqual({ offerId: 'OF1' });
  });

  it('passes every other command through unchanged, whatever the header says', () => {
    const command = { journeys: [] };
    expect(addIdempotencyKey(command, { idempotent: false }, { rules, document, clientId: 'c', header: 'not used' })).toBe(command);
    expect(addIdempotencyKey(command, mappings.request('21.3', 'OrderRetrieveRQ'), { rules, document, clientId: 'c' })).toBe(command);
  });

  it('keys a write that names no message id by its content, and the header still wins', () => {
    const noId = { offerId: 'OF1' };
    expect(addIdempotencyKey(noId, { idempotent: true }, { rules, document: {}, clientId: 'c' })).toEqual({ offerId: 'OF1', idempotencyKey: `c::${digestOfContent({})}` });
    expect(addIdempotencyKey(noId, { idempotent: true }, { rules: undefined, document: {}, clientId: 'c', header: 'h-1' })).toEqual({ offerId: 'OF1', idempotencyKey: 'c::h-1' });
  });
});
