import { describe, it, expect } from 'vitest';
import { addDays, formatLocalDateTime, isCalendarDate, localToUtcMs, offsetMinutes } from '../../../src/reference/airline/local-time.ts';

describe('local time', () => {
  it('turns local wall-clock times into instants across zones and seasons', () => {
    expect(localToUtcMs('2027-01-15', '08:30', 'Europe/London')).toBe(Date.UTC(2027, 0, 15, 8, 30));
    expect(localToUtcMs('2027-07-15', '08:30', 'Europe/London')).toBe(Date.UTC(2027, 6, 15, 7, 30));
    expect(localToUtcMs('2027-01-15', '08:30', 'Asia/Kolkata')).toBe(Date.UTC(2027, 0, 15, 3, 0));
    expect(localToUtcMs('2027-01-15', '08:30', 'Australia/Melbourne')).toBe(Date.UTC(2027, 0, 14, 21, 30));
  });

  it('formats instants in the local time of a zone, including on transition days', () => {
    expect(formatLocalDateTime(Date.UTC(2027, 0, 15, 23, 0), 'Asia/Singapore')).toBe('2027-01-16T07:00:00');
    expect(formatLocalDateTime(Date.UTC(2027, 2, 28, 0, 30), 'Europe/London')).toBe('2027-03-28T00:30:00');
    expect(formatLocalDateTime(Date.UTC(2027, 2, 28, 1, 30), 'Europe/London')).toBe('2027-03-28T02:30:00');
    expect(offsetMinutes(Date.UTC(2027, 2, 14, 12), 'America/New_York')).toBe(-240);
  });

  it('does date arithmetic on calendar dates', () => {
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
  });
});
