import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';

/** What an XSD says about itself on its `<xs:schema>` tag, and whether it is a message schema. */
export interface SchemaHeader {
  /** File name without `.xsd`. */
  readonly name: string;
  readonly targetNamespace?: string;
  /** IATA's release id, e.g. `IATA2021.3.4`. */
  readonly id?: string;
  /** The schema's own revision, e.g. `9.002`; not the NDC version. */
  readonly version?: string;
  /** The file declares a global element named like the file: `IATA_AirShoppingRQ.xsd` → `IATA_AirShoppingRQ`. */
  readonly isMessage: boolean;
}

/** The `<xs:schema>` start tag sits within the first few KB, after the prolog and comments. */
const HEAD_BYTES = 16_384;
const SCHEMA_TAG = /<(?:[A-Za-z_][\w.-]*:)?schema\b([^>]*)>/;
const ATTRIBUTE = /\s([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function readHead(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const read = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads the schema tag's attributes and looks for the message element, without parsing the schema. */
export function readSchemaHeader(file: string, text?: string): SchemaHeader {
  const name = basename(file).replace(/\.xsd$/i, '');
  const head = text?.slice(0, HEAD_BYTES) ?? readHead(file);
  const attributes = new Map<string, string>();
  const tag = SCHEMA_TAG.exec(head);
  if (tag) for (const match of (tag[1] ?? '').matchAll(ATTRIBUTE)) attributes.set(match[1] as string, match[2] ?? match[3] ?? '');
  // the message element comes right after the imports, so the head nearly always holds it
  const element = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?element\\s+name\\s*=\\s*["']${escapeRegExp(name)}["']`);
  const isMessage = element.test(head) || element.test(text ?? readFileSync(file, 'utf8'));
  const targetNamespace = attributes.get('targetNamespace');
  const id = attributes.get('id');
  const version = attributes.get('version');
  return {
    name,
    ...(targetNamespace === undefined ? {} : { targetNamespace }),
    ...(id === undefined ? {} : { id }),
    ...(version === undefined ? {} : { version }),
    isMessage,
  };
}
