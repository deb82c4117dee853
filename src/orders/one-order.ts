/**
 * The IATA ONE Order record as the gateway keeps it: version-neutral JSON, so one record serves
 * NDC 17.2 and 21.3+ clients and the REST API alike. The JSON Schema in `one-order.schema.ts` is
 * checked on every write; these types describe a record after it passed that check.
 *
 * Card data: a payment holds only the token and the masked number given by the payment service.
 * There is no field for a card number or a security code, and the schema refuses unknown
 * properties, so neither can be stored by accident.
 */

/** ONE Order: an order is OPENED until every service is delivered and settled, or cancelled. */
export type OrderStatus = 'OPENED' | 'CLOSED';

export type OrderItemStatus = 'ACTIVE' | 'CANCELLED';

export type ServiceType = 'FLIGHT' | 'SEAT' | 'BAGGAGE' | 'MEAL' | 'LOUNGE';

/** PENDING: asked of the airline, not yet confirmed (e.g. on request or waitlisted). */
export type ServiceStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

export type DeliveryStatus = 'READY_TO_PROCEED' | 'IN_PROGRESS' | 'DELIVERED' | 'CANCELLED';

export type SettlementStatus = 'PENDING' | 'SETTLED';

export type PaymentStatus = 'PENDING' | 'SUCCESSFUL' | 'FAILED' | 'VOIDED' | 'REFUNDED';

export type DocumentType = 'ET' | 'EMD';

export type Cabin = 'FIRST' | 'BUSINESS' | 'PREMIUM_ECONOMY' | 'ECONOMY';

export type Gender = 'MALE' | 'FEMALE' | 'UNDISCLOSED';

/** Amounts are decimal numbers in `currency`; base + taxes = total. */
export interface Money {
  readonly base: number;
  readonly taxes: number;
  readonly total: number;
  readonly currency: string;
}

export interface TaxAmount {
  readonly code: string;
  readonly amount: number;
  readonly description?: string;
}

/** A price as offered, with the taxes that make it up when the airline gave them. */
export interface ItemPrice extends Money {
  readonly taxBreakdown?: readonly TaxAmount[];
}

export interface LoyaltyProgramAccount {
  /** Airline designator of the programme. */
  readonly programOwner: string;
  readonly accountNumber: string;
  readonly tierLevel?: string;
}

/**
 * A travel document of a passenger (passport, identity card, visa), as secure flight and APIS
 * need it. The store keeps it sealed (see personal-data-cipher.ts), never in clear.
 */
export interface IdentityDocument {
  /** IATA document type code, as NDC sends it: PT passport, NI national identity card, V visa… */
  readonly typeCode: string;
  readonly number: string;
  /** ISO 3166-1 alpha-2. */
  readonly issuingCountryCode?: string;
  /** ISO 3166-1 alpha-2. */
  readonly citizenshipCountryCode?: string;
  /** YYYY-MM-DD. */
  readonly expiryDate?: string;
}

export interface OrderPassenger {
  readonly paxId: string;
  /** IATA passenger type code (ADT, CHD, INF, ...). */
  readonly ptc: string;
  /** On an infant: the paxId of the adult it travels with. */
  readonly accompanyingPaxId?: string;
  readonly givenName?: string;
  readonly surname?: string;
  /** YYYY-MM-DD. */
  readonly birthdate?: string;
  readonly gender?: Gender;
  readonly title?: string;
  readonly loyalty?: readonly LoyaltyProgramAccount[];
  readonly identityDocuments?: readonly IdentityDocument[];
}

export interface EmailContact {
  readonly address: string;
  readonly label?: string;
}

export interface PhoneContact {
  /** Digits as given, without the country dialling code. */
  readonly number: string;
  readonly countryDialingCode?: string;
  readonly label?: string;
}

export interface PostalAddress {
  readonly street?: readonly string[];
  readonly cityName?: string;
  readonly postalCode?: string;
  readonly countrySubdivision?: string;
  /** ISO 3166-1 alpha-2. */
  readonly countryCode?: string;
}

export interface OrderContact {
  readonly contactId: string;
  /** The passengers this contact is for; absent for the booker's own contact. */
  readonly paxIds?: readonly string[];
  readonly emails?: readonly EmailContact[];
  readonly phones?: readonly PhoneContact[];
  readonly address?: PostalAddress;
}

export interface SeatLocation {
  readonly row: number;
  readonly column: string;
}

export interface ServiceDelivery {
  readonly status: DeliveryStatus;
  /** The ticket or EMD number that fulfils the service. */
  readonly documentNumber?: string;
  /** ISO 8601 instant. */
  readonly deliveredAt?: string;
}

export interface ServiceSettlement {
  readonly status: SettlementStatus;
  /** ISO 8601 instant. */
  readonly settledAt?: string;
}

/** One service for one passenger (a flight on a segment, a seat, a bag...), with its own delivery. */
export interface OrderService {
  readonly serviceId: string;
  readonly type: ServiceType;
  readonly status: ServiceStatus;
  readonly paxId: string;
  readonly segmentId?: string;
  readonly seat?: SeatLocation;
  /** Airline or RFISC code of an ancillary. */
  readonly code?: string;
  readonly name?: string;
  readonly delivery: ServiceDelivery;
  readonly settlement?: ServiceSettlement;
}

export interface OrderItem {
  readonly orderItemId: string;
  readonly offerId?: string;
  readonly offerItemId?: string;
  readonly status: OrderItemStatus;
  readonly paxIds: readonly string[];
  /** For all paxIds together. */
  readonly price: ItemPrice;
  readonly services: readonly OrderService[];
}

/** A flight as it was when ordered; later schedule changes are new versions of the order. */
export interface OrderSegment {
  readonly segmentId: string;
  readonly origin: string;
  readonly destination: string;
  /** Local time at the origin, YYYY-MM-DDTHH:MM:SS. */
  readonly departure: string;
  /** Local time at the destination, YYYY-MM-DDTHH:MM:SS. */
  readonly arrival: string;
  readonly carrier: string;
  readonly flightNumber: string;
  readonly aircraft: string;
  readonly cabin: Cabin;
  readonly durationMinutes?: number;
  /** Reservation booking designator (booking class). */
  readonly rbd?: string;
  readonly fareBasisCode?: string;
  /** Set when the airline cancelled the flight (see Order.airlineChanges). */
  readonly cancelled?: boolean;
}

export interface OrderJourney {
  readonly journeyId: string;
  readonly origin: string;
  readonly destination: string;
  readonly segmentIds: readonly string[];
  readonly durationMinutes?: number;
}

/** A tokenised card. The number itself never reaches the order record. */
export interface CardPaymentMethod {
  readonly type: 'CARD';
  /** The payment service's token for the card. */
  readonly token: string;
  /** At most the first six and last four digits, the rest masked, e.g. `************1111`. */
  readonly maskedNumber: string;
  /** Card brand code, e.g. VI, CA, AX. */
  readonly brand?: string;
  /** YYYY-MM. */
  readonly expiry?: string;
  readonly holderName?: string;
}

export type PaymentMethod = CardPaymentMethod;

export interface OrderPayment {
  readonly paymentId: string;
  readonly status: PaymentStatus;
  readonly amount: number;
  readonly currency: string;
  readonly method: PaymentMethod;
  readonly authorisationCode?: string;
  /** ISO 8601 instant. */
  readonly createdAt: string;
}

/** An issued electronic ticket (ET) or EMD. */
export interface OrderDocument {
  readonly type: DocumentType;
  /** 13 digits: the airline's 3-digit accounting code and a 10-digit serial. */
  readonly number: string;
  readonly paxId: string;
  readonly orderItemIds: readonly string[];
  /** ISO 8601 instant. */
  readonly issuedAt?: string;
}

/** The airline's own identifiers of an order: its owner code, OrderID and booking reference. */
export interface AirlineOrderReference {
  readonly owner: string;
  readonly orderId: string;
  readonly bookingReference?: string;
}

/** A flight's times and aircraft, as one side of an airline-initiated change. */
export interface SegmentSchedule {
  /** Local time at the origin, YYYY-MM-DDTHH:MM:SS. */
  readonly departure: string;
  /** Local time at the destination, YYYY-MM-DDTHH:MM:SS. */
  readonly arrival: string;
  readonly aircraft: string;
}

export type AirlineChangeKind = 'SCHEDULE_CHANGE' | 'CANCELLATION' | 'EQUIPMENT_CHANGE';

/**
 * PENDING: the seller has not answered yet. ACCEPTED: the seller (or the default action) took the
 * new itinerary. REFUNDED: the order was cancelled and refunded because of the change.
 */
export type AirlineChangeStatus = 'PENDING' | 'ACCEPTED' | 'REFUNDED';

/**
 * A change the airline made to flights of the order (schedule change, cancellation, new aircraft),
 * as IATA's OrderChangeNotif guidance asks it to be kept: what changed, why, by when the seller
 * must answer and what happens without an answer.
 */
export interface AirlineChange {
  /** The airline's id of the change; the same id applied again changes nothing. */
  readonly changeId: string;
  readonly kind: AirlineChangeKind;
  readonly reason?: string;
  /** ISO 8601 instant the gateway applied it. */
  readonly receivedAt: string;
  readonly segments: readonly {
    readonly segmentId: string;
    readonly before: SegmentSchedule;
    /** Absent when the flight is cancelled. */
    readonly after?: SegmentSchedule;
    readonly cancelled?: boolean;
  }[];
  /** ISO 8601 instant by which the seller must accept the change or take a refund. */
  readonly actionTimeLimit?: string;
  /** What the gateway does at actionTimeLimit without an answer. */
  readonly defaultAction: 'ACCEPT' | 'CANCEL';
  readonly status: AirlineChangeStatus;
  /** ISO 8601 instant of the seller's answer (or the default action). */
  readonly answeredAt?: string;
}

export interface Order {
  readonly orderId: string;
  /** Six letters/digits, unique across the store; what passengers quote. */
  readonly bookingReference: string;
  /** The API client that created the order; no other client sees it. */
  readonly ownerClientId: string;
  readonly status: OrderStatus;
  /** Optimistic concurrency: 1 when created, +1 on every change. */
  readonly version: number;
  readonly currency: string;
  readonly totalPrice: Money;
  /** ISO 8601 instant; set by the store. */
  readonly createdAt: string;
  /** ISO 8601 instant; set by the store on every change. */
  readonly updatedAt: string;
  /** ISO 8601 instant by which an unpaid order must be paid. */
  readonly paymentTimeLimit?: string;
  /** The order as the airline keeps it, when the airline is an NDC system with orders of its own (aggregator mode). */
  readonly airline?: AirlineOrderReference;
  /** Changes the airline made to the order's flights, oldest first. */
  readonly airlineChanges?: readonly AirlineChange[];
  readonly passengers: readonly OrderPassenger[];
  readonly contacts: readonly OrderContact[];
  readonly items: readonly OrderItem[];
  readonly segments: readonly OrderSegment[];
  readonly journeys: readonly OrderJourney[];
  readonly payments: readonly OrderPayment[];
  readonly documents: readonly OrderDocument[];
}

/**
 * What a caller hands the store to create an order. The store sets the version and timestamps,
 * and picks a booking reference when none is given.
 */
export type NewOrder = Omit<Order, 'version' | 'createdAt' | 'updatedAt' | 'bookingReference'> & {
  readonly bookingReference?: string;
};
