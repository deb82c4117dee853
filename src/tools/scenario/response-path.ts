/**
 * The path language of scenario files: element paths over a parsed NDC response, written from
 * below the root element with local names, e.g. `Response.OffersGroup.CarrierOffers[0].Offer[0].OfferID`.
 *
 *   Name        every child element `Name` of every element selected so far
 *   Name[n]     only the n-th (0-based) `Name` child of each parent; `[-1]` is the last
 *   @Name       an attribute (last step only), e.g. `TotalPrice.TotalAmount.@CurCode`
 *   #text       the text of an element that also carries attributes (last step only)
 *
 * A path selects a list of nodes, like XPath, so `Offer.OfferID` selects the id of every offer:
 * `count` counts the list, `exists` asks that it is not empty, a capture takes its first value
 * unless told to take all. Because the response is parsed with its schema model, an element the
 * XSD lets repeat is a list even when it occurs once, so indexes work the same on every answer.
 * The syntax is the mapping paths' (`Name[n]` steps joined by dots), without their anchors.
 */

/** One step of a compiled path. */
export interface ResponsePathStep {
  /** Local element name, `@Attr` or `#text`. */
  readonly name: string;
  /** Index among the siblings of that name; negative counts from the end. */
  readonly index: number | undefined;
}

export interface ResponsePath {
  readonly source: string;
  readonly steps: readonly ResponsePathStep[];
}

/** Thrown by {@link parseResponsePath}; the suite loader adds file and line. */
export class ResponsePathError extends Error {
  override name = 'ResponsePathError';
}

const STEP = /^(@?[A-Za-z_][\w-]*|#text)(?:\[(-?\d+)\])?$/;

/** Compiles a path once, at load time. @throws ResponsePathError with a message an author can act on. */
export function parseResponsePath(source: string): ResponsePath {
  if (source.trim() !== source || source === '') {
    throw new ResponsePathError(`invalid path '${source}': a path is a non-empty string without surrounding spaces`);
  }
  const parts = source.split('.');
  const steps = parts.map((part, i): ResponsePathStep => {
    const match = STEP.exec(part);
    if (!match || match[1] === undefined) {
      const hint = part.includes(':') ? ' (write local names, without namespace prefixes)' : '';
      throw new ResponsePathError(`invalid path '${source}': '${part}' is not a name with an optional [n] index${hint}`);
    }
    const name = match[1];
    const special = name.startsWith('@') || name === '#text';
    if (special && i !== parts.length - 1) {
      throw new ResponsePathError(`invalid path '${source}': '${name}' can only be the last step`);
    }
    if (special && match[2] !== undefined) {
      throw new ResponsePathError(`invalid path '${source}': '${name}' takes no index`);
    }
    return { name, index: match[2] === undefined ? undefined : Number(match[2]) };
  });
  return { source, steps };
}

const hasOwn = Object.prototype.hasOwnProperty;

function childrenOf(node: unknown, name: string): unknown[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
  if (!hasOwn.call(node, name)) return [];
  const value = (node as Record<string, unknown>)[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Every node the path selects in a parsed document (the content of its root element), in document order. */
export function selectNodes(document: unknown, path: ResponsePath): unknown[] {
  let nodes: unknown[] = [document];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (step.name === '#text') {
        if (typeof node === 'string') next.push(node);
        else next.push(...childrenOf(node, '#text'));
        continue;
      }
      const children = childrenOf(node, step.name);
      if (step.index === undefined) next.push(...children);
      else {
        const picked = children[step.index < 0 ? children.length + step.index : step.index];
        if (picked !== undefined) next.push(picked);
      }
    }
    nodes = next;
  }
  return nodes;
}

/**
 * The value of a selected node: its text, or `undefined` for an element that holds child elements.
 * An element that carries attributes and text (`<TotalAmount CurCode="EUR">12.00</TotalAmount>`) has its text.
 */
export function nodeValue(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const record = node as Record<string, unknown>;
  const keys = Object.keys(record);
  if (hasOwn.call(record, '#text')) return nodeValue(record['#text']);
  // An empty element that only carries attributes has the empty string as its text.
  return keys.every((key) => key.startsWith('@')) ? '' : undefined;
}

/** What a path selects, as values; elements with children are left out and counted in `complex`. */
export function selectValues(document: unknown, path: ResponsePath): { values: string[]; complex: number; nodes: number } {
  const nodes = selectNodes(document, path);
  const values: string[] = [];
  let complex = 0;
  for (const node of nodes) {
    const value = nodeValue(node);
    if (value === undefined) complex += 1;
    else values.push(value);
  }
  return { values, complex, nodes: nodes.length };
}
