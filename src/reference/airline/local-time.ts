/**
 * Local times of airports. Schedules are published in local time, so each flight's departure is
 * turned into an instant through the time zone of its origin, and its arrival back into the local
 * time of its destination. Uses the ICU time-zone data that Node ships (no extra dependency).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(utcMs: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year ?? 0, mo: parts.month ?? 1, d: parts.day ?? 1, h: parts.hour ?? 0, mi: parts.minute ?? 0, s: parts.second ?? 0 };
}

function exactOffsetMinutes(utcMs: number, timeZone: string): number {
  const w = wallClock(utcMs, timeZone);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

const DAY_MS = 86_400_000;
const dayOffsets = new Map<string, readonly [number, number]>();

/**
 * Offset of the zone from UTC at an instant, in minutes (east positive). Offsets are cached per
 * zone and UTC day; only days with a transition fall back to asking ICU for the exact instant.
 */
export function offsetMinutes(utcMs: number, timeZone: string): number {
  const day = Math.floor(utcMs / DAY_MS);
  const key = `${timeZone}|${day}`;
  let bounds = dayOffsets.get(key);
  if (!bounds) {
    bounds = [exactOffsetMinutes(day * DAY_MS, timeZone), exactOffsetMinutes((day + 1) * DAY_MS - 1000, timeZone)];
    if (dayOffsets.size > 20_000) dayOffsets.clear();
    dayOffsets.set(key, bounds);
  }
  return bounds[0] === bounds[1] ? bounds[0] : exactOffsetMinutes(utcMs, timeZone);
}

/** The instant of a local wall-clock time (`date` YYYY-MM-DD, `time` HH:MM) in a zone. */
export function localToUtcMs(date: string, time: string, timeZone: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  const first = naive - offsetMinutes(naive, timeZone) * 60_000;
  const second = naive - offsetMinutes(first, timeZone) * 60_000;
  return second;
}

/** Local date-time of an instant in a zone, as YYYY-MM-DDTHH:MM:SS. */
export function formatLocalDateTime(utcMs: number, timeZone: string): string {
  const seconds = Math.floor(utcMs / 1000) * 1000;
  return new Date(seconds + offsetMinutes(seconds, timeZone) * 60_000).toISOString().slice(0, 19);
}

/** YYYY-MM-DD of an instant in UTC. */
export function formatUtcDate(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return formatUtcDate(Date.UTC(y, mo - 1, d + days));
}

/** True when `date` is a real calendar date in YYYY-MM-DD form (rejects 2026-02-30). */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}
