/**
 * Shell-style globs for the conformance tools, so that a quoted glob works the same on every shell
 * and in CI files: `*` and `?` stay within one path segment, `**` spans folders, `[abc]` is a
 * character class and `{a,b}` lists alternatives. Paths use `/`.
 */

const GLOB_CHARS = /[*?[\]{}]/;

/** Whether a command-line argument is a glob rather than a path. */
export function isGlob(text: string): boolean {
  return GLOB_CHARS.test(text);
}

function escapeChar(char: string): string {
  return /[.+^$()|\\/]/.test(char) ? `\\${char}` : char;
}

/** Compiles a glob into a regular expression matching a whole `/`-separated path. */
export function compileGlob(pattern: string): RegExp {
  let source = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        const atSegmentStart = i === 0 || pattern[i - 1] === '/';
        const atSegmentEnd = pattern[i + 2] === '/' || i + 2 === pattern.length;
        if (atSegmentStart && pattern[i + 2] === '/') {
          // `**/` matches zero or more whole folders
          source += '(?:[^/]*/)*';
          i += 2;
          continue;
        }
        if (atSegmentStart && atSegmentEnd) {
          source += '.*';
          i += 1;
          continue;
        }
      }
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      const body = pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
      source += `[${body}]`;
      i = close;
    } else if (char === '{') {
      braces++;
      source += '(?:';
    } else if (char === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (char === ',' && braces > 0) {
      source += '|';
    } else {
      source += escapeChar(char);
    }
  }
  if (braces > 0) throw new Error(`Unclosed '{' in glob ${pattern}`);
  return new RegExp(`^${source}$`);
}

/**
 * Splits a glob into the folder to walk and the pattern below it:
 * `samples/21.3/*RQ.xml` → `{ base: 'samples/21.3', pattern: '*RQ.xml' }`.
 */
export function splitGlob(glob: string): { readonly base: string; readonly pattern: string } {
  const segments = glob.replace(/\\/g, '/').split('/');
  const firstGlob = segments.findIndex((s) => isGlob(s));
  if (firstGlob === -1) return { base: segments.slice(0, -1).join('/') || '.', pattern: segments.at(-1) ?? '' };
  const baseSegments = segments.slice(0, firstGlob);
  const base = baseSegments.length === 0 ? '.' : baseSegments.join('/') || '/';
  return { base, pattern: segments.slice(firstGlob).join('/') };
}
