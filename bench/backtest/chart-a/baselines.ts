/**
 * @module bench/backtest/chart-a/baselines
 * The four baselines of protocol A, each read through the world's sources as of the cutoff (so
 * they see exactly what a scorer may see): chart weeks from RCF (`weight = 101 - best rank`),
 * collaborators from MIG.
 */
import { DAY_MS } from 'scene-radar';
import type { BacktestScorer, BacktestWorld, ScoringCutoff } from '../scorer.js';
import { chartWeight } from './world.js';

const never = new AbortController().signal;
/** Earlier than any chart: "everything up to T". */
const BEGINNING = new Date(Date.UTC(1900, 0, 1));

/** Per candidate, the RCF chart weights of the chart weeks in `[asOf - weeks + 1 week, asOf]`, by days before asOf. */
async function recentWeeks(world: BacktestWorld, cutoff: ScoringCutoff, weeks: number): Promise<Map<string, { readonly daysBefore: number; readonly weight: number }[]>> {
  const rcf = world.sources.rcf;
  if (!rcf) throw new Error('the world has no RCF source');
  const asOf = cutoff.asOf;
  const from = new Date(asOf.getTime() - (weeks - 1) * 7 * DAY_MS);
  const events = await rcf.getEvents(cutoff.candidates, { asOf, from, signal: never });
  const out = new Map<string, { daysBefore: number; weight: number }[]>();
  for (const slug of cutoff.candidates) {
    const list = (events.get(slug) ?? []).filter((e) => e.type === 'chart_entry');
    out.set(slug, list.map((e) => ({ daysBefore: Math.round((asOf.getTime() - Date.parse(e.at)) / DAY_MS), weight: e.weight })));
  }
  return out;
}

const best = (weights: readonly number[]): number => Math.max(0, ...weights);

/**
 * Best rank in the last `weeks` chart weeks: score = 101 - best rank (0 when absent).
 * @example
 * ```ts
 * const scores = await bestRankScorer().score(world, cutoff);
 * ```
 */
export function bestRankScorer(weeks = 8): BacktestScorer {
  return {
    name: `best-rank-${weeks}w`,
    description: `best chart position in the last ${weeks} chart weeks`,
    async score(world, cutoff) {
      const recent = await recentWeeks(world, cutoff, weeks);
      return new Map([...recent].map(([slug, list]) => [slug, best(list.map((w) => w.weight))]));
    },
  };
}

/**
 * Recent rank improvement: best position of the last `recent` chart weeks minus the best of the
 * `prior` weeks before them, in places (a week off the chart counts as position 101).
 * @example
 * ```ts
 * await rankImprovementScorer(2, 6).score(world, cutoff);
 * ```
 */
export function rankImprovementScorer(recent = 2, prior = 6): BacktestScorer {
  return {
    name: 'rank-improvement',
    description: `best position of the last ${recent} chart weeks against the best of the ${prior} before (places gained)`,
    async score(world, cutoff) {
      const weeks = await recentWeeks(world, cutoff, recent + prior);
      const edge = recent * 7;
      return new Map(
        [...weeks].map(([slug, list]) => [slug, best(list.filter((w) => w.daysBefore < edge).map((w) => w.weight)) - best(list.filter((w) => w.daysBefore >= edge).map((w) => w.weight))]),
      );
    },
  };
}

/**
 * Weeks on the chart in the last `weeks` chart weeks.
 * @example
 * ```ts
 * await weeksOnChartScorer().score(world, cutoff);
 * ```
 */
export function weeksOnChartScorer(weeks = 8): BacktestScorer {
  return {
    name: `weeks-on-chart-${weeks}w`,
    description: `chart weeks in the last ${weeks}`,
    async score(world, cutoff) {
      const recent = await recentWeeks(world, cutoff, weeks);
      return new Map([...recent].map(([slug, list]) => [slug, new Set(list.map((w) => w.daysBefore)).size]));
    },
  };
}

/**
 * Collaborators who already had a top 10: MIG collaborators known at T whose RCF chart history up
 * to T includes a week at rank `topRank` or better.
 * @example
 * ```ts
 * await topCollaboratorsScorer().score(world, cutoff);
 * ```
 */
export function topCollaboratorsScorer(topRank = 10): BacktestScorer {
  return {
    name: 'top10-collaborators',
    description: `collaborators (co-credits up to T) who already had a top ${topRank}`,
    async score(world, cutoff) {
      const { mig, rcf } = world.sources;
      if (!mig || !rcf) throw new Error('the world needs MIG and RCF sources');
      const opts = { asOf: cutoff.asOf, signal: never };
      const networks = await mig.getNetworks(cutoff.candidates, opts);
      const collaborators = [...new Set([...networks.values()].flatMap((n) => n.collaborators.map((c) => c.artist)))];
      const history = await rcf.getEvents(collaborators, { ...opts, from: BEGINNING });
      const threshold = chartWeight(topRank);
      const hadTop = new Set(collaborators.filter((s) => (history.get(s) ?? []).some((e) => e.type === 'chart_entry' && e.weight >= threshold)));
      return new Map(cutoff.candidates.map((slug) => [slug, (networks.get(slug)?.collaborators ?? []).filter((c) => hadTop.has(c.artist)).length]));
    },
  };
}

/**
 * The four baselines of protocol A, in the README's order.
 * @example
 * ```ts
 * runBacktest({ ...suite, baselines: hot100Baselines() });
 * ```
 */
export function hot100Baselines(lookbackWeeks = 8): BacktestScorer[] {
  return [bestRankScorer(lookbackWeeks), rankImprovementScorer(2, lookbackWeeks - 2), weeksOnChartScorer(lookbackWeeks), topCollaboratorsScorer()];
}
