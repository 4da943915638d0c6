/**
 * @module talent/breakout-inputs
 * The breakout model's inputs for one row of a feature table: where the artist stands in the
 * as-of population (percentiles of activity, per source basis), how its standing moved, whether it
 * keeps showing up in the data's own cadence, how long it has been around, how far it reaches,
 * and the host's own features. One function fills them for the population path and the
 * single-artist explanation alike, so an explanation always adds up to the score. Pure.
 */
import { BREAKOUT_INPUTS, type BreakoutInput } from './breakout-model.js';
import { BASIS_CODE, lifeSpanDays, type FeatureTable } from './feature-table.js';
import type { TalentModelConfig } from './model-config.js';
import { standingOf, type ActivityDistributions, type Distribution, type PopulationStats } from './population.js';

/** Where each built-in input comes from (activity inputs: the artist's basis, shown per artist). */
export const INPUT_SOURCE: Readonly<Record<BreakoutInput, string>> = {
  level_now: 'activity',
  level_month: 'activity',
  growth_month: 'activity',
  growth_quarter: 'activity',
  acceleration: 'activity',
  peak: 'activity',
  staying_power: 'activity',
  staying_year: 'activity',
  recency: 'activity',
  career_age: 'mig',
  breadth: 'rcf',
  spread: 'rcf',
  new_collaborators: 'mig',
  new_tastemakers: 'mig',
  press: 'coverage',
  scene_heat: 'scenes',
};

/** Index of each built-in input in an input vector (host features follow, in table order). */
export const INPUT_INDEX: Readonly<Record<BreakoutInput, number>> = Object.freeze(Object.fromEntries(BREAKOUT_INPUTS.map((f, i) => [f, i])) as Record<BreakoutInput, number>);
const I = INPUT_INDEX;

/** Pseudo-periods (at a 50% presence) added to staying power, so one sighting is not "always there". */
const STAYING_PRIOR_PERIODS = 2;
const YEAR_DAYS = 365.25;

/** The source basis of row `i` ('rcf' for events, 'fusion' for engagement), or null. */
export function basisSource(table: FeatureTable, i: number): 'rcf' | 'fusion' | null {
  const b = table.columns.basis[i]!;
  return b === BASIS_CODE.events ? 'rcf' : b === BASIS_CODE.engagement ? 'fusion' : null;
}

/** What every row of one table is scored against: resolved once per table, read per row. */
export interface InputContext {
  /** Activity distributions of the events basis, or null. */
  readonly events: ActivityDistributions | null;
  /** Activity distributions of the engagement basis, or null. */
  readonly engagement: ActivityDistributions | null;
  /** Whether any distribution was fitted (else: the prior, before any population). */
  readonly fitted: boolean;
  /** The events cadence, days. */
  readonly eventCadence: number;
  /** Host feature distributions, in the table's host order (null for a `raw` one or none fitted). */
  readonly host: readonly (Distribution | null)[];
  /** Staying power's windows, days. */
  readonly stayingDays: number;
  /** The history window, days. */
  readonly historyDays: number;
  /** The events basis' distributions in {@link STANDING_KEYS} order, or null. */
  readonly eventDists: readonly Distribution[] | null;
  /** The engagement basis' distributions in {@link STANDING_KEYS} order, or null. */
  readonly engagementDists: readonly Distribution[] | null;
  /** The table's columns in {@link STANDING_KEYS} order (the year's rate is derived per row). */
  readonly standingColumns: readonly Float64Array[];
}

/** Resolves the context of a table's rows. */
export function inputContext(table: FeatureTable, population: PopulationStats, model: TalentModelConfig): InputContext {
  return {
    events: population.activity.events,
    engagement: population.activity.engagement,
    fitted: population.activity.events !== null || population.activity.engagement !== null,
    eventCadence: population.cadenceDays.events,
    host: table.hostSpecs.map((h) => (h.scale === 'raw' ? null : population.host.get(h.name) ?? null)),
    stayingDays: model.stayingDays,
    historyDays: model.historyDays,
    eventDists: population.activity.events ? STANDING_KEYS.map((k) => population.activity.events![k]) : null,
    engagementDists: population.activity.engagement ? STANDING_KEYS.map((k) => population.activity.engagement![k]) : null,
    standingColumns: STANDING_KEYS.map((k) => table.columns[k]),
  };
}

/** Standing of `v` in distribution `d`, or NaN without one. */
const stand = (d: Distribution | null, v: number): number => (d === null ? Number.NaN : standingOf(d, v));

/** The activity standings a row needs, in this order. */
export const STANDING_KEYS = ['actNow', 'actRecent', 'actPrevious', 'actQuarter', 'actQuarterBefore', 'actPeak'] as const;
type StandingKey = (typeof STANDING_KEYS)[number];
const S: Readonly<Record<StandingKey, number>> = Object.fromEntries(STANDING_KEYS.map((k, j) => [k, j])) as Record<StandingKey, number>;

/**
 * Row `i`'s activity standings into `out` (in {@link STANDING_KEYS} order; NaN without activity or
 * before any population). The same function for a million rows and for one explanation.
 */
export function activityStandings(table: FeatureTable, i: number, ctx: InputContext, out: Float64Array): void {
  const b = table.columns.basis[i]!;
  const dists = b === BASIS_CODE.events ? ctx.eventDists : b === BASIS_CODE.engagement ? ctx.engagementDists : null;
  if (dists === null) {
    out.fill(Number.NaN);
    return;
  }
  const cols = ctx.standingColumns;
  for (let j = 0; j < cols.length; j++) out[j] = standingOf(dists[j]!, cols[j]![i]!);
}

/** Staying power: presence over the periods the artist could have been present in (`lifeDays`), shrunk to 50% by two periods. */
function stayingPower(present: number, lifeDays: number, cadence: number): number {
  const expected = Math.max(1, lifeDays / cadence);
  return Math.min(1, (present + STAYING_PRIOR_PERIODS / 2) / (expected + STAYING_PRIOR_PERIODS));
}

/** log(1 + x), NaN for NaN without the slow path. */
const log1p = (x: number): number => (x === x ? Math.log1p(x) : Number.NaN);

/**
 * Fills `out` with the normalised inputs of row `i` (NaN: no value, the input adds nothing),
 * built-in inputs in {@link BREAKOUT_INPUTS} order, then one per host feature in `table.hostSpecs`
 * order (a standing within the population, or the value itself for a `raw` one); `st` is scratch
 * space for the row's activity standings ({@link STANDING_KEYS}); with `raw`, also each input's raw
 * value in its own unit (docs/scoring.md). With `only`, inputs whose entry is 0 are left as they
 * are: the population path skips the inputs the model gives no weight. No allocation.
 */
export function fillBreakoutInputs(table: FeatureTable, i: number, ctx: InputContext, st: Float64Array, out: Float64Array, raw?: Float64Array, only?: Uint8Array): void {
  const c = table.columns;
  const basis = c.basis[i]!;
  const hasActivity = basis === basis;

  activityStandings(table, i, ctx, st);
  const now = st[S.actNow]!;
  const month = st[S.actRecent]!;
  const growth = month - st[S.actPrevious]!;
  out[I.level_now] = now;
  out[I.level_month] = month;
  out[I.growth_month] = growth;
  out[I.growth_quarter] = st[S.actQuarter]! - st[S.actQuarterBefore]!;
  // Standings share one scale whatever the window: this week above the month, beyond the month's
  // own rise over the month before, is a rise that is speeding up.
  out[I.acceleration] = now - month - growth;
  out[I.peak] = st[S.actPeak]!;

  const age = c.careerAgeDays[i]!;
  if (hasActivity) {
    // Presence is counted in the data's own periods: the population's cadence once fitted;
    // before any population, the artist's own median gap (else daily).
    const own = c.medianGapDays[i]!;
    const cadence = basis === BASIS_CODE.engagement ? 1 : ctx.fitted ? ctx.eventCadence : own === own ? Math.min(28, Math.max(1, Math.round(own))) : 1;
    const life = lifeSpanDays(table, i, ctx.historyDays);
    out[I.staying_power] = stayingPower(c.presentDays[i]!, Math.min(ctx.stayingDays, life), cadence);
    out[I.staying_year] = stayingPower(c.presentDaysYear[i]!, life, cadence);
    const since = c.daysSinceLast[i]!;
    out[I.recency] = since === since ? 1 / (1 + since / cadence) : 0;
  } else {
    out[I.staying_power] = Number.NaN;
    out[I.staying_year] = Number.NaN;
    out[I.recency] = Number.NaN;
  }
  if (!only || only[I.career_age]) out[I.career_age] = log1p(age / YEAR_DAYS);
  if (!only || only[I.breadth]) out[I.breadth] = log1p(c.regions[i]!);
  if (!only || only[I.spread]) out[I.spread] = log1p(c.newRegions[i]!);
  if (!only || only[I.new_collaborators]) out[I.new_collaborators] = log1p(c.newCollaborators[i]!);
  if (!only || only[I.new_tastemakers]) {
    const t = c.newTastemakers[i]!;
    out[I.new_tastemakers] = t === t ? 1 - Math.exp(-t) : Number.NaN;
  }
  if (!only || only[I.press]) {
    const v = c.pressVelocity[i]!;
    out[I.press] = v === v ? c.pressQuality[i]! * (1 - Math.exp(-v)) : Number.NaN;
  }
  if (!only || only[I.scene_heat]) {
    const conf = c.sceneConfidence[i]!;
    out[I.scene_heat] = (c.sceneHeat[i]! / 100) * (conf === conf ? conf : 1);
  }

  const specs = table.hostSpecs;
  for (let h = 0; h < specs.length; h++) {
    const v = table.host.get(specs[h]!.name)![i]!;
    out[BREAKOUT_INPUTS.length + h] = specs[h]!.scale === 'raw' ? v : stand(ctx.host[h]!, v);
  }

  if (raw) {
    raw[I.level_now] = c.actNow[i]!;
    raw[I.level_month] = c.actRecent[i]!;
    raw[I.growth_month] = c.actRecent[i]! - c.actPrevious[i]!;
    raw[I.growth_quarter] = c.actQuarter[i]! - c.actQuarterBefore[i]!;
    raw[I.acceleration] = c.actNow[i]! - c.actRecent[i]!;
    raw[I.peak] = c.actPeak[i]!;
    raw[I.staying_power] = c.presentDays[i]!;
    raw[I.staying_year] = c.presentDaysYear[i]!;
    raw[I.recency] = c.daysSinceLast[i]!;
    raw[I.career_age] = age;
    raw[I.breadth] = c.regions[i]!;
    raw[I.spread] = c.newRegions[i]!;
    raw[I.new_collaborators] = c.newCollaborators[i]!;
    raw[I.new_tastemakers] = c.newTastemakers[i]!;
    raw[I.press] = c.pressQuality[i]!;
    raw[I.scene_heat] = c.sceneHeat[i]!;
    for (let h = 0; h < specs.length; h++) raw[BREAKOUT_INPUTS.length + h] = table.host.get(specs[h]!.name)![i]!;
  }
}

/** The model's weights and centres as vectors aligned with {@link fillBreakoutInputs}' output. */
export interface InputTerms {
  /** Weight per input (0 for a host feature the model has no term for). */
  readonly weights: Float64Array;
  /** Centre per input. */
  readonly centers: Float64Array;
}

/** Aligns the model's terms with a table's inputs (built-in, then the table's host features). */
export function inputTerms(table: FeatureTable, model: TalentModelConfig): InputTerms {
  const n = BREAKOUT_INPUTS.length + table.host.size;
  const weights = new Float64Array(n);
  const centers = new Float64Array(n);
  BREAKOUT_INPUTS.forEach((f, k) => {
    weights[k] = model.breakout.inputs[f].weight;
    centers[k] = model.breakout.inputs[f].center;
  });
  let k = BREAKOUT_INPUTS.length;
  for (const { name } of table.hostSpecs) {
    const t = model.breakout.hostInputs[name];
    weights[k] = t?.weight ?? 0;
    centers[k] = t?.center ?? 0;
    k++;
  }
  return { weights, centers };
}

/** The names of a table's inputs, aligned with {@link fillBreakoutInputs}' output. */
export function inputNames(table: FeatureTable): string[] {
  return [...BREAKOUT_INPUTS, ...table.hostSpecs.map((h) => h.name)];
}
