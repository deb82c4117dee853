import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { Packr } from 'msgpackr';
import {
  buildReplyChannel,
  buildResultKey,
  decodeFailure,
  decodeReply,
  decodeResult,
  encodeFailure,
  encodeReply,
  encodeResult,
  parseCommandJobData,
} from '../../../src/queue/bullmq-protocol.ts';
import { getCommandFamily } from '../../../src/queue/index.ts';

describe('getCommandFamily', () => {
  it.each([
    ['offer.shop', 'offer'],
    ['order.change.reshop', 'order'],
    ['seat', 'seat'],
  ])('%s belongs to family %s', (name, family) => {
    expect(getCommandFamily(name)).toBe(family);
  });
});

describe('replies', () => {
  const offers = { offers: Array.from({ length: 50 }, (_, i) => ({ offerId: `OF${i}`, price: { amount: 100 + i, currency: 'EUR' }, items: [{ id: `OI${i}` }] })) };

  it('round-trips a result, a failure and a parked reference', () => {
    expect(decodeReply(encodeReply({ jobId: 'j1', result: offers }))).toEqual({ jobId: 'j1', result: offers });
    expect(decodeReply(encodeReply({ jobId: 'j2', result: undefined }))).toEqual({ jobId: 'j2', result: null });
    const error = new GatewayError('OFFER_EXPIRED', 'Offer OF1 expired', [{ message: 'offer OF1 expired', path: '/a' }]);
    const failure = decodeReply(encodeReply({ jobId: 'j3', error }));
    expect(failure && 'error' in failure && failure.error.toJSON()).toEqual(error.toJSON());
    expect(decodeReply(encodeReply({ jobId: 'j4', parkedAt: buildResultKey('ndc', 'j4') }))).toEqual({ jobId: 'j4', parkedAt: 'ndc:result:j4' });
    expect(decodeResult(encodeResult(offers))).toEqual(offers);
  });

  it('is self-contained: a decoder that saw nothing before reads it, and repeated shapes are written once', () => {
    const message = encodeReply({ jobId: 'j1', result: offers });
    expect(new Packr({ useRecords: true }).unpack(message)).toEqual(['j1', 0, offers]);
    expect(message.length).toBeLessThan(Buffer.byteLength(JSON.stringify(offers)) * 0.75);
  });

  it.each([
    ['not MessagePack', Buffer.from([0xc1])],
    ['another shape', encodeResult({ jobId: 'j1' })],
    ['an unknown kind', new Packr().pack(['j1', 9, {}])],
  ])('ignores %s', (_case, message) => {
    expect(decodeReply(message)).toBeUndefined();
  });

  it('names one channel per sender under the prefix', () => {
    expect(buildReplyChannel('ndc', 'p1')).toBe('ndc:reply:p1');
  });
});

describe('failure encoding', () => {
  it('round-trips a GatewayError with its details', () => {
    const error = new GatewayError('NO_AVAILABILITY', 'No seats on XR123', [{ message: 'sold out', path: '/a/b', line: 3, column: 9 }]);

    const decoded = decodeFailure(encodeFailure(error));

    expect(decoded).toBeInstanceOf(GatewayError);
    expect(decoded?.toJSON()).toEqual(error.toJSON());
  });

  it.each([
    'Job wait offer.shop timed out before finishing, no finish notification arrived after 50ms (id=1)',
    'job stalled more than allowable limit',
    '{not json',
    '{"no":"code"}',
  ])('does not take %j for a worker failure', (reason) => {
    expect(decodeFailure(reason)).toBeUndefined();
  });

  it('turns an unknown code into INTERNAL_ERROR', () => {
    expect(decodeFailure('{"code":"NO_SUCH_CODE","message":"x","details":[]}')?.code).toBe('INTERNAL_ERROR');
  });
});

describe('parseCommandJobData', () => {
  const meta = { correlationId: 'c1', version: '21.3', message: 'AirShoppingRQ', deadline: 1 };

  it('accepts job data with complete meta, and its reply channel', () => {
    expect(parseCommandJobData({ payload: { a: 1 }, meta })).toEqual({ payload: { a: 1 }, meta });
    expect(parseCommandJobData({ payload: 1, meta, replyTo: 'ndc:reply:p1' })).toEqual({ payload: 1, meta, replyTo: 'ndc:reply:p1' });
    expect(parseCommandJobData({ payload: 1, meta, replyTo: 7 })).toEqual({ payload: 1, meta });
    expect(parseCommandJobData({ payload: null, meta: { ...meta, clientId: 'tmc-1' } }).meta.clientId).toBe('tmc-1');
  });

  it.each([
    ['no meta', { payload: {} }],
    ['a deadline that is not a number', { payload: {}, meta: { ...meta, deadline: '1' } }],
    ['no correlationId', { payload: {}, meta: { ...meta, correlationId: undefined } }],
    ['a clientId that is not a string', { payload: {}, meta: { ...meta, clientId: 7 } }],
    ['nothing at all', null],
  ])('rejects job data with %s as INTERNAL_ERROR', (_case, data) => {
    expect(() => parseCommandJobData(data)).toThrow(expect.objectContaining({ code: 'INTERNAL_ERROR' }));
  });
});
