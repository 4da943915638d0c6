/**
 * @module adapters/tabular/fast-rows
 * Shortcuts past Zod for the commonest rows of the largest tables. A shortcut reads a row the way
 * its row schema would and returns exactly the schema's output, or `undefined` whenever it is not
 * sure (an unusual cell, an instant with an offset, a number given as JSON, anything invalid): the
 * row then goes through the schema, which accepts it or says why not. So a shortcut can only make
 * a valid row cheaper, never change what is accepted or what an error says. Each is held to its
 * schema by property tests (tests/adapters/tabular-fast-rows.test.ts).
 *
 * Why: on a streamed events file the schema's parse (its issue lists, pipes and wrappers per cell)
 * was most of the import's time and most of its garbage, five times the parse of the CSV itself.
 */
import { RcfEventTypeSchema } from '../../src/contracts/payloads.js';
import { MAX_SLUG_LENGTH, SLUG_PATTERN } from '../../src/core/slug.js';
import { isStorableText } from '../../src/core/text.js';
import { endOfDayInstant } from '../../src/core/time.js';
import { decimalOf, EARLIEST_TABULAR_DAY } from './coerce.js';
import { DEFAULT_CONFIG } from '../../src/config.js';

const MAX_WEIGHT = DEFAULT_CONFIG.payloads.maxWeight;
import type { TabularRowOf, TabularTableName } from './row-schemas.js';

/** A shortcut: the schema's output for `row`, or undefined to let the schema read it. */
export type FastRow<T extends TabularTableName> = (
  row: Readonly<Record<string, unknown>>,
) => TabularRowOf<T> | undefined;

/** Each event type, by itself: a row's type becomes this one string. */
const EVENT_TYPES: ReadonlyMap<string, TabularRowOf<'events'>['type']> = new Map(
  RcfEventTypeSchema.options.map((t) => [t, t]),
);

/** `s.trim()` without the call when the ends are not whitespace (the usual cell). */
function trimmed(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(n - 1);
  return a > 32 && a < 127 && b > 32 && b < 127 ? s : s.trim();
}

/** The decimal value of `n` digits of `s` from `at`, or -1 if one is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Days in a month, with the Gregorian leap rule (as `z.iso.date()` checks it). */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for `YYYY-MM-DD` starting at 0 with a real date and a year from 1000 to 9998. */
function isPlainDay(s: string): boolean {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  return y >= 1000 && y <= 9998 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

/**
 * What `instantCell` makes of a trimmed string when it is plainly valid: `YYYY-MM-DDTHH:MM:SSZ`
 * or with a fraction (`.sssZ`), kept as written, or a bare day, read as its end. Undefined for
 * anything else (offsets, other years, invalid text): the schema decides those.
 */
function instantOf(s: string): string | undefined {
  const n = s.length;
  if (n === 10) return isPlainDay(s) ? endOfDayInstant(s) : undefined;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */ || !isPlainDay(s)) return undefined;
  if (s.charCodeAt(10) !== 84 /* T */ || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return undefined;
  if (n === 20) return s;
  // A fraction: a dot and at least one digit, then the Z.
  if (s.charCodeAt(19) !== 46 || n < 22 || digits(s, 20, n - 21) < 0) return undefined;
  return s;
}

/** A slug cell's value when the cell is a valid slug (after trimming), else undefined. */
function slugOf(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = trimmed(v);
  return s.length >= 1 && s.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(s) ? s : undefined;
}

/**
 * A nullable text cell (`nullableStringCell` of `text(max)`): null when blank or absent, the
 * trimmed text when it fits and is storable (no NUL, no lone surrogate), `false` when the schema
 * must decide.
 */
function nullableTextOf(v: unknown, max: number): string | null | false {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return false;
  const s = trimmed(v);
  if (s === '') return null;
  return s.length <= max && isStorableText(s) ? s : false;
}

/** A weight cell (`numberCell(z.number().min(0).max(payloads.maxWeight))`), or undefined. */
function nonNegativeOf(v: unknown): number | undefined {
  let x: number;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string') x = decimalOf(trimmed(v));
  else return undefined;
  return Number.isFinite(x) && x >= 0 && x <= MAX_WEIGHT ? x : undefined;
}

/**
 * Short texts that repeat from row to row (slugs, regions) as one string each: a cell shorter than
 * 13 characters is a fresh string on every row, and a kept row would keep its own copy. Bounded:
 * emptied when full.
 */
function interner(max: number): (s: string) => string {
  const known = new Map<string, string>();
  return (s) => {
    if (s.length > 64) return s;
    const hit = known.get(s);
    if (hit !== undefined) return hit;
    if (known.size >= max) known.clear();
    known.set(s, s);
    return s;
  };
}

/** {@link EventRowSchema}'s output for a plainly valid events row (one reader per import). */
function eventRows(): FastRow<'events'> {
  const artists = interner(65_536);
  const regions = interner(1024);
  return (row) => {
    const artist = slugOf(row.artist);
    if (artist === undefined) return undefined;
    const id = nullableTextOf(row.id, 256);
    if (id === false) return undefined;
    const rawType = row.type;
    if (typeof rawType !== 'string') return undefined;
    const type = EVENT_TYPES.get(trimmed(rawType));
    if (type === undefined) return undefined;
    const rawAt = row.at;
    if (typeof rawAt !== 'string') return undefined;
    const at = instantOf(trimmed(rawAt));
    // Before 1900 (the shortcut takes UTC instants only, `Z`: their text compares as their time): the schema says why.
    if (at === undefined || at < EARLIEST_TABULAR_DAY) return undefined;
    const weight = nonNegativeOf(row.weight);
    if (weight === undefined) return undefined;
    const region = nullableTextOf(row.region, 64);
    if (region === false) return undefined;
    return { artist: artists(artist), id, type, at, weight, region: region === null ? null : regions(region) };
  };
}

/** A factory of the shortcut of each table that has one (each import makes its own). */
export const FAST_ROWS: { readonly [T in TabularTableName]?: () => FastRow<T> } = {
  events: eventRows,
};
