/**
 * @module core/describe-error
 * One printable, client-safe description of anything thrown or rejected. Sources are the host's
 * code and may reject with values that cannot be printed: `Object.create(null)`, an object whose
 * `toString` or `message` getter throws, a revoked Proxy (on which even `instanceof` throws).
 * Describing such a value must never throw inside the catch that handles it, so every access
 * here is guarded.
 */

import { isSceneRadarError } from './errors.js';
import { maskInternals } from './mask-internals.js';

/** Longest description returned, in characters. */
const MAX = 300;

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  // Never half a character: a cut after the first half of a surrogate pair drops that half.
  let end = max - 1;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

/**
 * `text` in at most `max` characters (300 by default, the length of every outcome message), cut
 * with `…` and never between the halves of a surrogate pair.
 * @example
 * ```ts
 * clipMessage('x'.repeat(400)).length; // 300
 * ```
 */
export function clipMessage(text: string, max: number = MAX): string {
  return clip(text, max);
}

/**
 * Describes a thrown or rejected value in at most `options.max` characters (300 by default).
 * Never throws: an `Error` reads `Name: message` (only the message with `options.name: false`); a
 * string reads as itself; a number, boolean, bigint, `null` or `undefined` is printed; any other
 * value is described by its type, since calling its `toString` runs the host's code and may throw
 * or leak internals. The text is client-safe: URLs, addresses, `host:port` pairs and `key=secret`
 * parts are masked.
 * @example
 * ```ts
 * describeError(new TypeError('bad')); // 'TypeError: bad'
 * describeError(Object.create(null));  // 'a non-Error object (not printed)'
 * ```
 */
export function describeError(
  error: unknown,
  options: { readonly max?: number; readonly name?: boolean } = {},
): string {
  return describe(error, options.max ?? MAX, options.name !== false, maskInternals);
}

/** {@link describeError}, with the masking given (none for the SDK's own messages). */
function describe(error: unknown, max: number, withName: boolean, mask: (text: string) => string): string {
  try {
    if (error instanceof Error) {
      const rawName: unknown = error.name;
      const rawMessage: unknown = error.message;
      const name = typeof rawName === 'string' && rawName ? rawName : 'Error';
      const message = typeof rawMessage === 'string' ? rawMessage : '';
      // The host's message may name an address, a URL with a token, a password: masked, as the
      // description is served to clients (read outcomes, notes); the error itself stays the cause.
      if (!withName) return clip(mask(clip(message || name, max)), max);
      return clip(mask(clip(message ? `${name}: ${message}` : name, max)), max);
    }
  } catch {
    return 'a value that cannot be inspected';
  }
  switch (typeof error) {
    case 'string':
      return clip(mask(clip(error, max)), max);
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(error);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return error === null ? 'null' : 'a non-Error object (not printed)';
  }
}

/**
 * Why a computation failed, for a result served stale or marked failed: `CODE: message` for the
 * SDK's own errors (their messages are client-safe: a store failure names its reason, never the
 * address, credentials or SQL), {@link describeError} for anything else. Never throws.
 * @example
 * ```ts
 * failureReason(new SceneRadarError('STORE_UNAVAILABLE', 'PostgreSQL cannot be reached (ECONNREFUSED)'));
 * // 'STORE_UNAVAILABLE: PostgreSQL cannot be reached (ECONNREFUSED)'
 * ```
 */
export function failureReason(error: unknown, options: { readonly max?: number } = {}): string {
  const max = options.max ?? MAX;
  try {
    // The SDK's own messages as written (they are client-safe; masking read an instant's time as an address).
    if (isSceneRadarError(error)) return clip(`${error.code}: ${describe(error, max, false, (text) => text)}`, max);
  } catch {
    // A branded value whose code cannot be read: described as anything else is.
  }
  return describeError(error, { max });
}
