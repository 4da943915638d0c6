/**
 * @module talent/scoring
 * Momentum, breakout and risk from features: pure, columnar, explainable. One function scores a
 * row; the population path and the single-artist explanation both call it, so an explanation
 * always adds up to the score it explains (docs/scoring.md gives every formula).
 */
import { clamp01, logistic } from '../core/features/stats.js';
import { BREAKOUT_INPUTS } from './breakout-model.js';
import {
  INPUT_SOURCE,
  activitySources,
  fillBreakoutInputs,
  inputContext,
  inputNames,
  inputTerms,
  type InputContext,
} from './breakout-inputs.js';
import type { TalentModelConfig } from './model-config.js';
import type { SignalContribution } from './schemas.js';
import { hasActivity, type FeatureColumn, type FeatureTable } from './feature-table.js';
import { PRIOR_POPULATION, fitPopulation, type PopulationStats } from './population.js';

/** Version of the scoring code; stored with every row (with {@link modelVersion}'s suffix when the policy differs from the defaults). */
export const TALENT_MODEL_VERSION = 'talent-2026.12-1';

/**
 * The version written with scores made under `model`: {@link TALENT_MODEL_VERSION}, plus a short
 * hash of the policy when it is not the default one (a calibrated or configured model), so rows
 * scored under different weights never carry the same version.
 */
export function modelVersion(model: TalentModelConfig, defaults: TalentModelConfig): string {
  const a = JSON.stringify(model);
  if (a === JSON.stringify(defaults)) return TALENT_MODEL_VERSION;
  let h = 2166136261;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), 16777619);
  return `${TALENT_MODEL_VERSION}+${(h >>> 0).toString(16).padStart(8, '0')}`;
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

function robust(values: Float64Array, n: number, minSpread: number): BandStat {
  if (n === 0) return { median: 0, spread: minSpread, n: 0 };
  const med = medianOf(values, n);
  for (let i = 0; i < n; i++) values[i] = Math.abs(values[i]! - med);
  return { median: med, spread: Math.max(minSpread, 1.4826 * medianOf(values, n)), n };
}

/** The size band of a daily activity level. */
export function bandOf(level: number, bands: readonly number[]): number {
  let b = 0;
  while (b < bands.length && level >= bands[b]!) b++;
  return b;
}

/**
 * Fits the peer statistics on a population: momentum's median and spread of each component per
 * size band, in O(n) per band (quickselect), and the breakout model's population statistics.
 */
export function fitPeerStats(table: FeatureTable, model: TalentModelConfig): PeerStats {
  const bands = model.sizeBands;
  const level = table.columns.level;
  const bandIdx = new Uint8Array(table.size);
  for (let i = 0; i < table.size; i++) bandIdx[i] = Number.isNaN(level[i]!) ? 255 : bandOf(level[i]!, bands);
  const nb = bands.length + 1;
  const byBand = new Float64Array(table.size);
  const all = new Float64Array(table.size);
  const overall = {} as Record<MomentumComponent, BandStat>;
  const stats = Array.from({ length: nb }, () => ({}) as Record<MomentumComponent, BandStat | null>);
  for (const comp of MOMENTUM_COMPONENTS) {
    const col = table.columns[COMPONENT_COLUMN[comp]];
    // Two passes: count per band, then scatter each value into its band's slice.
    const counts = new Int32Array(nb);
    for (let i = 0; i < table.size; i++) if (bandIdx[i] !== 255 && !Number.isNaN(col[i]!)) counts[bandIdx[i]!]!++;
    const offsets = new Int32Array(nb + 1);
    for (let b = 0; b < nb; b++) offsets[b + 1] = offsets[b]! + counts[b]!;
    const fill = offsets.slice(0, nb);
    for (let i = 0; i < table.size; i++) {
      const b = bandIdx[i]!;
      if (b !== 255 && !Number.isNaN(col[i]!)) byBand[fill[b]!++] = col[i]!;
    }
    const total = offsets[nb]!;
    all.set(byBand.subarray(0, total));
    overall[comp] = robust(all, total, MIN_SPREAD[comp]);
    for (let b = 0; b < nb; b++) {
      const m = counts[b]!;
      stats[b]![comp] =
        m >= model.minBandPeers ? robust(byBand.subarray(offsets[b]!, offsets[b]! + m), m, MIN_SPREAD[comp]) : null;
    }
  }
  return { bands: [...bands], stats, overall, population: table.size, relative: fitPopulation(table) };
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
  readonly inputs: InputContext;
  readonly x: Float64Array;
  readonly raw: Float64Array;
  readonly weights: Float64Array;
  readonly centers: Float64Array;
  /** Scratch space for one row's activity standings. */
  readonly st: Float64Array;
  /** 1 for each input the model weighs (the population path computes only those). */
  readonly weighted: Uint8Array;
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
    inputs: inputContext(table, peers.relative, model),
    x: new Float64Array(weights.length),
    raw: new Float64Array(weights.length),
    weights,
    centers,
    st: new Float64Array(9),
    weighted: Uint8Array.from(weights, (w) => (w !== 0 ? 1 : 0)),
  };
}

/** Log-odds of row `i`'s breakout (NaN without activity evidence); fills `ctx.x` (and `ctx.raw` when `withRaw`). */
function breakoutLogit(table: FeatureTable, i: number, ctx: ScoringContext, withRaw: boolean): number {
  if (!hasActivity(table, i)) return Number.NaN;
  // The population path computes only the weighted inputs; an input of weight 0 adds exactly 0.
  fillBreakoutInputs(
    table,
    i,
    ctx.inputs,
    ctx.st,
    ctx.x,
    withRaw ? ctx.raw : undefined,
    withRaw ? undefined : ctx.weighted,
  );
  let logit = ctx.model.breakout.intercept;
  const { x, weights, centers, weighted } = ctx;
  for (let k = 0; k < x.length; k++) {
    const v = x[k]!;
    if (weighted[k] && !Number.isNaN(v)) logit += weights[k]! * (v - centers[k]!);
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
  const level = table.columns.level[i]!;
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
      const eg = c.engagementGrowth[i]!;
      const growth = Number.isNaN(eg) ? c.eventGrowth[i]! : eg;
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
    const eg = c.engagementGrowth[i]!;
    const growth = Number.isNaN(eg) ? c.eventGrowth[i]! : eg;
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
  for (let i = 0; i < n; i++) {
    const m = momentumOf(table, i, ctx);
    momentum[i] = m;
    const logit = breakoutLogit(table, i, ctx, false);
    breakout[i] = Number.isNaN(logit) || Number.isNaN(m) ? Number.NaN : logistic(logit);
    risk[i] = riskOf(table, i, model);
    confidence[i] = confidenceOf(table, i, model);
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

/** Scores row `i` of a table with its explanation (the same arithmetic as {@link scoreTable}). */
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
  const logit = breakoutLogit(table, i, ctx, true);
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
    momentumSignals,
    breakoutSignals,
    riskSignals,
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
