/**
 * A small, forgiving tokenizer that finds every start tag of a document with its line, column and
 * parent. libxml2 reports validation errors with a line only, so this is how an issue gets a
 * column and a named element path. It never throws: on broken input it just stops early.
 */

/** Start tags of one document in document order, stored as parallel arrays (one slot per element). */
export interface StartTagIndex {
  readonly count: number;
  /** Name as written, e.g. `cns:CardNumber`. */
  readonly qnames: readonly string[];
  /** Name without prefix, e.g. `CardNumber`. */
  readonly localNames: readonly string[];
  /** Slot of the parent element; -1 for the root. */
  readonly parents: readonly number[];
  /** Line of the `<` (1-based). */
  readonly startLines: readonly number[];
  /** Column of the `<` (1-based, in UTF-16 code units). */
  readonly columns: readonly number[];
  /** Line of the closing `>` of the start tag; libxml2 reports this line for the element. */
  readonly endLines: readonly number[];
  /** Offset of the `<` in the source. */
  readonly startOffsets: readonly number[];
  /** Offset just past the start tag's `>` (where the element's content begins). */
  readonly contentOffsets: readonly number[];
  /** Position among all element siblings (1-based). */
  readonly ordinalAll: readonly number[];
  /** Position among siblings with the same qualified name (1-based). */
  readonly ordinalQname: readonly number[];
  /** Position among siblings with the same local name (1-based). */
  readonly ordinalLocal: readonly number[];
  /** How many children of each local name an element has (slot -1, the document, is `documentLocalCounts`). */
  readonly childLocalCounts: readonly (ReadonlyMap<string, number> | undefined)[];
  readonly documentLocalCounts: ReadonlyMap<string, number>;
}

interface Counters {
  all: number;
  qname: Map<string, number>;
  local: Map<string, number>;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QUOT = 0x22;
const APOS = 0x27;

function isNameEnd(code: number): boolean {
  // whitespace, '/', '>' end a tag name
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === SLASH || code === GT;
}

function bump(map: Map<string, number>, key: string): number {
  const next = (map.get(key) ?? 0) + 1;
  map.set(key, next);
  return next;
}

/** Scans the whole document once; linear in its length. */
export function scanStartTags(source: string): StartTagIndex {
  const len = source.length;
  const qnames: string[] = [];
  const localNames: string[] = [];
  const parents: number[] = [];
  const startLines: number[] = [];
  const columns: number[] = [];
  const endLines: number[] = [];
  const startOffsets: number[] = [];
  const contentOffsets: number[] = [];
  const ordinalAll: number[] = [];
  const ordinalQname: number[] = [];
  const ordinalLocal: number[] = [];
  const counters: (Counters | undefined)[] = [];
  const documentCounters: Counters = { all: 0, qname: new Map(), local: new Map() };
  const stack: number[] = [];

  let line = 1;
  let lineStart = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  let nextNewline = source.indexOf('\n');
  const advanceTo = (offset: number): void => {
    while (nextNewline !== -1 && nextNewline < offset) {
      line++;
      lineStart = nextNewline + 1;
      nextNewline = source.indexOf('\n', lineStart);
    }
  };
  const skipPast = (from: number, terminator: string): number => {
    const end = source.indexOf(terminator, from);
    return end === -1 ? len : end + terminator.length;
  };

  let pos = 0;
  while (pos < len) {
    const lt = source.indexOf('<', pos);
    if (lt === -1) break;
    const next = source.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (source.startsWith('<!--', lt)) pos = skipPast(lt + 4, '-->');
      else if (source.startsWith('<![CDATA[', lt)) pos = skipPast(lt + 9, ']]>');
      else {
        // DOCTYPE or another declaration, possibly with an internal subset in brackets
        const gt = source.indexOf('>', lt);
        const bracket = source.indexOf('[', lt);
        pos = bracket !== -1 && (gt === -1 || bracket < gt) ? skipPast(skipPast(bracket, ']'), '>') : gt === -1 ? len : gt + 1;
      }
      continue;
    }
    if (next === 0x3f /* ? */) {
      pos = skipPast(lt + 2, '?>');
      continue;
    }
    if (next === SLASH) {
      stack.pop();
      pos = skipPast(lt + 2, '>');
      continue;
    }

    let nameEnd = lt + 1;
    while (nameEnd < len && !isNameEnd(source.charCodeAt(nameEnd))) nameEnd++;
    if (nameEnd === lt + 1) {
      pos = lt + 1;
      continue;
    }
    // find the '>' that closes the start tag, stepping over quoted attribute values
    let gt = -1;
    let p = nameEnd;
    while (p < len) {
      const code = source.charCodeAt(p);
      if (code === GT) {
        gt = p;
        break;
      }
      if (code === QUOT || code === APOS || code === LT) {
        if (code === LT) break; // broken tag: stop here rather than swallow the next one
        const close = source.indexOf(code === QUOT ? '"' : "'", p + 1);
        p = close === -1 ? len : close + 1;
        continue;
      }
      p++;
    }

    const qname = source.slice(lt + 1, nameEnd);
    const colon = qname.indexOf(':');
    const local = colon === -1 ? qname : qname.slice(colon + 1);
    const parent = stack.length > 0 ? (stack[stack.length - 1] as number) : -1;
    const parentCounters = parent === -1 ? documentCounters : (counters[parent] ??= { all: 0, qname: new Map(), local: new Map() });

    advanceTo(lt);
    startLines.push(line);
    columns.push(lt - lineStart + 1);
    advanceTo(gt === -1 ? p : gt);
    endLines.push(line);
    startOffsets.push(lt);
    contentOffsets.push(gt === -1 ? p : gt + 1);
    qnames.push(qname);
    localNames.push(local);
    parents.push(parent);
    ordinalAll.push(++parentCounters.all);
    ordinalQname.push(bump(parentCounters.qname, qname));
    ordinalLocal.push(bump(parentCounters.local, local));
    counters.push(undefined);

    if (gt === -1) {
      pos = p;
      continue;
    }
    if (source.charCodeAt(gt - 1) !== SLASH) stack.push(qnames.length - 1);
    pos = gt + 1;
  }

  return {
    count: qnames.length,
    qnames,
    localNames,
    parents,
    startLines,
    columns,
    endLines,
    startOffsets,
    contentOffsets,
    ordinalAll,
    ordinalQname,
    ordinalLocal,
    childLocalCounts: counters.map((c) => c?.local),
    documentLocalCounts: documentCounters.local,
  };
}

/** Named path of an element, with `[n]` only where siblings share its name: `/IATA_AirShoppingRQ/Request/PaxList/Pax[2]`. */
export function buildElementPath(index: StartTagIndex, slot: number): string {
  const steps: string[] = [];
  for (let i = slot; i !== -1; i = index.parents[i] ?? -1) {
    const name = index.localNames[i] ?? '';
    const parent = index.parents[i] ?? -1;
    const siblings = parent === -1 ? index.documentLocalCounts : index.childLocalCounts[parent];
    steps.push((siblings?.get(name) ?? 1) > 1 ? `${name}[${index.ordinalLocal[i] ?? 1}]` : name);
  }
  return `/${steps.reverse().join('/')}`;
}

/** Slots of the start tags that begin, end or span the given line, in document order. */
export function findStartTagsOnLine(index: StartTagIndex, line: number): number[] {
  // endLines never decrease in document order: binary search for the first tag ending on or after the line
  let lo = 0;
  let hi = index.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((index.endLines[mid] ?? 0) < line) lo = mid + 1;
    else hi = mid;
  }
  const found: number[] = [];
  for (let i = lo; i < index.count && (index.startLines[i] ?? Infinity) <= line; i++) found.push(i);
  return found;
}

const STEP = /^([^[\]]+)(?:\[(\d+)\])?$/;

/**
 * Whether an element is the node that libxml2 names with `xpath` (the `xmlGetNodePath` form, e.g.
 * `/IATA_OrderViewRS/*[3]/cns:Pax[2]`): `*` steps count all element siblings, named steps count same-name siblings.
 */
export function matchesNodeXPath(index: StartTagIndex, slot: number, xpath: string): boolean {
  const steps = xpath.split('/').slice(1);
  const firstNonElement = steps.findIndex((s) => s.startsWith('@') || s.includes('('));
  if (firstNonElement !== -1) steps.length = firstNonElement;
  let i = slot;
  for (let k = steps.length - 1; k >= 0; k--) {
    if (i === -1) return false;
    const match = STEP.exec(steps[k] ?? '');
    if (!match) return false;
    const name = match[1] as string;
    const position = match[2] === undefined ? 1 : Number(match[2]);
    const ok = name === '*' ? index.ordinalAll[i] === position : index.qnames[i] === name && index.ordinalQname[i] === position;
    if (!ok) return false;
    i = index.parents[i] ?? -1;
  }
  return i === -1;
}
