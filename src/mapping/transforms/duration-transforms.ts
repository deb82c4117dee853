import { defineTransform, describeValue } from './transform-types.ts';

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export const toIsoDurationTransform = defineTransform({
  name: 'toIsoDuration',
  description: "Turns a number of minutes into an ISO 8601 duration, e.g. 135 → 'PT2H15M' (NDC Duration).",
  input: 'scalar',
  apply: (value) => {
    const minutes = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) {
      throw new Error(`expected a number of minutes, got ${describeValue(value)}`);
    }
    const total = Math.round(minutes);
    const hours = Math.floor(total / 60);
    const rest = total % 60;
    if (hours === 0) return `PT${rest}M`;
    return rest === 0 ? `PT${hours}H` : `PT${hours}H${rest}M`;
  },
});

export const fromIsoDurationTransform = defineTransform({
  name: 'fromIsoDuration',
  description: "Turns an ISO 8601 duration with days, hours, minutes or seconds into whole minutes, e.g. 'PT2H15M' → 135.",
  input: 'scalar',
  apply: (value) => {
    const match = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
    if (!match || match.slice(1).every((part) => part === undefined) || (value as string).trim().endsWith('T')) {
      throw new Error(`expected an ISO 8601 duration such as PT2H15M, got ${describeValue(value)}`);
    }
    const [, days, hours, minutes, seconds] = match;
    return Number(days ?? 0) * 1440 + Number(hours ?? 0) * 60 + Number(minutes ?? 0) + Math.round(Number(seconds ?? 0) / 60);
  },
});
