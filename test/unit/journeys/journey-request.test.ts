import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { parseSearch } from '../../../src/journeys/journey-request.ts';

const BASE = { origin: 'LHR', destination: 'FRA', date: '2030-05-01' };

describe('journey search currency', () => {
  it('keeps an ISO 4217 currency and leaves it out when not asked', () => {
    expect(parseSearch({ ...BASE, currency: 'KWD' }).currency).toBe('KWD');
    expect(parseSearch(BASE)).not.toHaveProperty('currency');
  });

  it.each(['ABC', 'eur', 12])('refuses %s, naming the field', (currency) => {
    let refusal: unknown;
    try {
      parseSearch({ ...BASE, currency });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(GatewayError);
    expect((refusal as GatewayError).details.map((d) => d.path)).toContain('/currency');
  });
});
