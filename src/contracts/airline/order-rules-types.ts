import type { FareFamily, Journey } from './common-types.ts';

/** order.rules (`schemas/commands/order.rules*.json`). */

export interface OrderRulesCommand {
  readonly offerId?: string;
  readonly orderId?: string;
  readonly currency?: string;
}

export type PenaltyType = 'CHANGE' | 'CANCELLATION';

export interface Penalty {
  readonly penaltyId: string;
  readonly type: PenaltyType;
  readonly permitted: boolean;
  /** For the whole offer; absent when not permitted. */
  readonly amount?: number;
  readonly description: string;
}

export interface OrderRulesResult {
  readonly offerId: string;
  readonly owner: string;
  readonly currency: string;
  readonly fareFamily: FareFamily;
  readonly fareBasisCodes: readonly string[];
  readonly journeys: readonly Journey[];
  readonly penalties: readonly Penalty[];
  readonly ruleTexts: readonly { readonly ruleCode?: string; readonly text: string }[];
}
