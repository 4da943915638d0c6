/**
 * Hostile review of the two speed commits after f842577 (2294185, e81a945): behaviour they change
 * that they promised to keep. Every test here fails on the code it was written against.
 */
import { describe, expect, it } from 'vitest';
import { success } from '../../src/api/envelope.js';
import { bodyOf } from '../../src/api/serialise.js';
import { deepFreeze } from '../../src/core/freeze.js';

const text = (body: Uint8Array | string): string => (typeof body === 'string' ? body : new TextDecoder().decode(body));

describe('serialise: page bodies remembered by their first row (e81a945)', () => {
  it('a page whose list of rows has a toJSON is written as JSON.stringify writes it, not as the bytes of an earlier page of the same rows', () => {
    // pagePieces checks `toJSON` on `data` only, never on the arrays it lists item by item: the
    // second page has the same keys, length and row identities as the first, so its remembered
    // bytes are served although JSON.stringify calls the list's toJSON and writes something else.
    const a = deepFreeze({ slug: 'a', name: 'A' });
    const b = deepFreeze({ slug: 'b', name: 'B' });
    const first = success({ items: [a, b], total: 2 });
    expect(text(bodyOf(first, false))).toBe(JSON.stringify(first.body));

    const items = Object.defineProperty([a, b], 'toJSON', {
      value: () => [{ slug: 'a' }],
      enumerable: false,
    });
    const second = success({ items, total: 2 });
    expect(text(bodyOf(second, false))).toBe(JSON.stringify(second.body));
  });
});
