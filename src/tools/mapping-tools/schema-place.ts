import { XSI_PREFIX, type ElementInfo } from '../../xml/index.ts';
import type { LintCode } from './lint-issue.ts';
import { formatSuggestion, suggestNames } from './suggest-names.ts';

/**
 * Where a mapping path or output key stands in a message's element tree, as the lint sees it
 * without a document: an element declaration, a value (an attribute or an element's text), or
 * somewhere the schema cannot tell (below `xs:any`, after an earlier mistake, in `$config`).
 */
export type SchemaPlace =
  | { readonly kind: 'element'; readonly info: ElementInfo; readonly trail: string }
  | { readonly kind: 'value'; readonly trail: string }
  | { readonly kind: 'unknown' };

/** Why a name is not allowed at a place, worded for the author, with the closest allowed names. */
export interface SchemaMiss {
  readonly code: LintCode;
  readonly message: string;
  /** The element the name was looked up in, XPath style (`/IATA_AirShoppingRQ/Request`). */
  readonly at: string;
  readonly suggestions: readonly string[];
}

export type SchemaStep = { readonly place: SchemaPlace; readonly miss?: undefined } | { readonly miss: SchemaMiss; readonly place?: undefined };

export const UNKNOWN_PLACE: SchemaPlace = Object.freeze({ kind: 'unknown' });

/** The place of a message root element. */
export function createRootPlace(root: ElementInfo): SchemaPlace {
  return { kind: 'element', info: root, trail: `/${root.name}` };
}

/** Names an author may write below an element: its child elements, then its attributes as `@Name`. */
export function listAllowedNames(info: ElementInfo): string[] {
  return [...info.childOrder, ...info.attributes.map((name) => `@${name}`), ...(info.hasText && info.attributes.length > 0 ? ['#text'] : [])];
}

/**
 * Steps from an element to a child element (`PaxList`), an attribute (`@CurCode`) or its text
 * (`#text`), as the XML parser and builder name them.
 */
export function stepIntoElement(info: ElementInfo, trail: string, name: string): SchemaStep {
  if (name.startsWith('@')) {
    const attribute = name.slice(1);
    // xsi:* attributes (xsi:nil) belong to every element; the parser and builder keep them under their prefix.
    if (info.anyAttribute || info.attributes.includes(attribute) || attribute.startsWith(`${XSI_PREFIX}:`)) {
      return { place: { kind: 'value', trail: `${trail}/${name}` } };
    }
    const suggestions = suggestNames(name, info.attributes.map((a) => `@${a}`));
    const message = info.attributes.length === 0
      ? `'${name}': ${info.name} has no attributes`
      : `'${name}' is not an attribute of ${info.name}${formatSuggestion(suggestions)}`;
    return { miss: { code: 'unknown-attribute', message, suggestions, at: trail } };
  }
  if (name === '#text') {
    if (info.hasText) return { place: { kind: 'value', trail: `${trail}/#text` } };
    return { miss: { code: 'no-text', message: `'#text': ${info.name} holds elements, not text`, suggestions: [], at: trail } };
  }
  const child = info.child(name);
  if (child) return { place: { kind: 'element', info: child, trail: `${trail}/${name}` } };
  if (info.anyElement) return { place: UNKNOWN_PLACE };
  const suggestions = suggestNames(name, listAllowedNames(info));
  const message = info.childOrder.length === 0
    ? `'${name}' is not an element of ${info.name}, which holds only text${formatSuggestion(suggestions)}`
    : `'${name}' is not an element of ${info.name}${formatSuggestion(suggestions)}`;
  return { miss: { code: 'unknown-element', message, suggestions, at: trail } };
}
