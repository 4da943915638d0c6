/**
 * The Redis tier's codec: JSON only, hostile keys refused in both directions (however escaped),
 * foreign or corrupt text refused, a size cap with a clear outcome, TTLs that never end carried.
 */
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../../adapters/redis/codec.js';

const entry = <V>(value: V) => ({ value, createdAt: 1000, expiresAt: 2000, staleUntil: 3000 });

describe('Redis tier codec', () => {
  it('round-trips JSON values with their timestamps, and a TTL that never ends', () => {
    const value = { heat: 81.5, stage: 'growing', members: ['a-b', 'c'], nested: { ok: true, n: null } };
    const out = encodeEntry(entry(value), 1 << 20);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(decodeEntry(out.text, 1 << 20)).toEqual({ ok: true, entry: entry(value) });
    const forever = {
      value: 1,
      createdAt: 5,
      expiresAt: Number.POSITIVE_INFINITY,
      staleUntil: Number.POSITIVE_INFINITY,
    };
    const f = encodeEntry(forever, 1 << 20);
    expect(f.ok && decodeEntry(f.text, 1 << 20)).toEqual({ ok: true, entry: forever });
  });

  it('refuses to write values JSON cannot carry', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(encodeEntry(entry(cycle), 1 << 20)).toEqual({ ok: false, why: 'unserialisable' });
    expect(encodeEntry(entry(10n), 1 << 20)).toEqual({ ok: false, why: 'unserialisable' });
    expect(encodeEntry(entry(undefined), 1 << 20)).toEqual({ ok: false, why: 'unserialisable' });
    expect(
      encodeEntry(
        entry(() => 1),
        1 << 20,
      ),
    ).toEqual({ ok: false, why: 'unserialisable' });
  });

  it('refuses to write values with a __proto__ or constructor key', () => {
    const polluted = JSON.parse('{"a":{"__proto__":{"polluted":true}}}') as unknown;
    expect(encodeEntry(entry(polluted), 1 << 20)).toEqual({ ok: false, why: 'forbidden-key' });
    expect(encodeEntry(entry({ constructor: { prototype: { x: 1 } } }), 1 << 20)).toEqual({
      ok: false,
      why: 'forbidden-key',
    });
    // The words as string values are data, not keys: written.
    expect(encodeEntry(entry({ note: '__proto__', list: ['constructor'] }), 1 << 20).ok).toBe(true);
  });

  it('refuses hostile text on read, escaped spellings included, and never pollutes a prototype', () => {
    const hostile = [
      '{"f":1,"c":1,"e":2,"s":3,"v":{"__proto__":{"polluted":true}}}',
      '{"f":1,"c":1,"e":2,"s":3,"v":{"\\u005f_proto__":{"polluted":true}}}',
      '{"f":1,"c":1,"e":2,"s":3,"v":{"constructor":{"prototype":{"polluted":true}}}}',
      '{"f":1,"c":1,"e":2,"s":3,"v":[{"\\u0063onstructor":1}]}',
    ];
    for (const text of hostile) expect(decodeEntry(text, 1 << 20)).toEqual({ ok: false, why: 'forbidden-key' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses corrupt, foreign and malformed entries', () => {
    for (const text of [
      'not json',
      '{"f":1,"c":1,"e":2,"s":3',
      '[1,2,3]',
      '"a string"',
      '{"f":2,"c":1,"e":2,"s":3,"v":1}', // another format
      '{"f":1,"c":1,"e":2,"s":3}', // no value
      '{"f":1,"c":"1","e":2,"s":3,"v":1}', // a timestamp that is not a number
      '{"f":1,"c":1,"e":5,"s":3,"v":1}', // grace ending before the TTL
    ])
      expect(decodeEntry(text, 1 << 20)).toEqual({ ok: false, why: 'corrupt' });
  });

  it('caps the size: a larger entry is refused on write and on read, counted in UTF-8 bytes', () => {
    const cap = 1024;
    expect(encodeEntry(entry('x'.repeat(900)), cap).ok).toBe(true);
    expect(encodeEntry(entry('x'.repeat(1100)), cap)).toEqual({ ok: false, why: 'oversize' });
    // 400 three-byte characters: 400 UTF-16 units but 1,200 bytes.
    expect(encodeEntry(entry('€'.repeat(400)), cap)).toEqual({ ok: false, why: 'oversize' });
    const big = `{"f":1,"c":1,"e":2,"s":3,"v":"${'y'.repeat(2000)}"}`;
    expect(decodeEntry(big, cap)).toEqual({ ok: false, why: 'oversize' });
  });
});
