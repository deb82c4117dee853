import { request } from 'undici';
import type { Logger } from '../../log/logger.ts';
import type { AirlineChangeEvent } from './inventory-flight-change.ts';

/**
 * Sends the airline's change events to the gateway (`POST <eventsUrl>` with
 * `Authorization: Bearer <eventsKey>`), one JSON body per change, retried with exponential
 * back-off in the background when the gateway is unreachable or answers 408, 429 or 5xx. Other
 * answers are final: a refused event is not sent again. Every event and where its delivery stands
 * is kept (in memory) for `GET /admin/events`.
 */

export type EventDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED' | 'NOT_CONFIGURED';

export interface EventDelivery {
  readonly changeId: string;
  readonly event: AirlineChangeEvent;
  status: EventDeliveryStatus;
  attempts: number;
  /** HTTP status of the last answer. */
  lastStatus?: number;
  lastError?: string;
  /** The gateway's answer once delivered (the command result). */
  response?: unknown;
  deliveredAt?: string;
}

export interface AirlineEventSenderOptions {
  /** Where events go; without it they are kept, marked NOT_CONFIGURED, and not sent. */
  readonly url?: string;
  /** Bearer key the gateway knows the airline by. */
  readonly key?: string;
  /** Attempts in all, the first included. @defaultValue 6 */
  readonly attempts?: number;
  /** Delay before the second attempt; doubles after each. @defaultValue 1000 */
  readonly retryBaseMs?: number;
  /** Per attempt. @defaultValue 5000 */
  readonly timeoutMs?: number;
  /** Events kept for listing; the oldest go first. @defaultValue 1000 */
  readonly keep?: number;
  readonly logger: Logger;
}

export interface AirlineEventSender {
  /** Starts delivering; resolves with the delivery after the first attempt, while retries go on. */
  send(event: AirlineChangeEvent): Promise<EventDelivery>;
  list(): readonly EventDelivery[];
  /** Stops pending retries. */
  close(): void;
}

const retryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

export function createAirlineEventSender(options: AirlineEventSenderOptions): AirlineEventSender {
  const attempts = options.attempts ?? 6;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const keep = options.keep ?? 1000;
  const deliveries: EventDelivery[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  async function attempt(delivery: EventDelivery, url: string): Promise<void> {
    delivery.attempts += 1;
    try {
      const answer = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), 'x-correlation-id': delivery.changeId },
        body: JSON.stringify(delivery.event),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await answer.body.text();
      delivery.lastStatus = answer.statusCode;
      if (answer.statusCode >= 200 && answer.statusCode < 300) {
        delivery.status = 'DELIVERED';
        delivery.deliveredAt = new Date().toISOString();
        delete delivery.lastError;
        try {
          delivery.response = JSON.parse(text) as unknown;
        } catch {
          delivery.response = text;
        }
        options.logger.info({ changeId: delivery.changeId, attempts: delivery.attempts }, 'airline change event delivered');
        return;
      }
      delivery.lastError = `HTTP ${answer.statusCode}: ${text.slice(0, 500)}`;
      if (!retryable(answer.statusCode)) {
        delivery.status = 'FAILED';
        options.logger.warn({ changeId: delivery.changeId, status: answer.statusCode }, 'airline change event refused');
        return;
      }
    } catch (error) {
      delivery.lastError = error instanceof Error ? error.message : String(error);
    }
    if (delivery.attempts >= attempts || closed) {
      delivery.status = 'FAILED';
      options.logger.warn({ changeId: delivery.changeId, attempts: delivery.attempts, error: delivery.lastError }, 'airline change event not delivered');
      return;
    }
    const delay = retryBaseMs * 2 ** (delivery.attempts - 1);
    options.logger.info({ changeId: delivery.changeId, attempts: delivery.attempts, retryInMs: delay, error: delivery.lastError }, 'airline change event will be retried');
    const timer = setTimeout(() => {
      timers.delete(timer);
      void attempt(delivery, url);
    }, delay);
    timer.unref();
    timers.add(timer);
  }

  return {
    async send(event) {
      const delivery: EventDelivery = { changeId: event.changeId, event, status: options.url ? 'PENDING' : 'NOT_CONFIGURED', attempts: 0 };
      while (deliveries.length >= keep) deliveries.shift();
      deliveries.push(delivery);
      if (options.url) await attempt(delivery, options.url);
      return delivery;
    },
    list: () => deliveries,
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
