/**
 * @module core/observe/stats
 * The counters behind `radar.stats()` for source calls and refreshes: totals, outcomes and
 * latency histograms with fixed bounds, keyed by source and method or by engine (bounded sets,
 * never ids). Recording is a few additions; a snapshot copies.
 */
import type { SourceCallResult } from './channels.js';

/** Upper bounds (ms, inclusive) of the latency histograms' buckets; a last bucket holds the rest. */
export const LATENCY_BOUNDS_MS: readonly number[] = Object.freeze([
  1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
]);

/** A latency histogram: `counts[i]` durations <= `boundsMs[i]` (and above the previous bound); the last count is above every bound. */
export interface LatencyHistogram {
  /** The buckets' upper bounds, ms: 1, 5, 10, 25, 50, 100, 250, 500, 1,000, 2,500, 5,000, 10,000, 30,000, 60,000. */
  readonly boundsMs: readonly number[];
  /** Durations per bucket; one more entry than `boundsMs` (above the last bound). */
  readonly counts: readonly number[];
  /** Durations recorded. */
  readonly count: number;
  /** Their sum, ms. */
  readonly sumMs: number;
  /** The longest, ms (0 when none). */
  readonly maxMs: number;
}

/** Source calls of one `source.method`. */
export interface SourceCallStats {
  /** Calls made (one per batch chunk or single call). */
  readonly calls: number;
  /** Keys asked for, over every call. */
  readonly keys: number;
  /** Calls by how they ended. */
  readonly results: Readonly<Partial<Record<SourceCallResult, number>>>;
  /** Call latency, from queueing to the end. */
  readonly latency: LatencyHistogram;
}

/** Refreshes of one engine (or of the whole radar). */
export interface RefreshStats {
  /** Refreshes finished, failed ones included. */
  readonly count: number;
  /** Of those, refreshes that threw. */
  readonly failed: number;
  /** Wall time of the last one, ms; null before the first. */
  readonly lastMs: number | null;
  /** Their wall times. */
  readonly latency: LatencyHistogram;
}

/**
 * Records durations into a {@link LatencyHistogram} with the fixed bounds {@link LATENCY_BOUNDS_MS}
 * (a few comparisons and additions per record; a snapshot copies). Shared by `radar.stats()` and
 * the API handler's `stats()`.
 * @internal
 */
export class Histogram {
  /** Durations per bucket; one more entry than the bounds. */
  readonly counts = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  /** Durations recorded. */
  count = 0;
  /** Their sum, ms. */
  sumMs = 0;
  /** The longest, ms. */
  maxMs = 0;
  /** Records one duration (a negative or non-finite one counts as 0). */
  record(ms: number): void {
    const v = Number.isFinite(ms) && ms > 0 ? ms : 0;
    let i = 0;
    while (i < LATENCY_BOUNDS_MS.length && v > LATENCY_BOUNDS_MS[i]!) i++;
    this.counts[i]!++;
    this.count++;
    this.sumMs += v;
    if (v > this.maxMs) this.maxMs = v;
  }
  /** A copy of the histogram. */
  snapshot(): LatencyHistogram {
    return {
      boundsMs: LATENCY_BOUNDS_MS,
      counts: [...this.counts],
      count: this.count,
      sumMs: this.sumMs,
      maxMs: this.maxMs,
    };
  }
}

/** Counts source calls and refreshes for `radar.stats()` (internal). */
export class OperationStats {
  readonly #sources = new Map<
    string,
    { calls: number; keys: number; results: Record<string, number>; latency: Histogram }
  >();
  readonly #refresh = new Map<string, { count: number; failed: number; lastMs: number | null; latency: Histogram }>();

  /** Records one source call. */
  sourceCall(source: string, method: string, keys: number, result: SourceCallResult, durationMs: number): void {
    const name = `${source}.${method}`;
    let s = this.#sources.get(name);
    if (!s) {
      s = { calls: 0, keys: 0, results: {}, latency: new Histogram() };
      this.#sources.set(name, s);
    }
    s.calls++;
    s.keys += keys;
    s.results[result] = (s.results[result] ?? 0) + 1;
    s.latency.record(durationMs);
  }

  /** Records one refresh of `engine` that took `ms` and succeeded or threw. */
  refresh(engine: string, ms: number, ok: boolean): void {
    let r = this.#refresh.get(engine);
    if (!r) {
      r = { count: 0, failed: 0, lastMs: null, latency: new Histogram() };
      this.#refresh.set(engine, r);
    }
    r.count++;
    if (!ok) r.failed++;
    r.lastMs = ms;
    r.latency.record(ms);
  }

  /** Source calls by `source.method`, sorted by name. */
  sources(): Readonly<Record<string, SourceCallStats>> {
    const out: Record<string, SourceCallStats> = {};
    for (const name of [...this.#sources.keys()].sort()) {
      const s = this.#sources.get(name)!;
      out[name] = { calls: s.calls, keys: s.keys, results: { ...s.results }, latency: s.latency.snapshot() };
    }
    return out;
  }

  /** Refreshes by engine (`radar`, `scenes`, `talent`), sorted by name. */
  refreshes(): Readonly<Record<string, RefreshStats>> {
    const out: Record<string, RefreshStats> = {};
    for (const name of [...this.#refresh.keys()].sort()) {
      const r = this.#refresh.get(name)!;
      out[name] = { count: r.count, failed: r.failed, lastMs: r.lastMs, latency: r.latency.snapshot() };
    }
    return out;
  }
}
