import { describe, expect, it } from 'vitest';
import { parseAnalyticsFilter } from '../../../src/analytics/analytics-filter.ts';
import { GatewayError } from '../../../src/errors/index.ts';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');

function refusal(query: Record<string, unknown>): { code: string; path: string | undefined } {
  try {
    parseAnalyticsFilter(query, NOW);
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, path: error.details[0]?.path };
    throw error;
  }
  throw new Error('accepted');
}

describe('parseAnalyticsFilter', () => {
  it('defaults to the last 7 days', () => {
    expect(parseAnalyticsFilter({}, NOW)).toEqual({ from: '2026-03-03T12:00:00.000Z', to: '2026-03-10T12:00:00.000Z' });
  });

  it('reads dates and date-times as UTC unless they name a zone, and every filter', () => {
    expect(parseAnalyticsFilter({ from: '2026-03-01', to: '2026-03-02T06:30', channel: 'ndc', clientId: 'agency.1', experiment: 'exp-1', variant: 'b' }, NOW)).toEqual({
      from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T06:30:00.000Z', channel: 'ndc', clientId: 'agency.1', experiment: 'exp-1', variant: 'b',
    });
    expect(parseAnalyticsFilter({ from: '2026-03-01T10:00:00+02:00', to: '2026-03-02T00:00:00Z' }, NOW).from).toBe('2026-03-01T08:00:00.000Z');
  });

  it('refuses each bad value with a 400 naming its parameter', () => {
    expect(refusal({ from: 'yesterday' })).toEqual({ code: 'INVALID_COMMAND', path: 'from' });
    expect(refusal({ to: '2026-13-45' })).toEqual({ code: 'INVALID_COMMAND', path: 'to' });
    expect(refusal({ from: '2026-03-05', to: '2026-03-04' })).toEqual({ code: 'INVALID_COMMAND', path: 'from' });
    expect(refusal({ channel: 'fax' })).toEqual({ code: 'INVALID_COMMAND', path: 'channel' });
    expect(refusal({ clientId: ['a', 'b'] })).toEqual({ code: 'INVALID_COMMAND', path: 'clientId' });
    expect(refusal({ clientId: 'a b' })).toEqual({ code: 'INVALID_COMMAND', path: 'clientId' });
    expect(refusal({ variant: 'b' })).toEqual({ code: 'INVALID_COMMAND', path: 'variant' });
    expect(refusal({ chanel: 'web' })).toEqual({ code: 'INVALID_COMMAND', path: 'chanel' });
    expect(new GatewayError('INVALID_COMMAND').definition.httpStatus).toBe(400);
  });
});
