/**
 * @module scenes/trends
 * Daily snapshots of every scene's pulse in `scene_trends`, and trends over 1-365 days: the series
 * and a summary (change, slope, peak).
 */
import { SceneRadarError } from '../core/errors.js';
import { slope } from '../core/features/stats.js';
import { addDays, dayOf, lastCompleteDay } from '../core/time.js';
import type { ScenesStores } from '../stores/specs.js';
import type { SceneTrendRow } from '../stores/tables.js';
import type { ScenePulseSnapshot } from './types.js';
import { SceneTrendsRequestSchema, SlugParamsRequestSchema, validateRequest } from '../core/requests.js';

// The result types are inferred from their schemas (scenes/schemas); re-exported here, where they were declared.
import type { SceneTrends, SceneTrendsSummary, TrendPeak } from './schemas.js';

export type { SceneTrends, SceneTrendsSummary, TrendPeak };

/** The `scene_trends` row of a pulse: the snapshot of its last complete day. */
export function trendRowOf(pulse: ScenePulseSnapshot): SceneTrendRow {
  return {
    scene_slug: pulse.scene_slug,
    day: lastCompleteDay(Date.parse(pulse.asOf)),
    heat: pulse.heat,
    growth: pulse.growth,
    stage: pulse.stage,
    active_members: pulse.active_members,
    new_members: pulse.new_members,
    rising_members: pulse.rising_members,
    as_of: pulse.asOf,
  };
}

/** Trends of a scene over the `days` days ending at the last complete day before `asOfMs`. */
export async function getSceneTrends(
  stores: ScenesStores,
  slug: unknown,
  query: { readonly days?: number } | undefined,
  asOfMs: number,
): Promise<SceneTrends> {
  const { slug: s, days } = validateRequest(
    'scenes',
    [SlugParamsRequestSchema, { slug }],
    [SceneTrendsRequestSchema, query],
  );
  if (!(await stores.scenes.get({ slug: s }))) throw new SceneRadarError('SCENES_NOT_FOUND', `Scene not found: ${s}`);
  const to = lastCompleteDay(asOfMs);
  const from = addDays(to, -(days - 1));
  const series = await stores.scene_trends.scan({
    where: { scene_slug: s },
    range: { column: 'day', gte: from, lte: to },
    orderBy: { column: 'day', direction: 'asc' },
  });
  if (series.length === 0) return { scene_slug: s, days, from, to, series, summary: null };
  let peak = series[0]!;
  for (const r of series) if (r.heat > peak.heat) peak = r;
  // Slope against calendar days, so gaps in the series do not compress time.
  const byDay = new Map(series.map((r) => [r.day, r.heat]));
  const filled: number[] = [];
  let last = series[0]!.heat;
  for (let d = series[0]!.day; d <= series.at(-1)!.day; d = addDays(d, 1)) {
    last = byDay.get(d) ?? last;
    filled.push(last);
  }
  return {
    scene_slug: s,
    days,
    from,
    to,
    series,
    summary: {
      change: Math.round((series.at(-1)!.heat - series[0]!.heat) * 100) / 100,
      slope: Math.round(slope(filled) * 10_000) / 10_000,
      peak: { day: peak.day, heat: peak.heat },
      coverage: Math.round((series.length / days) * 1000) / 1000,
    },
  };
}

/** Days from `from` to `to` inclusive, as `YYYY-MM-DD`. */
export function daysFrom(from: Date, to: Date): string[] {
  const out: string[] = [];
  for (let d = dayOf(from.getTime()); d <= dayOf(to.getTime()); d = addDays(d, 1)) out.push(d);
  return out;
}
