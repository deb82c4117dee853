import type { JourneyEvent } from '../../../../src/journeys/journey-event.ts';
import { JOURNEY_CHANNELS, type AbandonReason, type JourneyChannel, type JourneyState } from '../../../../src/journeys/journey-states.ts';
import { seededRandom as createRandom } from '../../../support/seeded-random.ts';


export interface JourneyTraits {
  readonly channel: JourneyChannel;
  readonly partySize: number;
  readonly daysToDeparture: number;
}

/** The events of one journey, written as the journey service would, with the features on each event from the search on. */
export class JourneyScript {
  readonly events: JourneyEvent[] = [];
  private state: JourneyState | undefined;
  private atMs: number;
  private failures = 0;
  private searched = false;

  constructor(readonly journeyId: string, readonly clientId: string, private readonly traits: JourneyTraits, startMs: number) {
    this.atMs = startMs;
  }

  /** Moves to `to` after `seconds` in the current state. */
  go(to: JourneyState, seconds: number, reason?: AbandonReason): this {
    this.atMs += Math.round(seconds * 1000);
    if (to === 'Shopping') this.searched = true;
    if (to === 'Payment_Failed') this.failures += 1;
    this.events.push({
      eventId: `${this.journeyId}-${this.events.length}`,
      type: 'transition',
      journeyId: this.journeyId,
      clientId: this.clientId,
      channel: this.traits.channel,
      at: new Date(this.atMs).toISOString(),
      ...(this.state === undefined ? {} : { from: this.state }),
      to,
      ...(reason === undefined ? {} : { reason }),
      durationMs: this.state === undefined ? 0 : Math.round(seconds * 1000),
      variants: {},
      ...(this.searched ? { partySize: this.traits.partySize, daysToDeparture: this.traits.daysToDeparture } : {}),
      paymentFailures: this.failures,
    });
    this.state = to;
    return this;
  }

  /** Journey_Init → … → Customer_Data, `seconds()` in each. */
  throughCustomerData(seconds: () => number): this {
    return this.go('Journey_Init', 0).go('Shopping', seconds()).go('Offer_Selection', seconds()).go('Booking_Start', seconds()).go('Customer_Data', seconds());
  }

  /** Payment_Process with `failures` declines before it goes through, then the order and ticket. */
  payAndComplete(failures: number, seconds: () => number): this {
    this.go('Payment_Process', seconds());
    for (let i = 0; i < failures; i += 1) this.go('Payment_Failed', seconds()).go('Payment_Retry', seconds()).go('Payment_Process', seconds());
    return this.go('Order_Confirmation', seconds()).go('Ticket_Generation', seconds()).go('Journey_Complete', seconds());
  }
}

export function drawTraits(random: () => number): JourneyTraits {
  return {
    channel: JOURNEY_CHANNELS[Math.floor(random() * JOURNEY_CHANNELS.length)]!,
    partySize: 1 + Math.floor(random() * 6),
    daysToDeparture: Math.floor(random() * 180),
  };
}

const CHANNEL_EFFECT: Record<JourneyChannel, number> = { web: 0, mobile: 0.5, gds: -1.5, ndc: -0.5, agent: 1.5, api: 0 };

/**
 * Journeys whose completion depends on known features: likely when departure is near, on the
 * agent desk and for small parties; unlikely far ahead and on the GDS. The journeys that do not
 * complete leave at a random step, a quarter of them after three declined payments, some by
 * sitting idle until the timeout.
 */
export function buildInformativePopulation(count: number, seed: number, prefix: string, startMs: number): JourneyEvent[] {
  const random = createRandom(seed);
  const step = (): number => 5 + random() * 90;
  const events: JourneyEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const traits = drawTraits(random);
    const logit = 3.5 - 0.05 * traits.daysToDeparture + CHANNEL_EFFECT[traits.channel] + (traits.partySize <= 2 ? 0.5 : -0.5);
    const completes = random() < 1 / (1 + Math.exp(-logit));
    const script = new JourneyScript(`${prefix}-${i}`, `client-${i % 3}`, traits, startMs + i * 1000);
    if (completes) {
      const failures = random() < 0.75 ? 0 : 1;
      script.throughCustomerData(step).payAndComplete(failures, step);
    } else {
      const exit = Math.floor(random() * 5);
      const idle = random() < 0.3;
      const leave = (at: JourneyState): void => {
        script.go('Journey_Abandoned', idle ? 1800 : step(), idle ? 'timeout' : at === 'Customer_Data' ? 'form_abandonment' : 'exit');
      };
      script.go('Journey_Init', 0).go('Shopping', step());
      if (exit === 0) leave('Shopping');
      else {
        script.go('Offer_Selection', step());
        if (exit === 1) leave('Offer_Selection');
        else {
          script.go('Booking_Start', step());
          if (exit === 2) leave('Booking_Start');
          else {
            script.go('Customer_Data', step());
            if (exit === 3) leave('Customer_Data');
            else {
              script.go('Payment_Process', step());
              for (let k = 0; k < 3; k += 1) {
                script.go('Payment_Failed', step()).go('Payment_Retry', step());
                if (k < 2) script.go('Payment_Process', step());
              }
              script.go('Journey_Abandoned', step(), 'payment_retries_exhausted');
            }
          }
        }
      }
    }
    events.push(...script.events);
  }
  return events;
}

/**
 * Journeys that complete by a coin toss, whatever their features: every one goes the same way to
 * Customer_Data with the same timing, then half pay and complete and half leave the form. Before
 * that fork nothing tells them apart, so a model can do no better than chance there.
 */
export function buildRandomPopulation(count: number, seed: number, prefix: string, startMs: number): JourneyEvent[] {
  const random = createRandom(seed);
  const step = (): number => 5 + random() * 90;
  const events: JourneyEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const script = new JourneyScript(`${prefix}-${i}`, `client-${i % 3}`, drawTraits(random), startMs + i * 1000);
    script.throughCustomerData(step);
    if (random() < 0.5) script.payAndComplete(0, step);
    else script.go('Journey_Abandoned', step(), 'form_abandonment');
    events.push(...script.events);
  }
  return events;
}
