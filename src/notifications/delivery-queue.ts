/** What an attempt asks of the queue: nothing more (delivered, dead, or nothing to do), or another try later. */
export type AttemptOutcome = { readonly retryInMs: number } | undefined;

/** Runs one attempt of a delivery; never throws (a failure it cannot record is a retry). */
export type RunAttempt = (deliveryId: string) => Promise<AttemptOutcome>;

/**
 * Where delivery attempts wait for their time: BullMQ on Redis (shared by every process, survives
 * restarts) or timers in this process. Either way there is at most one job per delivery id, so
 * enqueueing a delivery that is already waiting or running changes nothing.
 */
export interface DeliveryQueue {
  readonly transport: 'bullmq' | 'in-process';
  /** Attempts the delivery after `delayMs`, unless a job for it already exists. */
  enqueue(deliveryId: string, delayMs: number): Promise<void>;
  /** Puts a dead delivery on the dead-letter queue. */
  deadLetter(deliveryId: string, reason: string): Promise<void>;
  /** Takes a delivery off the dead-letter queue (a redelivery). */
  forgetDead(deliveryId: string): Promise<void>;
  /** Ids on the dead-letter queue, oldest first (at most `limit`). */
  deadLettered(limit?: number): Promise<string[]>;
  /** Jobs waiting or running. */
  depth(): Promise<number>;
  /** Stops taking attempts, lets running ones finish, releases connections. Waiting jobs stay (BullMQ). */
  close(): Promise<void>;
}
