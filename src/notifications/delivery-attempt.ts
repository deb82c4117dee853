import { request } from 'undici';
import type { Logger } from '../log/logger.ts';
import type { OrderStore } from '../orders/order-store.ts';
import type { DeliveryStore, DeliveryWithNotice } from './delivery-store.ts';
import type { AttemptOutcome } from './delivery-queue.ts';
import { renderJsonNotice } from './json-notice.ts';
import type { NoticeContent, NoticeRenderer, RenderedNotice } from './notice-renderer.ts';
import type { NotificationMetrics } from './notification-metrics.ts';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signNotification } from './notification-signature.ts';
import { retryDelayMs, type BackoffSettings } from './retry-backoff.ts';
import { recordSalesReported } from './sales-reported.ts';
import type { Subscription, Subscriptions } from './subscriptions.ts';

export interface AttemptDeps {
  readonly deliveries: DeliveryStore;
  readonly orders: OrderStore;
  readonly subscriptions: Subscriptions;
  /** Builds NDC bodies; without one, `ndc` subscriptions get JSON. */
  readonly renderer?: NoticeRenderer | undefined;
  readonly timeoutMs: number;
  readonly backoff: BackoffSettings;
  readonly metrics?: NotificationMetrics | undefined;
  readonly logger: Logger;
  /** Called once a delivery went dead (after it was recorded): the dead-letter queue. */
  readonly onDead: (deliveryId: string, reason: string) => Promise<void>;
}

/** How much of a receiver's answer is read: enough for an Acknowledgement, not a flood. */
const MAX_ANSWER_BYTES = 256 * 1024;

/** The secret and endpoint of a delivery now: its client's subscription (or accounting's) as configured. */
function subscriptionOf(delivery: DeliveryWithNotice, subscriptions: Subscriptions): Subscription | undefined {
  return delivery.targetKind === 'seller' ? subscriptions.seller(delivery.clientId) : subscriptions.accounting;
}

/** The body: NDC from the renderer when the delivery asks for it and its version can carry the notice, else JSON. */
function bodyOf(delivery: DeliveryWithNotice, content: NoticeContent, renderer: NoticeRenderer | undefined): { rendered: RenderedNotice; ndc: boolean } {
  if (delivery.format === 'ndc' && renderer && delivery.version !== undefined) {
    const rendered = renderer.render(content, { format: 'ndc', version: delivery.version, kind: delivery.targetKind });
    if (rendered) return { rendered, ndc: true };
  }
  return { rendered: renderJsonNotice(content), ndc: false };
}

async function readCapped(body: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < MAX_ANSWER_BYTES) chunks.push(Buffer.from(chunk));
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/**
 * One attempt of a delivery: builds the body from the order as it is now, signs it, POSTs it and
 * records the outcome. A 2xx answer (for NDC, one the renderer reads as an acknowledgement) is
 * delivered; anything else is retried with back-off until the delivery's expiry, then dead.
 * The attempt is claimed first (see DeliveryStore.claim): a delivery that is no longer pending is
 * left alone, so a stray second job cannot send a delivered notice again, and one that is not due
 * (another attempt holds it) waits for its time.
 */
export async function attemptDelivery(deliveryId: string, deps: AttemptDeps): Promise<AttemptOutcome> {
  const { deliveries, logger } = deps;
  // Long enough for the POST and the bookkeeping around it; a process that dies mid-attempt only delays the next one by this.
  const claimed = await deliveries.claim(deliveryId, 2 * deps.timeoutMs + 5000);
  if (claimed === 'none') return undefined;
  if (claimed !== 'claimed') return { retryInMs: claimed.laterMs };
  const delivery = await deliveries.get(deliveryId);
  if (!delivery || delivery.status !== 'pending') return undefined;
  const log = logger.child({ deliveryId, eventType: delivery.eventType, orderId: delivery.orderId, target: delivery.targetKind });
  const giveUp = async (reason: string): Promise<AttemptOutcome> => {
    if (await deliveries.recordDead(deliveryId, reason)) {
      log.warn({ reason }, 'notification cannot be delivered');
      deps.metrics?.countAttempt(delivery.eventType, 'dead');
      await deps.onDead(deliveryId, reason);
    }
    return undefined;
  };
  const subscription = subscriptionOf(delivery, deps.subscriptions);
  if (!subscription) return giveUp('the subscription is no longer configured');
  const order = await deps.orders.get(delivery.orderId, delivery.clientId);
  if (!order) return giveUp('the order no longer exists');
  const changeId = delivery.data['changeId'];
  const airlineChange = delivery.eventType === 'order.airline_initiated_change' ? order.airlineChanges?.find((c) => c.changeId === changeId) : undefined;
  const content: NoticeContent = {
    eventId: delivery.deliveryId,
    type: delivery.eventType,
    createdAt: delivery.noticeAt,
    orderVersion: delivery.orderVersion,
    data: delivery.data,
    order,
    ...(airlineChange ? { airlineChange } : {}),
  };
  const { rendered, ndc } = bodyOf(delivery, content, deps.renderer);

  let status: number | undefined;
  let failure: string | undefined;
  try {
    const answer = await request(delivery.url, {
      method: 'POST',
      body: rendered.body,
      headers: {
        'content-type': rendered.contentType,
        [SIGNATURE_HEADER]: signNotification(subscription.secret, rendered.body),
        [EVENT_ID_HEADER]: delivery.deliveryId,
        [EVENT_TYPE_HEADER]: delivery.eventType,
        'user-agent': 'ndc-gateway-notifications',
      },
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    status = answer.statusCode;
    const text = await readCapped(answer.body);
    const contentType = String(answer.headers['content-type'] ?? '');
    if (status < 200 || status > 299) failure = `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
    else if (ndc && deps.renderer && !deps.renderer.acknowledged(status, text, contentType)) failure = `HTTP ${status} without an acknowledgement: ${text.slice(0, 200)}`;
  } catch (error) {
    const err = error as { name?: string; code?: string; message?: string };
    failure = err.name === 'TimeoutError' ? `no answer within ${deps.timeoutMs} ms` : `${err.code ?? err.name ?? 'Error'}: ${err.message ?? ''}`;
  }

  if (failure === undefined) {
    if (await deliveries.recordDelivered(deliveryId, status ?? 200)) {
      deps.metrics?.countAttempt(delivery.eventType, 'delivered');
      log.info({ attempts: delivery.attempts + 1, status }, 'notification delivered');
      if (delivery.targetKind === 'accounting') {
        await recordSalesReported(deps.orders, delivery.orderId, deliveryId, delivery.data['documents'])
          .catch((err: unknown) => log.error({ err }, 'the order could not record that accounting was told'));
      }
    }
    return undefined;
  }
  const recorded = await deliveries.recordFailure(deliveryId, status, failure, retryDelayMs(delivery.attempts + 1, deps.backoff));
  if (!recorded) return undefined;
  if (recorded.status === 'dead') {
    deps.metrics?.countAttempt(delivery.eventType, 'dead');
    log.warn({ attempts: recorded.attempts, status, failure }, 'notification dead: its retry window is over');
    await deps.onDead(deliveryId, failure);
    return undefined;
  }
  deps.metrics?.countAttempt(delivery.eventType, 'retry');
  log.info({ attempts: recorded.attempts, status, failure, retryInMs: recorded.delayMs }, 'notification attempt failed; retrying');
  return { retryInMs: recorded.delayMs };
}
