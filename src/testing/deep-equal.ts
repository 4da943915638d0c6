/**
 * @module testing/deep-equal
 * Structural comparison that reports where two values first differ, so a violation can say
 * "at [artist-a].tastemakers[2].since" rather than just "not equal". Handles what sources and
 * tables return: JSON-like values, Maps and Dates; and Sets, typed arrays and cycles.
 */

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * The path of the first difference between `a` and `b` (`''` for the roots), or `undefined`
 * when they are deep-equal. Map entries compare by key, whatever their insertion order, because
 * a batch answer's order carries no meaning; Set members by value, whatever their order; typed
 * arrays by kind and elements. Values of different kinds (a Set and a plain object, a `Uint8Array`
 * and a `Float64Array`) differ. A pair of objects met again inside itself (a cycle) is taken as
 * equal there, so the walk ends.
 */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  return differenceAt(a, b, path, new WeakMap());
}

/** `Object.prototype.toString`'s tag of a value (`[object Set]`), which tells built-in kinds apart. */
const tagOf = (v: object): string => Object.prototype.toString.call(v);

function differenceAt(
  a: unknown,
  b: unknown,
  path: string,
  comparing: WeakMap<object, WeakSet<object>>,
): string | undefined {
  if (Object.is(a, b)) return undefined;
  const here = path || '(root)';
  if (!isRecord(a) || !isRecord(b)) return here;
  // A pair being compared further up: a cycle, equal as far as this walk can tell. Only pairs
  // still being compared are tracked (one found different elsewhere is not "equal" here).
  const against = comparing.get(a) ?? new WeakSet<object>();
  if (against.has(b)) return undefined;
  comparing.set(a, against);
  against.add(b);
  try {
    return differenceOf(a, b, path, here, comparing);
  } finally {
    against.delete(b);
  }
}

/** {@link differenceAt} for two objects not yet being compared. */
function differenceOf(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  path: string,
  here: string,
  comparing: WeakMap<object, WeakSet<object>>,
): string | undefined {
  if (tagOf(a) !== tagOf(b)) return here;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime() ? undefined : here;
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map)) return here;
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      const at = `${path}[${String(key)}]`;
      if (!a.has(key) || !b.has(key)) return at;
      const d = differenceAt(a.get(key), b.get(key), at, comparing);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set) || !(b instanceof Set)) return here;
    if (a.size !== b.size) return `${path}.size`;
    // Each member of `b` matches one member of `a` at most (deep equality is an equivalence, so
    // taking the first that matches never blocks a later one).
    const unmatched = [...b];
    let i = 0;
    for (const member of a) {
      const at = b.has(member)
        ? unmatched.indexOf(member)
        : unmatched.findIndex((other) => differenceAt(member, other, path, comparing) === undefined);
      if (at < 0) return `${path}{#${i}}`;
      unmatched.splice(at, 1);
      i++;
    }
    return undefined;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return here;
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return `${path}.length`;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `${path}[${i}]`;
    return undefined;
  }
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b) ? undefined : here;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return here;
    if (a.length !== b.length) return `${path}.length`;
    for (let i = 0; i < a.length; i++) {
      const d = differenceAt(a[i], b[i], `${path}[${i}]`, comparing);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    // An absent key and an explicit undefined mean the same to a JSON consumer.
    const d = differenceAt(a[key], b[key], path ? `${path}.${key}` : key, comparing);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** True when `a` and `b` are deep-equal in the sense of {@link firstDifference}. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return firstDifference(a, b) === undefined;
}

/** A deep copy of a JSON-like value (rows, payloads), for before/after comparisons. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}
