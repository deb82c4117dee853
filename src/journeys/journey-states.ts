/**
 * The journey state machine as data: the states a customer's or seller's way from search to
 * ticket goes through, and the only transitions allowed between them. Everything that moves a
 * journey (the JSON journey API, NDC traffic, the idle-timeout sweeper) goes through this table.
 */

export const JOURNEY_STATES = [
  'Journey_Init',
  'Shopping',
  'Offer_Selection',
  'Booking_Start',
  'Customer_Data',
  'Payment_Process',
  'Payment_Failed',
  'Payment_Retry',
  'Order_Confirmation',
  'Ticket_Generation',
  'Journey_Complete',
  'Journey_Abandoned',
] as const;

export type JourneyState = (typeof JOURNEY_STATES)[number];

/** The channels a journey can be started or continued on. */
export const JOURNEY_CHANNELS = ['web', 'mobile', 'gds', 'ndc', 'agent', 'api'] as const;

export type JourneyChannel = (typeof JOURNEY_CHANNELS)[number];

/** Why a journey was abandoned. */
export const ABANDON_REASONS = ['timeout', 'exit', 'no_selection', 'form_abandonment', 'validation_failure', 'payment_retries_exhausted'] as const;

export type AbandonReason = (typeof ABANDON_REASONS)[number];

/** The steps of the funnel, in order: the happy path from start to ticket. */
export const FUNNEL_STATES: readonly JourneyState[] = [
  'Journey_Init', 'Shopping', 'Offer_Selection', 'Booking_Start', 'Customer_Data',
  'Payment_Process', 'Order_Confirmation', 'Ticket_Generation', 'Journey_Complete',
];

/** From each state, the states it may move to. A journey that is complete or abandoned moves no more. */
export const JOURNEY_TRANSITIONS: Readonly<Record<JourneyState, readonly JourneyState[]>> = {
  Journey_Init: ['Shopping'],
  Shopping: ['Offer_Selection', 'Journey_Abandoned'],
  Offer_Selection: ['Booking_Start', 'Journey_Abandoned'],
  Booking_Start: ['Customer_Data', 'Journey_Abandoned'],
  Customer_Data: ['Payment_Process', 'Journey_Abandoned'],
  Payment_Process: ['Order_Confirmation', 'Payment_Failed'],
  Payment_Failed: ['Payment_Retry'],
  Payment_Retry: ['Payment_Process', 'Journey_Abandoned'],
  Order_Confirmation: ['Ticket_Generation'],
  Ticket_Generation: ['Journey_Complete'],
  Journey_Complete: [],
  Journey_Abandoned: [],
};

/** States a journey ends in. */
export const FINAL_STATES: ReadonlySet<JourneyState> = new Set(['Journey_Complete', 'Journey_Abandoned']);

export function isAllowedTransition(from: JourneyState, to: JourneyState): boolean {
  return JOURNEY_TRANSITIONS[from].includes(to);
}
