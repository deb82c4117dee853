import { runAudited, type AuditRecorder, type AuditSubject, type MessageAudit } from '../orders/audit-trail.ts';
import type { CommandHandler, HandlerContext } from '../queue/command-queue.ts';

/** An order handler that writes through `audit`, so its writes carry the message's audit row. */
export type AuditedHandler = (payload: unknown, context: HandlerContext, audit: MessageAudit) => Promise<unknown>;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The order a command names: its orderId, or the booking reference it looks the order up by. */
function subjectOfCommand(payload: unknown): AuditSubject {
  if (!isObject(payload)) return {};
  const { orderId, bookingReference } = payload;
  return {
    ...(typeof orderId === 'string' ? { orderId } : {}),
    ...(typeof bookingReference === 'string' ? { detail: { bookingReference } } : {}),
  };
}

/** The order and version a result is about: `{ order: { orderId, version } }` or `{ orderId, version }`. */
function subjectOfResult(result: unknown): AuditSubject {
  if (!isObject(result)) return {};
  const about = isObject(result.order) ? result.order : result;
  return {
    ...(typeof about.orderId === 'string' ? { orderId: about.orderId } : {}),
    ...(typeof about.version === 'number' ? { orderVersion: about.version } : {}),
  };
}

/**
 * Leaves a row in the audit trail for every run of an order command, whatever it answers: the
 * client, the NDC message (or REST route) and version it came in, the order and version, the
 * outcome and the correlation id. Runs in the worker, where the order is read and written, so the
 * row tells what happened to the order even when the sender stopped waiting.
 */
export function auditHandler(recorder: AuditRecorder, handler: AuditedHandler): CommandHandler {
  return (payload, context) => {
    const { meta } = context;
    const origin = { clientId: meta.clientId ?? '-', message: meta.message, channel: meta.version, correlationId: meta.correlationId };
    return runAudited(recorder, origin, context.logger, (audit) => {
      audit.about(subjectOfCommand(payload));
      return handler(payload, context, audit);
    }, subjectOfResult);
  };
}
