import { XMLBuilder } from 'fast-xml-parser';
import { GatewayError } from '../errors/index.ts';
import type { ElementInfo, SchemaModel } from './schema-model.ts';
import { XSI_PREFIX } from './parse-xml.ts';
import { ILLEGAL_XML_CHAR } from './xml-text.ts';

/** Namespaces a response is written with. */
export interface BuildNamespaces {
  /** Namespace of the message root; declared as the default namespace. */
  readonly messageNamespace: string;
  /** Namespace of the common types; bound to `cns:` when it differs from the message namespace. */
  readonly typesNamespace: string;
}

/** Prefix bound to the types namespace in 21.3 and later. */
export const TYPES_PREFIX = 'cns';

const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XSI_NIL = `${XSI_PREFIX}:nil`;
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
/** Guards against cyclic input objects; far deeper than any NDC message. */
const MAX_BUILD_DEPTH = 256;

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: true,
  format: false,
});

/** One node of fast-xml-parser's preserveOrder shape. */
type OrderedNode = Record<string, unknown>;

interface BuildContext {
  readonly ns: BuildNamespaces;
  readonly prefixTypes: boolean;
  readonly orderIndex: WeakMap<readonly string[], ReadonlyMap<string, number>>;
}

const orderIndexes = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

/**
 * Writes a response document from the parser's data shape (local names, `@Attr`, `#text`,
 * arrays for repeats). Children come out in schema order whatever order the keys were written in,
 * and each element gets its schema namespace. A key the schema does not allow at its place is a
 * mapping bug, so it fails loudly with INVALID_RESPONSE naming the path.
 */
export function buildXml(rootName: string, content: Record<string, unknown>, model: SchemaModel, ns: BuildNamespaces): string {
  if (rootName !== model.rootName) {
    throw invalid(`/${rootName}`, `Root element '${rootName}' is not the root '${model.rootName}' of the schema`);
  }
  const context: BuildContext = {
    ns,
    prefixTypes: ns.typesNamespace !== ns.messageNamespace,
    orderIndex: orderIndexes,
  };
  const rootAttributes: Record<string, string> = { '@xmlns': ns.messageNamespace };
  if (context.prefixTypes) rootAttributes[`@xmlns:${TYPES_PREFIX}`] = ns.typesNamespace;
  const root = buildElement(model.root, content, `/${rootName}`, context, ns.messageNamespace, rootAttributes, 0);
  return XML_DECLARATION + builder.build([root]);
}

function invalid(path: string, message: string): GatewayError {
  return new GatewayError('INVALID_RESPONSE', `${message} at ${path}`, [{ message, path }]);
}

function qualifiedName(info: ElementInfo, context: BuildContext, defaultNamespace: string): { name: string; declare?: string } {
  if (context.prefixTypes && info.namespace === context.ns.typesNamespace) return { name: `${TYPES_PREFIX}:${info.name}` };
  if (info.namespace === defaultNamespace) return { name: info.name };
  // A namespace other than the two message ones (e.g. xmldsig): make it the default below this element.
  return { name: info.name, declare: info.namespace };
}

function buildElement(
  info: ElementInfo,
  value: unknown,
  path: string,
  context: BuildContext,
  defaultNamespace: string,
  extraAttributes: Record<string, string> | undefined,
  depth: number,
): OrderedNode {
  if (depth > MAX_BUILD_DEPTH) throw invalid(path, `Content is nested deeper than ${MAX_BUILD_DEPTH} levels (cyclic data?)`);
  const { name, declare } = qualifiedName(info, context, defaultNamespace);
  const attributes: Record<string, string> = { ...extraAttributes };
  let childNamespace = defaultNamespace;
  if (declare !== undefined) {
    attributes['@xmlns'] = declare;
    childNamespace = declare;
  }
  const children: OrderedNode[] = [];
  if (isRecord(value)) {
    let text: string | undefined;
    const present: { key: string; info: ElementInfo; value: unknown }[] = [];
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (key === '#text') {
        if (item === null || item === undefined) continue;
        text = scalarText(item, `${path}/#text`);
        if (text !== '' && !info.hasText) throw invalid(path, `Element '${info.name}' does not take text`);
      } else if (key.startsWith('@')) {
        if (item === null || item === undefined) continue;
        const attribute = key.slice(1);
        if (attribute === XSI_NIL) {
          attributes[`@xmlns:${XSI_PREFIX}`] = XSI_NS;
        } else if (!info.anyAttribute && !info.attributes.includes(attribute)) {
          throw invalid(`${path}/${key}`, `Attribute '${attribute}' is not allowed on '${info.name}'`);
        }
        attributes[key] = scalarText(item, `${path}/${key}`);
      } else {
        const child = info.child(key);
        if (!child) throw invalid(`${path}/${key}`, `Element '${key}' is not allowed in '${info.name}'`);
        present.push({ key, info: child, value: item });
      }
    }
    if (present.length > 1) {
      const index = orderIndexOf(info.childOrder, context);
      present.sort((a, b) => (index.get(a.key) ?? 0) - (index.get(b.key) ?? 0));
    }
    if (text !== undefined && text !== '') children.push({ '#text': text });
    for (const entry of present) {
      appendChildren(children, entry.info, entry.value, `${path}/${entry.key}`, context, childNamespace, depth);
    }
  } else if (value !== null && value !== undefined) {
    const text = scalarText(value, path);
    if (text !== '') {
      if (!info.hasText) throw invalid(path, `Element '${info.name}' does not take text`);
      children.push({ '#text': text });
    }
  }
  const node: OrderedNode = { [name]: children };
  if (Object.keys(attributes).length > 0) node[':@'] = attributes;
  return node;
}

function appendChildren(
  out: OrderedNode[],
  info: ElementInfo,
  value: unknown,
  path: string,
  context: BuildContext,
  defaultNamespace: string,
  depth: number,
): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    const items = value.filter((item) => item !== null && item !== undefined);
    if (items.length > 1 && !info.repeated) {
      throw invalid(path, `Element '${info.name}' occurs ${items.length} times but the schema allows it once`);
    }
    let position = 0;
    for (const item of value) {
      position++;
      if (item === null || item === undefined) continue;
      if (Array.isArray(item)) throw invalid(`${path}[${position}]`, `Nested arrays are not allowed for '${info.name}'`);
      out.push(buildElement(info, item, `${path}[${position}]`, context, defaultNamespace, undefined, depth + 1));
    }
    return;
  }
  out.push(buildElement(info, value, path, context, defaultNamespace, undefined, depth + 1));
}

function orderIndexOf(order: readonly string[], context: BuildContext): ReadonlyMap<string, number> {
  let index = context.orderIndex.get(order);
  if (!index) {
    index = new Map(order.map((name, position) => [name, position]));
    context.orderIndex.set(order, index);
  }
  return index;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function scalarText(value: unknown, path: string): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(path, `Value ${value} cannot be written as XML`);
    text = String(value);
  } else if (typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid(path, 'Invalid date');
    text = value.toISOString();
  } else throw invalid(path, `Expected a text value, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  if (ILLEGAL_XML_CHAR.test(text)) throw invalid(path, 'Value holds a character XML does not allow');
  return text;
}
