/**
 * @module bench/backtest/chart/baselines
 * The four baselines of the chart protocols, each read through the guarded sources of its
 * cutoff (so they see exactly what any scorer may see): chart weeks from RCF
 * (`weight = chart size + 1 - best rank`, so a week off the chart counts as rank size + 1),
 * collaborators from MIG. "The last n weeks" are the last n chart dates known at T, from the
 * chart's calendar (its publication schedule), as the protocols count them.
 */
import { observedAtMs } from '../../../src/core/time.js';
import type { BacktestScorer, ScoreContext } from 'scene-radar/backtest';
import { BEGINNING, type ChartCalendar } from './protocol.js';
import { chartWeight } from './world.js';

/** Per candidate, the RCF chart weights of the last `weeks` chart dates, by charts before T (0 = T's chart). */
async function recentWeeks(
  ctx: ScoreContext,
  calendar: ChartCalendar,
  weeks: number,
): Promise<Map<string, { readonly chartsBefore: number; readonly weight: number }[]>> {
  const rcf = ctx.sources.rcf;
  if (!rcf) throw new Error('the chart backtests need an RCF source');
  const t = calendar.lastKnown(ctx.asOf);
  if (t < 0) throw new Error(`no chart is known at ${ctx.asOf.toISOString()}`);
  const from = calendar.knownAt(t - weeks + 1);
  const index = new Map(
    Array.from({ length: Math.min(weeks, t + 1) }, (_, k) => [calendar.knownAt(t - k), k] as const),
  );
  const events = await rcf.getEvents(ctx.candidates, { asOf: ctx.asOf, from: new Date(from), signal: ctx.signal });
  const out = new Map<string, { chartsBefore: number; weight: number }[]>();
  for (const slug of ctx.candidates) {
    const list: { chartsBefore: number; weight: number }[] = [];
    for (const e of events.get(slug) ?? []) {
      const k = e.type === 'chart_entry' ? index.get(observedAtMs(e.at)) : undefined;
      if (k !== undefined) list.push({ chartsBefore: k, weight: e.weight });
    }
    out.set(slug, list);
  }
  return out;
}

const best = (weights: readonly number[]): number => Math.max(0, ...weights);

/**
 * Best rank in the last `weeks` chart weeks: score = chart size + 1 - best rank (0 when absent).
 * @example
 * ```ts
 * await bestRankScorer(calendar).score(ctx);
 * ```
 */
export function bestRankScorer(calendar: ChartCalendar, weeks = 8): BacktestScorer {
  return {
    name: `best-rank-${weeks}w`,
    description: `best chart position in the last ${weeks} chart weeks`,
    async score(ctx) {
      const recent = await recentWeeks(ctx, calendar, weeks);
      return new Map([...recent].map(([slug, list]) => [slug, best(list.map((w) => w.weight))]));
    },
  };
}

/**
 * Recent rank improvement: best position of the last `recent` chart weeks minus the best of the
 * `prior` weeks before them, in places (a week off the chart counts as position chart size + 1).
 * @example
 * ```ts
 * await rankImprovementScorer(calendar, 2, 6).score(ctx);
 * ```
 */
export function rankImprovementScorer(calendar: ChartCalendar, recent = 2, prior = 6): BacktestScorer {
  return {
    name: 'rank-improvement',
    description: `best position of the last ${recent} chart weeks against the best of the ${prior} before (places gained)`,
    async score(ctx) {
      const weeks = await recentWeeks(ctx, calendar, recent + prior);
      return new Map(
        [...weeks].map(([slug, list]) => [
          slug,
          best(list.filter((w) => w.chartsBefore < recent).map((w) => w.weight)) -
            best(list.filter((w) => w.chartsBefore >= recent).map((w) => w.weight)),
        ]),
      );
    },
  };
}

/**
 * Weeks on the chart in the last `weeks` chart weeks.
 * @example
 * ```ts
 * await weeksOnChartScorer(calendar).score(ctx);
 * ```
 */
export function weeksOnChartScorer(calendar: ChartCalendar, weeks = 8): BacktestScorer {
  return {
    name: `weeks-on-chart-${weeks}w`,
    description: `chart weeks in the last ${weeks}`,
    async score(ctx) {
      const recent = await recentWeeks(ctx, calendar, weeks);
      return new Map([...recent].map(([slug, list]) => [slug, new Set(list.map((w) => w.chartsBefore)).size]));
    },
  };
}

/**
 * Collaborators who already had a top 10: MIG collaborators known at T whose RCF chart history up
 * to T includes a week at rank `topRank` or better.
 * @example
 * ```ts
 * await topCollaboratorsScorer(200).score(ctx);
 * ```
 */
export function topCollaboratorsScorer(chartSize: number, topRank = 10): BacktestScorer {
  return {
    name: `top${topRank}-collaborators`,
    description: `collaborators (co-credits up to T) who already had a top ${topRank}`,
    async score(ctx) {
      const { mig, rcf } = ctx.sources;
      if (!mig || !rcf) throw new Error('the chart backtests need MIG and RCF sources');
      const opts = { asOf: ctx.asOf, signal: ctx.signal };
      const networks = await mig.getNetworks(ctx.candidates, opts);
      const collaborators = [...new Set([...networks.values()].flatMap((n) => n.collaborators.map((c) => c.artist)))];
      const history = await rcf.getEvents(collaborators, { ...opts, from: BEGINNING });
      const threshold = chartWeight(chartSize, topRank);
      const hadTop = new Set(
        collaborators.filter((s) =>
          (history.get(s) ?? []).some((e) => e.type === 'chart_entry' && e.weight >= threshold),
        ),
      );
      return new Map(
        ctx.candidates.map((slug) => [
          slug,
          (networks.get(slug)?.collaborators ?? []).filter((c) => hadTop.has(c.artist)).length,
        ]),
      );
    },
  };
}

/**
 * The four baselines of the chart protocols, in the README's order for protocol A.
 * @example
 * ```ts
 * chartBaselines(100, chartCalendar(data.chartDates)).map((b) => b.name); // ['best-rank-8w', 'rank-improvement', 'weeks-on-chart-8w', 'top10-collaborators']
 * ```
 */
export function chartBaselines(
  chartSize: number,
  calendar: ChartCalendar,
  lookbackWeeks = 8,
  topRank = 10,
): BacktestScorer[] {
  return [
    bestRankScorer(calendar, lookbackWeeks),
    rankImprovementScorer(calendar, 2, lookbackWeeks - 2),
    weeksOnChartScorer(calendar, lookbackWeeks),
    topCollaboratorsScorer(chartSize, topRank),
  ];
}
