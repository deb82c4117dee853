import { describe, expect, it } from 'vitest';
import { ageOn, checkCustomerData } from '../../../src/journeys/customer-data-check.ts';
import type { SearchPassenger } from '../../../src/journeys/journey-data.ts';

const FAMILY: SearchPassenger[] = [{ id: 'PAX1', type: 'ADT' }, { id: 'PAX2', type: 'CHD' }, { id: 'PAX3', type: 'INF' }];
const CONTACT = { email: 'ada@example.com', phone: { countryDialingCode: '+44', number: '20 7946 0958' } };

function problemsOf(body: Record<string, unknown>, travel = '2026-06-15'): string[] {
  try {
    checkCustomerData(body, FAMILY, travel, '2026-03-01');
    return [];
  } catch (error) {
    return (error as { details: { path: string }[] }).details.map((d) => d.path);
  }
}

describe('checkCustomerData', () => {
  it('accepts a family whose dates of birth fit their types on the travel date', () => {
    const checked = checkCustomerData({
      passengers: [
        { givenName: 'Ada', surname: 'Lovelace' },
        { givenName: 'Byron', surname: "O'Neil-King", birthdate: '2014-06-16' },
        { givenName: 'Cleo', surname: 'King', birthdate: '2024-06-16' },
      ],
      contact: CONTACT,
    }, FAMILY, '2026-06-15', '2026-03-01');
    expect(checked.passengers.map((p) => [p.paxId, p.ptc])).toEqual([['PAX1', 'ADT'], ['PAX2', 'CHD'], ['PAX3', 'INF']]);
    expect(checked.contact).toEqual(CONTACT);
  });

  it('needs a date of birth for children and infants, consistent with the type on the travel date', () => {
    expect(problemsOf({
      passengers: [{ givenName: 'Ada', surname: 'Lovelace' }, { givenName: 'Byron', surname: 'King' }, { givenName: 'Cleo', surname: 'King', birthdate: '2024-06-15' }],
      contact: CONTACT,
    })).toEqual(['/passengers/1/birthdate', '/passengers/2/birthdate']);
    // A child turning 12 the day before travel is an adult; an infant born in the future does not exist.
    expect(problemsOf({
      passengers: [{ givenName: 'Ada', surname: 'Lovelace', birthdate: '2015-01-01' }, { givenName: 'Byron', surname: 'King', birthdate: '2014-06-14' }, { givenName: 'Cleo', surname: 'King', birthdate: '2026-04-01' }],
      contact: CONTACT,
    })).toEqual(['/passengers/0/birthdate', '/passengers/1/birthdate', '/passengers/2/birthdate']);
  });

  it('names every problem at once: names, count, e-mail, phone', () => {
    expect(problemsOf({ passengers: [{ givenName: '', surname: '42' }], contact: { email: 'nope', phone: { number: 'x', countryDialingCode: 'uk' } } })).toEqual([
      '/passengers', '/passengers/0/givenName', '/passengers/0/surname', '/contact/email', '/contact/phone/number', '/contact/phone/countryDialingCode',
    ]);
  });

  it('counts whole years', () => {
    expect(ageOn('2014-06-16', '2026-06-15')).toBe(11);
    expect(ageOn('2014-06-15', '2026-06-15')).toBe(12);
  });
});
