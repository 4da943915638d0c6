/**
 * @module core/cache/approximate-bytes
 * A rough estimate of the heap a cached value holds, for the caches' memory figure in
 * `radar.stats()`: strings by their length, numbers and pointers by a word, objects and arrays by
 * a header and a word per slot, each object counted once however often it is referenced. It is an
 * order of magnitude for alerting (is the cache 5 MB or 500 MB?), not an exact figure: the engine's
 * own layout (hidden classes, dictionary-mode objects, two-byte strings) is not modelled.
 */

const WORD = 8;
const HEADER = 24;
/** Most objects walked per value: a huge value is estimated from the part walked, scaled up. */
const MAX_NODES = 50_000;

/** Approximate heap bytes held by `value` (see the module note). */
export function approximateBytes(value: unknown): number {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  let bytes = 0;
  let nodes = 0;
  let pending = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
        bytes += HEADER - WORD + v.length;
        break;
      case 'number':
      case 'boolean':
      case 'bigint':
      case 'symbol':
      case 'undefined':
        bytes += WORD;
        break;
      case 'object': {
        if (v === null) {
          bytes += WORD;
          break;
        }
        if (seen.has(v)) {
          bytes += WORD;
          break;
        }
        if (nodes >= MAX_NODES) {
          pending++;
          break;
        }
        seen.add(v);
        nodes++;
        if (ArrayBuffer.isView(v)) {
          bytes += HEADER + v.byteLength;
        } else if (v instanceof Map) {
          bytes += HEADER + v.size * 3 * WORD;
          for (const [k, x] of v) stack.push(k, x);
        } else if (v instanceof Set) {
          bytes += HEADER + v.size * 2 * WORD;
          for (const x of v) stack.push(x);
        } else if (Array.isArray(v)) {
          bytes += HEADER + v.length * WORD;
          for (const x of v) stack.push(x);
        } else {
          const values = Object.values(v);
          bytes += HEADER + values.length * WORD;
          for (const x of values) stack.push(x);
        }
        break;
      }
      default:
        // A function: its closure is not the cache's to count.
        bytes += WORD;
    }
  }
  // Objects past the walk's bound are counted at the walked objects' average.
  return Math.round(pending > 0 ? bytes + (bytes / nodes) * pending : bytes);
}

/**
 * Estimated bytes held by `count` values of which `sample` are a sample (the average of the
 * sample, times the count); 0 when there are none.
 */
export function estimateFromSample(sample: Iterable<unknown>, count: number): number {
  let n = 0;
  let total = 0;
  for (const value of sample) {
    total += approximateBytes(value);
    n++;
  }
  return n === 0 ? 0 : Math.round((total / n) * count);
}
