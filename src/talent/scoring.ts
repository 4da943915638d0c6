/**
 * @module talent/scoring
 * Momentum, breakout and risk from features: pure, columnar, explainable. One function scores a
 * row; the population path and the single-artist explanation both call it, so an explanation
 * always adds up to the score it explains (docs/scoring.md gives every formula).
 */
import { clamp01, logistic } from '../core/features/stats.js';
import { BREAKOUT_FEATURES, type BreakoutFeature, type TalentModelConfig } from './model-config.js';
import type { FeatureColumn, FeatureTable } from './feature-table.js';

/** Version of the scoring code; stored with every row (with {@link modelVersion}'s suffix when the policy differs from the defaults). */
export const TALENT_MODEL_VERSION = 'talent-2026.11-1';

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
export const MOMENTUM_COMPONENTS = ['engagement_growth', 'engagement_acceleration', 'event_growth', 'press_velocity'] as const;
/** A momentum component. */
export type MomentumComponent = (typeof MOMENTUM_COMPONENTS)[number];

const COMPONENT_COLUMN: Record<MomentumComponent, FeatureColumn> = {
  engagement_growth: 'engagementGrowth',
  engagement_acceleration: 'engagementAcceleration',
  event_growth: 'eventGrowth',
  press_velocity: 'pressVelocity',
};
/** Smallest spread used for a robust z (a band where everyone is equal must not divide by zero). */
const MIN_SPREAD: Record<MomentumComponent, number> = { engagement_growth: 0.05, engagement_acceleration: 0.05, event_growth: 0.1, press_velocity: 0.5 };

/** The risk components. */
export const RISK_COMPONENTS = ['decline', 'incoherence', 'drift', 'paid_dependence', 'anomaly', 'stale_data'] as const;
/** A risk component. */
export type RiskComponent = (typeof RISK_COMPONENTS)[number];

/** Where each explained signal comes from. */
export const SIGNAL_SOURCE: Record<MomentumComponent | BreakoutFeature | RiskComponent, string> = {
  engagement_growth: 'fusion',
  engagement_acceleration: 'fusion',
  event_growth: 'rcf',
  press_velocity: 'coverage',
  momentum: 'derived',
  activity_level: 'fusion|rcf',
  activity_growth: 'fusion|rcf',
  recent_growth: 'rcf',
  event_days: 'rcf',
  event_peak: 'rcf',
  acceleration: 'fusion',
  career_age: 'mig',
  new_tastemakers: 'mig',
  new_collaborators: 'mig',
  network_position: 'mig',
  press_quality: 'coverage',
  scene_heat: 'scenes',
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

/** Peer statistics for momentum: per size band and component. Fitted by {@link fitPeerStats}. */
export interface PeerStats {
  /** Upper bounds of the size bands (daily activity). */
  readonly bands: readonly number[];
  /** `stats[band][component]`; band `bands.length` is the open top band. A null entry falls back to `overall`. */
  readonly stats: ReadonlyArray<Readonly<Record<MomentumComponent, BandStat | null>>>;
  /** The whole population's statistics. */
  readonly overall: Readonly<Record<MomentumComponent, BandStat>>;
  /** Artists the statistics were fitted on. */
  readonly population: number;
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
 * Fits momentum's peer statistics on a population: median and spread of each component per size
 * band, in O(n) per band (quickselect).
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
      stats[b]![comp] = m >= model.minBandPeers ? robust(byBand.subarray(offsets[b]!, offsets[b]! + m), m, MIN_SPREAD[comp]) : null;
    }
  }
  return { bands: [...bands], stats, overall, population: table.size };
}

/** One explained signal of a score. */
export interface SignalContribution {
  /** Signal name (docs/scoring.md). */
  readonly signal: string;
  /** Source(s) it comes from. */
  readonly source: string;
  /** Raw value (its unit in docs/scoring.md), or null without evidence. */
  readonly raw: number | null;
  /** Normalised value fed to the score, or null without evidence. */
  readonly normalized: number | null;
  /** Weight (or severity, for risk). */
  readonly weight: number;
  /** Contribution to the score: momentum in composite units, breakout in log-odds, risk as a share of the score. */
  readonly contribution: number;
}

/** Collects contributions when an explanation is wanted. */
interface Explain {
  momentum: SignalContribution[];
  breakout: SignalContribution[];
  risk: SignalContribution[];
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

const nz = (x: number): number | null => (Number.isNaN(x) ? null : x);
const z4 = (x: number): number => (x > 4 ? 4 : x < -4 ? -4 : x);

/** Normalised breakout inputs of row `i` (NaN = no evidence, contributes nothing). */
function breakoutInputs(c: FeatureTable['columns'], i: number, momentum: number): Record<BreakoutFeature, [raw: number, normalized: number]> {
  const level = c.level[i]!;
  const growth = Number.isNaN(c.engagementGrowth[i]!) ? c.eventGrowth[i]! : c.engagementGrowth[i]!;
  const recent = c.eventRecentGrowth[i]!;
  const sceneHeat = c.sceneHeat[i]!;
  const conf = c.sceneConfidence[i]!;
  return {
    momentum: [momentum, (momentum - 50) / 25],
    activity_level: [level, Math.log10(1 + level) - 2],
    activity_growth: [growth, growth],
    recent_growth: [recent, recent],
    event_days: [c.eventDays[i]!, c.eventDays[i]!],
    event_peak: [c.eventPeak[i]!, Math.log1p(c.eventPeak[i]!)],
    acceleration: [c.engagementAcceleration[i]!, c.engagementAcceleration[i]!],
    career_age: [c.careerAgeDays[i]!, Math.log1p(c.careerAgeDays[i]! / 365)],
    new_tastemakers: [c.newTastemakers[i]!, 1 - Math.exp(-c.newTastemakers[i]!)],
    new_collaborators: [c.newCollaborators[i]!, Math.log1p(c.newCollaborators[i]!)],
    network_position: [c.connectivity[i]!, c.connectivity[i]!],
    press_quality: [c.pressQuality[i]!, c.pressQuality[i]! * (1 - Math.exp(-c.pressVelocity[i]!))],
    scene_heat: [sceneHeat, (sceneHeat / 100) * (Number.isNaN(conf) ? 1 : conf)],
  };
}

/** The breakout model's normalised inputs of row `i`, in {@link BREAKOUT_FEATURES} order (for `calibrate`). */
export function breakoutVector(table: FeatureTable, i: number, momentum: number): number[] {
  const inputs = breakoutInputs(table.columns, i, momentum);
  return BREAKOUT_FEATURES.map((f) => (Number.isNaN(inputs[f][1]) ? 0 : inputs[f][1]));
}

/**
 * Scores row `i`. With `explain`, also records every signal's contribution.
 * @internal shared by {@link scoreTable} and {@link explainRow}.
 */
function scoreRow(table: FeatureTable, i: number, peers: PeerStats, model: TalentModelConfig, out: RowScores, explain?: Explain): void {
  const c = table.columns;
  const level = c.level[i]!;
  out.confidence = c.evidence[i]!;
  // Momentum: weighted mean of robust z-scores against peers of the same size band, shrunk
  // towards the median for small artists, squashed to 0-100.
  let composite = Number.NaN;
  if (!Number.isNaN(level)) {
    const band = bandOf(level, peers.bands);
    const shrink = clamp01(Math.log1p(level) / Math.log1p(model.fullEvidenceLevel));
    let sum = 0;
    let wsum = 0;
    for (const comp of MOMENTUM_COMPONENTS) {
      const x = c[COMPONENT_COLUMN[comp]][i]!;
      const w = model.momentumWeights[comp];
      if (Number.isNaN(x) || w === 0) continue;
      const st = peers.stats[band]?.[comp] ?? peers.overall[comp];
      const zc = z4((x - st.median) / st.spread);
      sum += w * zc;
      wsum += w;
      explain?.momentum.push({ signal: comp, source: SIGNAL_SOURCE[comp], raw: x, normalized: zc, weight: w, contribution: 0 });
    }
    if (wsum > 0) {
      composite = (sum / wsum) * shrink;
      if (explain) for (const e of explain.momentum) (e as { contribution: number }).contribution = ((e.weight * (e.normalized ?? 0)) / wsum) * shrink;
    }
  }
  out.momentum = Number.isNaN(composite) ? Number.NaN : 100 * logistic(composite, 0, model.momentumScale);

  // Breakout: a logistic model over normalised inputs; a missing input contributes nothing.
  if (Number.isNaN(out.momentum)) out.breakout = Number.NaN;
  else {
    const inputs = breakoutInputs(c, i, out.momentum);
    let logit = model.breakoutIntercept;
    for (const f of BREAKOUT_FEATURES) {
      const [raw, x] = inputs[f];
      const w = model.breakoutWeights[f];
      const contribution = Number.isNaN(x) ? 0 : w * x;
      logit += contribution;
      explain?.breakout.push({ signal: f, source: SIGNAL_SOURCE[f], raw: nz(raw), normalized: nz(x), weight: w, contribution });
    }
    out.breakout = logistic(logit);
  }

  // Risk: a noisy-OR of components, each 0-1 times its severity.
  const growth = Number.isNaN(c.engagementGrowth[i]!) ? c.eventGrowth[i]! : c.engagementGrowth[i]!;
  const stale = c.staleDays[i]!;
  const components: Record<RiskComponent, [raw: number, r: number]> = {
    decline: [growth, clamp01(-growth / Math.LN2)],
    incoherence: [c.coherence[i]!, clamp01((0.85 - c.coherence[i]!) / 0.35)],
    drift: [c.drift[i]!, clamp01((c.drift[i]! - 0.15) / 0.35)],
    paid_dependence: [c.paidShare[i]!, clamp01((c.paidShare[i]! - model.paidShareFloor) / (1 - model.paidShareFloor))],
    anomaly: [c.anomaly[i]!, clamp01(c.anomaly[i]!)],
    stale_data: [stale, clamp01((stale - model.staleAfterDays) / (3 * model.staleAfterDays))],
  };
  let keep = 1;
  for (const k of RISK_COMPONENTS) {
    const [raw, r] = components[k];
    // clamp01 maps NaN to 0, so a missing component adds no risk; it is still listed.
    const s = model.riskSeverities[k];
    keep *= 1 - s * r;
    explain?.risk.push({ signal: k, source: SIGNAL_SOURCE[k], raw: nz(raw), normalized: Number.isNaN(raw) ? null : r, weight: s, contribution: -Math.log(Math.max(1e-12, 1 - s * r)) });
  }
  out.risk = 1 - keep;
  if (explain) {
    const total = explain.risk.reduce((a, e) => a + e.contribution, 0);
    for (const e of explain.risk) (e as { contribution: number }).contribution = total > 0 ? (e.contribution / total) * out.risk : 0;
  }
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
 * Scores every row of a table: O(n), no sort.
 * @example
 * ```ts
 * const peers = fitPeerStats(table, model);
 * const scores = scoreTable(table, peers, model);
 * topK(range(table.size), 20, (i) => scores.breakout[i]);
 * ```
 */
export function scoreTable(table: FeatureTable, peers: PeerStats, model: TalentModelConfig): ScoreTable {
  // The same arithmetic as scoreRow, in the same order (so the explanation of any row adds up to
  // these scores exactly), with every lookup hoisted out of the loop and nothing allocated per
  // row: a million rows in well under a second.
  const n = table.size;
  const c = table.columns;
  const momentum = new Float64Array(n);
  const breakout = new Float64Array(n);
  const risk = new Float64Array(n);
  const confidence = new Float64Array(n);
  const K = MOMENTUM_COMPONENTS.length;
  const compCols = MOMENTUM_COMPONENTS.map((k) => c[COMPONENT_COLUMN[k]]);
  const compW = Float64Array.from(MOMENTUM_COMPONENTS, (k) => model.momentumWeights[k]);
  const bands = Float64Array.from(peers.bands);
  const nb = bands.length + 1;
  const med = new Float64Array(nb * K);
  const spr = new Float64Array(nb * K);
  for (let b = 0; b < nb; b++) {
    MOMENTUM_COMPONENTS.forEach((k, j) => {
      const st = peers.stats[b]?.[k] ?? peers.overall[k];
      med[b * K + j] = st.median;
      spr[b * K + j] = st.spread;
    });
  }
  const shrinkDen = Math.log1p(model.fullEvidenceLevel);
  const scale = model.momentumScale;
  const bw = model.breakoutWeights;
  const [wMom, wLevel, wGrowth, wRecent, wDays, wPeak, wAcc, wAge, wTaste, wCollab, wNet, wPress, wScene] = BREAKOUT_FEATURES.map((f) => bw[f]) as [number, number, number, number, number, number, number, number, number, number, number, number, number];
  const sev = model.riskSeverities;
  const paidFloor = model.paidShareFloor;
  const staleAfter = model.staleAfterDays;
  const { level: cLevel, evidence: cEvidence, engagementGrowth: cEg, eventGrowth: cEvg, eventRecentGrowth: cRecent, eventDays: cDays, eventPeak: cPeak } = c;
  const { engagementAcceleration: cAcc, careerAgeDays: cAge, newTastemakers: cTaste, newCollaborators: cCollab, connectivity: cNet, pressQuality: cPq, pressVelocity: cPv } = c;
  const { sceneHeat: cHeat, sceneConfidence: cConf, coherence: cCoh, drift: cDrift, paidShare: cPaid, anomaly: cAnom, staleDays: cStale } = c;
  const add = (logit: number, w: number, x: number): number => (Number.isNaN(x) ? logit + 0 : logit + w * x);
  for (let i = 0; i < n; i++) {
    const level = cLevel[i]!;
    confidence[i] = cEvidence[i]!;
    let composite = Number.NaN;
    if (!Number.isNaN(level)) {
      let band = 0;
      while (band < bands.length && level >= bands[band]!) band++;
      const shrink = clamp01(Math.log1p(level) / shrinkDen);
      let sum = 0;
      let wsum = 0;
      for (let k = 0; k < K; k++) {
        const x = compCols[k]![i]!;
        const w = compW[k]!;
        if (Number.isNaN(x) || w === 0) continue;
        const zc = z4((x - med[band * K + k]!) / spr[band * K + k]!);
        sum += w * zc;
        wsum += w;
      }
      if (wsum > 0) composite = (sum / wsum) * shrink;
    }
    const m = Number.isNaN(composite) ? Number.NaN : 100 * logistic(composite, 0, scale);
    momentum[i] = m;
    const eg = cEg[i]!;
    const growth = Number.isNaN(eg) ? cEvg[i]! : eg;
    if (Number.isNaN(m)) breakout[i] = Number.NaN;
    else {
      const conf = cConf[i]!;
      let logit = model.breakoutIntercept;
      logit = add(logit, wMom, (m - 50) / 25);
      logit = add(logit, wLevel, Math.log10(1 + level) - 2);
      logit = add(logit, wGrowth, growth);
      logit = add(logit, wRecent, cRecent[i]!);
      logit = add(logit, wDays, cDays[i]!);
      logit = add(logit, wPeak, Math.log1p(cPeak[i]!));
      logit = add(logit, wAcc, cAcc[i]!);
      logit = add(logit, wAge, Math.log1p(cAge[i]! / 365));
      logit = add(logit, wTaste, 1 - Math.exp(-cTaste[i]!));
      logit = add(logit, wCollab, Math.log1p(cCollab[i]!));
      logit = add(logit, wNet, cNet[i]!);
      logit = add(logit, wPress, cPq[i]! * (1 - Math.exp(-cPv[i]!)));
      logit = add(logit, wScene, (cHeat[i]! / 100) * (Number.isNaN(conf) ? 1 : conf));
      breakout[i] = logistic(logit);
    }
    let keep = 1;
    keep *= 1 - sev.decline * clamp01(-growth / Math.LN2);
    keep *= 1 - sev.incoherence * clamp01((0.85 - cCoh[i]!) / 0.35);
    keep *= 1 - sev.drift * clamp01((cDrift[i]! - 0.15) / 0.35);
    keep *= 1 - sev.paid_dependence * clamp01((cPaid[i]! - paidFloor) / (1 - paidFloor));
    keep *= 1 - sev.anomaly * clamp01(cAnom[i]!);
    keep *= 1 - sev.stale_data * clamp01((cStale[i]! - staleAfter) / (3 * staleAfter));
    risk[i] = 1 - keep;
  }
  return { momentum, breakout, risk, confidence };
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
export function explainRow(table: FeatureTable, i: number, peers: PeerStats, model: TalentModelConfig): ExplainedScores {
  const explain: Explain = { momentum: [], breakout: [], risk: [] };
  const out: RowScores = { momentum: 0, breakout: 0, risk: 0, confidence: 0 };
  scoreRow(table, i, peers, model, out, explain);
  return { ...out, momentumSignals: explain.momentum, breakoutSignals: explain.breakout, riskSignals: explain.risk };
}

/**
 * Peer statistics to use before any population was scored (no refresh yet): every component
 * centred at 0 with a fixed spread. Results computed with them say `peers: 'prior'`.
 */
export function priorPeerStats(model: TalentModelConfig): PeerStats {
  const prior: Record<MomentumComponent, BandStat> = {
    engagement_growth: { median: 0, spread: 0.25, n: 0 },
    engagement_acceleration: { median: 0, spread: 0.25, n: 0 },
    event_growth: { median: 0, spread: 0.5, n: 0 },
    press_velocity: { median: 0, spread: 1, n: 0 },
  };
  // No band has its own statistics: every band falls back to `overall`.
  const stats = Array.from({ length: model.sizeBands.length + 1 }, () => ({ engagement_growth: null, engagement_acceleration: null, event_growth: null, press_velocity: null }));
  return { bands: [...model.sizeBands], stats, overall: prior, population: 0 };
}
