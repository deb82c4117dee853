import type { RuleDefinition } from './rule-types.ts';

/** The Offers & Orders versions: one message namespace, `...RefID` elements, amounts with `CurCode`. */
export const OFFERS_AND_ORDERS_VERSIONS: readonly string[] = Object.freeze(['21.3', '24.4', '26.1']);

const ORDER_REQUESTS = [
  'OrderCreateRQ', 'OrderChangeRQ', 'OrderRetrieveRQ', 'OrderReshopRQ', 'OrderCancelRQ',
  'OrderListRQ', 'OrderQuoteRQ', 'OrderRulesRQ', 'OrderHistoryRQ',
];

/** Elements of a flight segment whose date-times are local airport times (21.3 Dep/Arrival, 17.2 Departure/Arrival). */
const SEGMENT_TIMES = ['Dep', 'Arrival', 'Departure'];

/**
 * IATA's business rules that the XSD cannot state (the ARM guidance), as data. Each names a check
 * of the registry (src/rules/checks); docs/rules.md describes every one.
 */
export const RULES: readonly RuleDefinition[] = Object.freeze([
  {
    id: 'distribution-chain',
    severity: 'error',
    message: 'An order request carries the distribution chain',
    versions: OFFERS_AND_ORDERS_VERSIONS,
    messages: ORDER_REQUESTS,
    check: 'requiredChild',
    options: { element: 'DistributionChain' },
  },
  {
    id: 'distribution-chain',
    severity: 'error',
    message: 'An order request carries the distribution chain (Party)',
    versions: ['17.2'],
    messages: ORDER_REQUESTS,
    check: 'requiredChild',
    options: { element: 'Party' },
  },
  {
    id: 'ordinal-sequence',
    severity: 'error',
    message: 'Ordinals start at 1 and follow each other without gaps',
    versions: OFFERS_AND_ORDERS_VERSIONS,
    check: 'ordinalSequence',
    options: { field: 'Ordinal' },
  },
  {
    id: 'ordinal-sequence',
    severity: 'error',
    message: 'Sequence numbers start at 1 and follow each other without gaps',
    versions: ['17.2'],
    check: 'ordinalSequence',
    options: { field: '@SequenceNumber', scope: 'Participants' },
  },
  {
    id: 'currency-decimals',
    severity: 'error',
    message: "Every amount has an ISO 4217 currency code and that currency's number of decimals",
    versions: OFFERS_AND_ORDERS_VERSIONS,
    check: 'currencyAmount',
    options: { currencyAttribute: 'CurCode' },
  },
  {
    id: 'currency-decimals',
    severity: 'error',
    message: "Every amount has an ISO 4217 currency code and that currency's number of decimals",
    versions: ['17.2'],
    check: 'currencyAmount',
    // 17.2 names many code attributes `Code`; an amount is a number with one
    options: { currencyAttribute: 'Code' },
  },
  {
    id: 'no-empty-element',
    severity: 'error',
    message: 'No element is empty',
    check: 'noEmptyElement',
  },
  {
    id: 'segment-time-local',
    severity: 'error',
    message: 'Departure and arrival times of segments are local times, without a zone',
    check: 'dateTimeZone',
    options: { zone: 'local', segmentElements: SEGMENT_TIMES },
  },
  {
    id: 'timestamp-utc',
    severity: 'warning',
    message: 'Timestamps other than segment times are in UTC',
    check: 'dateTimeZone',
    options: { zone: 'utc', segmentElements: SEGMENT_TIMES },
  },
  {
    id: 'reference-integrity',
    severity: 'error',
    message: 'Every reference ID names an ID present in the message',
    versions: OFFERS_AND_ORDERS_VERSIONS,
    check: 'referenceIds',
    options: { refSuffix: 'RefID', idSuffix: 'ID' },
  },
  {
    id: 'reference-integrity',
    severity: 'error',
    message: 'Every reference (xs:IDREF) names an ID present in the message',
    versions: ['17.2'],
    check: 'schemaIdrefs',
  },
  {
    id: 'infant-with-adult',
    severity: 'error',
    message: 'Every infant refers to an adult travelling with it',
    versions: OFFERS_AND_ORDERS_VERSIONS,
    check: 'infantWithAdult',
    options: { pax: 'Pax', id: 'PaxID', ptc: 'PTC', link: 'PaxRefID' },
  },
  {
    id: 'infant-with-adult',
    severity: 'error',
    message: 'Every infant is carried by an adult of the message',
    versions: ['17.2'],
    check: 'infantWithAdult',
    options: { pax: 'Passenger', id: '@PassengerID', ptc: 'PTC', adultLink: 'InfantRef' },
  },
  {
    id: 'offer-item-required',
    severity: 'error',
    message: 'Every offer holds at least one offer item',
    // In requests an Offer names an offer to look at (ServiceListRQ) and rightly lists no items.
    messages: ['*RS'],
    check: 'childRequired',
    options: { parent: 'Offer', children: ['OfferItem', 'AddedOfferItem', 'DeleteOrderItem'] },
  },
  {
    id: 'offer-item-required',
    severity: 'error',
    message: 'Every selected offer selects at least one offer item',
    versions: OFFERS_AND_ORDERS_VERSIONS,
    check: 'childRequired',
    options: { parent: 'SelectedOffer', children: ['SelectedOfferItem'] },
  },
]);
