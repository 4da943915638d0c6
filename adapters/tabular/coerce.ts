/**
 * @module adapters/tabular/coerce
 * Zod cells that accept both what a CSV file holds (strings) and what a JSON-lines file or a
 * host's `map` holds (numbers, arrays, null, `Date`), and turn either into the payload's type.
 * Each cell is checked once with a type guard and then transformed, instead of a union of
 * schemas: a union tries and fails a branch per cell, which costs a lot over 350,000 rows.
 */
import { z } from 'zod';
import { DaySchema, InstantSchema } from '../../src/contracts/payloads.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { EARLIEST_MS } from '../../src/core/gateway/bounds.js';
import { handleRejection } from '../../src/core/hooks.js';
import { SlugSchema } from '../../src/core/slug.js';

const MAX_COMPONENT = DEFAULT_CONFIG.payloads.maxVectorComponent;
import { text } from '../../src/core/text.js';
import { endOfDayInstant } from '../../src/core/time.js';

/** True for a cell that holds nothing: absent, null, or a blank string. */
export const isBlank = (v: unknown): v is undefined | null | '' =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A cell of the given guard's input type; `expected` names it in the error message. */
function cell<I>(guard: (v: unknown) => v is I, expected: string) {
  return z.custom<I>(guard, { error: (issue) => `expected ${expected}, found ${found(issue.input)}` });
}

/** The cell as an error message shows it: never throws, whatever the cell holds, and cut short. */
function found(v: unknown): string {
  if (v === undefined) return 'nothing (is the column missing?)';
  if (isBlank(v)) return 'an empty cell';
  if (typeof v === 'bigint') return `the bigint ${v}n`;
  // JSON would show NaN and the infinities as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'symbol' || typeof v === 'function') return `a ${typeof v}`;
  // A cell of an async map: refused, and given a handler, so that its rejection cannot end the
  // host's process.
  if (handleRejection(v)) return 'a Promise (the map hook is synchronous: return the value, not a promise of it)';
  let shown: string | undefined;
  try {
    // JSON.stringify throws on a cycle, a bigint inside, or a getter that throws.
    shown = JSON.stringify(v);
  } catch {
    shown = undefined;
  }
  if (shown === undefined) return `a value that cannot be shown (${typeof v})`;
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

/**
 * `schema`, or null for a blank cell. A pass-through check plus a nested parse rather than a
 * union: a union's failed first branch allocates an issue for every non-blank cell, which made
 * these cells ten times slower. `.optional()` lets the column be absent from the row object.
 */
function orNull<O extends z.ZodType>(schema: O) {
  return z
    .custom<z.input<O> | null | undefined>(() => true)
    .optional()
    .transform((v, ctx): z.output<O> | null => {
      if (isBlank(v)) return null;
      const result = schema.safeParse(v);
      if (result.success) return result.data;
      for (const issue of result.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: v });
      return z.NEVER;
    });
}

const isStringOrNumber = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
const isString = (v: unknown): v is string => typeof v === 'string';
const isStringOrDate = (v: unknown): v is string | Date => typeof v === 'string' || v instanceof Date;
const isListCell = (v: unknown): v is string | readonly string[] =>
  typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
const isVectorCell = (v: unknown): v is string | readonly number[] =>
  typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'number'));

/** Decimal text: a sign, digits with or without a fraction (`5.`, `.5`), then an exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The value of decimal text `s` (already trimmed), or NaN when it is not a finite decimal.
 * `Number()` alone would also read `0x1F`, `0b11` and `0o17` as numbers (31, 3, 15), and blank
 * text as 0: an export of decimal numbers never means those, so they are refused like any other
 * text that is not a number. `1e999` (too large for a number) is NaN too.
 */
export function decimalOf(s: string): number {
  if (!DECIMAL.test(s)) return Number.NaN;
  const x = Number(s);
  return Number.isFinite(x) ? x : Number.NaN;
}

/**
 * A number: a JSON number or decimal text, trimmed (`'12.5'`, `' 3 '`, `'-1e3'`, `'.5'`). Blank
 * text, hex, binary or octal (`'0x1F'`) and anything not finite (`'Infinity'`) are not numbers.
 */
export function numberCell<O extends z.ZodType<number, number>>(check: O) {
  return cell(isStringOrNumber, 'a number')
    .transform((v, ctx) => {
      const x = typeof v === 'number' ? v : decimalOf(v.trim());
      if (Number.isFinite(x)) return x;
      ctx.addIssue({
        code: 'custom',
        // Text as written (`""`, `"Infinity"`); a number as found() names it (NaN, Infinity).
        message: `expected a number, found ${typeof v === 'number' ? found(v) : JSON.stringify(v)}`,
      });
      return z.NEVER;
    })
    .pipe(check);
}

/** Like {@link numberCell}, but a blank or missing cell is `null`. */
export function nullableNumberCell<O extends z.ZodType<number, number>>(check: O) {
  return orNull(numberCell(check));
}

/** A trimmed string, then `check`. */
export function stringCell<O extends z.ZodType<string, string>>(check: O) {
  return cell(isString, 'text')
    .transform((v) => v.trim())
    .pipe(check);
}

/** Text kept as written (a title), storable as the contracts' `text` requires; blank or missing is `null`. */
export function nullableTextCell(max: number) {
  return orNull(cell(isString, 'text').pipe(text(max, 0)));
}

/** A trimmed string, or `null` when blank or missing, then `check`. */
export function nullableStringCell<O extends z.ZodType<string, string>>(check: O) {
  return orNull(stringCell(check));
}

/**
 * A slug cell (trimmed; must already match the slug pattern). An empty one gets one message of
 * its own rather than both of the slug schema's: it is usually a blank name in the export.
 */
export const slugCell = stringCell(
  z.string().min(1, { error: "empty slug (slugify gives '' only for a blank name)", abort: true }).pipe(SlugSchema),
);

/**
 * The gateway's first day (`EARLIEST_MS`: it refuses anything earlier as an invalid payload, and
 * one such record would void a whole page of the artists): an earlier date is a rejected row,
 * named by file, line and column (a typo year, `0202` for `2020`). Instants compare by their UTC
 * time (an offset applied), as the gateway compares them.
 */
export const EARLIEST_TABULAR_DAY = new Date(EARLIEST_MS).toISOString().slice(0, 10);
// Text that is no day or no instant is the format check's to report (one issue per cell, not two:
// `11/24/2026` compares below 1900 as text).
const notBefore1900 = (s: string): boolean => !/^\d{4}-\d{2}-\d{2}$/.test(s) || s >= EARLIEST_TABULAR_DAY;
const instantNotBefore1900 = (s: string): boolean => {
  const t = Date.parse(s);
  return Number.isNaN(t) || t >= EARLIEST_MS;
};
const BEFORE_1900 = { message: `is before ${EARLIEST_TABULAR_DAY} (a typo in the year?)` };

/**
 * An instant: ISO 8601 with `Z` or an offset (kept as written), a `Date` from a host's `map`,
 * or a bare day. A bare day `D` is read as the end of `D` (`2025-03-01` becomes
 * `2025-03-02T00:00:00.000Z`): a value dated by its day is known once that day is over, so a
 * read as of `D` 00:00 does not see it and a read as of `D + 1` 00:00 does (the contracts'
 * as-of rule, `endOfDayInstant`).
 */
export const instantCell = cell(isStringOrDate, 'an ISO 8601 instant')
  .transform((v) => {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    const s = v.trim();
    // A malformed day (`2025-02-30`) is left as written for the schema to reject with its message.
    return DATE_ONLY.test(s) && DaySchema.safeParse(s).success ? endOfDayInstant(s) : s;
  })
  .pipe(InstantSchema.refine(instantNotBefore1900, BEFORE_1900));

/** A day `YYYY-MM-DD`, or a `Date` (its UTC day). */
export const dayCell = cell(isStringOrDate, 'a day (YYYY-MM-DD)')
  .transform((v) =>
    v instanceof Date ? (Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString().slice(0, 10)) : v.trim(),
  )
  .pipe(DaySchema.refine(notBefore1900, BEFORE_1900));

/** Like {@link dayCell}, but blank or missing is `null`. */
export const nullableDayCell = orNull(dayCell);

/**
 * A `;`-separated list or an array of strings; absent, null or blank is the empty list. Items are
 * trimmed and blank ones dropped, from a CSV cell and a JSON array alike.
 */
function listCell() {
  return cell(
    (v): v is string | readonly string[] | null | undefined => v === undefined || v === null || isListCell(v),
    'a ;-separated list',
  )
    .optional()
    .transform((v) =>
      v === undefined || v === null
        ? []
        : typeof v === 'string'
          ? v
              .split(';')
              .map((s) => s.trim())
              .filter((s) => s !== '')
          : v.map((s) => s.trim()).filter((s) => s !== ''),
    );
}

/** A list of slugs: `a;b;c` in a CSV cell (blank is the empty list) or a JSON array. */
export function slugListCell(max: number) {
  return listCell().pipe(z.array(SlugSchema).max(max));
}

/** Like {@link slugListCell}, for free strings (region codes). */
export function stringListCell(item: z.ZodType<string, string>, max: number) {
  return listCell().pipe(z.array(item).max(max));
}

/**
 * A fingerprint vector: decimal numbers (as {@link numberCell} reads them) separated by `;` or
 * whitespace in a CSV cell, or a JSON array.
 */
export const vectorCell = cell(isVectorCell, 'numbers separated by ; or spaces')
  .transform((v, ctx) => {
    if (typeof v !== 'string') return [...v];
    const parts = v.split(/[;\s]+/).filter((s) => s !== '');
    const out = parts.map(decimalOf);
    const bad = out.findIndex((x) => !Number.isFinite(x));
    if (bad === -1) return out;
    ctx.addIssue({
      code: 'custom',
      message: `vector component ${bad + 1} is not a number: ${JSON.stringify(parts[bad])}`,
    });
    return z.NEVER;
  })
  // Components within the gateway's ceiling (`payloads.maxVectorComponent`, 1e6 in absolute value).
  .pipe(z.array(z.number().finite().min(-MAX_COMPONENT).max(MAX_COMPONENT)).min(1).max(1024));

/** An optional id (the contracts' `text(256)`): blank or missing is `null` (the builder then generates one). */
export const optionalIdCell = nullableStringCell(text(256));

/** An enum cell: trimmed text that must be one of `schema`'s options. */
export function enumCell<O extends z.ZodType<string, string>>(schema: O) {
  return stringCell(schema);
}
