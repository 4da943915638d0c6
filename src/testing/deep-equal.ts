/**
 * @module testing/deep-equal
 * Structural comparison that reports where two values first differ, so a violation can say
 * "at [artist-a].tastemakers[2].since" rather than just "not equal". Handles what sources and
 * tables return: JSON-like values, Maps and Dates.
 */

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * The path of the first difference between `a` and `b` (`''` for the roots), or `undefined`
 * when they are deep-equal. Map entries compare by key, whatever their insertion order, because
 * a batch answer's order carries no meaning.
 */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime() ? undefined : path || '(root)';
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map)) return path || '(root)';
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      const at = `${path}[${String(key)}]`;
      if (!a.has(key) || !b.has(key)) return at;
      const d = firstDifference(a.get(key), b.get(key), at);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return path || '(root)';
    if (a.length !== b.length) return `${path}.length`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      // An absent key and an explicit undefined mean the same to a JSON consumer.
      const d = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return path || '(root)';
}

/** True when `a` and `b` are deep-equal in the sense of {@link firstDifference}. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return firstDifference(a, b) === undefined;
}

/** A deep copy of a JSON-like value (rows, payloads), for before/after comparisons. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}
