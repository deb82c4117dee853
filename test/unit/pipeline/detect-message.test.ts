import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import type { MappedMessage } from '../../../src/mapping/index.ts';
import { EDIST_172_NS, OO_MESSAGE_NS } from '../../../src/ndc/ndc-versions.ts';
import {
  detectMessage as detect, errorVersion, findPayloadVersion, type DetectedMessage, type DetectionHints, type MessageCatalog, type RootElement,
} from '../../../src/pipeline/detect-message.ts';

const served = { versions: ['21.3', '17.2', '24.4', '26.1'], defaultVersion: '21.3' };

/** The shopping messages as every version's mappings define them; 17.2 also maps OrderRules, 21.3+ do not. */
function mapped(version: string): MappedMessage[] {
  const names = version === '17.2' ? ['AirShopping', 'OfferPrice', 'OrderRules'] : ['AirShopping', 'OfferPrice'];
  return names.map((name) => ({ name, request: `${name}RQ`, response: `${name}RS`, command: name.toLowerCase() }));
}
const catalog: MessageCatalog = {
  mapped,
  find: (version, message) => mapped(version).find((m) => m.request === message.replace(/^IATA_/, '')),
};

function detectMessage(root: RootElement, xml: string, hints: DetectionHints, versions: typeof served): DetectedMessage {
  return detect(root, xml, hints, versions, catalog);
}
const at = { line: 1, column: 1 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof GatewayError ? error.code : 'not a GatewayError';
  }
  return undefined;
}

describe('detectMessage', () => {
  it('knows 17.2 by its namespace', () => {
    const found = detectMessage({ localName: 'AirShoppingRQ', namespace: EDIST_172_NS, ...at }, '<AirShoppingRQ/>', {}, served);
    expect(found).toEqual({ version: '17.2', message: 'AirShoppingRQ', response: 'AirShoppingRS', rootName: 'AirShoppingRQ' });
  });

  it('takes the 21.3+ version from PayloadAttributes/VersionNumber first', () => {
    const xml = '<IATA_OfferPriceRQ><PayloadAttributes><cns:VersionNumber>24.4</cns:VersionNumber></PayloadAttributes></IATA_OfferPriceRQ>';
    const found = detectMessage({ localName: 'IATA_OfferPriceRQ', namespace: OO_MESSAGE_NS, ...at }, xml, { headerVersion: '26.1', pathVersion: '21.3' }, served);
    expect(found.version).toBe('24.4');
    expect(found.response).toBe('OfferPriceRS');
  });

  it('falls back to the header, then the path, then the default', () => {
    const root = { localName: 'IATA_AirShoppingRQ', namespace: OO_MESSAGE_NS, ...at };
    expect(detectMessage(root, '<x/>', { headerVersion: '26.1', pathVersion: '24.4' }, served).version).toBe('26.1');
    expect(detectMessage(root, '<x/>', { pathVersion: '24.4' }, served).version).toBe('24.4');
    expect(detectMessage(root, '<x/>', {}, served).version).toBe('21.3');
  });

  it('reads full release numbers such as 21.3.5 as their version', () => {
    expect(findPayloadVersion('<VersionNumber>21.3.5</VersionNumber>')).toBe('21.3.5');
    const root = { localName: 'IATA_AirShoppingRQ', namespace: OO_MESSAGE_NS, ...at };
    expect(detectMessage(root, '<VersionNumber>21.3.5</VersionNumber>', {}, served).version).toBe('21.3');
  });

  it('refuses versions, namespaces and messages it does not serve', () => {
    const root = { localName: 'IATA_AirShoppingRQ', namespace: OO_MESSAGE_NS, ...at };
    expect(codeOf(() => detectMessage(root, '<x/>', { headerVersion: '19.2' }, served))).toBe('UNSUPPORTED_VERSION');
    expect(codeOf(() => detectMessage(root, '<x/>', {}, { versions: ['17.2'], defaultVersion: '17.2' }))).toBe('UNSUPPORTED_VERSION');
    expect(codeOf(() => detectMessage({ ...root, namespace: 'urn:x' }, '<x/>', {}, served))).toBe('UNSUPPORTED_VERSION');
    expect(codeOf(() => detectMessage({ ...root, localName: 'IATA_AirShoppingRS' }, '<x/>', {}, served))).toBe('UNKNOWN_MESSAGE');
    expect(codeOf(() => detectMessage({ ...root, localName: 'AirShoppingRQ' }, '<x/>', {}, served))).toBe('UNKNOWN_MESSAGE');
  });

  it('knows a message exactly where its version maps it', () => {
    expect(detectMessage({ localName: 'OrderRulesRQ', namespace: EDIST_172_NS, ...at }, '<x/>', {}, served).response).toBe('OrderRulesRS');
    expect(codeOf(() => detectMessage({ localName: 'IATA_OrderRulesRQ', namespace: OO_MESSAGE_NS, ...at }, '<x/>', {}, served))).toBe('UNKNOWN_MESSAGE');
  });

  it('says what replaces a message the version no longer defines', () => {
    const refusal = (root: RootElement): GatewayError => {
      try {
        detectMessage(root, '<x/>', {}, served);
      } catch (error) {
        return error as GatewayError;
      }
      throw new Error('expected a refusal');
    };
    const cancel = refusal({ localName: 'IATA_OrderCancelRQ', namespace: OO_MESSAGE_NS, ...at });
    expect(cancel.code).toBe('UNKNOWN_MESSAGE');
    expect(cancel.message).toBe('IATA_OrderCancelRQ is not a message of NDC 21.3: use OrderReshop then OrderChange');
    expect(cancel.details[0]?.message).toBe('NDC 21.3 replaces OrderCancelRQ with OrderReshopRQ then OrderChangeRQ');
    // 17.2 still defines OrderCancelRQ: not served here, but nothing replaces it.
    expect(refusal({ localName: 'OrderCancelRQ', namespace: EDIST_172_NS, ...at }).message).toBe('OrderCancelRQ is not a message this gateway serves');
  });

  it('refuses a document that does not match the route', () => {
    const root = { localName: 'IATA_AirShoppingRQ', namespace: OO_MESSAGE_NS, ...at };
    expect(codeOf(() => detectMessage(root, '<x/>', { routeMessage: 'OfferPrice' }, served))).toBe('MESSAGE_ROUTE_MISMATCH');
    expect(detectMessage(root, '<x/>', { routeMessage: 'AirShopping' }, served).message).toBe('AirShoppingRQ');
  });
});

describe('errorVersion: the version an answer speaks before the message is known', () => {
  const document = (namespace: string, xml = '<x/>'): { root: RootElement; xml: string } => ({ root: { localName: 'Hello', namespace, ...at }, xml });

  it('takes the root namespace (and, in 21.3+, the document\'s VersionNumber) first', () => {
    expect(errorVersion({ headerVersion: '21.3', pathVersion: '21.3' }, '21.3', document(EDIST_172_NS))).toBe('17.2');
    expect(errorVersion({ pathVersion: '17.2' }, '21.3', document(OO_MESSAGE_NS, '<VersionNumber>24.4</VersionNumber>'))).toBe('24.4');
  });

  it('takes the header, then the path, when there is no document or it names no NDC version', () => {
    expect(errorVersion({ headerVersion: '17.2', pathVersion: '26.1' }, '21.3')).toBe('17.2');
    expect(errorVersion({ pathVersion: '26.1' }, '21.3', document('urn:not-ndc'))).toBe('26.1');
    expect(errorVersion({}, '24.4')).toBe('24.4');
  });

  it('answers a document in an NDC namespace in that namespace, whatever else is named', () => {
    expect(errorVersion({ headerVersion: '17.2' }, '17.2', document(OO_MESSAGE_NS))).toBe('21.3');
    expect(errorVersion({ headerVersion: '17.2' }, '26.1', document(OO_MESSAGE_NS))).toBe('26.1');
    expect(errorVersion({ headerVersion: '24.4' }, '21.3', document(EDIST_172_NS))).toBe('17.2');
  });

  it('ignores versions the gateway does not know', () => {
    expect(errorVersion({ headerVersion: '19.2', pathVersion: 'latest' }, '21.3')).toBe('21.3');
  });
});
