import type { SeatAvailabilityCommand, SeatAvailabilityResult, ServiceListCommand, ServiceListResult } from './ancillary-types.ts';
import type { InventoryHoldCommand, InventoryHoldResult, InventoryReleaseCommand, InventoryReleaseResult } from './inventory-hold-types.ts';
import type { InventoryAvailabilityQuery, InventoryAvailabilityResult, InventoryBookingResult, InventoryOfferQuery, InventoryOrderQuery } from './inventory-query-types.ts';
import type { InventoryRefundQuote, InventoryRepriceResult } from './inventory-quote-types.ts';
import type {
  InventoryCancelCommand, InventoryCancelResult, InventoryIssueCommand, InventoryIssueResult, InventoryVoidCommand, InventoryVoidResult,
} from './inventory-ticketing-types.ts';
import type { OfferPriceCommand, OfferPriceResult, OfferShopCommand, OfferShopResult } from './offer-types.ts';
import type { OrderRulesCommand, OrderRulesResult } from './order-rules-types.ts';

/**
 * The commands of an offer the gateway forwards to the airline as its clients sent them, by name.
 * Their schemas are the gateway's command schemas (`schemas/commands/`).
 */
export interface OfferCommands {
  'offer.shop': { command: OfferShopCommand; result: OfferShopResult };
  'offer.price': { command: OfferPriceCommand; result: OfferPriceResult };
  'service.list': { command: ServiceListCommand; result: ServiceListResult };
  'seat.availability': { command: SeatAvailabilityCommand; result: SeatAvailabilityResult };
  'order.rules': { command: OrderRulesCommand; result: OrderRulesResult };
}

export type OfferCommandName = keyof OfferCommands;

/**
 * The airline's side of the order lifecycle, which the gateway's order handlers call, by name
 * (`schemas/airline/`). All are idempotent: reads, or keyed by a requestKey.
 */
export interface InventoryCommands {
  'inventory.hold': { command: InventoryHoldCommand; result: InventoryHoldResult };
  'inventory.release': { command: InventoryReleaseCommand; result: InventoryReleaseResult };
  'inventory.issue': { command: InventoryIssueCommand; result: InventoryIssueResult };
  'inventory.void': { command: InventoryVoidCommand; result: InventoryVoidResult };
  'inventory.cancel': { command: InventoryCancelCommand; result: InventoryCancelResult };
  'inventory.refund-quote': { command: InventoryOrderQuery; result: InventoryRefundQuote };
  'inventory.reprice': { command: InventoryOrderQuery; result: InventoryRepriceResult };
  'inventory.services': { command: InventoryOfferQuery; result: ServiceListResult };
  'inventory.seats': { command: InventoryOfferQuery; result: SeatAvailabilityResult };
  'inventory.availability': { command: InventoryAvailabilityQuery; result: InventoryAvailabilityResult };
  'inventory.booking': { command: InventoryOrderQuery; result: InventoryBookingResult };
}

export type InventoryCommandName = keyof InventoryCommands;

/** Every command of the airline contract, by name. */
export type AirlineCommands = OfferCommands & InventoryCommands;

export type AirlineCommandName = keyof AirlineCommands;
