import { GatewayError, type ErrorDetail } from '../errors/index.ts';
import type { CustomerContact, CustomerPassenger, SearchPassenger } from './journey-data.ts';

const NAME = /^[\p{L}][\p{L}\p{M}' .-]{0,63}$/u;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// The order command's own patterns, so data accepted here is never refused later.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^[0-9 ()-]{3,32}$/;
const DIAL = /^\+?[0-9]{1,4}$/;
const GENDERS = ['MALE', 'FEMALE', 'UNDISCLOSED'];

/** Age limits on the travel date, in whole years: an infant is under 2, a child 2 to 11, an adult 12 or over. */
const AGES: Readonly<Record<SearchPassenger['type'], { min: number; max: number }>> = {
  INF: { min: 0, max: 1 },
  CHD: { min: 2, max: 11 },
  ADT: { min: 12, max: 130 },
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Whole years between a birth date and a day (both YYYY-MM-DD). */
export function ageOn(birthdate: string, day: string): number {
  const [by, bm, bd] = birthdate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = day.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/**
 * Checks the passengers and contact of `PUT /booking/customer` against the passengers the journey
 * searched for, and returns every problem with its path at once, so a form can mark every field:
 * names; a date of birth for each child and infant, consistent with its type on the travel date;
 * an e-mail and a phone.
 */
export function checkCustomerData(body: Record<string, unknown>, searched: readonly SearchPassenger[], travelDate: string, today: string): { passengers: CustomerPassenger[]; contact: CustomerContact } {
  const problems: ErrorDetail[] = [];
  const given = Array.isArray(body.passengers) ? body.passengers : undefined;
  if (!given) problems.push({ message: 'passengers must be a list', path: '/passengers' });
  else if (given.length !== searched.length) problems.push({ message: `the search was for ${searched.length} passenger(s), ${given.length} given`, path: '/passengers' });
  const passengers: CustomerPassenger[] = [];
  searched.forEach((pax, index) => {
    const raw = given?.[index];
    const path = `/passengers/${index}`;
    if (!isObject(raw)) {
      if (given && index < given.length) problems.push({ message: 'a passenger must be an object', path });
      return;
    }
    if (raw.paxId !== undefined && raw.paxId !== pax.id) problems.push({ message: `passenger ${index + 1} of the search is ${pax.id}`, path: `${path}/paxId` });
    for (const key of ['givenName', 'surname'] as const) {
      const name = raw[key];
      if (typeof name !== 'string' || !NAME.test(name.trim())) problems.push({ message: `${key} must be a name of letters (spaces, hyphens and apostrophes allowed), at most 64 characters`, path: `${path}/${key}` });
    }
    const birthdate = raw.birthdate;
    if (birthdate === undefined) {
      if (pax.type !== 'ADT') problems.push({ message: `a date of birth is required for a passenger of type ${pax.type}`, path: `${path}/birthdate` });
    } else if (typeof birthdate !== 'string' || !isRealDate(birthdate)) {
      problems.push({ message: 'birthdate must be a date YYYY-MM-DD', path: `${path}/birthdate` });
    } else if (birthdate > today) {
      problems.push({ message: 'birthdate is in the future', path: `${path}/birthdate` });
    } else {
      const age = ageOn(birthdate, travelDate);
      const { min, max } = AGES[pax.type];
      if (age < min || age > max) problems.push({ message: `a ${pax.type} passenger is ${min} to ${max} years old on the travel date ${travelDate}; this one is ${age}`, path: `${path}/birthdate` });
    }
    if (raw.gender !== undefined && !GENDERS.includes(raw.gender as string)) problems.push({ message: `gender must be one of ${GENDERS.join(', ')}`, path: `${path}/gender` });
    if (raw.title !== undefined && !(typeof raw.title === 'string' && raw.title.length > 0 && raw.title.length <= 32)) problems.push({ message: 'title must be a short text', path: `${path}/title` });
    passengers.push({
      paxId: pax.id, ptc: pax.type, givenName: String(raw.givenName ?? '').trim(), surname: String(raw.surname ?? '').trim(),
      ...(typeof birthdate === 'string' ? { birthdate } : {}),
      ...(typeof raw.gender === 'string' ? { gender: raw.gender } : {}),
      ...(typeof raw.title === 'string' ? { title: raw.title } : {}),
    });
  });
  const contact = isObject(body.contact) ? body.contact : undefined;
  if (!contact) problems.push({ message: 'contact must be an object with email and phone', path: '/contact' });
  const email = contact?.email;
  if (contact && !(typeof email === 'string' && email.length <= 320 && EMAIL.test(email))) problems.push({ message: 'email must be an e-mail address', path: '/contact/email' });
  const phone = contact?.phone;
  if (contact && !(isObject(phone) && typeof phone.number === 'string' && PHONE.test(phone.number))) {
    problems.push({ message: 'phone.number must be 3 to 32 digits (spaces, hyphens and brackets allowed)', path: '/contact/phone/number' });
  }
  if (isObject(phone) && phone.countryDialingCode !== undefined && !(typeof phone.countryDialingCode === 'string' && DIAL.test(phone.countryDialingCode))) {
    problems.push({ message: 'phone.countryDialingCode must be e.g. +44', path: '/contact/phone/countryDialingCode' });
  }
  if (problems.length > 0) throw new GatewayError('INVALID_BUSINESS_DATA', `The customer data has ${problems.length} problem(s)`, problems);
  const dial = isObject(phone) && typeof phone.countryDialingCode === 'string' ? { countryDialingCode: phone.countryDialingCode } : {};
  return { passengers, contact: { email: email as string, phone: { ...dial, number: (phone as { number: string }).number } } };
}
