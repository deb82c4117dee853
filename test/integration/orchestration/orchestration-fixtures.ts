import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { expect } from 'vitest';
import type { Offer, OfferShopResult, Passenger, SegmentAvailability } from '../../../src/contracts/airline/index.ts';
import { COMMAND_SCHEMAS_PATH, loadSchemaFolders, type SchemaSet } from '../../../src/contracts/schema-folders.ts';
import type { Inventory } from '../../../src/reference/airline/inventory.handler.ts';
import { createReferenceAirline } from '../../../src/reference/airline/reference-airline.ts';
import { createAirlineClient, type AirlineClient } from '../../../src/downstream/airline-client.ts';
import { createPaymentClient, type PaymentClient } from '../../../src/downstream/payment-client.ts';
import { GatewayError, type ErrorCode } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createOrderHandlers, type OrchestrationDeps } from '../../../src/orchestration/index.ts';
import { createPgOrderStore } from '../../../src/orders/pg-order-store.ts';
import type { OrderStore } from '../../../src/orders/order-store.ts';
import { createReferencePaymentService, type ReferencePaymentService } from '../../../src/reference/payment/reference-payment-service.ts';
import type { CommandHandler, HandlerContext } from '../../../src/queue/command-queue.ts';

export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const silentLogger = createLogger('silent');

export const APPROVED_CARD = '4111111111111111';
export const DECLINED_CARD = '4000000000000002';

let schemas: SchemaSet | undefined;

/** Asserts that a command or result (`order.create`, `order.change.result`) validates against its schema. */
export function expectValid(name: string, value: unknown): void {
  schemas ??= loadSchemaFolders([COMMAND_SCHEMAS_PATH]);
  const validate = schemas.get(name);
  expect(validate, name).toBeDefined();
  validate?.(value);
  expect(validate?.errors ?? [], `${name} against its schema`).toEqual([]);
}

/** `days` after today, so dates stay inside the airline's sales window. */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export function uniqueSchema(): string {
  return `test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

export interface Harness {
  readonly airline: AirlineClient;
  readonly payment: PaymentClient;
  readonly paymentService: ReferencePaymentService;
  readonly inventory: Inventory;
  readonly store: OrderStore;
  readonly schema: string;
  readonly handlers: Map<string, CommandHandler>;
  /** Handlers over other parts, e.g. a faulty airline or a store with a short lease. */
  handlersWith(overrides: Partial<Pick<OrchestrationDeps, 'airline' | 'payment' | 'store' | 'options' | 'now'>>): Map<string, CommandHandler>;
  /** A store on the same schema with its own options. */
  openStore(options: { idempotencyLeaseMs?: number }): OrderStore;
  sql<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** A card as the edge hands it to a command: tokenised at the payment service. */
  card(cardNumber?: string): Promise<{ token: string; maskedNumber: string; brand: string; expiry: string }>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const reference = createReferenceAirline({ designator: 'XR', name: 'Reference Air' });
  const { url: airlineUrl } = await reference.listen(0);
  const paymentService = createReferencePaymentService();
  const { url: paymentUrl } = await paymentService.listen(0);
  const airline = createAirlineClient({ baseUrl: airlineUrl, timeoutMs: 5000, retries: 1 });
  const payment = createPaymentClient({ baseUrl: paymentUrl, timeoutMs: 5000, retries: 1 });
  const schema = uniqueSchema();
  const stores: OrderStore[] = [];
  const openStore = (options: { idempotencyLeaseMs?: number } = {}): OrderStore => {
    const store = createPgOrderStore({ connectionString: DATABASE_URL, schema, logger: silentLogger, poolSize: 8, ...options });
    stores.push(store);
    return store;
  };
  const store = openStore();
  await store.migrate();
  const admin = new Pool({ connectionString: DATABASE_URL, max: 2 });
  const base: OrchestrationDeps = { store, airline, payment, logger: silentLogger, options: { retryBackoffMs: 10 } };
  return {
    airline, payment, paymentService, inventory: reference.inventory, store, schema,
    handlers: createOrderHandlers(base),
    handlersWith: (overrides) => createOrderHandlers({ ...base, ...overrides }),
    openStore,
    sql: async (text, params = []) => (await admin.query(text, params)).rows,
    async card(cardNumber = APPROVED_CARD) {
      const cvv = /^3[47]/.test(cardNumber) ? '1234' : '123';
      const { token, maskedNumber, brand, expiry } = await payment.tokenise({ cardNumber, expiry: '12/35', cvv, holderName: 'ANNA MULLER' });
      return { token, maskedNumber, brand, expiry };
    },
    async close() {
      for (const s of stores) await s.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
      await airline.close();
      await payment.close();
      await paymentService.close();
      await reference.close();
    },
  };
}

export function contextFor(clientId: string, message = 'OrderCreateRQ', deadlineMs = 30_000): HandlerContext {
  return {
    meta: { correlationId: `corr-${randomUUID()}`, version: '21.3', message, clientId, deadline: Date.now() + deadlineMs },
    logger: silentLogger,
    signal: new AbortController().signal,
  };
}

export async function send<T = unknown>(handlers: Map<string, CommandHandler>, command: string, payload: unknown, clientId: string): Promise<T> {
  const handler = handlers.get(command);
  if (!handler) throw new Error(`no handler for ${command}`);
  return (await handler(payload, contextFor(clientId))) as T;
}

/** The error code a call fails with, or 'resolved'. */
export async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | 'other'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof GatewayError ? error.code : 'other';
  }
}

export async function errorOf(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

export interface ShoppedOffer {
  readonly offer: Offer;
  readonly result: OfferShopResult;
}

/** A direct LHR–FRA return of the fare family asked for. */
export async function shop(airline: AirlineClient, passengers: readonly Passenger[], fareFamily = 'ECOCLASSIC', daysAhead = 40): Promise<ShoppedOffer> {
  const result = await airline.call('offer.shop', {
    journeys: [{ origin: 'LHR', destination: 'FRA', date: dayFromToday(daysAhead) }, { origin: 'FRA', destination: 'LHR', date: dayFromToday(daysAhead + 7) }],
    passengers, directOnly: true, fareFamilies: [fareFamily], currency: 'EUR',
  }, { correlationId: 'shop' }) as OfferShopResult;
  const offer = result.offers.find((o) => o.fareFamily === fareFamily);
  if (!offer) throw new Error(`no ${fareFamily} offer`);
  return { offer, result };
}

export async function availabilityOf(airline: AirlineClient, query: { offerId?: string; orderId?: string }): Promise<SegmentAvailability[]> {
  const result = await airline.call('inventory.availability', query, { correlationId: 'availability' }) as { segments: SegmentAvailability[] };
  return result.segments;
}
