import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.ts';
import type { HandlerContext } from '../../../src/queue/index.ts';
import { createCommandHandlers, isAirlineAnswer, type AirlineCaller } from '../../../src/worker/index.ts';

function recordingAirline(): AirlineCaller & { calls: { command: string; payload: unknown; correlationId: string }[] } {
  const calls: { command: string; payload: unknown; correlationId: string }[] = [];
  return {
    calls,
    async call(command, payload, options) {
      calls.push({ command, payload, correlationId: options.correlationId });
      return { answeredBy: command };
    },
  };
}

const context: HandlerContext = {
  meta: { correlationId: 'c-1', version: '21.3', message: 'OrderRulesRQ', deadline: Date.now() + 1000 },
  logger: createLogger('silent'),
  signal: new AbortController().signal,
};

describe('createCommandHandlers', () => {
  it('forwards every command that has a schema pair to the airline endpoint of the same name', async () => {
    const airline = recordingAirline();
    const handlers = createCommandHandlers({ airline, commands: ['offer.shop', 'order.rules'], custom: {} });
    expect([...handlers.keys()]).toEqual(['offer.shop', 'order.rules']);
    expect(await handlers.get('order.rules')!({ offerId: 'O1' }, context)).toEqual({ answeredBy: 'order.rules' });
    expect(airline.calls).toEqual([{ command: 'order.rules', payload: { offerId: 'O1' }, correlationId: 'c-1' }]);
  });

  it('uses the handler registered by name instead, for commands that need more than one call', async () => {
    const airline = recordingAirline();
    const handlers = createCommandHandlers({
      airline,
      commands: ['offer.shop', 'order.create'],
      custom: {
        'order.create': (deps) => async (payload, ctx) => {
          const priced = await deps.airline.call('offer.price', payload, { correlationId: ctx.meta.correlationId });
          return { orderId: 'ORD1', priced };
        },
      },
    });
    expect(await handlers.get('order.create')!({ offerId: 'O1' }, context)).toEqual({ orderId: 'ORD1', priced: { answeredBy: 'offer.price' } });
    expect(airline.calls.map((c) => c.command)).toEqual(['offer.price']);
  });
});

describe('isAirlineAnswer', () => {
  it('tells the airline\'s answers, checked by the airline client, from the results the gateway makes itself', () => {
    for (const command of ['offer.shop', 'offer.price', 'service.list', 'seat.availability', 'order.rules', 'a.new.command']) expect(isAirlineAnswer(command), command).toBe(true);
    for (const command of ['order.create', 'order.change', 'order.retrieve', 'order.cancel']) expect(isAirlineAnswer(command), command).toBe(false);
  });
});
