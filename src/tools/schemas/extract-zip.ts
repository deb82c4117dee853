import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Entry, ZipFile } from 'yauzl';

/** Limits for a schema package: IATA's are a few MB; anything far bigger is not one. */
export interface ExtractLimits {
  /** @defaultValue 5000 */
  readonly maxEntries?: number;
  /** Uncompressed bytes in total. @defaultValue 512 MB */
  readonly maxBytes?: number;
}

function safeRelativePath(name: string): string | undefined {
  const normalised = normalize(name.replace(/\\/g, '/'));
  if (normalised === '' || isAbsolute(normalised) || normalised.split(sep).includes('..')) return undefined;
  return normalised;
}

function openZip(file: string): Promise<ZipFile> {
  return import('yauzl').then(
    (yauzl) =>
      new Promise<ZipFile>((resolveZip, reject) => {
        yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (error, zip) => (error ? reject(error) : resolveZip(zip)));
      }),
  );
}

function openEntry(zip: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolveStream, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolveStream(stream)));
  });
}

/**
 * Unpacks a zip into `target`, refusing entries that would land outside it (`../`, absolute
 * paths) and archives beyond the limits. Returns the files written, relative to `target`.
 */
export async function extractZip(file: string, target: string, limits: ExtractLimits = {}): Promise<string[]> {
  const maxEntries = limits.maxEntries ?? 5000;
  const maxBytes = limits.maxBytes ?? 512 * 1024 * 1024;
  const zip = await openZip(file);
  if (zip.entryCount > maxEntries) {
    zip.close();
    throw new Error(`${file} holds ${zip.entryCount} entries; a schema package holds far fewer (limit ${maxEntries})`);
  }
  const written: string[] = [];
  let bytes = 0;
  await new Promise<void>((resolveAll, reject) => {
    const fail = (error: unknown): void => {
      zip.close();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    zip.on('error', fail);
    zip.on('end', () => resolveAll());
    zip.on('entry', (entry: Entry) => {
      const relative = safeRelativePath(entry.fileName);
      if (relative === undefined) {
        fail(new Error(`${file}: entry '${entry.fileName}' would be written outside the target folder`));
        return;
      }
      if (entry.fileName.endsWith('/')) {
        mkdirSync(join(target, relative), { recursive: true });
        zip.readEntry();
        return;
      }
      bytes += entry.uncompressedSize;
      if (bytes > maxBytes) {
        fail(new Error(`${file} unpacks to more than ${maxBytes} bytes; not a schema package`));
        return;
      }
      const path = join(target, relative);
      mkdirSync(dirname(path), { recursive: true });
      openEntry(zip, entry)
        .then((stream) => pipeline(stream, createWriteStream(path)))
        .then(() => {
          written.push(relative);
          zip.readEntry();
        }, fail);
    });
    zip.readEntry();
  });
  return written.sort();
}
