import { GatewayError, type ErrorCode } from '../errors/index.ts';

/** 1-based line and column of a character offset, for error details. Only called on error paths. */
export function locateOffset(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** A GatewayError about the input text, with the line and column of `offset`. */
export function xmlError(code: ErrorCode, message: string, text: string, offset: number, path?: string): GatewayError {
  const { line, column } = locateOffset(text, offset);
  const detail = path === undefined ? { message, line, column } : { message, path, line, column };
  return new GatewayError(code, undefined, [detail]);
}

/** Offset of the first byte that breaks UTF-8, or -1 when the bytes are valid UTF-8. */
export function findInvalidUtf8(bytes: Uint8Array, length: number = bytes.length): number {
  let i = 0;
  while (i < length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let extra: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) { extra = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { extra = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { extra = 3; min = 0x10000; }
    else return i;
    if (i + extra >= length) return i;
    let codePoint = b & (0xff >> (extra + 2));
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += extra + 1;
  }
  return -1;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly; broken bytes are MALFORMED_XML with the line and column where they start. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw utf8Error(bytes, Math.max(0, findInvalidUtf8(bytes)));
  }
}

/** MALFORMED_XML for a broken UTF-8 sequence at byte `offset`, located by line and column. */
export function utf8Error(bytes: Uint8Array, offset: number): GatewayError {
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  return xmlError('MALFORMED_XML', `Invalid UTF-8 byte sequence at byte ${offset}`, before, before.length);
}

/** Characters XML 1.0 never allows, even escaped in CDATA. */
export const ILLEGAL_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Whether a numeric character reference names a character XML 1.0 allows. */
export function isLegalXmlCodePoint(codePoint: number): boolean {
  return codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd
    || (codePoint >= 0x20 && codePoint <= 0xd7ff)
    || (codePoint >= 0xe000 && codePoint <= 0xfffd)
    || (codePoint >= 0x10000 && codePoint <= 0x10ffff);
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
const REFERENCE = /&(lt|gt|amp|apos|quot|#[0-9]+|#x[0-9a-fA-F]+);/g;

/** Replaces the five predefined entities and numeric character references; nothing else is ever expanded. */
export function decodeXmlReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (match, name: string) => {
    if (name.charCodeAt(0) !== 35) return PREDEFINED[name] ?? match;
    const codePoint = name.charCodeAt(1) === 120 ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    return isLegalXmlCodePoint(codePoint) ? String.fromCodePoint(codePoint) : match;
  });
}
