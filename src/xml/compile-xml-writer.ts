import { dirname } from 'node:path';
import { buildXml, TYPES_PREFIX, type BuildNamespaces } from './build-xml.ts';
import { XSI_PREFIX } from './parse-xml.ts';
import type { ElementInfo, SchemaModel } from './schema-model.ts';
import { ILLEGAL_XML_CHAR } from './xml-text.ts';

/**
 * A response writer compiled from a schema model, the way ajv compiles validators and
 * fast-json-stringify compiles serialisers: one plain function per content model, generated once.
 * Each function sorts an object's keys into its schema slots with a `switch`, then writes the
 * start tag, the text and the children in schema order, with their prefixes, straight into one
 * UTF-8 Buffer. There is no intermediate tree and no sort per element.
 *
 * The output is byte-identical to {@link buildXml}, which stays the reference: content the
 * compiled writer cannot write (a key the schema does not allow, a repeat of a single element,
 * a value that is not text, cyclic data) is handed to `buildXml`, whose INVALID_RESPONSE names
 * the exact path. Valid content never takes that way.
 */
export interface CompiledXmlWriter {
  /** Writes the document, encoded in UTF-8: XML declaration, root with its namespace declarations, content. */
  (content: Record<string, unknown>): Buffer;
  /** The generated JavaScript of the element functions (shared with the other messages of its schema folder), for reading and debugging. */
  readonly source: string;
  /** The generated function alone: throws instead of handing unwritable content to buildXml. */
  readonly strict: (content: Record<string, unknown>) => Buffer;
}

const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
/** Same bound as buildXml's guard against cyclic content. */
const MAX_DEPTH = 256;

/** Thrown inside generated code; the caller then lets buildXml name the problem. */
class Unwritable extends Error {}
const UNWRITABLE = new Unwritable('content the schema does not allow');

const ESCAPED = /[&<>'"]/;
const ESCAPES = /[&<>'"]/g;
const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };

/** The five predefined entities, as fast-xml-parser's builder writes them in text and attributes. */
function escapeXml(text: string): string {
  return ESCAPED.test(text) ? text.replace(ESCAPES, (ch) => ENTITY[ch]!) : text;
}

/** A scalar as XML text, with buildXml's rules (finite numbers, valid dates, legal characters only). */
function scalarText(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw UNWRITABLE;
    text = String(value);
  } else if (typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw UNWRITABLE;
    text = value.toISOString();
  } else throw UNWRITABLE;
  if (ILLEGAL_XML_CHAR.test(text)) throw UNWRITABLE;
  return text;
}

/** The text of an element (its `#text`, or the element's own scalar value); null and undefined have none. */
function elementText(value: unknown, hasText: boolean): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = scalarText(value);
  if (text !== '' && !hasText) throw UNWRITABLE;
  return text;
}

/**
 * Adds one key of the content that is not a child element to the element's attributes, in
 * buildXml's order: only `@Name` keys are attributes, and `@xsi:nil` brings its namespace along.
 */
function addAttribute(
  attributes: Record<string, string> | undefined, key: string, value: unknown, allowed: readonly string[] | null,
): Record<string, string> | undefined {
  if (key.charCodeAt(0) !== 64) throw UNWRITABLE;
  if (value === null || value === undefined) return attributes;
  const into = attributes ?? {};
  const name = key.slice(1);
  if (name === `${XSI_PREFIX}:nil`) into[`@xmlns:${XSI_PREFIX}`] = XSI_NS;
  else if (allowed !== null && !allowed.includes(name)) throw UNWRITABLE;
  into[key] = scalarText(value);
  return into;
}

type ElementFunction = (value: unknown, tag: string, declared: Record<string, string> | undefined, depth: number) => void;

/**
 * Where a document is written: text is gathered in a short string and encoded into one growing
 * Buffer every few kilobytes, so a large answer never becomes one huge string (whose pieces
 * would outlive the young generation) and every byte is encoded to UTF-8 once. Writing is
 * synchronous and a writer never calls another, so one sink serves every writer.
 */
const FLUSH_AT = 8192;
let pending = '';
let output = Buffer.alloc(0);
let written = 0;

function flush(): void {
  const room = output.length - written;
  if (pending.length * 3 > room) {
    const grown = Buffer.allocUnsafe(Math.max(output.length * 2, written + pending.length * 3));
    output.copy(grown, 0, 0, written);
    output = grown;
  }
  written += output.write(pending, written, 'utf8');
  pending = '';
}

function emit(text: string): void {
  pending += text;
  if (pending.length > FLUSH_AT) flush();
}

/** Runs one document's generated writer into a fresh Buffer of `sizeHint` bytes, grown as needed. */
function writeDocument(sizeHint: number, write: () => void): Buffer {
  pending = '';
  output = Buffer.allocUnsafe(sizeHint);
  written = 0;
  try {
    write();
    flush();
    return output.subarray(0, written);
  } finally {
    pending = '';
    output = Buffer.alloc(0);
  }
}

/** The start tag of an element, without its closing `>` or `/>`. */
function startTag(tag: string, declared: Record<string, string> | undefined, attributes: Record<string, string> | undefined): string {
  let start = `<${tag}`;
  const all = declared === undefined ? attributes : { ...declared, ...attributes };
  if (all !== undefined) for (const key in all) start += ` ${key.slice(1)}="${escapeXml(all[key]!)}"`;
  return start;
}

/** Whether a child slot writes anything: a value, or a repeat with at least one item. */
function present(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (!Array.isArray(value)) return true;
  for (const item of value as unknown[]) if (item !== null && item !== undefined) return true;
  return false;
}

/**
 * A scalar value of an element without attributes or children, written with its tags in one
 * piece. Other values (objects with `#text` or attributes, dates) go through the element function.
 */
function writeLeaf(value: string | number, open: string, close: string, empty: string, hasText: boolean): void {
  const text = scalarText(value);
  if (text === '') emit(empty);
  else if (!hasText) throw UNWRITABLE;
  else emit(open + escapeXml(text) + close);
}

/** Every non-null item of a repeat, written by its element function; a repeat the schema does not allow is unwritable. */
function writeItems(
  items: readonly unknown[], write: ElementFunction, tag: string, declared: Record<string, string> | undefined, repeated: boolean, depth: number,
): void {
  let count = 0;
  for (const item of items) {
    if (item === null || item === undefined) continue;
    if (Array.isArray(item) || (++count > 1 && !repeated)) throw UNWRITABLE;
    write(item, tag, declared, depth + 1);
  }
}

const runtime = { UNWRITABLE, MAX_DEPTH, elementText, addAttribute, writeItems, writeLeaf, startTag, present, emit, escapeXml };

/** One generated element function: its slot in the shared table and what it writes. */
interface TypeFunction {
  readonly index: number;
  readonly info: ElementInfo;
  /** Namespace that is the default one inside elements of this function. */
  readonly defaultNamespace: string;
}

/** An element of text only: no children, no attributes; a scalar value is its whole content. */
function isPlainLeaf(info: ElementInfo): boolean {
  return info.childOrder.length === 0 && !info.anyElement && info.attributes.length === 0 && !info.anyAttribute;
}

/**
 * A content model's identity for sharing functions between the messages of one schema folder:
 * a named type is the same content model in every message; a leaf (text and attributes only) is
 * known by its shape; an anonymous type by its compiled model.
 */
function contentKey(info: ElementInfo): unknown {
  if (info.childOrder.length === 0 && !info.anyElement) {
    return `leaf ${String(info.hasText)} ${info.anyAttribute ? '*' : info.attributes.join(' ')}`;
  }
  return info.typeName ?? info.childOrder;
}

/**
 * Generates element functions for the messages of one schema folder and one pair of namespaces,
 * one function per (content model, default namespace), shared by every message that reaches it.
 * Functions live in one table and call each other through it, so a message compiled later only
 * generates what earlier ones did not.
 */
class WriterGenerator {
  readonly #functions = new Map<unknown, Map<string, TypeFunction>>();
  readonly #pending: TypeFunction[] = [];
  readonly #table: ElementFunction[] = [];
  /** What each function of the table writes, for `source`. */
  readonly #comments: string[] = [];
  readonly #prefixTypes: boolean;

  constructor(readonly ns: BuildNamespaces) {
    this.#prefixTypes = ns.typesNamespace !== ns.messageNamespace;
  }

  /** The generated JavaScript of every function so far (V8 keeps the source of generated code anyway). */
  get source(): string {
    return this.#table.map((fn, index) => `// ${this.#comments[index]}\nF[${index}] = ${String(fn)};`).join('\n');
  }

  /** The function writing elements of `info`'s type below `defaultNamespace`, generated once. */
  functionFor(info: ElementInfo, defaultNamespace: string): TypeFunction {
    const key = contentKey(info);
    let byNamespace = this.#functions.get(key);
    if (!byNamespace) {
      byNamespace = new Map();
      this.#functions.set(key, byNamespace);
    }
    let fn = byNamespace.get(defaultNamespace);
    if (!fn) {
      fn = { index: this.#table.length + this.#pending.length, info, defaultNamespace };
      byNamespace.set(defaultNamespace, fn);
      this.#pending.push(fn);
    }
    return fn;
  }

  /** Tag and, for a namespace other than the two message ones, the declaration making it the default below. */
  qualify(info: ElementInfo, defaultNamespace: string): { tag: string; declare?: string } {
    if (this.#prefixTypes && info.namespace === this.ns.typesNamespace) return { tag: `${TYPES_PREFIX}:${info.name}` };
    if (info.namespace === defaultNamespace) return { tag: info.name };
    return { tag: info.name, declare: info.namespace };
  }

  /** Generates and compiles what the root needs and is not there yet; returns the document writer. */
  compile(root: ElementInfo): (content: Record<string, unknown>) => Buffer {
    const rootFunction = this.functionFor(root, this.ns.messageNamespace);
    const rootTag = this.qualify(root, this.ns.messageNamespace).tag;
    const rootAttributes: Record<string, string> = { '@xmlns': this.ns.messageNamespace };
    if (this.#prefixTypes) rootAttributes[`@xmlns:${TYPES_PREFIX}`] = this.ns.typesNamespace;
    const bodies: string[] = [];
    // Generating a function can ask for more; the list grows while it is walked.
    for (let i = 0; i < this.#pending.length; i++) bodies.push(this.body(this.#pending[i]!));
    if (bodies.length > 0) {
      const source = [
        "'use strict';",
        'const { UNWRITABLE, MAX_DEPTH, elementText, addAttribute, writeItems, writeLeaf, startTag, present, emit, escapeXml } = runtime;',
        ...bodies,
      ].join('\n');
      // Generated from the schema model only: names are XSD NCNames, every literal goes through JSON.stringify.
      new Function('runtime', 'F', source)(runtime, this.#table);
      this.#comments.push(...this.#pending.map((fn) => this.comment(fn)));
      this.#pending.length = 0;
    }
    const writeRoot = this.#table[rootFunction.index]!;
    let sizeHint = 65_536;
    return (content) => {
      const bytes = writeDocument(sizeHint, () => {
        emit(XML_DECLARATION);
        writeRoot(content, rootTag, rootAttributes, 0);
      });
      // The next answer of this message is likely of the same size: start there, and grow less.
      sizeHint = Math.max(4096, bytes.length + 1024);
      return bytes;
    };
  }

  comment({ info, defaultNamespace }: TypeFunction): string {
    return `${info.typeName ?? `anonymous type of ${info.name}`}${defaultNamespace === this.ns.messageNamespace ? '' : ` below xmlns="${defaultNamespace}"`}`;
  }

  /**
   * One element function: sorts the keys of the value into schema slots, then writes the slots in
   * schema order. A single child is a direct call; a repeat goes through writeItems.
   */
  body(fn: TypeFunction): string {
    const { info, defaultNamespace } = fn;
    const children = info.childOrder.map((name) => info.child(name)!);
    const allowed = info.anyAttribute ? 'null' : JSON.stringify(info.attributes);
    const lines = [
      `// ${this.comment(fn)}`,
      `F[${fn.index}] = function w${fn.index}(v, tag, declared, d) {`,
      '  if (d > MAX_DEPTH) throw UNWRITABLE;',
      `  let t, at${children.map((_child, i) => `, c${i}`).join('')};`,
      '  if (typeof v !== \'object\' || v === null || v instanceof Date) t = elementText(v, ' + String(info.hasText) + ');',
      '  else if (Array.isArray(v)) throw UNWRITABLE;',
      '  else for (const k in v) switch (k) {',
      ...children.map((child, i) => `    case ${JSON.stringify(child.name)}: c${i} = v[k]; break;`),
      `    case '#text': t = elementText(v[k], ${String(info.hasText)}); break;`,
      `    default: at = addAttribute(at, k, v[k], ${allowed});`,
      '  }',
    ];
    const anything = ['(t !== undefined && t !== \'\')', ...children.map((_child, i) => `present(c${i})`)].join(' || ');
    lines.push(
      '  const start = startTag(tag, declared, at);',
      `  if (!(${anything})) { emit(start + '/>'); return; }`,
      '  emit(t === undefined ? start + \'>\' : start + \'>\' + escapeXml(t));',
    );
    children.forEach((child, i) => {
      const { tag, declare } = this.qualify(child, defaultNamespace);
      const target = `F[${this.functionFor(child, declare ?? defaultNamespace).index}]`;
      const declared = declare === undefined ? 'undefined' : JSON.stringify({ '@xmlns': declare });
      const name = JSON.stringify(tag);
      const general = `Array.isArray(c${i}) ? writeItems(c${i}, ${target}, ${name}, ${declared}, ${String(child.repeated)}, d) : ${target}(c${i}, ${name}, ${declared}, d + 1)`;
      if (declare === undefined && isPlainLeaf(child)) {
        const [open, close, empty] = [`<${tag}>`, `</${tag}>`, `<${tag}/>`].map((text) => JSON.stringify(text));
        lines.push(`  if (typeof c${i} === 'string' || typeof c${i} === 'number') writeLeaf(c${i}, ${open}, ${close}, ${empty}, ${String(child.hasText)});`);
        lines.push(`  else if (c${i} !== undefined && c${i} !== null) ${general};`);
      } else {
        lines.push(`  if (c${i} !== undefined && c${i} !== null) ${general};`);
      }
    });
    lines.push('  emit(\'</\' + tag + \'>\');', '};');
    return lines.join('\n');
  }
}

/** Generators by schema folder and namespaces: content models are shared within one folder's files only. */
const generators = new Map<string, WriterGenerator>();

function generatorFor(model: SchemaModel, ns: BuildNamespaces): WriterGenerator {
  const key = `${dirname(model.schemaFile)} ${ns.messageNamespace} ${ns.typesNamespace}`;
  let generator = generators.get(key);
  if (!generator) {
    generator = new WriterGenerator(ns);
    generators.set(key, generator);
  }
  return generator;
}

/**
 * Compiles the writer of one message model and pair of namespaces. Every content model reachable
 * from the root is generated now (or was, for an earlier message of the same schema folder), so
 * the first request pays nothing.
 */
export function compileXmlWriter(model: SchemaModel, ns: BuildNamespaces): CompiledXmlWriter {
  const generator = generatorFor(model, ns);
  const write = generator.compile(model.root);
  const rootName = model.rootName;
  const writer = (content: Record<string, unknown>): Buffer => {
    try {
      return write(content);
    } catch (error) {
      if (error !== UNWRITABLE && !(error instanceof RangeError)) throw error;
      // The reference builder names what is wrong, and where.
      return Buffer.from(buildXml(rootName, content, model, ns));
    }
  };
  return Object.defineProperties(writer, {
    strict: { value: write, enumerable: true },
    source: { get: () => generator.source, enumerable: true },
  }) as CompiledXmlWriter;
}

const writers = new WeakMap<SchemaModel, Map<string, CompiledXmlWriter>>();

/** The compiled writer of a model for these namespaces, compiled on first use and kept with the model. */
export function xmlWriterFor(model: SchemaModel, ns: BuildNamespaces): CompiledXmlWriter {
  let byNamespaces = writers.get(model);
  if (!byNamespaces) {
    byNamespaces = new Map();
    writers.set(model, byNamespaces);
  }
  const key = `${ns.messageNamespace} ${ns.typesNamespace}`;
  let writer = byNamespaces.get(key);
  if (!writer) {
    writer = compileXmlWriter(model, ns);
    byNamespaces.set(key, writer);
  }
  return writer;
}

/**
 * Writes a response with the compiled writer of its model: {@link buildXml}'s contract and output,
 * encoded in UTF-8, at a fraction of the cost.
 */
export function writeXml(rootName: string, content: Record<string, unknown>, model: SchemaModel, ns: BuildNamespaces): Buffer {
  if (rootName !== model.rootName) return Buffer.from(buildXml(rootName, content, model, ns));
  return xmlWriterFor(model, ns)(content);
}
