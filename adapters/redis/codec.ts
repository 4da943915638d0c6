/**
 * @module adapters/redis/codec
 * How a cache entry crosses Redis: JSON only, never a class, a function or a prototype. Writing
 * refuses what JSON cannot carry faithfully and what is larger than the cap; reading refuses any
 * object key `__proto__` or `constructor` (however it is escaped), any shape that is not an entry
 * this codec wrote, and any text larger than the cap. A refused entry is a miss, never a throw:
 * the caller computes the value again.
 */
import type { CacheEntry } from '../../src/core/cache/cache-store.js';

/** Version tag of the stored envelope: an entry written by another layout is a miss. */
const FORMAT = 1;

/** Keys a revived object may not have: with them, a later merge could reach a prototype. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor']);

/** Why an entry was not written to, or not read from, Redis. */
export type CodecRefusal =
  | 'oversize' // its JSON is larger than the cap
  | 'unserialisable' // JSON.stringify threw (a cycle, a BigInt) or gave nothing (a function, undefined); a value JSON would reshape (NaN or Infinity, a Map, Set, Date or class instance); or the key has a lone surrogate (Redis would store it under another key's name)
  | 'forbidden-key' // an object key is __proto__ or constructor
  | 'corrupt'; // not JSON, or not an entry of this format

/** An encoded entry, or why it was refused. */
export type Encoded = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly why: CodecRefusal };

/** A decoded entry, or why it was refused. */
export type Decoded<V> =
  | { readonly ok: true; readonly entry: CacheEntry<V> }
  | { readonly ok: false; readonly why: CodecRefusal };

/** `Infinity` (a TTL that never ends) has no JSON form: it travels as `null`. */
function time(t: number): number | null {
  return Number.isFinite(t) ? t : null;
}

function revivedTime(t: unknown): number | undefined {
  if (t === null) return Number.POSITIVE_INFINITY;
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
}

/** A forbidden key followed by its colon, JSON whitespace between them allowed. */
const FORBIDDEN_KEY = /"(?:__proto__|constructor)"[ \t\n\r]*:/;

/**
 * Whether JSON text may name a forbidden key. `"__proto__":` (JSON whitespace before the colon
 * allowed) can only be a key (a JSON string
 * value is never followed by a colon); an escaped spelling (`\u005f_proto__`) needs a `\u`, so
 * text with `\u` is checked by a full parse instead. Conservative: a false positive only refuses.
 */
function mayNameForbiddenKey(text: string): boolean {
  return FORBIDDEN_KEY.test(text);
}

/**
 * Encodes `entry` as JSON text of at most `maxBytes` UTF-8 bytes.
 * @example
 * ```ts
 * const out = encodeEntry({ value: { heat: 80 }, createdAt: 0, expiresAt: 1000, staleUntil: 2000 }, 1 << 20);
 * if (out.ok) await redis.set(key, out.text);
 * ```
 */
export function encodeEntry<V>(entry: CacheEntry<V>, maxBytes: number): Encoded {
  let text: string | undefined;
  try {
    text = JSON.stringify(
      {
        f: FORMAT,
        c: time(entry.createdAt),
        e: time(entry.expiresAt),
        s: time(entry.staleUntil),
        v: entry.value,
      },
      faithful,
    );
  } catch {
    return { ok: false, why: 'unserialisable' };
  }
  // A value JSON drops (undefined, a function, a symbol) would come back as a different value.
  const kind = typeof entry.value;
  if (text === undefined || kind === 'undefined' || kind === 'function' || kind === 'symbol')
    return { ok: false, why: 'unserialisable' };
  // UTF-16 length <= UTF-8 bytes <= 3x it: count bytes only when the cheap bound is inconclusive.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes))
    return { ok: false, why: 'oversize' };
  if (mayNameForbiddenKey(text)) return { ok: false, why: 'forbidden-key' };
  if (text.includes('\\u') && !safeParse(text).ok) return { ok: false, why: 'forbidden-key' };
  return { ok: true, text };
}

class Unfaithful extends Error {}

/**
 * A `JSON.stringify` replacer that throws on a value JSON would reshape without a word: a number
 * that is not finite (written `null`) or -0 (written `0`), a function, symbol or BigInt anywhere
 * (dropped, or `null` in an array), an `undefined` array item or hole (written `null`), or an
 * object that is not a plain object or array (a `Map`
 * or `Set` written `{}`, a `Date` written as a string, a class instance losing its prototype), or
 * one with a `toJSON` method (written as what it returns).
 * Another instance would read back a different value than this one holds. `undefined` properties
 * are left out as JSON does (read back as absent).
 */
function faithful(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  const kind = typeof original;
  if (kind === 'number') {
    // -0 is written 0: another instance would read a different number.
    if (!Number.isFinite(original) || Object.is(original, -0)) throw new Unfaithful();
  } else if (kind === 'function' || kind === 'symbol' || kind === 'bigint') {
    // JSON drops a function or a symbol property, and writes one in an array as null.
    throw new Unfaithful();
  } else if (kind === 'undefined') {
    // An undefined array item (or a hole) is written null; an undefined property is left out.
    if (Array.isArray(this)) throw new Unfaithful();
  } else if (typeof original === 'object' && original !== null) {
    const proto: unknown = Object.getPrototypeOf(original);
    if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) throw new Unfaithful();
    // A `toJSON` method: JSON writes what it returns, not the object (this replacer sees only that).
    if (typeof (original as { toJSON?: unknown }).toJSON === 'function') throw new Unfaithful();
  }
  return value;
}

class ForbiddenKey extends Error {}

function safeParse(text: string): { ok: true; value: unknown } | { ok: false; why: CodecRefusal } {
  try {
    return {
      ok: true,
      value: JSON.parse(text, (key, value: unknown) => {
        if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey();
        return value;
      }),
    };
  } catch (error) {
    return { ok: false, why: error instanceof ForbiddenKey ? 'forbidden-key' : 'corrupt' };
  }
}

/**
 * Decodes text written by {@link encodeEntry}; anything else (hostile, foreign, truncated or
 * larger than `maxBytes`) is refused.
 * @example
 * ```ts
 * const got = decodeEntry<Pulse>(await redis.get(key) ?? '', 1 << 20);
 * const entry = got.ok ? got.entry : undefined;
 * ```
 */
export function decodeEntry<V>(text: string, maxBytes: number): Decoded<V> {
  // The cap counts UTF-8 bytes, as writing does (UTF-16 length <= bytes <= 3x it).
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes))
    return { ok: false, why: 'oversize' };
  if (mayNameForbiddenKey(text)) return { ok: false, why: 'forbidden-key' };
  let parsed: unknown;
  if (text.includes('\\u')) {
    const got = safeParse(text);
    if (!got.ok) return got;
    parsed = got.value;
  } else {
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, why: 'corrupt' };
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, why: 'corrupt' };
  const o = parsed as Record<string, unknown>;
  const createdAt = revivedTime(o.c);
  const expiresAt = revivedTime(o.e);
  const staleUntil = revivedTime(o.s);
  if (
    o.f !== FORMAT ||
    !Object.hasOwn(o, 'v') ||
    createdAt === undefined ||
    expiresAt === undefined ||
    staleUntil === undefined ||
    staleUntil < expiresAt
  )
    return { ok: false, why: 'corrupt' };
  return { ok: true, entry: { value: o.v as V, createdAt, expiresAt, staleUntil } };
}
