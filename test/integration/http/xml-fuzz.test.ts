import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDIST_172_NS, OO_MESSAGE_NS, OO_TYPES_NS } from '../../../src/ndc/ndc-versions.ts';
import { readRootElement } from '../../../src/xml/index.ts';
import { airShoppingLhrFra213 } from '../../support/ndc-doc.ts';
import { missingShared, SAMPLES_PATH } from '../../support/paths.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/** CI runs one fixed seed; FUZZ_SEED=random (or a number) and FUZZ_RUNS widen the search locally. */
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.FUZZ_SEED ?? 20_261_208);
const RUNS = Number(process.env.FUZZ_RUNS ?? 4000);
const REQUEST_TIMEOUT_MS = 10_000;

/** Every shared sample of every version, as bytes: the gateway serves some versions, not all. */
const samples = missingShared([SAMPLES_PATH]).length > 0 ? [] : readdirSync(SAMPLES_PATH, { withFileTypes: true, recursive: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.xml'))
  .map((entry) => join(entry.parentPath, entry.name))
  .sort()
  .map((file) => ({ file, xml: readFileSync(file, 'utf8') }));

interface Span { readonly start: number; readonly end: number }

/** Element spans of a sample, from an open tag to the first close tag of its name after it (cheap, not exact). */
function elementSpans(xml: string): Span[] {
  const spans: Span[] = [];
  for (const match of xml.matchAll(/<([A-Za-z_][\w.:-]*)\b[^>]*?(\/?)>/g)) {
    const start = match.index;
    if (match[2] === '/') { spans.push({ start, end: start + match[0].length }); continue; }
    const close = xml.indexOf(`</${match[1]}>`, start);
    if (close > 0) spans.push({ start, end: close + match[1]!.length + 3 });
  }
  return spans;
}

/** Positions just after a `>` and before the next `<`: where element text goes. */
function textGaps(xml: string): Span[] {
  return [...xml.matchAll(/>([^<]*)</g)].map((m) => ({ start: m.index + 1, end: m.index + 1 + m[1]!.length }));
}

type Mutation = (xml: string) => string | Buffer;

/** A named mutation; fast-check prints it by its name in a counterexample. */
function named(name: string, apply: Mutation): { name: string; apply: Mutation } {
  return { name, apply, [fc.toStringMethod]: () => name } as { name: string; apply: Mutation };
}

const pick = <T>(list: readonly T[], at: number): T | undefined => list.length === 0 ? undefined : list[at % list.length];

/** Mutations, each an arbitrary of a function over a sample's text. */
const mutations: fc.Arbitrary<{ name: string; apply: Mutation }> = fc.oneof(
  fc.nat().map((at) => named(`drop element #${at}`, (xml: string) => {
    const span = pick(elementSpans(xml).slice(1), at);
    return span ? xml.slice(0, span.start) + xml.slice(span.end) : xml;
  })),
  fc.nat().map((at) => named(`duplicate element #${at}`, (xml: string) => {
    const span = pick(elementSpans(xml).slice(1), at);
    return span ? xml.slice(0, span.end) + xml.slice(span.start, span.end) + xml.slice(span.end) : xml;
  })),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => named(`swap elements #${a} #${b}`, (xml: string) => {
    const spans = elementSpans(xml).slice(1);
    const first = pick(spans, a);
    const second = first && pick(spans.filter((s) => s.start >= first.end), b);
    if (!first || !second) return xml;
    return xml.slice(0, first.start) + xml.slice(second.start, second.end) + xml.slice(first.end, second.start) + xml.slice(first.start, first.end) + xml.slice(second.end);
  })),
  fc.tuple(fc.nat(), fc.string({ unit: 'grapheme', maxLength: 40 })).map(([at, text]) => named(`text #${at} = ${JSON.stringify(text)}`, (xml: string) => {
    const gap = pick(textGaps(xml), at);
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    return gap ? xml.slice(0, gap.start) + escaped + xml.slice(gap.end) : xml;
  })),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 20 })).map(([at, text]) => named(`raw text #${at} = ${JSON.stringify(text)}`, (xml: string) => {
    const gap = pick(textGaps(xml), at);
    return gap ? xml.slice(0, gap.start) + text + xml.slice(gap.end) : xml;
  })),
  // Unbiased: fast-check leans to small numbers, which would mostly cut to an empty body.
  fc.noBias(fc.integer({ min: 1, max: 9_999 })).map((cut) => named(`truncate at ${cut / 100}%`, (xml: string) => {
    const bytes = Buffer.from(xml);
    return bytes.subarray(0, Math.floor((bytes.length * cut) / 10_000));
  })),
  fc.constantFrom('UTF-16', 'UTF-16LE', 'ISO-8859-1', 'EBCDIC-US', 'US-ASCII', 'no-such-encoding', 'UTF-32', '').map((encoding) => named(`encoding declared ${encoding}`, (xml: string) =>
    `<?xml version="1.0" encoding="${encoding}"?>\n${xml.replace(/^\uFEFF?<\?xml[^>]*\?>\s*/, '')}`)),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 6 })).map(([at, bytes]) => named(`bytes ${Buffer.from(bytes).toString('hex')} at gap #${at}`, (xml: string) => {
    const gap = pick(textGaps(xml), at);
    if (!gap) return xml;
    return Buffer.concat([Buffer.from(xml.slice(0, gap.start)), Buffer.from([0xc3, 0x28, ...bytes]), Buffer.from(xml.slice(gap.start))]);
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 10_000, max: 400_000 })).map(([at, length]) => named(`attribute of ${length} chars on element #${at}`, (xml: string) => {
    const spans = elementSpans(xml);
    const span = pick(spans, at);
    if (!span) return xml;
    const nameEnd = xml.slice(span.start).search(/[\s/>]/) + span.start;
    return `${xml.slice(0, nameEnd)} Huge="${'x'.repeat(length)}"${xml.slice(nameEnd)}`;
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 50, max: 5_000 })).map(([at, depth]) => named(`nesting ${depth} deep at gap #${at}`, (xml: string) => {
    const gap = pick(textGaps(xml), at);
    return gap ? xml.slice(0, gap.start) + '<Nest>'.repeat(depth) + '</Nest>'.repeat(depth) + xml.slice(gap.start) : xml;
  })),
  fc.constantFrom('21.3→17.2', '17.2→21.3', 'types→17.2').map((swap) => named(`namespace ${swap}`, (xml: string) => {
    if (swap === '21.3→17.2') return xml.replaceAll(OO_MESSAGE_NS, EDIST_172_NS);
    if (swap === '17.2→21.3') return xml.replaceAll(EDIST_172_NS, OO_MESSAGE_NS);
    return xml.replaceAll(OO_TYPES_NS, EDIST_172_NS);
  })),
);

/** Answers' roots the gateway names an NDC RS by; anything else in these namespaces is the generic Errors. */
function recognisedAnswer(text: string): { version: string; message: string } | undefined {
  let root;
  try { root = readRootElement(text); } catch { return undefined; }
  if (root.localName === 'Errors') return undefined;
  if (root.namespace === OO_MESSAGE_NS) return { version: '21.3', message: root.localName.replace(/^IATA_/, '') };
  if (root.namespace === EDIST_172_NS) return { version: '17.2', message: root.localName };
  return undefined;
}

/** Heap after a full collection; `--expose-gc` is switched on here so the test needs no node flag. */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

describe.skipIf(samples.length === 0)('fuzzed samples at the XML edge', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3,17.2', REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it(`answers every mutation in time, never 5xx, and schema-valid when recognised (seed ${SEED}, ${RUNS} runs)`, async () => {
    const heapBefore = heapAfterGc();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: samples.length - 1 }), fc.array(mutations, { minLength: 1, maxLength: 3 }), async (index, chain) => {
        let body: string | Buffer = samples[index]!.xml;
        for (const mutation of chain) body = mutation.apply(typeof body === 'string' ? body : body.toString('latin1'));
        const started = performance.now();
        const answer = await postXml(`${gw.url}/api/v1/ndc`, body);
        const took = performance.now() - started;
        expect(took, 'within the request deadline').toBeLessThan(REQUEST_TIMEOUT_MS + 1000);
        expect(answer.status, answer.text.slice(0, 800)).toBeLessThan(500);
        if (answer.status === 200) expect(answer.text.length).toBeGreaterThan(0);
        const recognised = recognisedAnswer(answer.text);
        if (recognised) {
          expect(gw.gateway.deps.schemas.ensure(recognised.version, recognised.message), `${recognised.message} ${recognised.version}`).toBe(true);
          expect(gw.gateway.deps.schemas.get(recognised.version, recognised.message).validate(answer.text), answer.text.slice(0, 1500)).toEqual([]);
        } else if (answer.status === 200) {
          expect(answer.text, 'a 200 that is no NDC RS is an Errors document').toMatch(/<(?:[\w.-]+:)?Errors?\b/);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const heapAfter = heapAfterGc();
    expect(heapAfter - heapBefore, `heap ${heapBefore} → ${heapAfter}`).toBeLessThan(256 * 1024 * 1024);
  }, 300_000);

  it('is still healthy and serving a valid AirShopping afterwards', async () => {
    const health = await fetch(`${gw.url}/api/v1/monitoring/health`);
    expect(health.status).toBe(200);
    const answer = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, airShoppingLhrFra213());
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/<(?:\w+:)?Offer\b[\s>]/);
  });
});
