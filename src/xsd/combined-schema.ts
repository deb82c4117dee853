import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The schema document behind one compiled schema per version and namespace: it only includes
 * the message schemas of that namespace, so compiling it compiles each shared file (the common
 * types) once for all of them. It lives in memory; its url puts it in the folder of the first
 * file, so the includes are relative to that folder and nothing is written there.
 */
export interface CombinedSchemaSource {
  /** Where the document says it is; never written. */
  readonly url: string;
  readonly text: string;
}

/** Name the combined document takes in its folder; it shows in libxml2's messages about it. */
export const COMBINED_SCHEMA_NAME = 'combined-schema.xsd';

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** A relative path as a URI reference, each segment percent-encoded (a space in a name, say). */
function toUriReference(path: string): string {
  return path.split(sep).map(encodeURIComponent).join('/');
}

/**
 * The schema document that includes every file of `xsdFiles`, all of target namespace `namespace`.
 * It claims to be in `folder` (by default the first file's), and the includes are relative to it.
 */
export function buildCombinedSchema(xsdFiles: readonly string[], namespace: string, folder?: string): CombinedSchemaSource {
  const first = xsdFiles[0];
  if (first === undefined) throw new Error('A combined schema needs at least one schema document');
  const base = resolve(folder ?? dirname(resolve(first)));
  const includes = xsdFiles.map((file) => `  <xs:include schemaLocation="${escapeAttribute(toUriReference(relative(base, resolve(file))))}"/>`);
  const text = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${escapeAttribute(namespace)}">`,
    ...includes,
    '</xs:schema>',
    '',
  ].join('\n');
  return { url: join(base, COMBINED_SCHEMA_NAME), text };
}
