/**
 * @module core/validation
 * Argument checks shared by the engines' methods: every bad input becomes a SceneRadarError with
 * the seed's code, never a crash deeper down. Slugs and integers are checked with the request
 * schemas of core/requests, so an argument outside a request object (a slug in a list, a backfill
 * interval) gets the same issues as one inside it, and as over HTTP.
 */
import { SceneRadarError, type ErrorCode } from './errors.js';
import { isSlug } from './slug.js';
import { intRequestSchema, SlugRequestSchema, validateField, type RequestFamily } from './requests.js';

/** The family of a validation code: the `TALENT_*` codes are the Talent Radar's, the rest the Scenes Engine's. */
function familyOf(code: ErrorCode): RequestFamily {
  return code.startsWith('TALENT_') ? 'talent' : 'scenes';
}

/**
 * Returns `value` as a slug or throws the `*_VALIDATION_ERROR` of `code`'s family, its issues
 * (Zod's, as over HTTP) under `field`.
 */
export function requireSlug(value: unknown, field: string, code: ErrorCode): string {
  // The common case without a parse: lists of up to 10,000 slugs come through here. isSlug states
  // the same rule as the schema, which is asked only to word the issues.
  if (isSlug(value)) return value;
  return validateField(familyOf(code), SlugRequestSchema, value, field);
}

/**
 * Returns an integer in `[min, max]`, the default when undefined, or throws the
 * `*_VALIDATION_ERROR` of `code`'s family (a range is part of a value's schema).
 */
export function requireInt(
  value: unknown,
  field: string,
  range: { min: number; max: number; default: number },
  code: ErrorCode,
): number {
  if (value === undefined) return range.default;
  return validateField(familyOf(code), intRequestSchema(range.min, range.max), value, field);
}

/** The calendar date a text date starts with (`2026-02-30...`): year, month and day as written. */
const WRITTEN_DAY = /^(\d{4})-(\d{2})-(\d{2})(?![\d])/;

/**
 * True when `text` starts with a calendar date that does not exist (`2026-02-30`, `2026-04-31`):
 * `new Date` rolls such a day over into the next month instead of refusing it.
 */
function isImpossibleDay(text: string): boolean {
  const m = WRITTEN_DAY.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  return date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d;
}

/**
 * Text a date argument may be: a day (`2026-11-24`, its UTC midnight) or an ISO 8601 instant with
 * `Z` or an offset. Nothing read in the host's time zone (a date-time without an offset, `June 1,
 * 2026`), so the same text is the same instant on every host.
 */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;

/** The instants an argument may name: years 1000 to 9999 (four-digit years, as every stored timestamp has). */
export const FIRST_INSTANT_MS = Date.UTC(1000, 0, 1);
/** The first instant past that range (10000-01-01T00:00Z). */
export const END_INSTANT_MS = Date.UTC(10_000, 0, 1);

/**
 * The instant of a real Date, read once through `Date.prototype` (a subclass's `getTime` is not
 * asked); NaN for anything else. Internal.
 */
export function dateTime(d: unknown): number {
  try {
    return Date.prototype.getTime.call(d);
  } catch {
    return Number.NaN;
  }
}

/**
 * Whether `text` is a date as the SDK reads one from text: a day `YYYY-MM-DD` (its midnight, UTC)
 * or an ISO 8601 instant with `Z` or an offset, naming a real day. A date-time without a zone is
 * refused: JavaScript would read it in the host's time zone, so it would name another instant on
 * every machine.
 */
export function isDateText(text: string): boolean {
  return ISO_DATE.test(text) && !isImpossibleDay(text);
}

/**
 * Returns a valid Date (`fallback` for undefined, unless the fallback is invalid, `new Date(NaN)`: the date
 * is then required; a given Date is copied) or throws `code` (a validation code). Text is a day
 * `YYYY-MM-DD` (its UTC midnight) or an ISO 8601 instant with `Z` or an offset; any other text
 * (a date-time without an offset, `June 1, 2026`) is refused, never read in the host's time zone. Text naming a day
 * the calendar does not have (`2026-02-30`) is refused, not read as the day it rolls over to, and so
 * is an instant outside the years 1000-9999 (a seconds / milliseconds mix-up, `new Date(-8.64e15)`):
 * day arithmetic and stored timestamps need a four-digit year.
 */
export function requireDate(value: unknown, field: string, fallback: Date, code: ErrorCode): Date {
  // An invalid fallback (`new Date(NaN)`) makes the date required: undefined is then refused too.
  if (value === undefined && Number.isFinite(fallback.getTime())) return fallback;
  // A copy of the caller's Date (read once, through Date.prototype): a caller or a source that
  // changes the Date afterwards must not move the call's instant.
  let isDate: boolean;
  try {
    isDate = value instanceof Date;
  } catch {
    // A value that cannot be inspected (a revoked Proxy) is no date.
    isDate = false;
  }
  const d = isDate
    ? new Date(dateTime(value))
    : typeof value === 'number'
      ? new Date(value)
      : typeof value === 'string'
        ? new Date(isDateText(value) ? value : Number.NaN)
        : new Date(Number.NaN);
  if (!Number.isFinite(d.getTime()))
    throw new SceneRadarError(
      code,
      typeof value === 'string'
        ? `${field} must be a valid date: a day YYYY-MM-DD or an ISO 8601 instant with Z or an offset`
        : `${field} must be a valid date`,
      {
        details: [{ code: 'invalid_date', path: [field], message: 'Invalid date' }],
      },
    );
  if (d.getTime() < FIRST_INSTANT_MS || d.getTime() >= END_INSTANT_MS)
    throw new SceneRadarError(code, `${field} must be a date in the years 1000-9999, got ${d.toISOString()}`, {
      details: [
        {
          code: d.getTime() < FIRST_INSTANT_MS ? 'too_small' : 'too_big',
          path: [field],
          message: 'Date out of range (years 1000-9999)',
        },
      ],
    });
  return d;
}

/** `Array.isArray(value)`, false for a value that cannot be inspected (a revoked Proxy): never throws. */
export function isArrayValue(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * `keys` of `options`, each read once into a plain object; `code` naming `what` when a read throws
 * (a getter, a proxy's trap, a revoked Proxy): never the host's exception.
 */
export function readKeysOnce<K extends string>(
  options: object,
  keys: readonly K[],
  what: string,
  code: ErrorCode,
): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  try {
    for (const key of keys) out[key] = (options as Record<K, unknown>)[key];
  } catch {
    throw new SceneRadarError(code, `${what}: the options cannot be read`, {
      details: [{ code: 'invalid_type', path: [], message: 'The options cannot be read' }],
    });
  }
  return out;
}

/**
 * `keys` of the options object `value` (undefined is no options), each read once
 * ({@link readKeysOnce}); `code` naming `what` for a value that is not an object.
 */
export function readOptionKeys<K extends string>(
  value: unknown,
  keys: readonly K[],
  what: string,
  code: ErrorCode,
): Partial<Record<K, unknown>> {
  return readKeysOnce(requireOptions(value as object | undefined, what, code), keys, what, code);
}

/** Returns `value` as an options object (`{}` when undefined) or throws `code` naming `field`. */
export function requireOptions<T extends object>(
  value: T | undefined | null,
  field: string,
  code: ErrorCode,
): T | Record<string, never> {
  if (value === undefined) return {};
  let list: boolean;
  try {
    list = Array.isArray(value);
  } catch {
    // A revoked Proxy cannot be read: no options object.
    list = true;
  }
  if (value === null || typeof value !== 'object' || list) {
    throw new SceneRadarError(code, `${field} must be an object`, {
      details: [{ code: 'invalid_type', path: [field], message: 'Expected an object' }],
    });
  }
  return value;
}
