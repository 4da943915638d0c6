/**
 * Hostile review 3, slug helpers and the memory adapter: malformed input gets a clear error,
 * and distinct names keep distinct slugs.
 */
import { describe, expect, it } from 'vitest';
import { slugify, uniqueSlugs } from 'scene-radar';
import { createDemoWorld, createMemorySources } from 'scene-radar/adapters/memory';

// biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
const untyped = (v: unknown): any => v;

describe('uniqueSlugs', () => {
  it('names the bad entry (a hole, a number, null) and never splits a string into characters', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the probe
    const sparse = untyped(['ABBA', , 'Abba']);
    expect(() => uniqueSlugs(sparse)).toThrow(/names\[1\] is undefined/);
    expect(() => uniqueSlugs(untyped(['ABBA', 5]))).toThrow(/names\[1\] is number/);
    expect(() => uniqueSlugs(untyped(null))).toThrow(/iterable of strings, got null/);
    expect(() => uniqueSlugs(untyped('ABBA'))).toThrow(/iterable of strings, got string/);
    expect(uniqueSlugs(new Set(['ABBA', 'Abba'])).slugs).toEqual(['abba', 'abba-2']);
  });
});

describe('slugify', () => {
  it('gives distinct slugs to names that differ only in a lone surrogate (names cut mid-emoji)', () => {
    const cut = ['\uD83C', '\uD83D', '\uDC00', '\uFFFD'].map(slugify);
    expect(new Set(cut).size).toBe(4);
    // Well-formed text keeps its published hash.
    expect(slugify('米津玄師')).toBe('u-3dcc1l62w11oc');
  });
});

describe('createMemorySources', () => {
  const { dataset } = createDemoWorld({ artists: 5 });
  it('refuses bad options and datasets with CONFIG_INVALID', () => {
    const config = (f: () => unknown, what: RegExp): void =>
      expect(f).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(what) }));
    config(() => createMemorySources(dataset, untyped(null)), /options/);
    config(() => createMemorySources(dataset, { maxBatchSize: 0 }), /maxBatchSize/);
    config(() => createMemorySources(dataset, { latencyMs: Number.NaN }), /latencyMs/);
    config(() => createMemorySources(dataset, { latencyMs: Number.POSITIVE_INFINITY }), /latencyMs/);
    config(() => createMemorySources(dataset, { latencyMs: -1 }), /latencyMs/);
    config(() => createMemorySources(untyped(null)), /dataset/);
  });
});
