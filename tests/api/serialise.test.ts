/**
 * The answer's body (`src/api/serialise.ts`) is byte for byte `JSON.stringify(envelope)`, however
 * it is written: once per cached value (the same bytes for every hit), or put together around the
 * remembered JSON of frozen rows. Property tests over values that mix frozen and unfrozen data,
 * `toJSON` (with and without a key-dependent result), getters, holes, symbols and undefined; and
 * the cases the memo must not be fooled by (a value modified while unfrozen, a new value).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failure, success, type ApiResult } from 'scene-radar/api';
import { bodyOf, servesCachedValues } from '../../src/api/serialise.js';

const decoder = new TextDecoder();
const text = (body: Uint8Array | string): string => (typeof body === 'string' ? body : decoder.decode(body));

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}

/** Leaves of every kind `JSON.stringify` treats apart. */
const leaf = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(-0),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.date({ noInvalidDate: true }),
  fc.constant({ toJSON: (key: string) => `key:${key}` }),
);

/** A row as a store holds it: a plain object of leaves and small arrays, frozen or not. */
const row = fc
  .record({
    slug: fc.string(),
    value: leaf,
    list: fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), { maxLength: 4 }),
    nested: fc.dictionary(fc.string(), leaf, { maxKeys: 3 }),
    freeze: fc.boolean(),
  })
  .map(({ freeze, ...r }) => (freeze ? deepFreeze(r) : r));

/** A page of rows, a frozen row on its own, a plain object, or any JSON value. */
const data = fc.oneof(
  fc.record({
    items: fc.array(row, { maxLength: 8 }),
    total: fc.integer(),
    limit: fc.integer(),
    offset: leaf,
  }),
  row,
  fc.dictionary(fc.string(), fc.oneof(leaf, row, fc.array(row, { maxLength: 3 })), { maxKeys: 4 }),
  fc.array(row, { maxLength: 4 }),
  fc.jsonValue(),
  fc.jsonValue().map(deepFreeze),
);

describe('bodyOf', () => {
  it('writes what JSON.stringify(envelope) writes, cached or not, for any data', () => {
    fc.assert(
      fc.property(data, fc.boolean(), (value, cached) => {
        const result = success(value);
        const expected = JSON.stringify(result.body);
        expect(text(bodyOf(result, cached))).toBe(expected);
        // Again: now from what was remembered.
        expect(text(bodyOf(result, cached))).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes failures, and data with holes, getters, symbol keys and toJSON, as JSON.stringify does', () => {
    // biome-ignore lint/suspicious/noSparseArray: a hole is the point
    const holes = [1, , 3];
    let reads = 0;
    const withGetter = {
      get slug() {
        reads++;
        return `read ${reads}`;
      },
    };
    const cases: unknown[] = [
      { items: [deepFreeze({ a: 1 }), holes, withGetter], total: 2 },
      { items: [deepFreeze({ a: 1 }), deepFreeze({ a: 2, [Symbol('x')]: 3 })] },
      { items: [deepFreeze({ a: 1 }), { toJSON: (key: string) => key }] },
      deepFreeze({ toJSON: () => 'frozen with toJSON' }),
      { when: new Date(0), items: [deepFreeze({ at: '2026' })] },
      Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 }),
      deepFreeze(Object.assign(Object.create(null) as object, { a: 1 })),
    ];
    for (const value of cases) {
      const result = success(value);
      for (const cached of [false, true]) {
        reads = 0;
        const expected = JSON.stringify(result.body);
        reads = 0;
        expect(text(bodyOf(result, cached))).toBe(expected);
      }
    }
    const failed: ApiResult = failure('SCENES_NOT_FOUND', 'Scene not found: x');
    expect(text(bodyOf(failed, true))).toBe(JSON.stringify(failed.body));
  });

  it('throws what JSON.stringify throws (a value that cannot be written is a 500 upstream)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => bodyOf(success({ items: [deepFreeze({ a: 1 }), cyclic] }), false)).toThrow(TypeError);
    expect(() => bodyOf(success({ n: 1n }), true)).toThrow(TypeError);
  });

  it('encodes a cached value once and serves the same bytes until the value is replaced', () => {
    const value = { topRisingArtists: [{ artist_slug: 'a' }] };
    const first = bodyOf(success(value), true);
    expect(first).toBeInstanceOf(Uint8Array);
    expect(bodyOf(success(value), true)).toBe(first);
    const next = { topRisingArtists: [{ artist_slug: 'b' }] };
    expect(text(bodyOf(success(next), true))).toBe(JSON.stringify(success(next).body));
  });

  it('does not remember unfrozen data: a page built anew after its rows changed is written anew', () => {
    const rowA = { slug: 'a', n: 1 };
    const page = { items: [rowA], total: 1 };
    expect(text(bodyOf(success(page), false))).toBe(JSON.stringify(success(page).body));
    rowA.n = 2;
    expect(text(bodyOf(success(page), false))).toBe(JSON.stringify(success(page).body));
  });

  it('serves a page of the same frozen rows and counts from the same bytes, and writes any change anew', () => {
    const rows = ['a', 'b', 'c'].map((slug, i) => deepFreeze({ slug, n: i, tags: [slug] }));
    const page = (items: readonly object[], total: number) =>
      success({ items: [...items], total, limit: 20, offset: 0 });
    const first = bodyOf(page(rows, 3), false);
    expect(first).toBeInstanceOf(Uint8Array);
    expect(text(first)).toBe(JSON.stringify(page(rows, 3).body));
    // A new page object and array, the same rows: the bytes already written.
    expect(bodyOf(page(rows, 3), false)).toBe(first);
    // Another total, a later row rewritten (a new frozen object), a row fewer, another order.
    const rewritten = deepFreeze({ slug: 'c', n: 9, tags: ['c'] });
    for (const next of [
      page(rows, 4),
      page([rows[0]!, rows[1]!, rewritten], 3),
      page(rows.slice(0, 2), 3),
      page([rows[0]!, rows[2]!, rows[1]!], 3),
      success({ items: [...rows], total: 3, limit: 20, offset: 1 }),
      success({ total: 3, items: [...rows], limit: 20, offset: 0 }),
    ]) {
      const got = bodyOf(next, false);
      expect(text(got)).toBe(JSON.stringify(next.body));
      expect(got).not.toBe(first);
    }
  });

  it('remembers no page holding data that may change (an unfrozen row or an envelope of another shape)', () => {
    const loose = { slug: 'a', n: 1 };
    const frozen = deepFreeze({ slug: 'b', n: 2 });
    const page = success({ items: [frozen, loose], total: 2 });
    expect(text(bodyOf(page, false))).toBe(JSON.stringify(page.body));
    loose.n = 5;
    const again = success({ items: [frozen, loose], total: 2 });
    expect(text(bodyOf(again, false))).toBe(JSON.stringify(again.body));
    const odd = { ...success({ items: [frozen], total: 1 }), extra: 1 } as unknown as ApiResult;
    expect(text(bodyOf(odd, false))).toBe(JSON.stringify(odd.body));
    const odd2 = {
      status: 200,
      headers: {},
      body: { ok: true, data: { items: [frozen], total: 1 }, error: null, more: 2 },
    } as unknown as ApiResult;
    expect(text(bodyOf(odd2, false))).toBe(JSON.stringify(odd2.body));
  });

  it('writes any sequence of pages over shared rows as JSON.stringify does', () => {
    const shared = ['a', 'b', 'c', 'd'].map((slug, i) => deepFreeze({ slug, n: i }));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            picks: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
            total: fc.integer({ min: 0, max: 3 }),
            loose: fc.boolean(),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (calls) => {
          for (const { picks, total, loose } of calls) {
            const items: object[] = picks.map((i) => shared[i]!);
            if (loose) items.push({ slug: 'loose', n: total });
            const result = success({ items, total });
            expect(text(bodyOf(result, false))).toBe(JSON.stringify(result.body));
          }
        },
      ),
    );
  });

  it('remembers only the cached routes, and never a bypass', () => {
    expect(servesCachedValues('getTalentPulse', false)).toBe(true);
    expect(servesCachedValues('getTalentPulse', true)).toBe(false);
    expect(servesCachedValues('listScenes', false)).toBe(false);
  });
});
