export * from './schema-model.ts';
export * from './parse-xml.ts';
export * from './build-xml.ts';
export * from './compile-xml-writer.ts';
export { decodeUtf8, locateOffset } from './xml-text.ts';
