import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.ts';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { OrderStore } from '../orders/order-store.ts';
import { createBullmqDeliveryQueue } from './bullmq-delivery-queue.ts';
import { attemptDelivery } from './delivery-attempt.ts';
import type { DeliveryQueue, RunAttempt } from './delivery-queue.ts';
import { createDeliveryStore, type Delivery, type DeliveryListFilter, type DeliveryStore } from './delivery-store.ts';
import { createInProcessDeliveryQueue } from './in-process-delivery-queue.ts';
import type { NoticeRenderer } from './notice-renderer.ts';
import { createNotificationMetrics, type NotificationMetrics } from './notification-metrics.ts';
import { targetsOf, type Subscriptions } from './subscriptions.ts';

/** The settings of the configuration that notifications read. */
export type NotificationSettings = Pick<Config,
  'redisUrl' | 'queuePrefix' | 'notifyMaxAgeMs' | 'notifyBackoffBaseMs' | 'notifyBackoffMaxMs' | 'notifyTimeoutMs' | 'notifyDispatchMs'>;

export interface NotificationServiceOptions {
  readonly settings: NotificationSettings;
  /** The order store: its notices outbox, its database (the deliveries table) and the orders sent. */
  readonly orders: OrderStore;
  readonly subscriptions: Subscriptions;
  /** Builds NDC bodies; without one, `ndc` subscriptions get JSON. */
  readonly renderer?: NoticeRenderer | undefined;
  readonly logger: Logger;
  /** Whether this process makes delivery attempts (with Redis, a process may only dispatch and enqueue). @defaultValue true */
  readonly runAttempts?: boolean;
  /** How often pending deliveries are looked for and enqueued again (lost jobs, a restart without Redis). @defaultValue 30000 */
  readonly sweepMs?: number;
  /** Notices taken per dispatcher transaction. @defaultValue 100 */
  readonly batchSize?: number;
}

/** Notification delivery as the rest of the gateway sees it: the API's reads and redelivery. */
export interface NotificationService {
  readonly transport: DeliveryQueue['transport'];
  readonly metrics: NotificationMetrics;
  list(filter: DeliveryListFilter): Promise<Delivery[]>;
  get(deliveryId: string): Promise<Delivery | undefined>;
  /**
   * Sends a dead or delivered delivery again (same event id): pending, with a fresh retry window.
   * @throws GatewayError DELIVERY_NOT_FOUND, DELIVERY_PENDING
   */
  redeliver(deliveryId: string): Promise<Delivery>;
  /**
   * Runs the dispatcher now, until it finds no undispatched notice it can take (one another
   * dispatcher holds is skipped: that one dispatches it); returns the deliveries created.
   */
  dispatchNow(): Promise<number>;
  /** Enqueues the pending deliveries due soon (what the timer does); returns how many. */
  sweepNow(): Promise<number>;
  /** Delivery ids on the dead-letter queue. */
  deadLettered(limit?: number): Promise<string[]>;
  /** Stops the timers and the queue; running attempts finish first. */
  close(): Promise<void>;
}

function strip({ ...delivery }: Delivery & { noticeAt?: unknown; orderVersion?: unknown; data?: unknown }): Delivery {
  delete delivery.noticeAt;
  delete delivery.orderVersion;
  delete delivery.data;
  return delivery;
}

/**
 * Starts notification delivery in a process that has the order store (the gateway, `npm run
 * worker`): the dispatcher turns new notices into deliveries every NOTIFY_DISPATCH_MS (several
 * processes may run it at once: each notice is taken by one), a sweep enqueues pending deliveries
 * whose job was lost, and, unless `runAttempts` is false, attempts run here.
 */
export async function startNotificationService(options: NotificationServiceOptions): Promise<NotificationService> {
  const { settings, orders, subscriptions, logger } = options;
  const log = logger.child({ component: 'notifications' });
  const deliveries: DeliveryStore = createDeliveryStore(() => orders.sql());
  const metrics = createNotificationMetrics(() => deliveries.countPending());
  const sweepMs = options.sweepMs ?? 30_000;
  const batchSize = options.batchSize ?? 100;
  let queue: DeliveryQueue | undefined;
  const run: RunAttempt = (deliveryId) => attemptDelivery(deliveryId, {
    deliveries,
    orders,
    subscriptions,
    renderer: options.renderer,
    timeoutMs: settings.notifyTimeoutMs,
    backoff: { baseMs: settings.notifyBackoffBaseMs, maxMs: settings.notifyBackoffMaxMs },
    metrics,
    logger: log,
    onDead: (id, reason) => queue!.deadLetter(id, reason),
  }).catch((err: unknown) => {
    // The store or the database failed: try again later; the row still says pending.
    log.warn({ err, deliveryId }, 'notification attempt could not run; retrying');
    return { retryInMs: Math.min(sweepMs, settings.notifyBackoffMaxMs) };
  });
  const runHere = options.runAttempts ?? true;
  queue = settings.redisUrl
    ? await createBullmqDeliveryQueue({ redisUrl: settings.redisUrl, prefix: settings.queuePrefix, logger: log, ...(runHere ? { run } : {}) })
    : createInProcessDeliveryQueue(run, log);
  const q = queue;

  async function dispatchNow(): Promise<number> {
    let created = 0;
    for (;;) {
      const batch = await deliveries.dispatch(batchSize, (notice) => targetsOf(subscriptions, notice.type, notice.ownerClientId), settings.notifyMaxAgeMs, randomUUID);
      for (const id of batch.created) await q.enqueue(id, 0);
      created += batch.created.length;
      if (batch.notices < batchSize) return created;
    }
  }

  async function sweepNow(): Promise<number> {
    const due = await deliveries.due(sweepMs, 1000);
    for (const { deliveryId, delayMs } of due) await q.enqueue(deliveryId, delayMs);
    return due.length;
  }

  let stopped = false;
  const loop = (work: () => Promise<unknown>, everyMs: number, what: string): { timer?: NodeJS.Timeout; running?: Promise<void> } => {
    const state: { timer?: NodeJS.Timeout; running?: Promise<void> } = {};
    let failing = false;
    const tick = (): void => {
      state.running = work().then(() => {
        if (failing) log.info(`notification ${what} works again`);
        failing = false;
      }, (err: unknown) => {
        // The store may still be opening; say so once, not at every tick.
        if (!failing) log.warn({ err }, `notification ${what} failed; trying again`);
        failing = true;
      }).finally(() => {
        if (!stopped) state.timer = setTimeout(tick, everyMs);
      });
    };
    tick();
    return state;
  };
  const dispatcher = loop(dispatchNow, settings.notifyDispatchMs, 'dispatch');
  const sweeper = loop(sweepNow, sweepMs, 'sweep');
  log.info({ transport: q.transport, attempts: runHere }, 'notification delivery started');

  return {
    transport: q.transport,
    metrics,
    list: (filter) => deliveries.list(filter),
    async get(deliveryId) {
      const found = await deliveries.get(deliveryId);
      return found && strip(found);
    },
    async redeliver(deliveryId) {
      const again = await deliveries.redeliver(deliveryId, settings.notifyMaxAgeMs);
      if (!again) {
        const found = await deliveries.get(deliveryId);
        if (!found) throw new GatewayError('DELIVERY_NOT_FOUND');
        throw new GatewayError('DELIVERY_PENDING');
      }
      await q.forgetDead(deliveryId);
      await q.enqueue(deliveryId, 0);
      log.info({ deliveryId }, 'notification redelivery asked');
      return again;
    },
    dispatchNow,
    sweepNow,
    deadLettered: (limit) => q.deadLettered(limit),
    async close() {
      stopped = true;
      for (const state of [dispatcher, sweeper]) clearTimeout(state.timer);
      await Promise.allSettled([dispatcher.running, sweeper.running]);
      await q.close();
    },
  };
}
