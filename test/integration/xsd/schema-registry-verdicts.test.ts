import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import {
  createSchemaRegistry,
  createXsdEngine,
  type CompiledSchemaSet,
  type SchemaRegistry,
  type XsdEngine,
  type XsdEngineName,
  type XsdIssue,
} from '../../../src/xsd/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';
import { listDocumentCases, type DocumentCase } from '../../support/samples.ts';
import { writeCombinedSchema, xmllintVerdicts, type XmllintVerdict } from '../../support/xmllint.ts';

/**
 * The gateway validates with one compiled schema per version and namespace, but the truth is
 * xmllint's verdict against the message's own XSD as published. Every shared sample and every
 * fixture document of a served version is judged by the registry, on both engines, and must get
 * xmllint's verdict.
 */

const ENGINES: readonly XsdEngineName[] = ['libxml2-wasm', 'libxmljs2'];
const VERSIONS = ['17.2', '21.3', '24.4', '26.1'];
const CASES = listDocumentCases(VERSIONS);

function verdictOf(issues: readonly XsdIssue[]): 'valid' | 'invalid' {
  return issues.length === 0 ? 'valid' : 'invalid';
}

function keyOf(c: Pick<DocumentCase, 'version' | 'message'>): string {
  return `${c.version}/${c.message}`;
}

/** xmllint's verdict on each case against its message's own XSD, one xmllint run per schema. */
const ownVerdicts = new Map<string, XmllintVerdict>();
/**
 * Documents libxmljs2 also judges with the combined schema: per message, the first valid and the
 * first invalid one (each libxmljs2 validation compiles the schema, so not every document twice).
 */
const combinedSpotChecks = new Set<string>();

beforeAll(() => {
  const byXsd = new Map<string, string[]>();
  for (const c of CASES) byXsd.set(c.xsd, [...(byXsd.get(c.xsd) ?? []), c.file]);
  for (const [xsd, files] of byXsd) for (const [file, verdict] of xmllintVerdicts(xsd, files)) ownVerdicts.set(file, verdict);
  const seen = new Set<string>();
  for (const c of CASES) {
    const key = `${keyOf(c)}/${ownVerdicts.get(c.file) ?? ''}`;
    if (!seen.has(key)) combinedSpotChecks.add(c.file);
    seen.add(key);
  }
});

describe('documents to judge', () => {
  it('has the samples and fixtures of every served version', () => {
    const count = (version: string): number => CASES.filter((c) => c.version === version).length;
    expect(count('17.2')).toBeGreaterThanOrEqual(60);
    expect(count('21.3')).toBeGreaterThanOrEqual(130);
    expect(count('24.4')).toBeGreaterThanOrEqual(6);
    expect(count('26.1')).toBeGreaterThanOrEqual(8);
    // a sample's message is the one its file name says
    for (const c of CASES.filter((d) => d.name.startsWith('ndc-samples/'))) expect(c.name.split('/').pop()?.split('__')[0], c.name).toBe(c.message);
  });

  it('has valid and invalid documents, as xmllint judges them', () => {
    const verdicts = CASES.map((c) => ownVerdicts.get(c.file));
    expect(verdicts.filter((v) => v === 'valid').length).toBeGreaterThanOrEqual(150);
    expect(verdicts.filter((v) => v === 'invalid').length).toBeGreaterThanOrEqual(20);
  });
});

describe.each(ENGINES)('the schema registry on %s', (engineName) => {
  let engine: XsdEngine;
  let registry: SchemaRegistry;
  /** xmllint's verdict against the combined schema, for a message whose own XSD does not compile. */
  const combinedVerdicts = new Map<string, XmllintVerdict>();
  const sets = new Map<string, CompiledSchemaSet>();

  beforeAll(async () => {
    engine = await createXsdEngine(engineName);
    registry = createSchemaRegistry({ engine, schemaPath: SCHEMA_PATH, versions: VERSIONS, messages: [] });
    for (const c of CASES) registry.ensure(c.version, c.message);
    for (const c of CASES.filter((d) => ownVerdicts.get(d.file) === 'schema-error')) {
      const route = registry.route(c.version, c.message);
      if (route?.kind !== 'combined') continue;
      const combined = writeCombinedSchema(route.files, route.namespace);
      try {
        combinedVerdicts.set(c.file, xmllintVerdicts(combined.file, [c.file]).get(c.file) ?? 'invalid');
      } finally {
        combined.remove();
      }
    }
  });

  afterAll(() => {
    for (const set of sets.values()) set.dispose();
    registry.dispose();
  });

  it('judges these documents through the combined schema of their version, but for messages taken out of it', () => {
    const messages = [...new Set(CASES.map(keyOf))];
    const alone = messages.filter((m) => registry.route(...(m.split('/') as [string, string]))?.kind !== 'combined');
    const takenOut = registry.combined.flatMap((c) => c.excluded.map((e) => `${c.version}/${e.message}`));
    expect(alone.filter((m) => !takenOut.includes(m))).toEqual([]);
    expect(alone.length).toBeLessThan(messages.length / 10);
    expect(registry.combined.map((c) => c.version).sort()).toEqual([...VERSIONS].sort());
    expect(registry.schemaCount).toBe(VERSIONS.length + alone.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const own = ownVerdicts.get(c.file);
    const expected = own === 'schema-error' ? combinedVerdicts.get(c.file) : own;
    expect(expected, 'xmllint gave no verdict').toBeDefined();
    const xml = readFileSync(c.file);
    expect(verdictOf(registry.get(c.version, c.message).validate(xml))).toBe(expected);
    const route = registry.route(c.version, c.message);
    if (engineName === 'libxmljs2' && route?.kind === 'combined' && combinedSpotChecks.has(c.file)) {
      // libxmljs2 checks a message against its own XSD where that compiles (it compiles on every
      // call, and the combined schema is larger); the combined schema it falls back to must agree
      let set = sets.get(keyOf(c));
      if (!set) {
        set = engine.compileSet(route.files, route.namespace);
        sets.set(keyOf(c), set);
      }
      const root = { namespace: route.namespace, name: NDC_VERSIONS[c.version]!.rootName(c.message) };
      expect(verdictOf(set.validate(xml, { root })), 'the combined schema').toBe(expected);
    }
  });
});
