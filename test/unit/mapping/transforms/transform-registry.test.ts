import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyMapping, BUILT_IN_TRANSFORMS, createTransformRegistry, defineTransform, MappingLoadError, parseMappingSource,
} from '../../../../src/mapping/index.ts';

const README = readFileSync(new URL('../../../../src/mapping/README.md', import.meta.url), 'utf8');

describe('the transform registry', () => {
  it('holds every built-in transform once, each with a description', () => {
    const names = BUILT_IN_TRANSFORMS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining([
      'string', 'number', 'integer', 'boolean', 'upper', 'lower', 'trim', 'isoDate', 'isoDateTime', 'time', 'addDays',
      'toIsoDuration', 'fromIsoDuration', 'money', 'subtract', 'sum', 'join', 'split', 'first', 'last', 'unique', 'count', 'template', 'uuid', 'now',
    ]));
    for (const transform of BUILT_IN_TRANSFORMS) expect(transform.description.length).toBeGreaterThan(10);
  });

  it('is documented: the README lists every built-in transform in its table', () => {
    for (const { name } of BUILT_IN_TRANSFORMS) expect(README).toMatch(new RegExp(`^\\| [^|]*\`${name}\``, 'm'));
  });

  it('refuses a transform name defined twice', () => {
    const again = defineTransform({ name: 'upper', description: 'Shadows upper.', input: 'scalar', apply: (v) => v });
    expect(() => createTransformRegistry([again])).toThrow("Transform 'upper' is defined twice");
  });

  it('lets a file use an added transform, with its args prepared at load time', () => {
    const pad = defineTransform<number>({
      name: 'padStart',
      description: 'Pads text with zeros to a width.',
      input: 'scalar',
      prepare: (args) => {
        if (typeof args !== 'number') throw new Error('padStart takes a width');
        return args;
      },
      apply: (value, width) => String(value).padStart(width, '0'),
    });
    const transforms = createTransformRegistry([pad]);
    const mapping = parseMappingSource('command: t.test\nmap:\n  n: { path: N, transform: { name: padStart, args: 4 } }\n', 'f.yaml', { transforms });
    expect(applyMapping(mapping, { N: '42' })).toEqual({ n: '0042' });
    expect(() => parseMappingSource('command: t.test\nmap:\n  n: { path: N, transform: { name: padStart, args: x } }\n', 'f.yaml', { transforms }))
      .toThrow(MappingLoadError);
  });
});

describe('transforms that make values', () => {
  it('uuid makes a new id per value, with an optional prefix', () => {
    const mapping = parseMappingSource([
      'message: TestRS',
      'map:',
      '  id: { transform: uuid }',
      '  prefixed: { transform: { name: uuid, args: "SR-" } }',
      '  items: { each: rows, item: { transform: uuid } }',
    ].join('\n'), 'f.yaml');
    const output = applyMapping(mapping, { rows: [1, 2, 3] }) as { id: string; prefixed: string; items: string[] };
    expect(output.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(output.prefixed).toMatch(/^SR-[0-9a-f-]{36}$/);
    expect(new Set([output.id, ...output.items]).size).toBe(4);
  });

  it('now and $ctx.now read the clock once per application when nothing is pinned', () => {
    const mapping = parseMappingSource('message: TestRS\nmap:\n  a: { transform: now }\n  b: { path: $ctx.now }\n  c: { default: $ctx.now }\n', 'f.yaml');
    const before = Date.now();
    const output = applyMapping(mapping, {}, { ctx: {} }) as { a: string; b: string; c: string };
    expect(Date.parse(output.a)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(output.a)).toBeLessThanOrEqual(Date.now());
    expect(output.b).toBe(output.a);
    expect(output.c).toBe(output.a);
  });

  it('accepts a Date as the pinned $ctx.now', () => {
    const mapping = parseMappingSource('message: TestRS\nmap:\n  a: { transform: now }\n', 'f.yaml');
    expect(applyMapping(mapping, {}, { ctx: { now: new Date('2024-05-01T00:00:00Z') } })).toEqual({ a: '2024-05-01T00:00:00.000Z' });
  });
});
