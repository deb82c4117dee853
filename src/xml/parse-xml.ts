import { XMLParser, XMLValidator, type X2jOptions } from 'fast-xml-parser';
import { GatewayError } from '../errors/index.ts';
import type { ElementInfo, SchemaModel } from './schema-model.ts';
import {
  ILLEGAL_XML_CHAR, decodeUtf8, decodeXmlReferences, findInvalidUtf8, isLegalXmlCodePoint, locateOffset, utf8Error, xmlError,
} from './xml-text.ts';

/** The first start tag of a document, read without parsing the rest. */
export interface RootElement {
  readonly localName: string;
  readonly prefix?: string;
  /** Namespace URI bound to the root's prefix (or the default namespace) by the root's own declarations. */
  readonly namespace?: string;
  /** Attributes as written (qualified names, xmlns declarations included), values with references decoded. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly line: number;
  readonly column: number;
}

/** Options of {@link parseXml}. */
export interface ParseXmlOptions {
  /** Schema model of the message; with it, every element the schema lets repeat is always an array. */
  readonly model?: SchemaModel;
  /** Deepest element nesting accepted. @defaultValue 200 */
  readonly maxDepth?: number;
  /**
   * Run fast-xml-parser's XMLValidator before parsing. The parser alone accepts mismatched end tags,
   * so only turn this off when a later stage (XSD validation) parses the document again anyway.
   * @defaultValue true
   */
  readonly checkWellFormed?: boolean;
}

/** A parsed request: local names, `@Attr` keys, `#text` beside attributes, string values. */
export interface ParsedXml {
  readonly rootName: string;
  readonly namespace?: string;
  /** Content of the root element. */
  readonly document: Record<string, unknown>;
}

/** Default of {@link ParseXmlOptions.maxDepth}. */
export const DEFAULT_MAX_DEPTH = 200;

interface RootScan extends RootElement {
  /** Offset of the root's `<`. */
  readonly start: number;
}

const XML_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NAME = /[^\s/>="'<]+/y;
const SPACE = /[\s]*/y;
const PROLOG_BYTES = 4096;

/**
 * Reads the root element's name, namespace and attributes by scanning past the XML declaration,
 * comments and processing instructions. Cheap: it stops at the first start tag, so the message
 * and version can be picked before the whole document is parsed.
 * @throws GatewayError EMPTY_BODY, MALFORMED_XML or FORBIDDEN_XML_CONSTRUCT with line and column.
 */
export function readRootElement(xml: Buffer | string): RootElement {
  if (typeof xml === 'string') return stripScan(rethrowIncomplete(() => scanProlog(xml)));
  if (xml.length === 0) throw new GatewayError('EMPTY_BODY', undefined, [{ message: 'The request body is empty' }]);
  // Decode a growing prefix: markup is ASCII, so the root tag is found without decoding the whole body.
  for (let size = PROLOG_BYTES; ; size *= 4) {
    const whole = size >= xml.length;
    const { text, invalidAt } = decodePrefix(xml, whole ? xml.length : size, whole);
    try {
      return stripScan(scanProlog(text));
    } catch (error) {
      if (!(error instanceof IncompleteInput)) throw error;
      // Broken bytes only matter when they come before the end of the root start tag.
      if (invalidAt !== undefined) throw utf8Error(xml, invalidAt);
      if (whole) throw error.error;
    }
  }
}

function stripScan(scan: RootScan): RootElement {
  const { start: _start, ...root } = scan;
  return root;
}

/** Decodes the first `size` bytes, stopping at the first broken sequence instead of failing. */
function decodePrefix(bytes: Buffer, size: number, whole: boolean): { text: string; invalidAt?: number } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, size), { stream: !whole }) };
  } catch {
    const invalidAt = Math.max(0, findInvalidUtf8(bytes, size));
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(0, invalidAt)), invalidAt };
  }
}

/** The scanned text ended before the construct did; with a body prefix, decode more and retry. */
class IncompleteInput extends Error {
  constructor(readonly error: GatewayError) {
    super(error.message);
  }
}

function incomplete(message: string, text: string, offset: number): IncompleteInput {
  return new IncompleteInput(xmlError('MALFORMED_XML', message, text, offset));
}

function rethrowIncomplete<T>(scan: () => T): T {
  try {
    return scan();
  } catch (error) {
    if (error instanceof IncompleteInput) throw error.error;
    throw error;
  }
}

/** Scans the prolog up to the root start tag; throws IncompleteInput when the text ends first. */
function scanProlog(text: string): RootScan {
  const length = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let sawMarkup = false;
  for (;;) {
    while (i < length && XML_WHITESPACE.has(text.charCodeAt(i))) i++;
    if (i >= length) {
      if (!sawMarkup) {
        throw new IncompleteInput(new GatewayError('EMPTY_BODY', undefined, [{ message: 'The request body holds no XML' }]));
      }
      throw incomplete('The document has no root element', text, i);
    }
    if (text.charCodeAt(i) !== 0x3c /* < */) {
      throw xmlError('MALFORMED_XML', 'Text is not allowed before the root element', text, i);
    }
    sawMarkup = true;
    const next = text.charCodeAt(i + 1);
    if (next === 0x3f /* ? */) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) throw incomplete('Processing instruction is not closed', text, i);
      i = end + 2;
    } else if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) throw incomplete('Comment is not closed', text, i);
        i = end + 3;
      } else {
        throw markupDeclarationError(text, i);
      }
    } else if (next !== next || next === 0x2f /* / */ || XML_WHITESPACE.has(next)) {
      if (next !== next) throw incomplete('The document ends inside a tag', text, i);
      throw xmlError('MALFORMED_XML', 'Expected the root element start tag', text, i);
    } else {
      return scanStartTag(text, i);
    }
  }
}

/** `<!DOCTYPE` and `<!ENTITY` are refused before anything else looks at them; other `<!` forms are malformed. */
function markupDeclarationError(text: string, offset: number): Error {
  if (offset + 10 > text.length) return incomplete('The document ends inside a markup declaration', text, offset);
  const keyword = /^<!([A-Za-z]*)/.exec(text.slice(offset, offset + 12))?.[1]?.toUpperCase() ?? '';
  if (keyword === 'DOCTYPE' || keyword === 'ENTITY') {
    return xmlError('FORBIDDEN_XML_CONSTRUCT', `<!${keyword}> declarations are not allowed`, text, offset);
  }
  if (keyword === '' && text.startsWith('<![CDATA[', offset)) {
    return xmlError('MALFORMED_XML', 'CDATA section outside the root element', text, offset);
  }
  return xmlError('MALFORMED_XML', `Markup declaration <!${keyword}> is not allowed`, text, offset);
}

function scanStartTag(text: string, start: number): RootScan {
  NAME.lastIndex = start + 1;
  const nameMatch = NAME.exec(text);
  if (!nameMatch) throw xmlError('MALFORMED_XML', 'Invalid element name', text, start + 1);
  const qname = nameMatch[0];
  let i = NAME.lastIndex;
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  for (;;) {
    SPACE.lastIndex = i;
    SPACE.exec(text);
    const spaced = SPACE.lastIndex > i;
    i = SPACE.lastIndex;
    if (i >= text.length) throw incomplete(`Start tag of '${qname}' is not closed`, text, start);
    const c = text.charCodeAt(i);
    if (c === 0x3e /* > */) break;
    if (c === 0x2f /* / */) {
      if (i + 1 >= text.length) throw incomplete(`Start tag of '${qname}' is not closed`, text, start);
      if (text.charCodeAt(i + 1) !== 0x3e) throw xmlError('MALFORMED_XML', `Unexpected '/' in start tag of '${qname}'`, text, i);
      break;
    }
    if (!spaced) throw xmlError('MALFORMED_XML', `Attributes of '${qname}' must be separated by white space`, text, i);
    NAME.lastIndex = i;
    const attrMatch = NAME.exec(text);
    if (!attrMatch) throw xmlError('MALFORMED_XML', `Invalid attribute in start tag of '${qname}'`, text, i);
    const attrName = attrMatch[0];
    const attrOffset = i;
    i = NAME.lastIndex;
    SPACE.lastIndex = i;
    SPACE.exec(text);
    i = SPACE.lastIndex;
    if (i >= text.length) throw incomplete(`Start tag of '${qname}' is not closed`, text, start);
    if (text.charCodeAt(i) !== 0x3d /* = */) {
      throw xmlError('MALFORMED_XML', `Attribute '${attrName}' has no value`, text, attrOffset);
    }
    SPACE.lastIndex = i + 1;
    SPACE.exec(text);
    i = SPACE.lastIndex;
    if (i >= text.length) throw incomplete(`Start tag of '${qname}' is not closed`, text, start);
    const quote = text[i];
    if (quote !== '"' && quote !== "'") {
      throw xmlError('MALFORMED_XML', `Value of attribute '${attrName}' is not quoted`, text, attrOffset);
    }
    const close = text.indexOf(quote, i + 1);
    if (close < 0) throw incomplete(`Value of attribute '${attrName}' is not closed`, text, i);
    const raw = text.slice(i + 1, close);
    if (raw.includes('<')) throw xmlError('MALFORMED_XML', `Value of attribute '${attrName}' contains '<'`, text, i);
    if (attrName in attributes) throw xmlError('MALFORMED_XML', `Attribute '${attrName}' is repeated`, text, attrOffset);
    attributes[attrName] = decodeXmlReferences(raw);
    i = close + 1;
  }
  const colon = qname.indexOf(':');
  const prefix = colon > 0 ? qname.slice(0, colon) : undefined;
  const localName = colon > 0 ? qname.slice(colon + 1) : qname;
  if (localName === '' || localName.includes(':')) throw xmlError('MALFORMED_XML', `Invalid element name '${qname}'`, text, start + 1);
  const namespace = prefix === undefined ? attributes.xmlns : attributes[`xmlns:${prefix}`];
  if (prefix !== undefined && namespace === undefined && prefix !== 'xml') {
    throw xmlError('MALFORMED_XML', `Namespace prefix '${prefix}' of the root element is not declared`, text, start);
  }
  const { line, column } = locateOffset(text, start);
  const plain: Record<string, string> = { ...attributes };
  return {
    localName,
    ...(prefix === undefined ? {} : { prefix }),
    ...(namespace === undefined || namespace === '' ? {} : { namespace }),
    attributes: plain,
    line,
    column,
    start,
  };
}

/** Depth, forbidden declarations and undefined references, in one pass over the markup after the root's `<`. */
function scanMarkup(text: string, start: number, maxDepth: number): void {
  const skipped: number[] = [];
  let depth = 0;
  let i = start;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) {
      depth--;
      const gt = text.indexOf('>', lt + 2);
      if (gt < 0) break;
      i = gt + 1;
      if (depth <= 0) {
        checkEpilog(text, i);
        break;
      }
    } else if (next === 0x3f /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) break;
      skipped.push(lt, end + 2);
      i = end + 2;
    } else if (next === 0x21 /* ! */) {
      let end: number;
      if (text.startsWith('<!--', lt)) {
        end = text.indexOf('-->', lt + 4);
        if (end >= 0) end += 3;
      } else if (text.startsWith('<![CDATA[', lt)) {
        end = text.indexOf(']]>', lt + 9);
        if (end >= 0) end += 3;
      } else {
        throw markupDeclarationError(text, lt);
      }
      if (end < 0) break;
      skipped.push(lt, end);
      i = end;
    } else {
      TAG_REST.lastIndex = lt + 1;
      if (!TAG_REST.test(text)) break;
      const gt = TAG_REST.lastIndex - 1;
      const inner = text.indexOf('<', lt + 1);
      if (inner >= 0 && inner < gt) throw xmlError('MALFORMED_XML', "'<' is not allowed inside a tag or an attribute value", text, inner);
      if (text.charCodeAt(gt - 1) !== 0x2f /* / */) {
        depth++;
        if (depth > maxDepth) {
          throw xmlError('MALFORMED_XML', `Elements are nested deeper than ${maxDepth} levels`, text, lt);
        }
      }
      i = gt + 1;
    }
    if (depth <= 0) {
      checkEpilog(text, i);
      break;
    }
  }
  checkReferences(text, start, skipped);
}

/** After the root element only white space, comments and processing instructions may follow. */
function checkEpilog(text: string, from: number): void {
  let i = from;
  for (;;) {
    while (i < text.length && XML_WHITESPACE.has(text.charCodeAt(i))) i++;
    if (i >= text.length) return;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return;
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return;
      i = end + 2;
    } else {
      throw xmlError('MALFORMED_XML', 'Only one root element is allowed; content follows the end of the root', text, i);
    }
  }
}

/** Rest of a start tag up to its `>`, stepping over quoted attribute values (which may hold `>`). */
const TAG_REST = /[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/y;
const REFERENCE_AT = /&(?:lt|gt|amp|apos|quot|#([0-9]{1,8})|#x([0-9a-fA-F]{1,7}));/y;

/** Every `&` outside comments, CDATA and PIs must start one of the five predefined entities or a legal character reference. */
function checkReferences(text: string, start: number, skipped: readonly number[]): void {
  let range = 0;
  for (let amp = text.indexOf('&', start); amp >= 0; amp = text.indexOf('&', amp + 1)) {
    while (range < skipped.length && (skipped[range + 1] as number) <= amp) range += 2;
    if (range < skipped.length && (skipped[range] as number) <= amp) continue;
    REFERENCE_AT.lastIndex = amp;
    const match = REFERENCE_AT.exec(text);
    if (!match) {
      const name = /^&([^\s;&<]{0,40});?/.exec(text.slice(amp, amp + 42))?.[1] ?? '';
      throw xmlError('MALFORMED_XML', name ? `Undefined entity reference '&${name};'` : "Bare '&' must be written as '&amp;'", text, amp);
    }
    const decimal = match[1];
    const hex = match[2];
    if (decimal !== undefined || hex !== undefined) {
      const codePoint = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex as string, 16);
      if (!isLegalXmlCodePoint(codePoint)) {
        throw xmlError('MALFORMED_XML', `Character reference '${match[0]}' names a character XML does not allow`, text, amp);
      }
    }
  }
}

/** Expands only what {@link decodeXmlReferences} expands; DOCTYPE-declared entities never get this far. */
const XML_REFERENCE_DECODER: NonNullable<X2jOptions['entityDecoder']> = {
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
  decode: decodeXmlReferences,
};

/** Prefix the parser keeps on XML Schema instance attributes, which mean something to the schema. */
export const XSI_PREFIX = 'xsi';
const DROPPED_XSI = new Set(['xsi:schemaLocation', 'xsi:noNamespaceSchemaLocation']);

function localPart(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function isDroppedAttribute(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:') || DROPPED_XSI.has(name);
}

/** `@p:Name` → `@Name`, except `@xsi:nil` and `@xsi:type`. */
function attributeKey(key: string): string {
  const colon = key.indexOf(':');
  if (colon < 0) return key;
  if (key.startsWith(`@${XSI_PREFIX}:`)) return key;
  return `@${key.slice(colon + 1)}`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Strings handed in directly (not decoded from bytes) may hold unpaired surrogates, which no XML character is. */
function isWellFormedUtf16(text: string): boolean {
  const native = (text as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(text) : !LONE_SURROGATE.test(text);
}

const parsers = new Map<number, XMLParser>();

function parserFor(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (!parser) {
    parser = new XMLParser({
      attributeNamePrefix: '@',
      textNodeName: '#text',
      // Prefixes are dropped by hand so that xsi:nil survives as '@xsi:nil' and xmlns declarations disappear.
      removeNSPrefix: false,
      transformTagName: localPart,
      transformAttributeName: attributeKey,
      ignoreAttributes: isDroppedAttribute,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      processEntities: true,
      entityDecoder: XML_REFERENCE_DECODER,
      allowBooleanAttributes: false,
      maxNestedTags: maxDepth + 1,
      jPath: false,
    });
    parsers.set(maxDepth, parser);
  }
  return parser;
}

/**
 * Wraps every element the schema lets repeat in an array, walking the parsed tree beside the model.
 * On a 950 KB AirShoppingRS this costs about 2 ms, against 6–10 ms for answering fast-xml-parser's
 * isArray callback per element (which must build a path string for each). Unknown elements stay as parsed.
 */
function applyRepeats(node: Record<string, unknown>, info: ElementInfo): void {
  for (const key of Object.keys(node)) {
    const first = key.charCodeAt(0);
    if (first === 0x40 /* @ */ || first === 0x23 /* # */) continue;
    const child = info.child(key);
    if (!child) continue;
    let value = node[key];
    if (child.repeated && !Array.isArray(value)) {
      value = [value];
      node[key] = value;
    }
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'object' && item !== null) applyRepeats(item as Record<string, unknown>, child);
      }
    } else if (typeof value === 'object' && value !== null) {
      applyRepeats(value as Record<string, unknown>, child);
    }
  }
}

/**
 * Parses a request body into plain data. Hostile input is normal input: DOCTYPE and entity
 * declarations are refused, only the five predefined entities and character references are
 * expanded, nesting is bounded, and every failure is a GatewayError with line and column.
 * With a schema model, elements the schema lets repeat are always arrays.
 */
export function parseXml(xml: Buffer | string, options: ParseXmlOptions = {}): ParsedXml {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (typeof xml !== 'string' && xml.length === 0) {
    throw new GatewayError('EMPTY_BODY', undefined, [{ message: 'The request body is empty' }]);
  }
  const text = typeof xml === 'string' ? xml : decodeUtf8(xml);
  const root = rethrowIncomplete(() => scanProlog(text));
  const { model } = options;
  if (model && root.localName !== model.rootName) {
    throw new GatewayError('UNKNOWN_MESSAGE', `The root element is ${root.localName}, expected ${model.rootName}`, [{
      message: `Root element '${root.localName}' is not '${model.rootName}'`, path: `/${root.localName}`, line: root.line, column: root.column,
    }]);
  }
  if (typeof xml === 'string' && !isWellFormedUtf16(text)) {
    const lone = LONE_SURROGATE.exec(text);
    throw xmlError('MALFORMED_XML', 'The text holds an unpaired UTF-16 surrogate', text, lone?.index ?? 0);
  }
  const illegal = ILLEGAL_XML_CHAR.exec(text);
  if (illegal) {
    throw xmlError('MALFORMED_XML', `Character U+${(illegal[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, text, illegal.index);
  }
  rethrowIncomplete(() => scanMarkup(text, root.start, maxDepth));
  if (options.checkWellFormed !== false) {
    const verdict = XMLValidator.validate(text, { allowBooleanAttributes: false });
    if (verdict !== true) {
      const { msg, line, col } = verdict.err;
      throw new GatewayError('MALFORMED_XML', undefined, [{ message: msg, line, column: col }]);
    }
  }
  let parsed: unknown;
  try {
    parsed = parserFor(maxDepth).parse(text);
  } catch (error) {
    throw new GatewayError('MALFORMED_XML', undefined, [{ message: error instanceof Error ? error.message : String(error) }], error);
  }
  const result: ParsedXml = {
    rootName: root.localName,
    ...(root.namespace === undefined ? {} : { namespace: root.namespace }),
    document: rootContent(parsed, root.localName),
  };
  if (model) applyRepeats(result.document, model.root);
  return result;
}

function rootContent(parsed: unknown, rootName: string): Record<string, unknown> {
  if (typeof parsed !== 'object' || parsed === null) return {};
  const record = parsed as Record<string, unknown>;
  const key = Object.prototype.hasOwnProperty.call(record, rootName) ? rootName : Object.keys(record)[0];
  const content = key === undefined ? undefined : record[key];
  if (typeof content === 'object' && content !== null && !Array.isArray(content)) return content as Record<string, unknown>;
  if (typeof content === 'string' && content !== '') return { '#text': content };
  return {};
}
