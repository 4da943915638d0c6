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

/** Values {@link deepFreezeAll} was given and walked: frozen all through, never walked again. */
const WALKED = new WeakSet<object>();

/**
 * {@link deepFreeze} that walks a value frozen elsewhere too (perhaps frozen at its top only,
 * `Object.freeze({ list: [] })`), once per object (a cycle ends): for a value entering a shared
 * cache, whose later reads only check its top. A value it was given before is not walked again (a
 * computed value is stored, kept as last good and returned: one walk). Only the values given are
 * remembered, not every object inside them: a weak set entry per object cost more than the walk.
 */
export function deepFreezeAll<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !WALKED.has(value)) {
    freezeWalk(value, new Set());
    WALKED.add(value);
  }
  return value;
}

/** Freezes `value` and every object in it not in `seen` (or given to {@link deepFreezeAll} before). */
function freezeWalk(value: object, seen: Set<object>): void {
  if (ArrayBuffer.isView(value) || seen.has(value) || WALKED.has(value)) return;
  seen.add(value);
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) freezeWalk(v, seen);
  if (!Object.isFrozen(value)) Object.freeze(value);
}
