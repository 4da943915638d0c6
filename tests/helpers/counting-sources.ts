/**
 * Source call counters for the API tests: every method of every source wrapped, so a test can
 * say exactly which reads a request caused (and that a refused request caused none).
 */
import type { SceneRadarSources } from 'scene-radar';

/** Sources wrapped with call counters, and the counters. */
export interface CountingSources<S extends SceneRadarSources> {
  /** The wrapped sources (same shape and traits as the originals). */
  readonly sources: S;
  /** Calls by `source.method`, only for methods called at least once. */
  counts(): Record<string, number>;
  /** Calls of all methods together. */
  total(): number;
  /** Forgets every count. */
  reset(): void;
}

/**
 * Wraps every function-valued property of every source with a counter; other properties
 * (`maxBatchSize`) are copied. `beforeCall`, when set, runs first and may delay the call (for
 * widening a race window in concurrency tests).
 */
export function countingSources<S extends SceneRadarSources>(
  original: S,
  hooks: { beforeCall?: (id: string) => Promise<void> | undefined } = {},
): CountingSources<S> {
  const calls = new Map<string, number>();
  let total = 0;
  const wrapped: Record<string, Record<string, unknown>> = {};
  for (const [name, source] of Object.entries(original) as [string, Record<string, unknown> | undefined][]) {
    if (!source) continue;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const value = source[key];
      if (typeof value !== 'function') {
        copy[key] = value;
        continue;
      }
      const id = `${name}.${key}`;
      const fn = value as (...args: unknown[]) => unknown;
      copy[key] = (...args: unknown[]): unknown => {
        calls.set(id, (calls.get(id) ?? 0) + 1);
        total++;
        const wait = hooks.beforeCall?.(id);
        return wait ? wait.then(() => fn.apply(source, args)) : fn.apply(source, args);
      };
    }
    wrapped[name] = copy;
  }
  return {
    sources: wrapped as unknown as S,
    counts: () => Object.fromEntries([...calls].sort(([a], [b]) => (a < b ? -1 : 1))),
    total: () => total,
    reset: () => {
      calls.clear();
      total = 0;
    },
  };
}
