/**
 * @module core/text
 * The one rule for free text that crosses the library (source payloads, catalog entries, stored
 * rows): well-formed Unicode (no lone surrogate) and no NUL character. Both are refused rather
 * than repaired: PostgreSQL's `text` cannot hold a NUL and rewrites a lone surrogate as U+FFFD, so
 * a value the in-memory store kept would be refused or changed by a SQL store. Refusing it where
 * it enters keeps every store the same.
 */
import { z } from 'zod';

/** A surrogate that is not half of a pair (with the `u` flag a pair reads as one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/** True when `s` holds a surrogate that is not half of a pair (ill-formed Unicode; UTF-8 turns it into U+FFFD). */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/** True when `s` is well-formed Unicode without a NUL character. */
export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/** The message of a refused text value. */
export const STORABLE_TEXT_MESSAGE = 'Expected well-formed Unicode text without NUL characters';

/**
 * A string of `min` to `max` characters that is storable text ({@link isStorableText}).
 * @example
 * ```ts
 * text(256).safeParse('Brighton\u0000').success; // false
 * ```
 */
export function text(max: number, min = 1): z.ZodString {
  // `.refine` on a string keeps the ZodString type (checks are stored on the schema itself).
  return z.string().min(min).max(max).refine(isStorableText, { message: STORABLE_TEXT_MESSAGE }) as z.ZodString;
}

/**
 * Where the first string (value or key) of a JSON value that is not storable text
 * ({@link isStorableText}) is: its path (segments from `path`, array indexes as numbers; a key's
 * is its object's) and whether it is a key; undefined when every string is storable.
 */
export function unstorableJsonPath(
  value: unknown,
  path: readonly (string | number)[] = [],
): { readonly path: (string | number)[]; readonly key: boolean } | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : { path: [...path], key: false };
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableJsonPath(value[i], [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    if (!isStorableText(key)) return { path: [...path], key: true };
    const found = unstorableJsonPath(v, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * `value` on one line: line breaks, and the other controls a terminal moves on (vertical tab, form
 * feed, NEL, the Unicode line and paragraph separators), are a space. For host or source text in a
 * line of a report or a table (a break would split the row).
 * @example
 * ```ts
 * oneLine('down\r\nfor now'); // 'down for now'
 * ```
 */
export function oneLine(value: string): string {
  return value.replace(/\r\n|[\n\v\f\r\u0085\u2028\u2029]/g, ' ');
}
