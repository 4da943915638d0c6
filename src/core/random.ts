/**
 * @module core/random
 * The package's one seeded PRNG (mulberry32), for everything that must draw the same numbers on
 * every run: bootstrap intervals (`scene-radar/backtest`) and the sample rows of the conformance
 * kit (`scene-radar/testing`). Internal, not exported from the root: the backtest entry re-exports
 * it for hosts and benchmarks. It imports nothing and keeps no state outside the closure it
 * returns, so the entries may share it or each bundle a copy: both behave the same.
 */

/**
 * A small seeded PRNG (mulberry32): uniform in [0, 1). Seeded so that whatever draws from it
 * (bootstrap resamples, fixtures) is the same run to run. Not for anything secret.
 * @example
 * ```ts
 * const rand = mulberry32(7);
 * rand(); // the same first number for seed 7, every run
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
