import type { CheckFunction, DocNode } from '../rule-types.ts';
import { readField, fieldNode, stringOption } from './read-field.ts';

/**
 * Every infant travels with an adult of the same message, and no adult with two infants. 21.3 and
 * later link the infant to the adult (`link` on the infant: Pax/PaxRefID); 17.2 links the adult to
 * the infant (`adultLink` on the adult: Passenger/InfantRef).
 */
export const infantWithAdult: CheckFunction = (context, options) => {
  const paxName = stringOption(options, 'pax');
  const idField = stringOption(options, 'id');
  const ptcField = stringOption(options, 'ptc', 'PTC');
  const link = typeof options.link === 'string' ? options.link : undefined;
  const adultLink = typeof options.adultLink === 'string' ? options.adultLink : undefined;
  const adultCodes = new Set(Array.isArray(options.adultCodes) ? (options.adultCodes as string[]) : ['ADT']);
  const byId = new Map<string, DocNode>();
  const pax: DocNode[] = [];
  for (const node of context.nodes) {
    if (node.name !== paxName) continue;
    pax.push(node);
    const id = readField(node, idField);
    if (id !== undefined) byId.set(id, node);
  }
  const isAdult = (node: DocNode | undefined): boolean => node !== undefined && adultCodes.has(readField(node, ptcField) ?? '');
  const infants = pax.filter((node) => readField(node, ptcField) === 'INF');
  if (infants.length === 0) return;
  if (link !== undefined) {
    const carried = new Map<string, string>();
    for (const infant of infants) {
      const name = readField(infant, idField) ?? infant.path;
      const adultId = readField(infant, link);
      if (adultId === undefined) {
        context.report(infant, `infant ${name} names no adult (${link})`);
      } else if (!isAdult(byId.get(adultId))) {
        context.report(fieldNode(infant, link), `infant ${name} refers to ${adultId}, which is no adult passenger of this message`);
      } else if (carried.has(adultId)) {
        context.report(fieldNode(infant, link), `adult ${adultId} already travels with infant ${carried.get(adultId) ?? ''}`);
      } else {
        carried.set(adultId, name);
      }
    }
    return;
  }
  if (adultLink === undefined) throw new TypeError("rule option 'link' or 'adultLink' must be set");
  const carriedBy = new Map<string, DocNode>();
  for (const node of pax) {
    const infantId = readField(node, adultLink);
    if (infantId === undefined) continue;
    if (!isAdult(node)) context.report(fieldNode(node, adultLink), `${readField(node, idField) ?? node.name} carries infant ${infantId} but is no adult`);
    else carriedBy.set(infantId, node);
  }
  for (const infant of infants) {
    const id = readField(infant, idField) ?? '';
    if (!carriedBy.has(id)) context.report(infant, `infant ${id || infant.path} travels with no adult (no adult's ${adultLink} names it)`);
  }
};
