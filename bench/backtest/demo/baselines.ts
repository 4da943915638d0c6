/**
 * @module bench/backtest/demo/baselines
 * Naive baselines on the demo world, read through its sources as of the cutoff: what an analyst
 * would sort a roster by without the Talent Radar.
 */
import type { EngagementSeries } from 'scene-radar';
import { DAY_MS } from '../../../src/core/time.js';
import type { BacktestScorer, ScoreContext } from 'scene-radar/backtest';

/** Sum of the non-null values of `values[from, to)`. */
function sum(values: readonly (number | null)[], from: number, to: number): number {
  let s = 0;
  for (let i = Math.max(0, from); i < Math.min(values.length, to); i++) s += values[i] ?? 0;
  return s;
}

/** Organic engagement of the last `days * windows` days as of the cutoff (oldest first). */
async function organic(ctx: ScoreContext, days: number): Promise<ReadonlyMap<string, EngagementSeries>> {
  const fusion = ctx.sources.fusion;
  if (!fusion) throw new Error('the world has no Fusion source');
  return fusion.getEngagement(ctx.candidates, {
    asOf: ctx.asOf,
    from: new Date(ctx.asOf.getTime() - days * DAY_MS),
    signal: ctx.signal,
  });
}

/**
 * Organic engagement growth: log of (last `window` days + 1) / (the `window` days before + 1).
 * @example
 * ```ts
 * await engagementGrowthScorer(30).score(ctx);
 * ```
 */
export function engagementGrowthScorer(window = 30): BacktestScorer {
  return {
    name: `organic-growth-${window}d`,
    description: `organic engagement of the last ${window} days against the ${window} before (log ratio)`,
    async score(ctx) {
      const series = await organic(ctx, 2 * window);
      return new Map(
        ctx.candidates.map((slug) => {
          const v = series.get(slug)?.organic ?? [];
          // The series ends at the last complete day; index from its end.
          const n = v.length;
          return [slug, Math.log((sum(v, n - window, n) + 1) / (sum(v, n - 2 * window, n - window) + 1))];
        }),
      );
    },
  };
}

/**
 * Organic engagement level: log(1 + mean daily organic engagement over the last `window` days).
 * @example
 * ```ts
 * await engagementLevelScorer().score(ctx);
 * ```
 */
export function engagementLevelScorer(window = 30): BacktestScorer {
  return {
    name: `organic-level-${window}d`,
    description: `mean daily organic engagement over the last ${window} days (log)`,
    async score(ctx) {
      const series = await organic(ctx, window);
      return new Map(
        ctx.candidates.map((slug) => {
          const v = series.get(slug)?.organic ?? [];
          return [slug, Math.log1p(sum(v, v.length - window, v.length) / window)];
        }),
      );
    },
  };
}

/**
 * RCF event rate: events of any type in the last `window` days.
 * @example
 * ```ts
 * await eventRateScorer().score(ctx);
 * ```
 */
export function eventRateScorer(window = 30): BacktestScorer {
  return {
    name: `event-rate-${window}d`,
    description: `real-time feed events (playlist adds, radio plays, charts...) in the last ${window} days`,
    async score(ctx) {
      const rcf = ctx.sources.rcf;
      if (!rcf) throw new Error('the world has no RCF source');
      const events = await rcf.getEvents(ctx.candidates, {
        asOf: ctx.asOf,
        from: new Date(ctx.asOf.getTime() - window * DAY_MS),
        signal: ctx.signal,
      });
      return new Map(ctx.candidates.map((slug) => [slug, events.get(slug)?.length ?? 0]));
    },
  };
}

/**
 * The demo world's baselines.
 * @example
 * ```ts
 * demoBaselines().map((b) => b.name); // ['organic-growth-30d', 'organic-level-30d', 'event-rate-30d']
 * ```
 */
export function demoBaselines(): BacktestScorer[] {
  return [engagementGrowthScorer(30), engagementLevelScorer(30), eventRateScorer(30)];
}
