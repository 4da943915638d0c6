import { describe, expect, it } from 'vitest';
import { compareIds, entryOrder } from '../../src/stores/memory-core.js';

/** A seeded generator (mulberry32), so a failure names a case that can be run again. */
function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters that stress the id text: quotes, escapes, controls, a space, accents, astral and high BMP. */
const CHARS = [
  'a',
  'b',
  'z',
  'A',
  '-',
  ' ',
  '!',
  '"',
  '\\',
  '\n',
  '\u0001',
  'é',
  '\u00ff',
  '\ue000',
  '\uffee',
  '😀',
  '𝄞',
  '/',
  'u',
];

/** Code points first, as PostgreSQL's ORDER BY of a text column under the C collation gives. */
function byCodePoints(x: string, y: string): number {
  const a = Array.from(x, (c) => c.codePointAt(0)!);
  const b = Array.from(y, (c) => c.codePointAt(0)!);
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/** The order of two keys of one table (each column one type) by their values. */
function byValues(x: readonly (string | number)[], y: readonly (string | number)[]): number {
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (a === b) continue;
    return typeof a === 'number' ? (a < (b as number) ? -1 : 1) : byCodePoints(a, b as string);
  }
  return 0;
}

describe('compareIds', () => {
  it('orders ids of shared prefixes, escapes and any characters as the key values order', () => {
    const r = rng(20261205);
    const text = (prefix: string): string => {
      let s = prefix;
      const n = Math.floor(r() * 5);
      for (let i = 0; i < n; i++) s += CHARS[Math.floor(r() * CHARS.length)]!;
      return s;
    };
    const numbers = [0, 1, 9, 10, -1, 2.5, 1e21, -3.25];
    // Three key shapes: (text, text) with a long shared first column, (text, number), (number, text).
    for (let shape = 0; shape < 3; shape++) {
      const keys: (string | number)[][] = [];
      for (let k = 0; k < 300; k++) {
        const t = text(r() < 0.7 ? 'scene-with-a-long-shared-slug' : '');
        const u = text(r() < 0.5 ? 'bench-artist-' : '');
        const num = numbers[Math.floor(r() * numbers.length)]!;
        keys.push(shape === 0 ? [t, u] : shape === 1 ? [t, num] : [num, u]);
      }
      for (let i = 0; i < keys.length; i++)
        for (let j = 0; j < keys.length; j += 7) {
          const a = JSON.stringify(keys[i]);
          const b = JSON.stringify(keys[j]);
          const want = Math.sign(byValues(keys[i]!, keys[j]!));
          expect(Math.sign(compareIds(a, b)), `${a} vs ${b}`).toBe(want);
        }
    }
  });

  it('orders tied rows by their key values exactly as by their ids, mixed column types included', () => {
    const r = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const values = ['', 'a', 'a b', 'a"', 'a\\', 'é', '😀', '\ue000', 'b', 0, -0, 1, 9, 10, -2.5, 1e21, true, false];
    type Row = { a: unknown; b: unknown; at: number };
    const entries: Array<[string, Row]> = [];
    const seen = new Set<string>();
    for (let k = 0; k < 400; k++) {
      const row: Row = { a: pick(values), b: pick(values), at: pick([1, 2]) };
      const id = JSON.stringify([row.a, row.b]);
      if (seen.has(id)) continue;
      seen.add(id);
      entries.push([id, row]);
    }
    for (const orderBy of [undefined, { column: 'at' as const, direction: 'desc' as const }]) {
      const byKey = entryOrder<Row>({ ...(orderBy ? { orderBy } : {}) }, ['a', 'b']);
      const byIdText = entryOrder<Row>({ ...(orderBy ? { orderBy } : {}) });
      for (const x of entries)
        for (let j = 0; j < entries.length; j += 5) {
          const y = entries[j]!;
          expect(Math.sign(byKey(x, y)), `${x[0]} vs ${y[0]}`).toBe(Math.sign(byIdText(x, y)));
        }
    }
  });
});
