import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

/**
 * What the XML parser and builder need to know about one element declaration, as the
 * IATA XSD states it: which children repeat, the order of children, and the namespace.
 * An ElementInfo belongs to one particle of its parent's content model, so `minOccurs`,
 * `maxOccurs` and `repeated` are those of that place in the schema.
 */
export interface ElementInfo {
  /** Local name. */
  readonly name: string;
  /** Namespace URI of the element ('' when unqualified). */
  readonly namespace: string;
  readonly minOccurs: number;
  /** `Infinity` for `unbounded`. */
  readonly maxOccurs: number;
  /** True when one parent can hold it more than once: its own maxOccurs > 1, an enclosing sequence/choice repeats, or the name appears twice in one sequence (not merely in two branches of a choice). */
  readonly repeated: boolean;
  /** Local names of the possible children, in schema order. */
  readonly childOrder: readonly string[];
  /** Children with minOccurs > 0 that are outside any choice (and outside optional groups). */
  readonly required: readonly string[];
  /** Local names of the attributes the element may carry. */
  readonly attributes: readonly string[];
  /**
   * `{namespace}Name` of an attribute's type: the XML Schema built-in type it restricts, through
   * named simple types (17.2's `KeyIdentifier` gives `{http://www.w3.org/2001/XMLSchema}ID`), else
   * its named type; undefined when anonymous or not declared.
   */
  attributeType(name: string): string | undefined;
  /** Whether the element carries character data (simple type, simpleContent or mixed content). */
  readonly hasText: boolean;
  /** Whether the content model holds an `xs:any` wildcard. */
  readonly anyElement: boolean;
  /** Whether the element accepts any attribute (`xs:anyAttribute`). */
  readonly anyAttribute: boolean;
  /** `{namespace}Name` of the element's named type; absent for anonymous types. */
  readonly typeName?: string;
  /** For a named type with text: the XML Schema built-in type of the text, through named simple types and simpleContent (`{http://www.w3.org/2001/XMLSchema}IDREFS`). */
  readonly builtinType?: string;
  /** The child declaration for a local name, or undefined when the schema does not allow it here. */
  child(name: string): ElementInfo | undefined;
}

/** The schema knowledge of one message: its root element and everything below it. */
export interface SchemaModel {
  /** Local name of the message root element, e.g. `IATA_AirShoppingRQ`. */
  readonly rootName: string;
  /** Namespace URI of the root element. */
  readonly namespace: string;
  /** Absolute path of the message XSD the model was loaded from. */
  readonly schemaFile: string;
  readonly root: ElementInfo;
  /** The element at a path of local names from the root, e.g. `['IATA_AirShoppingRQ', 'Request', 'PaxList', 'Pax']`. Memoised. */
  element(path: readonly string[]): ElementInfo | undefined;
}

/** Thrown when a schema file cannot be read or holds a construct the model cannot follow. */
export class SchemaModelError extends Error {
  override name = 'SchemaModelError';
}

/** Options of {@link loadSchemaModel}. */
export interface LoadSchemaModelOptions {
  /** Root element to model; by default the global element of the message XSD itself that is named like the file (or its only one). */
  readonly rootName?: string;
}

const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** One XSD element node, with its local name in the XSD namespace; annotations are dropped at read time. */
interface XsdNode {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XsdNode[];
}

interface ParsedFile {
  readonly path: string;
  readonly root: XsdNode;
  readonly prefixes: ReadonlyMap<string, string>;
  readonly targetNamespace: string | undefined;
  readonly elementQualified: boolean;
  readonly attributeQualified: boolean;
}

/** A parsed file as it takes part in one schema set; a chameleon include takes the includer's namespace. */
interface SchemaDoc {
  readonly file: ParsedFile;
  readonly targetNamespace: string;
}

interface Component {
  readonly node: XsdNode;
  readonly doc: SchemaDoc;
}

interface Registry {
  readonly elements: Map<string, Component>;
  readonly types: Map<string, Component>;
  readonly groups: Map<string, Component>;
  readonly attributeGroups: Map<string, Component>;
  readonly attributes: Map<string, Component>;
}

/** The compiled content of a type: what an ElementInfo of that type delegates to. */
interface TypeModel {
  readonly children: ReadonlyMap<string, ElementInfo>;
  readonly childOrder: readonly string[];
  readonly required: readonly string[];
  readonly attributes: readonly string[];
  readonly attributeTypes: ReadonlyMap<string, string>;
  readonly hasText: boolean;
  readonly anyElement: boolean;
  readonly anyAttribute: boolean;
}

const NO_ATTRIBUTE_TYPES: ReadonlyMap<string, string> = new Map();

const EMPTY_MAP: ReadonlyMap<string, ElementInfo> = new Map();

const SIMPLE_TYPE: TypeModel = Object.freeze({
  children: EMPTY_MAP, childOrder: [], required: [], attributes: [], attributeTypes: NO_ATTRIBUTE_TYPES, hasText: true, anyElement: false, anyAttribute: false,
});

const ANY_TYPE: TypeModel = Object.freeze({
  children: EMPTY_MAP, childOrder: [], required: [], attributes: [], attributeTypes: NO_ATTRIBUTE_TYPES, hasText: true, anyElement: true, anyAttribute: true,
});

const MAX_REMEMBERED_PATHS = 20_000;
const fileCache = new Map<string, ParsedFile>();
const modelCache = new Map<string, SchemaModel>();
const modelSetCache = new Map<string, SchemaModelSet>();

const xsdParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 1000,
  jPath: false,
  // Annotations are most of the bytes of the IATA files and carry nothing the model needs.
  updateTag: (tagName: string) => (tagName === 'annotation' || tagName.endsWith(':annotation') ? false : tagName),
});

/**
 * Loads the element model of one message schema, following every include and import.
 * Parsed files are cached by absolute path for the life of the process, and so are models,
 * so the large common-types files are read once however many messages use them.
 * Types are compiled lazily, on first access, and memoised.
 */
export function loadSchemaModel(xsdFile: string, options: LoadSchemaModelOptions = {}): SchemaModel {
  const path = resolve(xsdFile);
  const key = `${path}\u0000${options.rootName ?? ''}`;
  const cached = modelCache.get(key);
  if (cached) return cached;
  const model = createModel(path, options.rootName);
  modelCache.set(key, model);
  return model;
}

function readSchemaFile(path: string): ParsedFile {
  const cached = fileCache.get(path);
  if (cached) return cached;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SchemaModelError(`Cannot read schema file ${path}: ${(error as Error).message}`);
  }
  // Schema files are trusted local files; a DOCTYPE there (xmldsig) only declares shorthands the XSD does not use.
  text = text.replace(/^\uFEFF/, '').trimStart().replace(/<!DOCTYPE[^[>]*(\[[\s\S]*?\]\s*)?>/, '');
  let raw: unknown;
  try {
    raw = xsdParser.parse(text);
  } catch (error) {
    throw new SchemaModelError(`Cannot parse schema file ${path}: ${(error as Error).message}`);
  }
  const top = Array.isArray(raw) ? raw : [];
  let schema: XsdNode | undefined;
  let prefixes = new Map<string, string>();
  for (const item of top) {
    const entry = readOrderedEntry(item);
    if (!entry) continue;
    const colon = entry.name.indexOf(':');
    const local = colon >= 0 ? entry.name.slice(colon + 1) : entry.name;
    if (local !== 'schema') continue;
    prefixes = collectPrefixes(entry.attrs);
    const xsPrefix = colon >= 0 ? entry.name.slice(0, colon) : '';
    if ((prefixes.get(xsPrefix) ?? '') !== XSD_NS) {
      throw new SchemaModelError(`Schema file ${path}: root element is not xs:schema`);
    }
    schema = toXsdNode(entry, xsPrefix);
  }
  if (!schema) throw new SchemaModelError(`Schema file ${path}: no xs:schema element`);
  const file: ParsedFile = {
    path,
    root: schema,
    prefixes,
    targetNamespace: schema.attrs.targetNamespace,
    elementQualified: schema.attrs.elementFormDefault === 'qualified',
    attributeQualified: schema.attrs.attributeFormDefault === 'qualified',
  };
  fileCache.set(path, file);
  return file;
}

interface OrderedEntry {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly unknown[];
}

/** Reads one node of fast-xml-parser's preserveOrder output: `{ [tag]: children, ':@': attrs }`. */
function readOrderedEntry(item: unknown): OrderedEntry | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const record = item as Record<string, unknown>;
  let name: string | undefined;
  for (const key of Object.keys(record)) {
    if (key !== ':@') {
      name = key;
      break;
    }
  }
  if (name === undefined || name === '#text') return undefined;
  const children = record[name];
  const attrs = record[':@'];
  return {
    name,
    attrs: (typeof attrs === 'object' && attrs !== null ? attrs : {}) as Record<string, string>,
    children: Array.isArray(children) ? children : [],
  };
}

function collectPrefixes(attrs: Readonly<Record<string, string>>): Map<string, string> {
  const prefixes = new Map<string, string>([['xml', XML_NS]]);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'xmlns') prefixes.set('', value);
    else if (name.startsWith('xmlns:')) prefixes.set(name.slice(6), value);
  }
  return prefixes;
}

/** Keeps only elements of the XSD namespace (by the schema's own prefix), as local names. */
function toXsdNode(entry: OrderedEntry, xsPrefix: string): XsdNode {
  const children: XsdNode[] = [];
  const wanted = xsPrefix === '' ? '' : `${xsPrefix}:`;
  for (const item of entry.children) {
    const child = readOrderedEntry(item);
    if (!child) continue;
    if (wanted !== '' ? !child.name.startsWith(wanted) : child.name.includes(':')) continue;
    children.push(toXsdNode({ ...child, name: child.name.slice(wanted.length) }, xsPrefix));
  }
  return { tag: entry.name, attrs: entry.attrs, children };
}

function qnameKey(namespace: string, local: string): string {
  return `{${namespace}}${local}`;
}

/**
 * Reads every component reachable from the root files into one registry. With several roots (the
 * message schemas of one namespace) the shared files are read once; the first declaration of a
 * name wins, as it does for one root.
 */
function loadRegistry(rootFiles: readonly string[]): { registry: Registry; rootDocs: SchemaDoc[] } {
  const registry: Registry = {
    elements: new Map(), types: new Map(), groups: new Map(), attributeGroups: new Map(), attributes: new Map(),
  };
  const docs = new Map<string, SchemaDoc>();
  // a stack: the first root is read first, each file before what it includes or imports
  const pending: { path: string; chameleonNamespace: string | undefined }[] = [...rootFiles].reverse().map((path) => ({ path, chameleonNamespace: undefined }));
  while (pending.length > 0) {
    const next = pending.pop();
    if (!next) break;
    const file = readSchemaFile(next.path);
    const targetNamespace = file.targetNamespace ?? next.chameleonNamespace ?? '';
    const visitKey = `${file.path}\u0000${targetNamespace}`;
    if (docs.has(visitKey)) continue;
    const doc: SchemaDoc = { file, targetNamespace };
    docs.set(visitKey, doc);
    for (const node of file.root.children) {
      const location = node.attrs.schemaLocation;
      switch (node.tag) {
        case 'include':
        case 'redefine':
        case 'override':
          if (location && !/^[a-z]+:\/\//i.test(location)) {
            pending.push({ path: resolve(dirname(file.path), location), chameleonNamespace: targetNamespace });
          }
          break;
        case 'import':
          if (location && !/^[a-z]+:\/\//i.test(location)) {
            pending.push({ path: resolve(dirname(file.path), location), chameleonNamespace: undefined });
          }
          break;
        case 'element':
          register(registry.elements, targetNamespace, node, doc);
          break;
        case 'complexType':
        case 'simpleType':
          register(registry.types, targetNamespace, node, doc);
          break;
        case 'group':
          register(registry.groups, targetNamespace, node, doc);
          break;
        case 'attributeGroup':
          register(registry.attributeGroups, targetNamespace, node, doc);
          break;
        case 'attribute':
          register(registry.attributes, targetNamespace, node, doc);
          break;
        default:
          break;
      }
    }
  }
  const rootDocs = rootFiles.map((path) => {
    const file = readSchemaFile(path);
    const doc = docs.get(`${file.path}\u0000${file.targetNamespace ?? ''}`);
    if (!doc) throw new SchemaModelError(`Schema file ${path} could not be loaded`);
    return doc;
  });
  return { registry, rootDocs };
}

function register(map: Map<string, Component>, namespace: string, node: XsdNode, doc: SchemaDoc): void {
  const name = node.attrs.name;
  if (!name) return;
  const key = qnameKey(namespace, name);
  if (!map.has(key)) map.set(key, { node, doc });
}

function parseOccurs(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === 'unbounded') return Number.POSITIVE_INFINITY;
  const parsed = Number.parseInt(value, 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

/** One element declaration at one place of a content model. Its type is resolved on first use. */
class ElementDeclaration implements ElementInfo {
  readonly typeName?: string;
  readonly builtinType?: string;
  #type: TypeModel | undefined;
  #resolveType: (() => TypeModel) | undefined;

  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly minOccurs: number,
    readonly maxOccurs: number,
    readonly repeated: boolean,
    resolveType: () => TypeModel,
    typeName: string | undefined,
    builtinType: string | undefined,
  ) {
    this.#resolveType = resolveType;
    if (typeName !== undefined) this.typeName = typeName;
    if (builtinType !== undefined) this.builtinType = builtinType;
  }

  private get type(): TypeModel {
    if (this.#type === undefined) {
      this.#type = this.#resolveType ? this.#resolveType() : ANY_TYPE;
      this.#resolveType = undefined;
    }
    return this.#type;
  }

  get childOrder(): readonly string[] { return this.type.childOrder; }
  get required(): readonly string[] { return this.type.required; }
  get attributes(): readonly string[] { return this.type.attributes; }
  attributeType(name: string): string | undefined { return this.type.attributeTypes.get(name); }
  get hasText(): boolean { return this.type.hasText; }
  get anyElement(): boolean { return this.type.anyElement; }
  get anyAttribute(): boolean { return this.type.anyAttribute; }

  child(name: string): ElementInfo | undefined {
    return this.type.children.get(name);
  }

  /** Same declaration at another place (a different particle), sharing the resolved type. */
  withOccurs(minOccurs: number, maxOccurs: number, repeated: boolean): ElementDeclaration {
    return new ElementDeclaration(this.name, this.namespace, minOccurs, maxOccurs, repeated, () => this.type, this.typeName, this.builtinType);
  }
}

/** How many times each child name can occur in one instance of a particle (Infinity when unbounded). */
type Counts = Map<string, number>;

function addCounts(target: Counts, source: Counts): void {
  for (const [name, count] of source) target.set(name, (target.get(name) ?? 0) + count);
}

function maxCounts(target: Counts, source: Counts): void {
  for (const [name, count] of source) target.set(name, Math.max(target.get(name) ?? 0, count));
}

function scaleCounts(counts: Counts, factor: number): Counts {
  if (factor !== 1) for (const [name, count] of counts) counts.set(name, count * factor);
  return counts;
}

/** Mutable content model under construction; becomes a frozen TypeModel. */
class ContentBuilder {
  /** First declaration of each child name, in schema order. */
  readonly declarations = new Map<string, ElementDeclaration>();
  /** Occurrence counts of the whole content model (sequence of base content and own particle). */
  readonly counts: Counts = new Map();
  readonly required = new Set<string>();
  readonly attributes = new Set<string>();
  readonly attributeTypes = new Map<string, string>();
  hasText = false;
  anyElement = false;
  anyAttribute = false;

  declare(declaration: ElementDeclaration, required: boolean): void {
    if (!this.declarations.has(declaration.name)) this.declarations.set(declaration.name, declaration);
    if (required) this.required.add(declaration.name);
  }

  /** Content of a base type, ahead of an extension's own particles. */
  addContentOf(model: TypeModel): void {
    const counts: Counts = new Map();
    for (const name of model.childOrder) {
      const info = model.children.get(name);
      if (!(info instanceof ElementDeclaration)) continue;
      this.declare(info, model.required.includes(name));
      counts.set(name, info.repeated ? 2 : 1);
    }
    addCounts(this.counts, counts);
    this.inheritAttributes(model);
    this.anyElement ||= model.anyElement;
    this.anyAttribute ||= model.anyAttribute;
  }

  inheritAttributes(model: TypeModel): void {
    for (const attribute of model.attributes) this.attributes.add(attribute);
    for (const [name, type] of model.attributeTypes) this.attributeTypes.set(name, type);
  }

  toModel(): TypeModel {
    const children = new Map<string, ElementInfo>();
    for (const [name, declaration] of this.declarations) {
      // An element repeats when one instance of the content model can hold it more than once:
      // its own maxOccurs, a repeating group around it, or the same name at two places of a sequence.
      const repeated = (this.counts.get(name) ?? 0) > 1;
      children.set(name, declaration.repeated === repeated
        ? declaration
        : declaration.withOccurs(declaration.minOccurs, declaration.maxOccurs, repeated));
    }
    const childOrder = [...children.keys()];
    return Object.freeze({
      children,
      childOrder: Object.freeze(childOrder),
      required: Object.freeze(childOrder.filter((name) => this.required.has(name))),
      attributes: Object.freeze([...this.attributes]),
      attributeTypes: this.attributeTypes.size === 0 ? NO_ATTRIBUTE_TYPES : new Map([...this.attributeTypes].filter(([name]) => this.attributes.has(name))),
      hasText: this.hasText,
      anyElement: this.anyElement,
      anyAttribute: this.anyAttribute,
    });
  }
}

/** Compiles XSD components of one schema set into TypeModels, lazily and memoised. */
class ModelCompiler {
  readonly #namedTypes = new Map<string, TypeModel>();
  readonly #anonymousTypes = new WeakMap<XsdNode, TypeModel>();
  readonly #globalElements = new Map<string, ElementDeclaration>();
  readonly #inProgress = new Set<string | XsdNode>();
  readonly #builtinBases = new Map<string, string | undefined>();

  constructor(readonly registry: Registry) {}

  /** The built-in XML Schema type a named simple type, or the text of a simpleContent type, derives from (itself for a built-in); undefined for element content, lists and unions. */
  builtinBase(key: string): string | undefined {
    if (key.startsWith(`{${XSD_NS}}`)) return key;
    if (this.#builtinBases.has(key)) return this.#builtinBases.get(key);
    this.#builtinBases.set(key, undefined); // a type that derives from itself ends here
    const component = this.registry.types.get(key);
    let base: string | undefined;
    // a simple type's restriction, or the base of a complex type: text plus attributes (simpleContent),
    // or such a type extended again (17.2 SimpleCurrencyPriceType extends CurrencyAmountOptType by complexContent)
    const derivation = component?.node.tag === 'simpleType'
      ? component.node.children.find((child) => child.tag === 'restriction')
      : component?.node.children.find((child) => child.tag === 'simpleContent' || child.tag === 'complexContent')
        ?.children.find((child) => child.tag === 'extension' || child.tag === 'restriction');
    const baseName = derivation?.attrs.base;
    if (component && baseName) {
      const { namespace, local } = this.resolveQName(baseName, component.doc);
      base = this.builtinBase(qnameKey(namespace, local));
    }
    this.#builtinBases.set(key, base);
    return base;
  }

  resolveQName(value: string, doc: SchemaDoc): { namespace: string; local: string } {
    const colon = value.indexOf(':');
    if (colon < 0) {
      const defaultNamespace = doc.file.prefixes.get('');
      return { namespace: defaultNamespace ?? doc.targetNamespace, local: value };
    }
    const prefix = value.slice(0, colon);
    const namespace = doc.file.prefixes.get(prefix);
    if (namespace === undefined) {
      throw new SchemaModelError(`${doc.file.path}: prefix '${prefix}' of '${value}' is not declared`);
    }
    return { namespace, local: value.slice(colon + 1) };
  }

  /** The global element `{namespace}local` as an ElementInfo with occurrence 1..1. */
  globalElement(namespace: string, local: string): ElementDeclaration | undefined {
    const key = qnameKey(namespace, local);
    const cached = this.#globalElements.get(key);
    if (cached) return cached;
    const component = this.registry.elements.get(key);
    if (!component) return undefined;
    const { node, doc } = component;
    const declaration = new ElementDeclaration(
      local, doc.targetNamespace, 1, 1, false,
      () => this.elementType(node, doc),
      this.typeNameOf(node, doc),
      this.builtinTypeOf(node, doc),
    );
    this.#globalElements.set(key, declaration);
    return declaration;
  }

  builtinTypeOf(node: XsdNode, doc: SchemaDoc): string | undefined {
    const typeName = this.typeNameOf(node, doc);
    return typeName === undefined ? undefined : this.builtinBase(typeName);
  }

  typeNameOf(node: XsdNode, doc: SchemaDoc): string | undefined {
    const type = node.attrs.type;
    if (!type) return undefined;
    const { namespace, local } = this.resolveQName(type, doc);
    return qnameKey(namespace, local);
  }

  /** The type of an element declaration: @type, an anonymous type, the substitution group head's type, or anyType. */
  elementType(node: XsdNode, doc: SchemaDoc): TypeModel {
    const type = node.attrs.type;
    if (type) return this.namedType(this.resolveQName(type, doc), doc);
    for (const child of node.children) {
      if (child.tag === 'complexType') return this.anonymousComplexType(child, doc);
      if (child.tag === 'simpleType') return SIMPLE_TYPE;
    }
    const head = node.attrs.substitutionGroup;
    if (head) {
      const { namespace, local } = this.resolveQName(head, doc);
      const component = this.registry.elements.get(qnameKey(namespace, local));
      if (component) return this.elementType(component.node, component.doc);
    }
    return ANY_TYPE;
  }

  namedType(name: { namespace: string; local: string }, from: SchemaDoc): TypeModel {
    if (name.namespace === XSD_NS) return name.local === 'anyType' ? ANY_TYPE : SIMPLE_TYPE;
    const key = qnameKey(name.namespace, name.local);
    const cached = this.#namedTypes.get(key);
    if (cached) return cached;
    const component = this.registry.types.get(key);
    if (!component) {
      throw new SchemaModelError(`${from.file.path}: type ${key} is not defined in the schema set`);
    }
    if (this.#inProgress.has(key)) {
      throw new SchemaModelError(`${component.doc.file.path}: type ${key} derives from itself`);
    }
    this.#inProgress.add(key);
    try {
      const model = component.node.tag === 'simpleType' ? SIMPLE_TYPE : this.complexType(component.node, component.doc);
      this.#namedTypes.set(key, model);
      return model;
    } finally {
      this.#inProgress.delete(key);
    }
  }

  anonymousComplexType(node: XsdNode, doc: SchemaDoc): TypeModel {
    const cached = this.#anonymousTypes.get(node);
    if (cached) return cached;
    const model = this.complexType(node, doc);
    this.#anonymousTypes.set(node, model);
    return model;
  }

  complexType(node: XsdNode, doc: SchemaDoc): TypeModel {
    const content = new ContentBuilder();
    content.hasText = node.attrs.mixed === 'true';
    for (const child of node.children) {
      switch (child.tag) {
        case 'simpleContent':
          this.simpleContent(child, doc, content);
          break;
        case 'complexContent':
          this.complexContent(child, doc, content);
          break;
        default:
          this.particleOrAttribute(child, doc, content);
          break;
      }
    }
    return content.toModel();
  }

  simpleContent(node: XsdNode, doc: SchemaDoc, content: ContentBuilder): void {
    content.hasText = true;
    for (const derivation of node.children) {
      if (derivation.tag !== 'extension' && derivation.tag !== 'restriction') continue;
      const base = derivation.attrs.base;
      if (base) {
        const baseModel = this.namedType(this.resolveQName(base, doc), doc);
        content.inheritAttributes(baseModel);
        content.anyAttribute ||= baseModel.anyAttribute;
      }
      for (const child of derivation.children) this.attributeUse(child, doc, content);
    }
  }

  complexContent(node: XsdNode, doc: SchemaDoc, content: ContentBuilder): void {
    if (node.attrs.mixed === 'true') content.hasText = true;
    for (const derivation of node.children) {
      if (derivation.tag !== 'extension' && derivation.tag !== 'restriction') continue;
      const base = derivation.attrs.base;
      const baseModel = base ? this.namedType(this.resolveQName(base, doc), doc) : ANY_TYPE;
      if (derivation.tag === 'extension') {
        // Extension: the base type's particles come first, then the extension's own.
        if (baseModel !== ANY_TYPE) {
          content.addContentOf(baseModel);
          content.hasText ||= baseModel.hasText && baseModel !== SIMPLE_TYPE;
        }
      } else if (baseModel !== ANY_TYPE) {
        // Restriction restates the particles; attributes are inherited unless prohibited.
        content.inheritAttributes(baseModel);
        content.anyAttribute ||= baseModel.anyAttribute;
      }
      for (const child of derivation.children) this.particleOrAttribute(child, doc, content);
    }
  }

  particleOrAttribute(node: XsdNode, doc: SchemaDoc, content: ContentBuilder): void {
    switch (node.tag) {
      case 'sequence':
      case 'choice':
      case 'all':
      case 'group':
      case 'element':
      case 'any':
        addCounts(content.counts, this.particle(node, doc, content, true));
        break;
      default:
        this.attributeUse(node, doc, content);
        break;
    }
  }

  /**
   * Declares the elements of one particle and returns how often each name can occur in it:
   * a sequence adds its parts up, a choice takes the largest, maxOccurs multiplies.
   * @param outerRequired every enclosing group is mandatory and none is a choice
   */
  particle(node: XsdNode, doc: SchemaDoc, content: ContentBuilder, outerRequired: boolean): Counts {
    const minOccurs = parseOccurs(node.attrs.minOccurs, 1);
    const maxOccurs = parseOccurs(node.attrs.maxOccurs, 1);
    const counts: Counts = new Map();
    if (maxOccurs === 0) return counts;
    const required = outerRequired && minOccurs > 0;
    switch (node.tag) {
      case 'element': {
        const declaration = this.localElement(node, doc, minOccurs, maxOccurs);
        content.declare(declaration, required);
        counts.set(declaration.name, maxOccurs);
        return counts;
      }
      case 'sequence':
      case 'all':
        for (const child of node.children) addCounts(counts, this.particle(child, doc, content, required));
        return scaleCounts(counts, maxOccurs);
      case 'choice':
        for (const child of node.children) maxCounts(counts, this.particle(child, doc, content, false));
        return scaleCounts(counts, maxOccurs);
      case 'group': {
        const ref = node.attrs.ref;
        if (!ref) return counts;
        const { namespace, local } = this.resolveQName(ref, doc);
        const key = qnameKey(namespace, local);
        const group = this.registry.groups.get(key);
        if (!group) throw new SchemaModelError(`${doc.file.path}: group ${key} is not defined in the schema set`);
        if (this.#inProgress.has(group.node)) throw new SchemaModelError(`${group.doc.file.path}: group ${key} refers to itself`);
        this.#inProgress.add(group.node);
        try {
          for (const child of group.node.children) addCounts(counts, this.particle(child, group.doc, content, required));
        } finally {
          this.#inProgress.delete(group.node);
        }
        return scaleCounts(counts, maxOccurs);
      }
      case 'any':
        content.anyElement = true;
        return counts;
      default:
        return counts;
    }
  }

  localElement(node: XsdNode, doc: SchemaDoc, minOccurs: number, maxOccurs: number): ElementDeclaration {
    const repeated = maxOccurs > 1;
    const ref = node.attrs.ref;
    if (ref) {
      const { namespace, local } = this.resolveQName(ref, doc);
      const global = this.globalElement(namespace, local);
      if (!global) throw new SchemaModelError(`${doc.file.path}: element ${qnameKey(namespace, local)} is not defined in the schema set`);
      return global.withOccurs(minOccurs, maxOccurs, repeated);
    }
    const name = node.attrs.name;
    if (!name) throw new SchemaModelError(`${doc.file.path}: local element without name or ref`);
    const form = node.attrs.form;
    const qualified = form ? form === 'qualified' : doc.file.elementQualified;
    return new ElementDeclaration(
      name, qualified ? doc.targetNamespace : '', minOccurs, maxOccurs, repeated,
      () => this.elementType(node, doc),
      this.typeNameOf(node, doc),
      this.builtinTypeOf(node, doc),
    );
  }

  attributeUse(node: XsdNode, doc: SchemaDoc, content: ContentBuilder): void {
    switch (node.tag) {
      case 'attribute': {
        const name = node.attrs.name ?? (node.attrs.ref ? this.resolveQName(node.attrs.ref, doc).local : undefined);
        if (!name) break;
        if (node.attrs.use === 'prohibited') {
          content.attributes.delete(name);
        } else {
          content.attributes.add(name);
          const type = node.attrs.type;
          if (type) {
            const { namespace, local } = this.resolveQName(type, doc);
            const key = qnameKey(namespace, local);
            content.attributeTypes.set(name, this.builtinBase(key) ?? key);
          }
        }
        break;
      }
      case 'attributeGroup': {
        const ref = node.attrs.ref;
        if (!ref) break;
        const { namespace, local } = this.resolveQName(ref, doc);
        const key = qnameKey(namespace, local);
        const group = this.registry.attributeGroups.get(key);
        if (!group) throw new SchemaModelError(`${doc.file.path}: attributeGroup ${key} is not defined in the schema set`);
        if (this.#inProgress.has(group.node)) throw new SchemaModelError(`${group.doc.file.path}: attributeGroup ${key} refers to itself`);
        this.#inProgress.add(group.node);
        try {
          for (const child of group.node.children) this.attributeUse(child, group.doc, content);
        } finally {
          this.#inProgress.delete(group.node);
        }
        break;
      }
      case 'anyAttribute':
        content.anyAttribute = true;
        break;
      default:
        break;
    }
  }
}

function createModel(path: string, rootName: string | undefined): SchemaModel {
  const { registry, rootDocs } = loadRegistry([path]);
  return buildModel(new ModelCompiler(registry), rootDocs[0] as SchemaDoc, rootName);
}

/** The model of the message whose own schema document is `rootDoc`, compiled by `compiler`. */
function buildModel(compiler: ModelCompiler, rootDoc: SchemaDoc, rootName: string | undefined): SchemaModel {
  const path = rootDoc.file.path;
  const ownElements = rootDoc.file.root.children.filter((node) => node.tag === 'element' && node.attrs.name);
  const fileStem = basename(path).replace(/\.xsd$/i, '');
  const chosen = rootName !== undefined
    ? ownElements.find((node) => node.attrs.name === rootName)
    : ownElements.find((node) => node.attrs.name === fileStem) ?? (ownElements.length === 1 ? ownElements[0] : undefined);
  const chosenName = chosen?.attrs.name;
  if (!chosenName) {
    throw new SchemaModelError(`${path}: no global element ${rootName ?? fileStem} to use as the message root`);
  }
  const root = compiler.globalElement(rootDoc.targetNamespace, chosenName);
  if (!root) throw new SchemaModelError(`${path}: root element ${chosenName} could not be resolved`);

  const lookups = new Map<string, ElementInfo | undefined>();
  return Object.freeze({
    rootName: chosenName,
    namespace: root.namespace,
    schemaFile: path,
    root,
    element(elementPath: readonly string[]): ElementInfo | undefined {
      if (elementPath.length === 0 || elementPath[0] !== chosenName) return undefined;
      const key = elementPath.join('/');
      if (lookups.has(key)) return lookups.get(key);
      let info: ElementInfo | undefined = root;
      for (let i = 1; i < elementPath.length && info; i++) info = info.child(elementPath[i] as string);
      // Only schema-known paths are remembered, and only so many: recursive types have endless paths.
      if (info && lookups.size < MAX_REMEMBERED_PATHS) lookups.set(key, info);
      return info;
    },
  });
}

/** The models of several message schemas read as one schema set; see {@link loadSchemaModelSet}. */
export interface SchemaModelSet {
  /** Absolute paths of the message schemas, in the order given. */
  readonly files: readonly string[];
  /** The model of one of the set's files, rooted as {@link loadSchemaModel} roots it. Memoised. */
  model(xsdFile: string, options?: LoadSchemaModelOptions): SchemaModel;
}

/**
 * Loads the message schemas of one namespace as one schema set, the way the gateway compiles them
 * into one XSD: one registry of their components and one compiler, so a type they share (all the
 * common types) is compiled once for all of them instead of once per message. Each message's
 * model is the one {@link loadSchemaModel} gives, provided the files do not declare the same
 * name twice (a combined XSD that compiles guarantees that); a reference one file cannot resolve
 * alone may resolve in the set, as it does in the combined XSD. Cached by the list of files.
 */
export function loadSchemaModelSet(xsdFiles: readonly string[]): SchemaModelSet {
  const files = Object.freeze(xsdFiles.map((file) => resolve(file)));
  const key = files.join('\u0000');
  const cached = modelSetCache.get(key);
  if (cached) return cached;
  const { registry, rootDocs } = loadRegistry(files);
  const compiler = new ModelCompiler(registry);
  const docs = new Map(files.map((file, i) => [file, rootDocs[i] as SchemaDoc]));
  const models = new Map<string, SchemaModel>();
  const set: SchemaModelSet = Object.freeze({
    files,
    model(xsdFile: string, options: LoadSchemaModelOptions = {}): SchemaModel {
      const path = resolve(xsdFile);
      const modelKey = `${path}\u0000${options.rootName ?? ''}`;
      const known = models.get(modelKey);
      if (known) return known;
      const doc = docs.get(path);
      if (!doc) throw new SchemaModelError(`${path} is not one of the files of this schema set`);
      const model = buildModel(compiler, doc, options.rootName);
      models.set(modelKey, model);
      return model;
    },
  });
  modelSetCache.set(key, set);
  return set;
}

/**
 * Visits every distinct content model reachable from the root once (content models are shared by
 * type, so recursive types end), compiling each on the way. Returns how many there were.
 */
export function walkSchemaModel(model: SchemaModel, visit: (info: ElementInfo) => void = () => undefined): number {
  const seen = new Set<readonly string[]>();
  const stack: ElementInfo[] = [model.root];
  for (let info = stack.pop(); info; info = stack.pop()) {
    const order = info.childOrder;
    if (seen.has(order)) continue;
    seen.add(order);
    visit(info);
    for (const name of order) {
      const child = info.child(name);
      if (child) stack.push(child);
    }
  }
  return seen.size;
}

/**
 * Compiles every type reachable from the root now rather than on the first request that needs it,
 * so start-up pays the cost instead of a client. Returns the number of distinct content models compiled.
 */
export function preloadSchemaModel(model: SchemaModel): number {
  return walkSchemaModel(model);
}
