/**
 * @module adapters/memory/demo/outcomes
 * Measured outcomes of a simulated audience path, as a backtest would label them: when an artist
 * broke out (audience at least 3x its level 90 days earlier, above a size floor) and when it
 * declined (audience below 60% of its running peak, sustained for two weeks). Pure functions.
 */

/** Options for {@link breakoutDay}. */
export interface BreakoutRule {
  /** Growth multiple required over the lookback. @default 3 */
  readonly multiple?: number;
  /** Lookback, days. @default 90 */
  readonly lookback?: number;
  /** Audience floor the artist must be above. @default 1000 */
  readonly floor?: number;
}

/**
 * First day index where `exp(logA[t]) >= multiple * exp(logA[t - lookback])` and above the floor,
 * or null. Days before `first` (NaN) are never compared.
 * @example
 * ```ts
 * breakoutDay(Float64Array.from([...Array(200)].map((_, t) => Math.log(1000) + t * 0.02)), 0); // 90
 * ```
 */
export function breakoutDay(logA: Float64Array, first: number, rule: BreakoutRule = {}): number | null {
  const multiple = Math.log(rule.multiple ?? 3);
  const lookback = rule.lookback ?? 90;
  const floor = Math.log(rule.floor ?? 1000);
  for (let t = first + lookback; t < logA.length; t++) {
    const now = logA[t]!;
    if (now >= floor && now - logA[t - lookback]! >= multiple) return t;
  }
  return null;
}

/** Options for {@link declineDay}. */
export interface DeclineRule {
  /** Fraction of the running peak the audience must fall below. @default 0.6 */
  readonly fraction?: number;
  /** Days it must stay below (fewer at the end of the window, but at least half). @default 14 */
  readonly sustain?: number;
}

/**
 * First day index where the audience falls below `fraction` of its running peak and stays there
 * for `sustain` days, or null.
 * @example
 * ```ts
 * declineDay(Float64Array.from([...Array(300)].map((_, t) => Math.log(5000) - t * 0.005)), 0); // 103
 * ```
 */
export function declineDay(logA: Float64Array, first: number, rule: DeclineRule = {}): number | null {
  const drop = Math.log(rule.fraction ?? 0.6);
  const sustain = rule.sustain ?? 14;
  let peak = -Infinity;
  for (let t = first; t < logA.length; t++) {
    peak = Math.max(peak, logA[t]!);
    const line = peak + drop;
    if (logA[t]! >= line) continue;
    const last = Math.min(logA.length - 1, t + sustain - 1);
    if (last - t + 1 < Math.ceil(sustain / 2)) return null;
    let held = true;
    for (let u = t + 1; u <= last && held; u++) held = logA[u]! < line;
    if (held) return t;
  }
  return null;
}
