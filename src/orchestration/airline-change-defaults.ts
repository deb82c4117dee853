import { toGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { runAudited, type MessageAudit } from '../orders/audit-trail.ts';
import type { Order } from '../orders/one-order.ts';
import { quoteSchema } from '../orders/sql-database.ts';
import { AIRLINE_CHANGE_ACCEPTED_EVENT, answerChanges, involuntaryItemIds, pendingChanges } from './airline-change.ts';
import { createDownstreamSteps } from './downstream-steps.ts';
import { cancelOrderItems } from './order-cancellation.ts';
import { resolveDeps, type OrchestrationDeps } from './orchestration-deps.ts';

/** What one run of the default actions did. */
export interface AirlineChangeDefaultsReport {
  /** Orders whose due changes were accepted. */
  readonly accepted: number;
  /** Orders cancelled and refunded in full. */
  readonly refunded: number;
  /** Orders that failed this time; the next run tries them again. */
  readonly failed: number;
}

/** The audit row of a default action: no client sent it. */
const ORIGIN = { message: 'airline-change.default-action', channel: 'job' } as const;

/**
 * The default action of airline changes the seller did not answer by their actionTimeLimit:
 * ACCEPT keeps the new itinerary (ACCEPTED), CANCEL cancels the flights hit and refunds them in
 * full (REFUNDED). A scheduled job calls `run` (housekeeping); each order is one versioned write
 * (accept) or one keyed cancellation, so a run repeated after a crash does nothing twice.
 */
export interface AirlineChangeDefaultsRun {
  /** The clock the action time limits are compared with. @defaultValue the deps' clock */
  readonly now?: Date;
  /** Orders acted on at most; the rest wait for the next run. @defaultValue 100 */
  readonly limit?: number;
  /** Carries the run's correlation id. @defaultValue the deps' logger */
  readonly logger?: Logger;
}

export function createAirlineChangeDefaults(deps: OrchestrationDeps): { run(options?: AirlineChangeDefaultsRun): Promise<AirlineChangeDefaultsReport> } {
  const resolved = resolveDeps(deps);
  const steps = createDownstreamSteps(resolved);
  const { store } = resolved;

  async function dueOrders(now: string, limit: number): Promise<{ orderId: string; ownerClientId: string }[]> {
    const { database, schema } = await store.sql();
    const { rows } = await database.query<{ order_id: string; owner_client_id: string }>(
      `SELECT order_id, owner_client_id FROM ${quoteSchema(schema)}.orders
        WHERE status = 'OPENED' AND jsonb_path_exists(record, '$.airlineChanges[*] ? (@.status == "PENDING" && @.actionTimeLimit <= $now)', jsonb_build_object('now', $1::text))
        ORDER BY updated_at LIMIT $2`, [now, limit]);
    return rows.map((r) => ({ orderId: r.order_id, ownerClientId: r.owner_client_id }));
  }

  async function act(order: Order, now: Date, audit: MessageAudit, logger: Logger): Promise<'accepted' | 'refunded' | undefined> {
    const due = pendingChanges(order).filter((c) => c.actionTimeLimit !== undefined && Date.parse(c.actionTimeLimit) <= now.getTime());
    if (due.length === 0) return undefined;
    const changeIds = due.map((c) => c.changeId);
    const correlationId = `default-action:${order.orderId}:${changeIds.join(',')}`;
    if (due.some((c) => c.defaultAction === 'CANCEL')) {
      const hit = involuntaryItemIds(order);
      const active = order.items.filter((i) => i.status === 'ACTIVE' && hit.has(i.orderItemId)).map((i) => i.orderItemId);
      if (active.length > 0) {
        await cancelOrderItems(resolved, steps, {
          orderId: order.orderId, clientId: order.ownerClientId, key: `airline-change.default:${changeIds.join(',')}`, orderItemIds: active,
          actor: 'housekeeping', reason: 'airline-change-default-action',
          correlationId, deadline: Date.now() + resolved.completionBudgetMs, logger: logger.child({ orderId: order.orderId }), audit,
        });
        return 'refunded';
      }
    }
    await audit.write((stamp) => store.updateFrom(order, (current) => answerChanges(current, 'ACCEPTED', now.toISOString(), changeIds), {
      type: AIRLINE_CHANGE_ACCEPTED_EVENT, clientId: 'housekeeping', correlationId, data: { changeIds, by: 'default-action' },
    }, { audit: stamp }));
    return 'accepted';
  }

  return {
    async run(options = {}) {
      const now = options.now ?? resolved.now();
      const logger = options.logger ?? resolved.logger;
      let accepted = 0;
      let refunded = 0;
      let failed = 0;
      for (const { orderId, ownerClientId } of await dueOrders(now.toISOString(), options.limit ?? 100)) {
        try {
          const done = await runAudited(store, { clientId: 'housekeeping', ...ORIGIN, correlationId: `default-action:${orderId}` }, logger, async (audit) => {
            audit.about({ orderId });
            const order = await store.get(orderId, ownerClientId);
            return order ? act(order, now, audit, logger) : undefined;
          });
          if (done === 'accepted') accepted += 1;
          if (done === 'refunded') refunded += 1;
        } catch (error) {
          failed += 1;
          logger.warn({ orderId, code: toGatewayError(error).code, err: error }, 'default action of an airline change failed; retried on the next run');
        }
      }
      if (accepted + refunded + failed > 0) logger.info({ accepted, refunded, failed }, 'default actions of airline changes ran');
      return { accepted, refunded, failed };
    },
  };
}
