/**
 * @module core/fast-checks
 * The checks the shortcuts past Zod share (the gateway's payload shortcuts in
 * core/gateway/fast-parse, the stores' row shortcuts in stores/row-shortcuts): each applies exactly
 * the rule of the schema it names, so a shortcut built from them accepts what Zod accepts.
 */
import { DaySchema, InstantSchema } from '../contracts/payloads.js';
import { isSlug } from './slug.js';
import { isStorableText } from './text.js';

/**
 * The instant schema's own pattern, from its public definition (`def.pattern`, which Zod fills
 * for every string format): the shortcuts test exactly what the schema tests, never a copy that
 * could drift. Should a Zod release stop filling it, there are no shortcuts and Zod parses everything.
 */
export const INSTANT: RegExp | undefined = InstantSchema.def.pattern;
/** The same for a calendar day. */
export const DAY: RegExp | undefined = DaySchema.def.pattern;

/**
 * A Map of any realm (a `vm` context's or jsdom's is one too, where `instanceof Map` is false):
 * known by its brand, with the `get` and `has` a reader calls. For a host's answers read by value
 * (host features, backtest labels and scores); the source gateway keeps `instanceof Map`, as the
 * source contract says.
 */
export function isMapOfAnyRealm(v: unknown): v is ReadonlyMap<unknown, unknown> {
  if (v instanceof Map) return true;
  if (Object.prototype.toString.call(v) !== '[object Map]') return false;
  const m = v as { get?: unknown; has?: unknown };
  return typeof m.get === 'function' && typeof m.has === 'function';
}

/**
 * A plain object of any realm: no prototype, or one whose own is none (any realm's
 * `Object.prototype`); not a Set, a Date or a class instance.
 */
export function isPlainObjectOfAnyRealm(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Object.prototype.toString.call(v) !== '[object Object]') return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A plain object or a class instance, not an array or null (what `z.object` starts from). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** `InstantSchema`. */
export const isInstant = (v: unknown): v is string => typeof v === 'string' && INSTANT !== undefined && INSTANT.test(v);
/** `DaySchema`. */
export const isDay = (v: unknown): v is string => typeof v === 'string' && DAY !== undefined && DAY.test(v);
/** `z.number()`, which takes finite numbers only. */
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** `text(max, min)` of core/text: `min` to `max` UTF-16 units (as Zod counts), storable. */
export const isText = (v: unknown, max: number, min = 1): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max && isStorableText(v);

/** A copy of `v` if it is an array of at most `max` slugs (`z.array(SlugSchema).max(max)`). */
export function slugs(v: unknown, max: number): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  // The length read once: an array that grows while its items are read (an accessor item) is
  // left to the schema, which checks the copy it made.
  const n = v.length;
  if (n > max) return undefined;
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x: unknown = v[i];
    if (!isSlug(x)) return undefined;
    out[i] = x;
  }
  return v.length === n ? out : undefined;
}

/** `z.array(item)` through a shortcut for its items: a new array, or undefined if any item is refused. */
export function list<T>(v: unknown, item: (x: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const n = v.length;
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = item(v[i]);
    if (x === undefined) return undefined;
    out[i] = x;
  }
  // An array that changed length while read is left to the schema.
  return v.length === n ? out : undefined;
}
