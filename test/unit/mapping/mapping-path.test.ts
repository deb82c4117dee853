import { describe, expect, it } from 'vitest';
import { parsePath, PathSyntaxError } from '../../../src/mapping/index.ts';

describe('parsePath', () => {
  it.each([
    ['Request.PaxList.Pax', { kind: 'item', up: 0 }, [['Request', []], ['PaxList', []], ['Pax', []]]],
    ['Pax[1].PTC', { kind: 'item', up: 0 }, [['Pax', [1]], ['PTC', []]]],
    ['Grid[0][2]', { kind: 'item', up: 0 }, [['Grid', [0, 2]]]],
    ['$.Request', { kind: 'root' }, [['Request', []]]],
    ['$', { kind: 'root' }, []],
    ['^.PaxID', { kind: 'item', up: 1 }, [['PaxID', []]]],
    ['^.^.OfferID', { kind: 'item', up: 2 }, [['OfferID', []]]],
    ['^', { kind: 'item', up: 1 }, []],
    ['^.^', { kind: 'item', up: 2 }, []],
    ['$item', { kind: 'item', up: 0 }, []],
    ['$index', { kind: 'index', up: 0 }, []],
    ['^.$position', { kind: 'position', up: 1 }, []],
    ['$config.currency', { kind: 'config' }, [['currency', []]]],
    ['$ctx.now', { kind: 'ctx' }, [['now', []]]],
    ['Amount.@CurCode', { kind: 'item', up: 0 }, [['Amount', []], ['@CurCode', []]]],
    ['Amount.#text', { kind: 'item', up: 0 }, [['Amount', []], ['#text', []]]],
  ])('parses %s', (source, anchor, steps) => {
    const path = parsePath(source);
    expect(path.anchor).toEqual(anchor);
    expect(path.steps.map((s) => [s.name, s.indexes])).toEqual(steps);
    expect(path.source).toBe(source);
  });

  it.each(['', ' A', 'A.', '.A', 'A..B', 'A[x]', 'A[-1]', 'A[1', '$A', '$config', '$ctx.', '^A', '^.', '^.$foo', 'A.$index', 'A B'])(
    'refuses %j with a PathSyntaxError',
    (source) => {
      expect(() => parsePath(source)).toThrow(PathSyntaxError);
    },
  );
});
