import express, { type Request, type RequestHandler, type Router } from 'express';
import type { ApiClient } from '../auth/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { Delivery, DeliveryListFilter, DeliveryStatus, NotificationService } from '../notifications/index.ts';
import { answerJson, type JsonApi } from './json-answer.ts';
import { sendJsonError, withJsonRefusal } from './one-order.route.ts';

export interface NotificationsRouteDeps {
  readonly notifications: NotificationService;
  readonly metrics: Pick<GatewayMetrics, 'observeRequest'>;
  /** The API-key authentication of the NDC routes. */
  readonly authenticate: RequestHandler;
}

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'dead'];
const MAX_LIMIT = 500;

function clientOf(req: Request): ApiClient {
  if (!req.client) throw new GatewayError('AUTH_REQUIRED');
  return req.client;
}

function invalid(parameter: string, message: string): GatewayError {
  return new GatewayError('INVALID_COMMAND', `${parameter} ${message}`, [{ message, path: parameter }]);
}

/** One query parameter as text (repeated: refused). */
function param(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw invalid(name, 'must be given once, not empty');
  return value;
}

/**
 * Which deliveries a client may see: a client its own seller deliveries; an operator (admin)
 * every delivery, accounting's too, narrowed by `clientId` if it gives one.
 */
function filterOf(req: Request, client: ApiClient): DeliveryListFilter {
  const status = param(req, 'status');
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) throw invalid('status', `must be one of ${STATUSES.join(', ')}`);
  const limitText = param(req, 'limit');
  const limit = limitText === undefined ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
  const clientId = param(req, 'clientId');
  if (clientId !== undefined && !client.admin && clientId !== client.id) throw invalid('clientId', 'may name another client only for an admin client');
  const orderId = param(req, 'orderId');
  const after = param(req, 'after');
  return {
    ...(client.admin ? (clientId !== undefined ? { clientId } : {}) : { clientId: client.id, targetKind: 'seller' }),
    ...(status !== undefined ? { status: status as DeliveryStatus } : {}),
    ...(orderId !== undefined ? { orderId } : {}),
    ...(after !== undefined ? { after } : {}),
    limit,
  };
}

/** Whether `client` may see `delivery`; another client's delivery is simply not there. */
function mayRead(client: ApiClient, delivery: Delivery): boolean {
  return client.admin || (delivery.clientId === client.id && delivery.targetKind === 'seller');
}

/**
 * `/api/v1/notifications`: a client's notification deliveries, one of them, and its redelivery
 * (docs/notifications.md). JSON answers and errors, as the ONE Order API.
 */
export function createNotificationsRouter({ notifications, metrics, authenticate: auth }: NotificationsRouteDeps): Router {
  const api: JsonApi = { metrics, name: 'notifications', version: 'rest', sendError: sendJsonError };
  const authenticate = withJsonRefusal(auth);
  const router = express.Router();

  const readable = async (req: Request): Promise<Delivery> => {
    const client = clientOf(req);
    const delivery = await notifications.get(String(req.params.id));
    if (!delivery || !mayRead(client, delivery)) throw new GatewayError('DELIVERY_NOT_FOUND');
    return delivery;
  };

  router.get('/deliveries', authenticate, answerJson(api, 'list', async (req, res) => {
    const filter = filterOf(req, clientOf(req));
    const deliveries = await notifications.list(filter);
    const last = deliveries.at(-1);
    res.json({ deliveries, ...(deliveries.length === filter.limit && last ? { next: last.deliveryId } : {}) });
  }));

  router.get('/deliveries/:id', authenticate, answerJson(api, 'get', async (req, res) => {
    res.json(await readable(req));
  }));

  router.post('/deliveries/:id/redeliver', authenticate, answerJson(api, 'redeliver', async (req, res) => {
    const delivery = await readable(req);
    res.status(202).json(await notifications.redeliver(delivery.deliveryId));
  }));
  return router;
}
