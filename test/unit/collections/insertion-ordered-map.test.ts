import { describe, expect, it } from 'vitest';
import { createInsertionOrderedMap } from '../../../src/collections/insertion-ordered-map.ts';

function filled(keys: readonly string[]) {
  const map = createInsertionOrderedMap<string, string>();
  for (const key of keys) map.set(key, key.toLowerCase());
  return map;
}

describe('insertion-ordered map', () => {
  it('keeps entries oldest first and finds them by key', () => {
    const map = filled(['A', 'B', 'C']);
    expect([...map.values()]).toEqual(['a', 'b', 'c']);
    expect(map.size).toBe(3);
    expect(map.get('B')).toBe('b');
    expect(map.has('C')).toBe(true);
    expect(map.get('Z')).toBeUndefined();
    expect(map.oldest()).toBe('a');
  });

  it('makes an entry set again the newest, with its new value', () => {
    const map = filled(['A', 'B', 'C']);
    map.set('A', 'a2');
    expect([...map.values()]).toEqual(['b', 'c', 'a2']);
    map.set('A', 'a3');
    expect([...map.values()]).toEqual(['b', 'c', 'a3']);
    expect(map.size).toBe(3);
  });

  it('deletes from the middle and either end and keeps the order of the rest', () => {
    const map = filled(['A', 'B', 'C', 'D', 'E']);
    expect(map.delete('C')).toBe(true);
    expect(map.delete('C')).toBe(false);
    expect(map.delete('A')).toBe(true);
    expect(map.delete('E')).toBe(true);
    expect([...map.values()]).toEqual(['b', 'd']);
    map.set('F', 'f');
    expect([...map.values()]).toEqual(['b', 'd', 'f']);
  });

  it('shifts the oldest entry out, and answers undefined when empty', () => {
    const map = filled(['A', 'B']);
    expect(map.shift()).toBe('a');
    expect(map.shift()).toBe('b');
    expect(map.shift()).toBeUndefined();
    expect(map.oldest()).toBeUndefined();
    expect(map.size).toBe(0);
    map.set('C', 'c');
    expect([...map.values()]).toEqual(['c']);
  });

  it('drops from the old end while asked and stops at the first entry it keeps', () => {
    const map = filled(['A', 'B', 'C', 'D']);
    const looked: string[] = [];
    const dropped = map.dropOldestWhile((value, key) => {
      looked.push(key);
      return value !== 'c';
    });
    expect(dropped).toBe(2);
    expect(looked).toEqual(['A', 'B', 'C']);
    expect([...map.values()]).toEqual(['c', 'd']);
    expect(map.get('A')).toBeUndefined();
  });

  it('keeps iterating when the entry just visited is deleted', () => {
    const map = filled(['A', 'B', 'C']);
    const seen: string[] = [];
    for (const value of map.values()) {
      seen.push(value);
      map.delete(value.toUpperCase());
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(map.size).toBe(0);
  });

  it('forgets everything on clear', () => {
    const map = filled(['A', 'B']);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get('A')).toBeUndefined();
    expect([...map.values()]).toEqual([]);
    map.set('C', 'c');
    expect(map.oldest()).toBe('c');
  });
});
