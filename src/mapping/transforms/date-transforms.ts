import { defineTransform, describeValue } from './transform-types.ts';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

interface DateParts {
  readonly date: string;
  readonly hasTime: boolean;
  readonly hour: string;
  readonly minute: string;
  readonly second: string;
  readonly fraction: string;
  readonly offset: string;
}

function normaliseOffset(offset: string | undefined): string {
  if (!offset || offset === 'Z') return offset ?? '';
  return offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

/**
 * Splits a date or date-time as written. Dates are taken as written, never shifted to UTC:
 * a departure on 2024-05-01T23:30+10:00 departs on 2024-05-01 local time.
 */
function parseDateTime(value: unknown): DateParts {
  let text = value;
  if (typeof value === 'number' && Number.isFinite(value)) text = new Date(value).toISOString();
  if (typeof text === 'string') {
    const match = DATE_TIME.exec(text.trim());
    if (match) {
      const [, y, mo, d, h, mi, s, fraction, offset] = match;
      const year = Number(y);
      const month = Number(mo);
      const day = Number(d);
      const check = new Date(Date.UTC(year, month - 1, day));
      const validTime = h === undefined || (Number(h) < 24 && Number(mi) < 60 && Number(s ?? 0) < 60);
      if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day && validTime) {
        return {
          date: `${y}-${mo}-${d}`,
          hasTime: h !== undefined,
          hour: h ?? '00',
          minute: mi ?? '00',
          second: s ?? '00',
          fraction: fraction ?? '',
          offset: normaliseOffset(offset),
        };
      }
    }
  }
  throw new Error(`expected a date YYYY-MM-DD or a date-time, got ${describeValue(value)}`);
}

export const isoDateTransform = defineTransform({
  name: 'isoDate',
  description: "Takes the date 'YYYY-MM-DD' of a date or date-time, as written (no time-zone shift).",
  input: 'scalar',
  apply: (value) => parseDateTime(value).date,
});

export const isoDateTimeTransform = defineTransform<boolean>({
  name: 'isoDateTime',
  description: "Normalises to 'YYYY-MM-DDTHH:MM:SS' plus the offset if one was given (args: 'local' drops fraction and offset).",
  input: 'scalar',
  prepare: (args) => {
    if (args === undefined) return false;
    if (args === 'local') return true;
    throw new Error("isoDateTime takes no args or 'local'");
  },
  apply: (value, local) => {
    const p = parseDateTime(value);
    const base = `${p.date}T${p.hour}:${p.minute}:${p.second}`;
    return local ? base : `${base}${p.fraction}${p.offset}`;
  },
});

export const timeTransform = defineTransform({
  name: 'time',
  description: "Takes the local time 'HH:MM' of a date-time or a time.",
  input: 'scalar',
  apply: (value) => {
    if (typeof value === 'string') {
      const match = TIME.exec(value.trim());
      if (match && Number(match[1]) < 24 && Number(match[2]) < 60) return `${match[1]}:${match[2]}`;
    }
    const p = parseDateTime(value);
    if (!p.hasTime) throw new Error(`expected a date-time or a time, got ${describeValue(value)}`);
    return `${p.hour}:${p.minute}`;
  },
});

export const addDaysTransform = defineTransform<number>({
  name: 'addDays',
  description: 'Moves a date or date-time by a whole number of days (args: days, may be negative); keeps the time as written.',
  input: 'scalar',
  prepare: (args) => {
    if (typeof args !== 'number' || !Number.isInteger(args)) throw new Error('addDays takes a whole number of days, e.g. { name: addDays, args: 1 }');
    return args;
  },
  apply: (value, days) => {
    const p = parseDateTime(value);
    const [y, m, d] = p.date.split('-').map(Number) as [number, number, number];
    const moved = new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
    return p.hasTime ? `${moved}T${p.hour}:${p.minute}:${p.second}${p.fraction}${p.offset}` : moved;
  },
});

export const nowTransform = defineTransform<'date' | 'dateTime'>({
  name: 'now',
  description: "The current instant as an ISO 8601 date-time, or today's date with args 'date'; uses $ctx.now when the caller pinned it.",
  input: 'source',
  prepare: (args) => {
    if (args === undefined || args === 'dateTime') return 'dateTime';
    if (args === 'date') return 'date';
    throw new Error("now takes no args, 'date' or 'dateTime'");
  },
  apply: (_value, format, ctx) => (format === 'date' ? ctx.now().slice(0, 10) : ctx.now()),
});
