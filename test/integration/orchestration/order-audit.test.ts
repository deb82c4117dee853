import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentServiceError } from '../../../src/downstream/index.ts';
import { GatewayError } from '../../../src/errors/index.ts';
import { deriveOrderId, type OrderCreateResult, type PaymentPort } from '../../../src/orchestration/index.ts';
import type { AuditEntry } from '../../../src/orders/index.ts';
import type { CommandHandler } from '../../../src/queue/command-queue.ts';
import { codeOf, contextFor, DECLINED_CARD, shop, startHarness, type Harness } from './orchestration-fixtures.ts';

/**
 * Every order command leaves its row in the audit trail, whatever it answers: the client, the
 * message and the version it came in, the order and its version, the outcome and the correlation
 * id. Writes carry their rows in their own statements.
 */

const passengers = [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Anna', surname: 'Muller' }];

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

/** Runs a command as `message` of NDC 21.3 and returns what it answered or failed with, and its correlation id. */
async function run(handlers: Map<string, CommandHandler>, command: string, payload: unknown, client: string, message: string): Promise<{ correlationId: string; result: unknown }> {
  const context = contextFor(client, message);
  const result = await handlers.get(command)!(payload, context).catch((error: unknown) => error);
  return { correlationId: context.meta.correlationId, result };
}

async function createCommand(card?: string): Promise<Record<string, unknown>> {
  const { offer } = await shop(h.airline, passengers.map((p) => ({ id: p.paxId, type: p.ptc })));
  return {
    idempotencyKey: `agency-1:${randomUUID()}`, offerId: offer.offerId, passengers,
    contacts: [{ contactId: 'CTC1', paxIds: ['PAX1'], emails: [{ address: 'anna@example.com' }] }],
    payment: { card: await h.card(card) },
  };
}

const rows = (orderId: string): Promise<AuditEntry[]> => h.store.auditTrail({ orderId });
const brief = (entries: readonly AuditEntry[]): unknown[] => entries.map((e) => [e.clientId, e.message, e.channel, e.orderVersion ?? null, e.outcome]);

describe('the audit trail of order commands', () => {
  it('a paid OrderCreateRQ leaves a row with each version it writes, a replay one more, a retrieve one more', async () => {
    const client = `client-${randomUUID()}`;
    const command = await createCommand();

    const created = await run(h.handlers, 'order.create', command, client, 'OrderCreateRQ');
    const replayed = await run(h.handlers, 'order.create', command, client, 'OrderCreateRQ');
    const { orderId } = (created.result as OrderCreateResult).order;
    const retrieved = await run(h.handlers, 'order.retrieve', { orderId }, client, 'OrderRetrieveRQ');

    const trail = await rows(orderId);
    expect(brief(trail)).toEqual([
      [client, 'OrderCreateRQ', '21.3', 1, 'ok'],
      [client, 'OrderCreateRQ', '21.3', 2, 'ok'],
      [client, 'OrderCreateRQ', '21.3', 2, 'ok'],
      [client, 'OrderRetrieveRQ', '21.3', 2, 'ok'],
    ]);
    expect(trail.map((e) => e.correlationId)).toEqual([created.correlationId, created.correlationId, replayed.correlationId, retrieved.correlationId]);
    expect(JSON.stringify(trail)).not.toMatch(/anna|muller|4111/i);
  });

  it('refusals and failures have their rows too: PAYMENT_DECLINED, another client\'s ORDER_NOT_FOUND, a stale version', async () => {
    const client = `client-${randomUUID()}`;
    const other = `client-${randomUUID()}`;
    const declinedCommand = await createCommand(DECLINED_CARD);
    const declined = await run(h.handlers, 'order.create', declinedCommand, client, 'OrderCreateRQ');
    const { result } = await run(h.handlers, 'order.create', await createCommand(), client, 'OrderCreateRQ');
    const { orderId } = (result as OrderCreateResult).order;

    await run(h.handlers, 'order.retrieve', { orderId }, other, 'OrderRetrieveRQ');
    await run(h.handlers, 'order.change', { idempotencyKey: `k-${randomUUID()}`, orderId, expectedVersion: 1, contacts: [{ contactId: 'CTC9' }] }, client, 'OrderChangeRQ');
    await run(h.handlers, 'order.cancel', { idempotencyKey: `k-${randomUUID()}`, orderId }, client, 'OrderCancelRQ');

    expect((declined.result as GatewayError).code).toBe('PAYMENT_DECLINED');
    const declinedId = deriveOrderId(client, declinedCommand.idempotencyKey as string);
    expect(await rows(declinedId)).toEqual([expect.objectContaining({
      clientId: client, message: 'OrderCreateRQ', orderId: declinedId, outcome: 'PAYMENT_DECLINED', correlationId: declined.correlationId,
    })]);
    expect(brief(await rows(orderId))).toEqual([
      [client, 'OrderCreateRQ', '21.3', 1, 'ok'],
      [client, 'OrderCreateRQ', '21.3', 2, 'ok'],
      [other, 'OrderRetrieveRQ', '21.3', null, 'ORDER_NOT_FOUND'],
      [client, 'OrderChangeRQ', '21.3', null, 'ORDER_VERSION_CONFLICT'],
      // A cancellation writes twice: the decision, then the refund.
      [client, 'OrderCancelRQ', '21.3', 3, 'ok'],
      [client, 'OrderCancelRQ', '21.3', 4, 'ok'],
    ]);
    expect(brief(await h.store.auditTrail({ clientId: other }))).toEqual([[other, 'OrderRetrieveRQ', '21.3', null, 'ORDER_NOT_FOUND']]);
  });

  it('an order created and then cancelled because issuing failed: the cancelling write carries the failure, and no row is lost or doubled', async () => {
    const client = `client-${randomUUID()}`;
    const command = await createCommand();
    // A refusal: a transient failure (service unreachable) would leave the order for the retry instead.
    const captureRefused: PaymentPort = {
      ...h.payment,
      capture: async () => { throw new PaymentServiceError('INVALID_STATE', 'payment capture refused'); },
    };

    const { result } = await run(h.handlersWith({ payment: captureRefused }), 'order.create', command, client, 'OrderCreateRQ');

    expect((result as GatewayError).code).toBe('INVALID_BUSINESS_DATA');
    const orderId = deriveOrderId(client, command.idempotencyKey as string);
    expect(brief(await rows(orderId))).toEqual([
      [client, 'OrderCreateRQ', '21.3', 1, 'ok'],
      [client, 'OrderCreateRQ', '21.3', 2, 'INVALID_BUSINESS_DATA'],
    ]);
  });

  it('a list and a retrieve by booking reference are recorded as reads of the client', async () => {
    const client = `client-${randomUUID()}`;

    await run(h.handlers, 'order.list', {}, client, 'OrderListRQ');
    expect(await codeOf(h.handlers.get('order.retrieve')!({ bookingReference: 'ZZZZZZ' }, contextFor(client, 'OrderRetrieveRQ')))).toBe('ORDER_NOT_FOUND');

    expect(await h.store.auditTrail({ clientId: client })).toEqual([
      expect.objectContaining({ message: 'OrderListRQ', outcome: 'ok', detail: {} }),
      expect.objectContaining({ message: 'OrderRetrieveRQ', outcome: 'ORDER_NOT_FOUND', detail: { bookingReference: 'ZZZZZZ' } }),
    ]);
  });
});
