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

/** Options of one validation. */
export interface ValidateOptions {
  /** Most issues returned for one document. @defaultValue 50 */
  readonly maxErrors?: number;
}

/** A schema ready to validate documents; compiled once, used for many requests. */
export interface CompiledSchema {
  /** Returns `[]` when the document is valid. Malformed XML comes back as issues, never as an exception. */
  validate(xml: Buffer | string, options?: ValidateOptions): XsdIssue[];
  /** Frees the engine's memory for this schema; the schema must not be used afterwards. */
  dispose(): void;
}

/** An XSD implementation; the gateway depends on this interface only. */
export interface XsdEngine {
  readonly name: XsdEngineName;
  /** Compiles the schema at `xsdFile`, resolving xs:include/xs:import relative to it. Throws when it does not compile. */
  compile(xsdFile: string): CompiledSchema;
}
