/**
 * @module core/freeze
 * Deep freezing of plain values: the rows an in-memory table hands out and the results an
 * engine's cache shares between callers, so that one caller's edit never changes what another
 * reads.
 */

/**
 * Freezes a value and everything in it (own enumerable properties, recursively), and returns
 * it. Stops at a value already frozen (its parts were frozen with it). Typed arrays and other
 * buffer views are left as they are: they cannot be frozen.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
