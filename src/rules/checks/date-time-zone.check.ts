import type { CheckFunction, DocNode } from '../rule-types.ts';
import { listOption, stringOption } from './read-field.ts';

/** xs:dateTime and xs:time lexical forms, with the zone captured. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
const TIME = /^\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
const UTC_ZONES = new Set(['Z', '+00:00', '-00:00']);

/** Cheap test before the regular expressions: `YYYY-MM-DDT…` or `hh:mm…`; most texts are neither. */
function mayBeTime(value: string): boolean {
  return (value.length >= 16 && value.charCodeAt(4) === 0x2d && value.charCodeAt(10) === 0x54)
    || (value.length >= 5 && value.length <= 21 && value.charCodeAt(2) === 0x3a);
}

function underAny(node: DocNode, names: ReadonlySet<string>): boolean {
  for (let at = node.parent; at; at = at.parent) if (names.has(at.name)) return true;
  return false;
}

/**
 * Time zones of timestamps, told apart by where they stand, since the schemas type both as
 * xs:dateTime: a value inside a segment's departure or arrival (`segmentElements`) is the local
 * time of the airport and carries no zone (`zone: local`); any other date-time is a moment and is
 * written in UTC, with `Z` or `+00:00` (`zone: utc`). Plain dates and values that are not
 * date-times are not looked at; times of day (xs:time) only inside segments.
 */
export const dateTimeZone: CheckFunction = (context, options) => {
  const zone = stringOption(options, 'zone');
  const segments = new Set(listOption(options, 'segmentElements'));
  const look = (node: DocNode, value: string, attribute?: string): void => {
    if (!mayBeTime(value)) return;
    const inSegment = underAny(node, segments);
    if (zone === 'local') {
      if (!inSegment) return;
      const found = DATE_TIME.exec(value) ?? TIME.exec(value);
      if (found?.[1] !== undefined) context.report(node, `segment time ${value} of ${attribute ?? node.name} carries a zone (${found[1]}); segment times are local`, attribute);
      return;
    }
    if (inSegment) return;
    const found = DATE_TIME.exec(value);
    if (!found) return;
    if (found[1] === undefined) context.report(node, `timestamp ${value} of ${attribute ?? node.name} has no zone; write it in UTC with Z`, attribute);
    else if (!UTC_ZONES.has(found[1])) context.report(node, `timestamp ${value} of ${attribute ?? node.name} is not UTC (${found[1]})`, attribute);
  };
  for (const node of context.nodes) {
    if (node.text !== '') look(node, node.text);
    for (const [name, value] of Object.entries(node.attributes)) look(node, value, name);
  }
};
