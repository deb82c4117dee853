import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import {
  buildResultKey,
  decodeFailure,
  encodeFailure,
  isResultReference,
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

describe('result references', () => {
  it('recognises only a lone $ref under the result keys of its own prefix', () => {
    const key = buildResultKey('ndc', 'job-1');
    expect(key).toBe('ndc:result:job-1');
    expect(isResultReference({ $ref: key }, 'ndc')).toBe(true);
    expect(isResultReference({ $ref: key }, 'other')).toBe(false);
    expect(isResultReference({ $ref: key, more: 1 }, 'ndc')).toBe(false);
    expect(isResultReference({ $ref: '#/definitions/x' }, 'ndc')).toBe(false);
    expect(isResultReference([key], 'ndc')).toBe(false);
    expect(isResultReference(null, 'ndc')).toBe(false);
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

  it('accepts job data with complete meta', () => {
    expect(parseCommandJobData({ payload: { a: 1 }, meta })).toEqual({ payload: { a: 1 }, meta });
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
