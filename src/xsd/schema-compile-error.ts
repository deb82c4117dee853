/**
 * A schema that does not compile. `files` are the schema documents the engine located the errors
 * in (absolute paths), so a caller that combined several documents can take the culprits out;
 * empty when the engine does not say (libxmljs2).
 */
export class SchemaCompileError extends Error {
  override name = 'SchemaCompileError';
  constructor(
    /** What did not compile, e.g. `IATA_OrderChangeNotifRQ.xsd`. */
    readonly schema: string,
    /** The engine's reasons, e.g. `IATA_OrderHistoryRS.xsd:39: Element 'complexType': … does already exist.` */
    readonly detail: string,
    readonly files: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`${schema} does not compile: ${detail}`, options);
  }
}
