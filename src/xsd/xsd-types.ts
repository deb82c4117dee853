/**
 * The contract every XSD engine fulfils. It lives apart from the engine factory so that the
 * engines can depend on it without an import cycle.
 */

/** Names of the engines behind {@link XsdEngine}. */
export type XsdEngineName = 'libxml2-wasm' | 'libxmljs2';

/**
 * One problem found in a document: a schema violation or a well-formedness error.
 * Line and column are 1-based; path names elements, e.g. `/IATA_AirShoppingRQ/Request/PaxList/Pax[2]/PTC`.
 */
export interface XsdIssue {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  readonly path?: string;
}

/** An element by namespace URI ('' when unqualified) and local name. */
export interface RootElement {
  readonly namespace: string;
  readonly name: string;
}

/** Options of one validation. */
export interface ValidateOptions {
  /** Most issues returned for one document. @defaultValue 50 */
  readonly maxErrors?: number;
  /**
   * The root element the document must have. A schema accepts any of its global elements as the
   * root; with this, a document with another root is one issue and is not validated further.
   */
  readonly root?: RootElement;
}

/** A schema ready to validate documents; compiled once, used for many requests. */
export interface CompiledSchema {
  /** Returns `[]` when the document is valid. Malformed XML comes back as issues, never as an exception. */
  validate(xml: Buffer | string, options?: ValidateOptions): XsdIssue[];
  /** Frees the engine's memory for this schema; the schema must not be used afterwards. */
  dispose(): void;
}

/** One schema compiled from several schema documents of one target namespace. */
export interface CompiledSchemaSet extends CompiledSchema {
  /**
   * The schema as one of its documents' messages sees it: validates only documents whose root is
   * `root`. An engine may check such a document against `file` alone where that is cheaper and the
   * verdict the same. Disposing it leaves the set alone; disposing the set ends it too.
   */
  member(file: string, root: RootElement): CompiledSchema;
}

/** An XSD implementation; the gateway depends on this interface only. */
export interface XsdEngine {
  readonly name: XsdEngineName;
  /** Compiles the schema at `xsdFile`, resolving xs:include/xs:import relative to it. Throws SchemaCompileError when it does not compile. */
  compile(xsdFile: string): CompiledSchema;
  /**
   * Compiles one schema that includes every file of `xsdFiles`, schema documents whose target
   * namespace is `namespace`, so that a document of any of them validates against it. Nothing is
   * written to disk. Throws SchemaCompileError, naming the files the errors are in where the
   * engine tells.
   */
  compileSet(xsdFiles: readonly string[], namespace: string): CompiledSchemaSet;
}
