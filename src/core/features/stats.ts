/**
 * @module core/features/stats
 * Small pure statistics shared by both engines: robust location and scale, squashing to 0-1,
 * slopes, and top-K selection without sorting the whole population. No I/O, no engine imports.
 */

/** Clamps to [0, 1]; NaN becomes 0. */
export function clamp01(x: number): number {
  return x > 0 ? (x < 1 ? x : 1) : 0;
}

/**
 * `x` with -0 made 0; every other value (NaN included) is returned as it is. Arithmetic makes -0
 * (a weight of 0 times a negative value, `Math.round(-0.00001)`): JSON prints it as `0`, but
 * `Object.is`, `1 / x` and some hosts' serialisers tell it apart, so the numbers an explanation
 * shows go through this once, where the explanation is finished.
 */
export function withoutNegativeZero(x: number): number {
  return x === 0 ? 0 : x;
}

/** Median of a list (NaN for an empty one). Does not modify its input. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median absolute deviation, scaled by 1.4826 to match a normal standard deviation. */
export function mad(xs: readonly number[], center = median(xs)): number {
  return 1.4826 * median(xs.map((x) => Math.abs(x - center)));
}

/**
 * Logistic squash to (0, 1): 0.5 at `midpoint`; `scale` is the distance over which it moves from
 * 0.27 to 0.73.
 * @example
 * ```ts
 * logistic(0.3, 0, 0.3); // ~0.73
 * ```
 */
export function logistic(x: number, midpoint = 0, scale = 1): number {
  return 1 / (1 + Math.exp(-(x - midpoint) / scale));
}

/**
 * Growth between two windows as a log ratio, with a floor added to both so tiny bases do not
 * explode (10 -> 100 is not 100k -> 1M): `ln((current + floor) / (previous + floor))`.
 */
export function logGrowth(previous: number, current: number, floor: number): number {
  return Math.log((Math.max(0, current) + floor) / (Math.max(0, previous) + floor));
}

/** Least-squares slope of `ys` against their index (per step); 0 for fewer than two points. */
export function slope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  let my = 0;
  for (const y of ys) my += y;
  my /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - mx) * (ys[i]! - my);
    den += (i - mx) ** 2;
  }
  return num / den;
}

/**
 * Cosine similarity of two equal-length vectors, within -1 to 1 (0 when either is all zeros).
 * Scale-free: where the sums of squares would leave the normal float range (components such as
 * 1e-200 or 1e200), each vector is divided by its largest component first, so the sums neither
 * underflow (a full shift read from two vectors pointing the same way) nor overflow.
 */
export function cosine(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < n; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  // Each sum in the normal range (a subnormal one has lost precision, even when the product of
  // the two is normal), and their product too (it may overflow or underflow on its own).
  const product = na * nb;
  if (na >= NORMAL_MIN && nb >= NORMAL_MIN && product >= NORMAL_MIN && product < Number.POSITIVE_INFINITY)
    return Math.min(1, Math.max(-1, dot / Math.sqrt(product)));
  return rescaledCosine(a, b, n);
}

/** The smallest positive normal double: below it a sum of squares has lost precision. */
const NORMAL_MIN = 2 ** -1022;

/** {@link cosine} of vectors whose sums of squares leave the normal range: each divided by its largest component. */
function rescaledCosine(a: readonly number[], b: readonly number[], n: number): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma = Math.max(ma, Math.abs(a[i]!));
    mb = Math.max(mb, Math.abs(b[i]!));
  }
  if (!(ma > 0) || !(mb > 0) || !Number.isFinite(ma) || !Number.isFinite(mb)) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! / ma;
    const y = b[i]! / mb;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb)));
}

/** Weighted Jaccard similarity of two non-negative weight maps: sum of mins / sum of maxes. */
export function weightedJaccard(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let min = 0;
  let max = 0;
  // forEach, not for-of: no [key, value] pair allocated per entry (every pair of scenes, every member).
  a.forEach((va, k) => {
    const vb = b.get(k) ?? 0;
    min += Math.min(va, vb);
    max += Math.max(va, vb);
  });
  b.forEach((vb, k) => {
    if (!a.has(k)) max += vb;
  });
  return max === 0 ? 0 : min / max;
}

/**
 * The `k` items with the highest score, best first, in O(n log k) with a bounded min-heap: no
 * sort of the whole population. Ties keep the earlier item first, or, given `before`, the item it
 * puts first (`before(a, b)` true when `a` goes before `b`), whatever order they come in (items
 * it puts neither way keep the earlier first).
 * @example
 * ```ts
 * topK([{ s: 3 }, { s: 9 }, { s: 5 }], 2, (x) => x.s); // [{ s: 9 }, { s: 5 }]
 * ```
 */
export function topK<T>(
  items: Iterable<T>,
  k: number,
  score: (item: T) => number,
  before?: (a: T, b: T) => boolean,
): T[] {
  if (!(k >= 1)) return [];
  // Heap of [score, order, item], smallest (worst) at the root.
  const heap: Array<[number, number, T]> = [];
  const worse = (a: [number, number, T], b: [number, number, T]): boolean => {
    if (a[0] !== b[0]) return a[0] < b[0];
    if (before) {
      if (before(b[2], a[2])) return true;
      if (before(a[2], b[2])) return false;
    }
    return a[1] > b[1];
  };
  const swap = (i: number, j: number): void => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  let order = 0;
  for (const item of items) {
    const s = score(item);
    if (Number.isNaN(s)) continue;
    const entry: [number, number, T] = [s, order++, item];
    if (heap.length < k) {
      heap.push(entry);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[p]!)) break;
        swap(i, p);
        i = p;
      }
    } else if (worse(heap[0]!, entry)) {
      heap[0] = entry;
      down(0);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0)).map((e) => e[2]);
}
