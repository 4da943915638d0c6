/**
 * @module core/validation
 * Argument checks shared by the engines' methods: every bad input becomes a SceneRadarError with
 * the seed's code, never a crash deeper down.
 */
import { SceneRadarError, type ErrorCode } from './errors.js';
import { isSlug, MAX_SLUG_LENGTH, SLUG_MESSAGE } from './slug.js';

/** Returns `value` as a slug or throws `code` (a validation code) naming the field. */
export function requireSlug(value: unknown, field: string, code: ErrorCode): string {
  if (isSlug(value)) return value;
  const shown = typeof value === 'string' ? (value.length > 64 ? `${value.slice(0, 64)}...` : value) : typeof value;
  const message =
    typeof value === 'string' && value.length > MAX_SLUG_LENGTH
      ? `Slug must be at most ${MAX_SLUG_LENGTH} characters`
      : SLUG_MESSAGE;
  throw new SceneRadarError(code, `Invalid ${field}: ${shown}`, {
    details: [{ code: 'invalid_string', path: [field], message }],
  });
}

/** Returns an integer in `[min, max]`, the default when undefined, or throws `code`. */
export function requireInt(
  value: unknown,
  field: string,
  range: { min: number; max: number; default: number },
  code: ErrorCode,
): number {
  if (value === undefined) return range.default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new SceneRadarError(code, `${field} must be an integer from ${range.min} to ${range.max}`, {
      details: [
        { code: 'invalid_value', path: [field], message: `Expected an integer from ${range.min} to ${range.max}` },
      ],
    });
  }
  return value;
}

/** Returns a valid Date (default `fallback`) or throws `code` (a validation code). */
export function requireDate(value: unknown, field: string, fallback: Date, code: ErrorCode): Date {
  if (value === undefined) return fallback;
  const d =
    value instanceof Date
      ? value
      : typeof value === 'string' || typeof value === 'number'
        ? new Date(value)
        : new Date(Number.NaN);
  if (!Number.isFinite(d.getTime()))
    throw new SceneRadarError(code, `${field} must be a valid date`, {
      details: [{ code: 'invalid_date', path: [field], message: 'Invalid date' }],
    });
  return d;
}

/** Returns `value` as an options object (`{}` when undefined) or throws `code` naming `field`. */
export function requireOptions<T extends object>(
  value: T | undefined | null,
  field: string,
  code: ErrorCode,
): T | Record<string, never> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SceneRadarError(code, `${field} must be an object`, {
      details: [{ code: 'invalid_type', path: [field], message: 'Expected an object' }],
    });
  }
  return value;
}
