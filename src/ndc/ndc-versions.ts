/** What differs between NDC versions: namespaces, the file name of a message schema, and root element names. */
export interface NdcVersionInfo {
  readonly version: string;
  /** Namespace of the message root element. */
  readonly messageNamespace: string;
  /** Namespace of elements below the root's children (21.3+ common types); same as messageNamespace in 17.2. */
  readonly typesNamespace: string;
  /** File name of a message schema, e.g. `IATA_AirShoppingRQ.xsd` or `AirShoppingRQ.xsd`. */
  schemaFile(rootName: string): string;
  /** Root element name of a message, e.g. `IATA_AirShoppingRQ` (21.3+) or `AirShoppingRQ` (17.2). */
  rootName(message: string): string;
  /** Inverse of rootName: `IATA_AirShoppingRQ` → `AirShoppingRQ`. */
  messageOf(rootName: string): string;
  /**
   * Messages of earlier versions that this version no longer defines, with the messages that do
   * their work here, in the order to send them (route names): `OrderCancelRQ` → OrderReshop, then OrderChange.
   */
  readonly replacedMessages: Readonly<Record<string, readonly string[]>>;
}

/**
 * 17.2 messages that the Offers & Orders schemas (21.3 and later) dropped, and what replaced them:
 * a cancellation is priced with OrderReshop and made with OrderChange; fare rules come from
 * OrderRules; baggage allowances and charges are services, listed by ServiceList.
 */
const REPLACED_SINCE_172: Readonly<Record<string, readonly string[]>> = Object.freeze({
  OrderCancelRQ: Object.freeze(['OrderReshop', 'OrderChange']),
  FareRulesRQ: Object.freeze(['OrderRules']),
  BaggageAllowanceRQ: Object.freeze(['ServiceList']),
  BaggageChargesRQ: Object.freeze(['ServiceList']),
  BaggageListRQ: Object.freeze(['ServiceList']),
});

const OO_MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const OO_TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';
const EDIST_172_NS = 'http://www.iata.org/IATA/EDIST/2017.2';

function offersAndOrders(version: string): NdcVersionInfo {
  return {
    version,
    messageNamespace: OO_MESSAGE_NS,
    typesNamespace: OO_TYPES_NS,
    schemaFile: (root) => `${root}.xsd`,
    rootName: (message) => `IATA_${message}`,
    messageOf: (root) => root.replace(/^IATA_/, ''),
    replacedMessages: REPLACED_SINCE_172,
  };
}

export const NDC_VERSIONS: Readonly<Record<string, NdcVersionInfo>> = Object.freeze({
  '17.2': {
    version: '17.2',
    messageNamespace: EDIST_172_NS,
    typesNamespace: EDIST_172_NS,
    schemaFile: (root: string) => `${root}.xsd`,
    rootName: (message: string) => message,
    messageOf: (root: string) => root,
    replacedMessages: Object.freeze({}),
  },
  '21.3': offersAndOrders('21.3'),
  '24.4': offersAndOrders('24.4'),
  '26.1': offersAndOrders('26.1'),
});

export { OO_MESSAGE_NS, OO_TYPES_NS, EDIST_172_NS };
