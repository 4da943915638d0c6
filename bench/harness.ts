/**
 * Benchmark harness: medians from tinybench, figures collected by name (units in the name).
 * Speed is proven here, never by timed unit tests.
 */
import { Bench } from 'tinybench';

/** A measured figure: name (with its unit), value, and what the target is. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly target?: string;
  readonly pass?: boolean;
}

/**
 * Median time of one operation, in nanoseconds. `fn` runs `inner` operations per sample, so
 * sub-microsecond operations are not drowned by the timer's own resolution.
 */
export async function medianNs(
  name: string,
  fn: () => unknown,
  options: { inner?: number; timeMs?: number } = {},
): Promise<number> {
  const inner = options.inner ?? 1;
  const bench = new Bench({ name, time: options.timeMs ?? 500, warmup: true });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result?.state !== 'completed')
    throw new Error(`benchmark ${name} did not complete: ${result?.state ?? 'no result'}`);
  return (result.latency.p50 * 1e6) / inner;
}

/** Median of async samples measured by the caller (ms), for scenario benchmarks. */
export async function medianOf(samples: number, sample: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) values.push(await sample());
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** A monotonic clock in milliseconds. */
export const nowMs = (): number => performance.now();

/** Rounds for display and storage. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A small seeded PRNG (mulberry32), so every run builds the same data: the backtests' one. */
export { mulberry32 as rng } from 'scene-radar/backtest';
