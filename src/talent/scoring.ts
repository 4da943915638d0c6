/**
 * @module talent/scoring
 * Momentum, breakout and risk from features: pure, columnar, explainable. One function scores a
 * row's momentum and risk for the population path and the single-artist explanation alike; the
 * breakout inputs are computed a block of rows at a time for the population, one row at a time
 * for an explanation, with the same arithmetic in the same order (tests/talent check the two
 * bit for bit), so an explanation always adds up to the score it explains (docs/scoring.md gives
 * every formula).
 */
import { clamp01, logistic, withoutNegativeZero } from '../core/features/stats.js';
import { BREAKOUT_INPUTS } from './breakout-model.js';
import {
  ACTIVITY_INPUT_COUNT,
  INPUT_BLOCK_ROWS,
  INPUT_SOURCE,
  activitySources,
  breakoutLogits,
  fillBreakoutInputs,
  inputBlock,
  inputContext,
  inputNames,
  inputTerms,
  type InputContext,
} from './breakout-inputs.js';
import type { TalentModelConfig } from './model-config.js';
import type { SignalContribution } from './schemas.js';
import { hasActivity, type FeatureColumn, type FeatureTable } from './feature-table.js';
import {
  PRIOR_POPULATION,
  fitPopulation,
  percentileOf,
  type Distribution,
  type PopulationStats,
} from './population.js';

/** Version of the scoring code; stored with every row (with {@link modelVersion}'s suffix when the policy differs from the defaults). */
export const TALENT_MODEL_VERSION = 'talent-2026.12-1';

/**
 * The version written with scores made under `model`: {@link TALENT_MODEL_VERSION}, plus a short
 * hash of the policy when it is not the default one (a calibrated or configured model), so rows
 * scored under different weights never carry the same version.
 */
export function modelVersion(model: TalentModelConfig, defaults: TalentModelConfig): string {
  // Keys in a canonical order: the same policy read back from a jsonb column (PostgreSQL orders
  // an object's keys its own way) or given in another key order has the same version.
  const a = canonicalJson(model);
  if (a === canonicalJson(defaults)) return TALENT_MODEL_VERSION;
  return `${TALENT_MODEL_VERSION}+${fnv1a64(a)}`;
}

const FNV64_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;
/** The last policy hashed and its hash: a version is asked for far more often than the policy changes. */
let lastHashed: { text: string; hash: string } | undefined;

/**
 * The 64-bit FNV-1a hash of `text` (its UTF-16 code units) as 16 hex digits. 64 bits, not 32: a
 * search over a few hundred thousand 32-bit hashes of breakout models found two that collided,
 * two models scoring differently under one version.
 */
function fnv1a64(text: string): string {
  if (lastHashed?.text === text) return lastHashed.hash;
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * FNV64_PRIME) & MASK64;
  const hash = h.toString(16).padStart(16, '0');
  lastHashed = { text, hash };
  return hash;
}

/** JSON text of plain data with every object's keys sorted (arrays keep their order). */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** The momentum components, each normalised against peers of similar size. */
export const MOMENTUM_COMPONENTS = [
  'engagement_growth',
  'engagement_acceleration',
  'event_growth',
  'press_velocity',
] as const;
/** A momentum component. */
export type MomentumComponent = (typeof MOMENTUM_COMPONENTS)[number];

const COMPONENT_COLUMN: Record<MomentumComponent, FeatureColumn> = {
  engagement_growth: 'engagementGrowth',
  engagement_acceleration: 'engagementAcceleration',
  event_growth: 'eventGrowth',
  press_velocity: 'pressVelocity',
};
/** Smallest spread used for a robust z (a band where everyone is equal must not divide by zero). */
const MIN_SPREAD: Record<MomentumComponent, number> = {
  engagement_growth: 0.05,
  engagement_acceleration: 0.05,
  event_growth: 0.1,
  press_velocity: 0.5,
};

/** The risk components. */
export const RISK_COMPONENTS = ['decline', 'incoherence', 'drift', 'paid_dependence', 'anomaly', 'stale_data'] as const;
/** A risk component. */
export type RiskComponent = (typeof RISK_COMPONENTS)[number];

/** Where each momentum and risk signal comes from (breakout inputs: `INPUT_SOURCE` of talent/breakout-inputs). */
export const SIGNAL_SOURCE: Record<MomentumComponent | RiskComponent, string> = {
  engagement_growth: 'fusion',
  engagement_acceleration: 'fusion',
  event_growth: 'rcf',
  press_velocity: 'coverage',
  decline: 'fusion|rcf',
  incoherence: 'identityKernel',
  drift: 'cmg',
  paid_dependence: 'fusion',
  anomaly: 'fusion|coverage|mig',
  stale_data: 'fusion|rcf',
};

/** Median and spread of one momentum component within one size band. */
export interface BandStat {
  /** Median of the component. */
  readonly median: number;
  /** Median absolute deviation x 1.4826 (never below the component's minimum spread). */
  readonly spread: number;
  /** Peers with the component. */
  readonly n: number;
}

/**
 * What scores are relative to: momentum's statistics per size band and component, and the
 * breakout model's population statistics (activity percentiles, cadence, host features). Fitted
 * by `fitPeerStats` (internal).
 */
export interface PeerStats {
  /** Upper bounds of the size bands (daily activity). */
  readonly bands: readonly number[];
  /** `stats[band][component]`; band `bands.length` is the open top band. A null entry falls back to `overall`. */
  readonly stats: ReadonlyArray<Readonly<Record<MomentumComponent, BandStat | null>>>;
  /** The whole population's statistics. */
  readonly overall: Readonly<Record<MomentumComponent, BandStat>>;
  /** Artists the statistics were fitted on. */
  readonly population: number;
  /** The breakout model's population statistics. */
  readonly relative: PopulationStats;
}

/** k-th smallest of the first `n` values (quickselect, O(n) on average: no full sort). Reorders `a`. */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function medianOf(a: Float64Array, n: number): number {
  if (n === 0) return Number.NaN;
  const hi = select(a, n, n >> 1);
  if (n % 2) return hi;
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i]! > lo) lo = a[i]!;
  return (lo + hi) / 2;
}

/**
 * Median and spread of the first `n` values by quickselect alone: the reference, whose doubles
 * {@link robust} returns. Reorders `values`.
 */
function robustBySelect(values: Float64Array, n: number, minSpread: number): BandStat {
  if (n === 0) return { median: 0, spread: minSpread, n: 0 };
  const med = medianOf(values, n);
  for (let i = 0; i < n; i++) values[i] = Math.abs(values[i]! - med);
  return { median: med, spread: Math.max(minSpread, 1.4826 * medianOf(values, n)), n };
}

/** Fewer values than this go straight to quickselect (a sample would cost more than it saves). */
const SAMPLED_SELECT_MIN = 4096;
/** Values sampled to bracket an order statistic. */
const SELECT_SAMPLE = 1024;
/** Sample ranks kept on each side of the wanted one: four standard deviations of its rank (sqrt(1024 / 4) = 16). */
const SELECT_MARGIN = 64;

/** Scratch for {@link sampledSelect}: the sample and the values within the bracket. */
interface SelectScratch {
  readonly sample: Float64Array;
  cand: Float64Array;
}

/**
 * The `k`-th smallest of the first `n` values of `a` (0-based) and, with `pair`, the `(k-1)`-th,
 * into `out[1]` and `out[0]`, without reordering `a`: two order statistics of an evenly spaced
 * sample of 1,024 values bracket rank `k`, one pass keeps the values within the bracket (about an
 * eighth of them) and counts those below, and quickselect finds the rank among the kept ones.
 * Returns how many values were kept (in `scratch.cand`, reordered), or -1 when the bracket missed
 * the rank (the caller then falls back to quickselect over all of them). NaN-free input.
 */
function sampledSelect(
  a: Float64Array,
  n: number,
  k: number,
  pair: boolean,
  scratch: SelectScratch,
  out: Float64Array,
): number {
  const { sample } = scratch;
  const s = sample.length;
  for (let t = 0; t < s; t++) sample[t] = a[Math.floor(((t + 0.5) * n) / s)]!;
  const r = Math.floor(((k + 0.5) * s) / n);
  const lower = r - SELECT_MARGIN < 0 ? -Infinity : select(sample, s, r - SELECT_MARGIN);
  const upper = r + SELECT_MARGIN >= s ? Infinity : select(sample, s, r + SELECT_MARGIN);
  if (scratch.cand.length < n) scratch.cand = new Float64Array(n);
  const cand = scratch.cand;
  let below = 0;
  let m = 0;
  // Without branches (a value is below the bracket or not at random: 6x faster, measured). A
  // value outside the bracket is written and then overwritten.
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    below += +(v < lower);
    cand[m] = v;
    m += +(v >= lower) & +(v <= upper);
  }
  const kk = k - below;
  if (kk < (pair ? 1 : 0) || kk >= m) return -1;
  out[1] = select(cand, m, kk);
  if (pair) {
    let lo = -Infinity;
    for (let i = 0; i < kk; i++) if (cand[i]! > lo) lo = cand[i]!;
    out[0] = lo;
  }
  return m;
}

/** Whether any of the first `n` values is -0. */
function hasNegativeZero(a: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] === 0 && 1 / a[i]! < 0) return true;
  return false;
}

/**
 * Median and spread (median absolute deviation x 1.4826, at least `minSpread`) of the first `n`
 * values: exactly {@link robustBySelect}'s doubles (order statistics do not depend on the
 * method), about three times faster on large bands ({@link sampledSelect}). Where the two methods
 * could disagree, it is quickselect's answer: a median of zero when a -0 is among the values
 * (which zero quickselect returns depends on the order) or an infinite one. Overwrites `values`.
 */
function robust(values: Float64Array, n: number, minSpread: number, scratch: SelectScratch): BandStat {
  if (n < SAMPLED_SELECT_MIN) return robustBySelect(values, n, minSpread);
  const even = n % 2 === 0;
  const k = n >> 1;
  const pair = new Float64Array(2);
  const kept = sampledSelect(values, n, k, even, scratch, pair);
  if (kept < 0) return robustBySelect(values, n, minSpread);
  const med = even ? (pair[0]! + pair[1]!) / 2 : pair[1]!;
  if (!Number.isFinite(med) || ((pair[1] === 0 || (even && pair[0] === 0)) && hasNegativeZero(scratch.cand, kept)))
    return robustBySelect(values, n, minSpread);
  // Deviations from a finite median are neither NaN nor -0: any exact method agrees.
  for (let i = 0; i < n; i++) values[i] = Math.abs(values[i]! - med);
  const madKept = sampledSelect(values, n, k, even, scratch, pair);
  const mad = madKept < 0 ? medianOf(values, n) : even ? (pair[0]! + pair[1]!) / 2 : pair[1]!;
  return { median: med, spread: Math.max(minSpread, 1.4826 * mad), n };
}

/**
 * Mid-rank percentile of `v` among the values above 0 of `d` (0 for `v` <= 0 or NaN): artists
 * with nothing in the window (long quiet, far away) do not move anyone's standing.
 */
function activeShare(d: Distribution, v: number): number {
  if (!(v > 0)) return 0;
  const zeros = d.values.length > 0 && d.values[0] === 0 ? d.equal[0]! : 0;
  const active = d.m - zeros;
  return active > 0 ? Math.max(0, Math.min(1, (percentileOf(d, v) * d.m - zeros) / active)) : 0;
}

/**
 * Momentum's size of row `i` (its band and its shrink): the activity level, except for a level read
 * off event weight (in the host's units), which is replaced by its standing among the population's
 * artists sized the same way: `q` = the percentile of that level among theirs (artists at 0 left
 * out), mapped to `(1 + fullEvidenceLevel)^q - 1`, so that its shrink is `q` whatever the units.
 * The level adds each event's own weight, as momentum's event growth does: event type weights
 * (the breakout model's) change neither. Without that distribution (prior peers) the level stays
 * as read.
 */
function sizeLevelOf(table: FeatureTable, i: number, rel: PopulationStats, fullEvidenceLevel: number): number {
  const c = table.columns;
  const level = c.level[i]!;
  const d = rel.eventLevel;
  if (c.levelFromEvents[i] !== 1 || !(level > 0) || !d) return level;
  return Math.expm1(activeShare(d, level) * Math.log1p(fullEvidenceLevel));
}

/** The size band of a daily activity level. */
export function bandOf(level: number, bands: readonly number[]): number {
  let b = 0;
  while (b < bands.length && level >= bands[b]!) b++;
  return b;
}

/**
 * Fits the peer statistics on a population: momentum's median and spread of each component per
 * size band, in O(n) per band (exact order statistics: a sample brackets them, quickselect finds
 * them among the values within the bracket), and the breakout model's population statistics.
 */
export function fitPeerStats(table: FeatureTable, model: TalentModelConfig): PeerStats {
  const bands = model.sizeBands;
  const relative = fitPopulation(table);
  const n = table.size;
  const level = new Float64Array(n);
  for (let i = 0; i < n; i++) level[i] = sizeLevelOf(table, i, relative, model.fullEvidenceLevel);
  const nb = bands.length + 1;
  // Each row's band (`bandOf`: the bands are ascending, so it counts the bounds at or below the
  // level, without a branch); rows without a level go to band `nb`, which no statistic reads.
  const bandIdx = new Uint8Array(n);
  const rowsIn = new Int32Array(nb + 1);
  for (let i = 0; i < n; i++) {
    const v = level[i]!;
    let b = 0;
    for (let t = 0; t < bands.length; t++) b += +(v >= bands[t]!);
    b = Number.isNaN(v) ? nb : b;
    bandIdx[i] = b;
    rowsIn[b]!++;
  }
  // Each band's slice of `byBand`: room for every row of the band, and a spare slot (see below).
  const offsets = new Int32Array(nb + 2);
  for (let b = 0; b <= nb; b++) offsets[b + 1] = offsets[b]! + rowsIn[b]! + 1;
  const byBand = new Float64Array(offsets[nb + 1]!);
  const all = new Float64Array(n);
  const overall = {} as Record<MomentumComponent, BandStat>;
  const stats = Array.from({ length: nb }, () => ({}) as Record<MomentumComponent, BandStat | null>);
  const scratch: SelectScratch = { sample: new Float64Array(SELECT_SAMPLE), cand: new Float64Array(0) };
  for (const comp of MOMENTUM_COMPONENTS) {
    const col = table.columns[COMPONENT_COLUMN[comp]];
    // One pass scatters each value into its band's slice, in row order, without a branch
    // (whether a row has the component is random): every value is written at its band's next
    // free slot, which only a value present moves on, so a NaN is overwritten by the band's next
    // value or left in the spare slot.
    const fill = offsets.slice(0, nb + 1);
    for (let i = 0; i < n; i++) {
      const b = bandIdx[i]!;
      const v = col[i]!;
      const at = fill[b]!;
      byBand[at] = v;
      fill[b] = at + +!Number.isNaN(v);
    }
    const counts = new Int32Array(nb + 1);
    for (let b = 0; b <= nb; b++) counts[b] = fill[b]! - offsets[b]!;
    // The whole population: the bands' values one band after the other.
    let total = 0;
    for (let b = 0; b < nb; b++) {
      all.set(byBand.subarray(offsets[b]!, offsets[b]! + counts[b]!), total);
      total += counts[b]!;
    }
    overall[comp] = robust(all, total, MIN_SPREAD[comp], scratch);
    for (let b = 0; b < nb; b++) {
      const m = counts[b]!;
      stats[b]![comp] =
        m >= model.minBandPeers
          ? robust(byBand.subarray(offsets[b]!, offsets[b]! + m), m, MIN_SPREAD[comp], scratch)
          : null;
    }
  }
  return { bands: [...bands], stats, overall, population: n, relative };
}

// Inferred from its schema (talent/schemas); re-exported here, where it was declared.
export type { SignalContribution };

const nz = (x: number): number | null => (Number.isNaN(x) ? null : x);
const z4 = (x: number): number => (x > 4 ? 4 : x < -4 ? -4 : x);

/** What scoring one table needs, resolved once: momentum's statistics as flat arrays, the breakout terms, a reusable input vector. */
interface ScoringContext {
  readonly model: TalentModelConfig;
  readonly bands: Float64Array;
  /** Median per band x component. */
  readonly med: Float64Array;
  /** Spread per band x component. */
  readonly spr: Float64Array;
  readonly compCols: readonly Float64Array[];
  readonly compW: Float64Array;
  readonly shrinkDen: number;
  readonly relative: PopulationStats;
  readonly inputs: InputContext;
  readonly x: Float64Array;
  readonly raw: Float64Array;
  readonly weights: Float64Array;
  readonly centers: Float64Array;
  /** Scratch space for one row's activity standings. */
  readonly st: Float64Array;
}

function scoringContext(table: FeatureTable, peers: PeerStats, model: TalentModelConfig): ScoringContext {
  const K = MOMENTUM_COMPONENTS.length;
  const nb = peers.bands.length + 1;
  const med = new Float64Array(nb * K);
  const spr = new Float64Array(nb * K);
  for (let b = 0; b < nb; b++) {
    MOMENTUM_COMPONENTS.forEach((k, j) => {
      const st = peers.stats[b]?.[k] ?? peers.overall[k];
      med[b * K + j] = st.median;
      spr[b * K + j] = st.spread;
    });
  }
  const { weights, centers } = inputTerms(table, model);
  return {
    model,
    bands: Float64Array.from(peers.bands),
    med,
    spr,
    compCols: MOMENTUM_COMPONENTS.map((k) => table.columns[COMPONENT_COLUMN[k]]),
    compW: Float64Array.from(MOMENTUM_COMPONENTS, (k) => model.momentumWeights[k]),
    shrinkDen: Math.log1p(model.fullEvidenceLevel),
    relative: peers.relative,
    inputs: inputContext(table, peers.relative, model),
    x: new Float64Array(weights.length),
    raw: new Float64Array(weights.length),
    weights,
    centers,
    st: new Float64Array(ACTIVITY_INPUT_COUNT),
  };
}

/**
 * Log-odds of row `i`'s breakout (NaN without activity evidence); fills `ctx.x` and `ctx.raw`. The
 * population path (`breakoutLogits` of talent/breakout-inputs) adds the same terms in the same
 * order, a block of rows at a time.
 */
function breakoutLogit(table: FeatureTable, i: number, ctx: ScoringContext): number {
  if (!hasActivity(table, i)) return Number.NaN;
  fillBreakoutInputs(table, i, ctx.inputs, ctx.st, ctx.x, ctx.raw);
  let logit = ctx.model.breakout.intercept;
  const { x, weights, centers } = ctx;
  for (let k = 0; k < x.length; k++) {
    const v = x[k]!;
    // An input of weight 0 adds nothing (the population path does not compute it).
    if (weights[k] !== 0 && !Number.isNaN(v)) logit += weights[k]! * (v - centers[k]!);
  }
  return logit;
}

/**
 * The breakout model's normalised inputs of row `i` by name (NaN: no value), built-in inputs and
 * the table's host features: what `calibrate()` fits on.
 */
export function breakoutInputVector(
  table: FeatureTable,
  i: number,
  peers: PeerStats,
  model: TalentModelConfig,
): Record<string, number> {
  const ctx = scoringContext(table, peers, model);
  fillBreakoutInputs(table, i, ctx.inputs, ctx.st, ctx.x);
  const names = inputNames(table);
  return Object.fromEntries(names.map((n, k) => [n, ctx.x[k]!]));
}

/** Confidence: the share of evidence available, halved at most for a short history (docs/scoring.md). */
function confidenceOf(table: FeatureTable, i: number, model: TalentModelConfig): number {
  const c = table.columns;
  const ev = c.evObservedSpanDays[i]!;
  const en = c.enObservedSpanDays[i]!;
  // The longest history any activity source showed.
  const span = Number.isNaN(ev) ? en : Number.isNaN(en) ? ev : Math.max(ev, en);
  const age = c.careerAgeDays[i]!;
  const known = Number.isNaN(age) ? span : Math.max(age, span);
  const history = Number.isNaN(known) ? 1 : 0.5 + 0.5 * Math.min(1, (known + 1) / model.stayingDays);
  return c.evidence[i]! * history;
}

/** Momentum of row `i` (NaN without activity evidence); records components when `explain` is given. */
function momentumOf(table: FeatureTable, i: number, ctx: ScoringContext, explain?: SignalContribution[]): number {
  const level = sizeLevelOf(table, i, ctx.relative, ctx.model.fullEvidenceLevel);
  if (Number.isNaN(level)) return Number.NaN;
  // Weighted mean of robust z-scores against peers of the same size band, shrunk towards the
  // median for small artists, squashed to 0-100.
  const bands = ctx.bands;
  let band = 0;
  while (band < bands.length && level >= bands[band]!) band++;
  const shrink = clamp01(Math.log1p(level) / ctx.shrinkDen);
  const K = ctx.compW.length;
  let sum = 0;
  let wsum = 0;
  for (let k = 0; k < K; k++) {
    const x = ctx.compCols[k]![i]!;
    const w = ctx.compW[k]!;
    if (Number.isNaN(x) || w === 0) continue;
    const zc = z4((x - ctx.med[band * K + k]!) / ctx.spr[band * K + k]!);
    sum += w * zc;
    wsum += w;
    explain?.push({
      signal: MOMENTUM_COMPONENTS[k]!,
      source: SIGNAL_SOURCE[MOMENTUM_COMPONENTS[k]!],
      raw: x,
      normalized: zc,
      weight: w,
      contribution: 0,
    });
  }
  // An artist with activity but no growth component (a long-quiet artist) is neutral, not unknown.
  if (wsum === 0) return 50;
  if (explain)
    for (let k = 0; k < explain.length; k++) {
      const e = explain[k]!;
      explain[k] = { ...e, contribution: ((e.weight * (e.normalized ?? 0)) / wsum) * shrink };
    }
  return 100 * logistic((sum / wsum) * shrink, 0, ctx.model.momentumScale);
}

/** Risk component `k` of row `i`: [raw, 0-1 level]. */
function riskComponent(
  table: FeatureTable,
  i: number,
  model: TalentModelConfig,
  k: RiskComponent,
): [raw: number, r: number] {
  const c = table.columns;
  switch (k) {
    case 'decline': {
      const growth = c.declineGrowth[i]!;
      return [growth, clamp01(-growth / Math.LN2)];
    }
    case 'incoherence':
      return [c.coherence[i]!, clamp01((0.85 - c.coherence[i]!) / 0.35)];
    case 'drift':
      return [c.drift[i]!, clamp01((c.drift[i]! - 0.15) / 0.35)];
    case 'paid_dependence':
      return [c.paidShare[i]!, clamp01((c.paidShare[i]! - model.paidShareFloor) / (1 - model.paidShareFloor))];
    case 'anomaly':
      return [c.anomaly[i]!, clamp01(c.anomaly[i]!)];
    case 'stale_data':
      return [c.staleDays[i]!, clamp01((c.staleDays[i]! - model.staleAfterDays) / (3 * model.staleAfterDays))];
  }
}

/** Risk of row `i`: a noisy-OR of components, each 0-1 times its severity (clamp01 maps NaN to 0: a missing component adds no risk). */
function riskOf(table: FeatureTable, i: number, model: TalentModelConfig, explain?: SignalContribution[]): number {
  const c = table.columns;
  const sev = model.riskSeverities;
  if (!explain) {
    // The same arithmetic as below, without the allocation, for the population path.
    const growth = c.declineGrowth[i]!;
    let keep = 1;
    keep *= 1 - sev.decline * clamp01(-growth / Math.LN2);
    keep *= 1 - sev.incoherence * clamp01((0.85 - c.coherence[i]!) / 0.35);
    keep *= 1 - sev.drift * clamp01((c.drift[i]! - 0.15) / 0.35);
    keep *= 1 - sev.paid_dependence * clamp01((c.paidShare[i]! - model.paidShareFloor) / (1 - model.paidShareFloor));
    keep *= 1 - sev.anomaly * clamp01(c.anomaly[i]!);
    keep *= 1 - sev.stale_data * clamp01((c.staleDays[i]! - model.staleAfterDays) / (3 * model.staleAfterDays));
    return 1 - keep;
  }
  let keep = 1;
  const parts: SignalContribution[] = [];
  for (const k of RISK_COMPONENTS) {
    const [raw, r] = riskComponent(table, i, model, k);
    const s = sev[k];
    keep *= 1 - s * r;
    parts.push({
      signal: k,
      source: SIGNAL_SOURCE[k],
      raw: nz(raw),
      normalized: Number.isNaN(raw) ? null : r,
      weight: s,
      contribution: -Math.log(Math.max(1e-12, 1 - s * r)),
    });
  }
  const risk = 1 - keep;
  const total = parts.reduce((a, e) => a + e.contribution, 0);
  for (const e of parts) explain.push({ ...e, contribution: total > 0 ? (e.contribution / total) * risk : 0 });
  return risk;
}

/** Scores of a population, column by column. */
export interface ScoreTable {
  /** 0-100 (NaN: insufficient data). */
  readonly momentum: Float64Array;
  /** 0-1 (NaN: insufficient data). */
  readonly breakout: Float64Array;
  /** 0-1. */
  readonly risk: Float64Array;
  /** 0-1. */
  readonly confidence: Float64Array;
}

/**
 * Scores every row of a table: O(n), no sort. Momentum and breakout are NaN for a row without
 * activity evidence (`TALENT_INSUFFICIENT_DATA`: callers report it, never show the NaN).
 * @example
 * ```ts
 * const peers = fitPeerStats(table, model);
 * const scores = scoreTable(table, peers, model);
 * topK(range(table.size), 20, (i) => scores.breakout[i]);
 * ```
 */
export function scoreTable(table: FeatureTable, peers: PeerStats, model: TalentModelConfig): ScoreTable {
  const n = table.size;
  const momentum = new Float64Array(n);
  const breakout = new Float64Array(n);
  const risk = new Float64Array(n);
  const confidence = new Float64Array(n);
  const ctx = scoringContext(table, peers, model);
  // Breakout's log-odds a block of rows at a time (each activity distribution searched for the
  // whole block), the rest row by row.
  const block = inputBlock(ctx.inputs);
  const logits = new Float64Array(INPUT_BLOCK_ROWS);
  const terms = { weights: ctx.weights, centers: ctx.centers, intercept: model.breakout.intercept };
  for (let from = 0; from < n; from += INPUT_BLOCK_ROWS) {
    const to = Math.min(n, from + INPUT_BLOCK_ROWS);
    breakoutLogits(table, from, to, ctx.inputs, terms, block, logits);
    for (let i = from; i < to; i++) {
      const m = momentumOf(table, i, ctx);
      momentum[i] = m;
      const logit = logits[i - from]!;
      breakout[i] = Number.isNaN(logit) || Number.isNaN(m) ? Number.NaN : logistic(logit);
      risk[i] = riskOf(table, i, model);
      confidence[i] = confidenceOf(table, i, model);
    }
  }
  return { momentum, breakout, risk, confidence };
}

/** Scores of one row. */
export interface RowScores {
  /** 0-100, NaN when there is no activity evidence. */
  momentum: number;
  /** 0-1, NaN when there is no activity evidence. */
  breakout: number;
  /** 0-1. */
  risk: number;
  /** Share of the evidence available, 0-1. */
  confidence: number;
}

/** Scores of one artist with the explanation of each. */
export interface ExplainedScores extends RowScores {
  /** Momentum's components (contribution in composite units; momentum = 100 x logistic(sum / scale)). */
  readonly momentumSignals: readonly SignalContribution[];
  /** Breakout's inputs (contribution in log-odds; breakout = logistic(intercept + sum)). */
  readonly breakoutSignals: readonly SignalContribution[];
  /** Risk's components (contribution as a share of the risk score; they add up to it). */
  readonly riskSignals: readonly SignalContribution[];
}

/**
 * `s` as an explanation shows it: no -0 in its numbers (a risk component at 0 contributes
 * `-log(1)`, a breakout input of weight 0 below its centre `0 * -x`), the keys in their order.
 */
function shown(s: SignalContribution): SignalContribution {
  return {
    ...s,
    raw: s.raw === null ? null : withoutNegativeZero(s.raw),
    normalized: s.normalized === null ? null : withoutNegativeZero(s.normalized),
    weight: withoutNegativeZero(s.weight),
    contribution: withoutNegativeZero(s.contribution),
  };
}

/**
 * Scores row `i` of a table with its explanation (the same arithmetic as {@link scoreTable}). The
 * explanation's numbers are never -0 (one pass over its signals, at the end).
 */
export function explainRow(
  table: FeatureTable,
  i: number,
  peers: PeerStats,
  model: TalentModelConfig,
): ExplainedScores {
  const momentumSignals: SignalContribution[] = [];
  const riskSignals: SignalContribution[] = [];
  const breakoutSignals: SignalContribution[] = [];
  const ctx = scoringContext(table, peers, model);
  const momentum = momentumOf(table, i, ctx, momentumSignals);
  const s = ctx;
  const logit = breakoutLogit(table, i, ctx);
  const breakout = Number.isNaN(logit) || Number.isNaN(momentum) ? Number.NaN : logistic(logit);
  if (!Number.isNaN(breakout)) {
    const basis = activitySources(table, i, ctx.inputs);
    inputNames(table).forEach((name, k) => {
      const builtIn = k < BREAKOUT_INPUTS.length;
      const x = s.x[k]!;
      const source = builtIn
        ? INPUT_SOURCE[name as (typeof BREAKOUT_INPUTS)[number]]
        : `host:${table.hostSpecs[k - BREAKOUT_INPUTS.length]!.source}`;
      breakoutSignals.push({
        signal: name,
        source: source === 'activity' ? (basis ?? 'fusion|rcf') : source,
        raw: nz(s.raw[k]!),
        normalized: nz(x),
        weight: s.weights[k]!,
        contribution: Number.isNaN(x) ? 0 : s.weights[k]! * (x - s.centers[k]!),
      });
    });
  }
  const risk = riskOf(table, i, model, riskSignals);
  return {
    momentum,
    breakout,
    risk,
    confidence: confidenceOf(table, i, model),
    momentumSignals: momentumSignals.map(shown),
    breakoutSignals: breakoutSignals.map(shown),
    riskSignals: riskSignals.map(shown),
  };
}

/**
 * Peer statistics to use before any population was scored (no refresh yet): every momentum
 * component centred at 0 with a fixed spread, no activity distribution. Results computed with
 * them say `peers: 'prior'`.
 */
export function priorPeerStats(model: TalentModelConfig): PeerStats {
  const prior: Record<MomentumComponent, BandStat> = {
    engagement_growth: { median: 0, spread: 0.25, n: 0 },
    engagement_acceleration: { median: 0, spread: 0.25, n: 0 },
    event_growth: { median: 0, spread: 0.5, n: 0 },
    press_velocity: { median: 0, spread: 1, n: 0 },
  };
  // No band has its own statistics: every band falls back to `overall`.
  const stats = Array.from({ length: model.sizeBands.length + 1 }, () => ({
    engagement_growth: null,
    engagement_acceleration: null,
    event_growth: null,
    press_velocity: null,
  }));
  return { bands: [...model.sizeBands], stats, overall: prior, population: 0, relative: PRIOR_POPULATION };
}
