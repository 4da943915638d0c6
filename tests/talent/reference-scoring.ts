/**
 * The population scoring path as it was before it went block by block (talent-2026.12-1, kept
 * frozen for tests/talent/scoring-equivalence.test.ts): peer statistics by quickselect alone,
 * and every row scored on its own, input by input, with the lookups of one row one after the
 * other. The new path must give the same doubles, bit for bit. Test code only.
 */
import { clamp01, logistic } from '../../src/core/features/stats.js';
import { BREAKOUT_INPUTS } from '../../src/talent/breakout-model.js';
import { activityBases, inputContext, inputTerms, type InputContext } from '../../src/talent/breakout-inputs.js';
import { hasActivity, lifeSpanDays, type FeatureTable } from '../../src/talent/feature-table.js';
import type { TalentModelConfig } from '../../src/talent/model-config.js';
import { fitPopulation, percentileOf, standingOf, type Distribution } from '../../src/talent/population.js';
import {
  MOMENTUM_COMPONENTS,
  bandOf,
  type BandStat,
  type MomentumComponent,
  type PeerStats,
  type ScoreTable,
} from '../../src/talent/scoring.js';

const COMPONENT_COLUMN = {
  engagement_growth: 'engagementGrowth',
  engagement_acceleration: 'engagementAcceleration',
  event_growth: 'eventGrowth',
  press_velocity: 'pressVelocity',
} as const;
const MIN_SPREAD: Record<MomentumComponent, number> = {
  engagement_growth: 0.05,
  engagement_acceleration: 0.05,
  event_growth: 0.1,
  press_velocity: 0.5,
};

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

/**
 * Momentum's size of every row, written out on its own: the level, except for a positive level
 * read off event weight (`levelFromEvents`), which becomes `(1 + fullEvidenceLevel)^q - 1` with
 * `q` its mid-rank percentile among the population's positive levels read off event weight.
 */
export function referenceSizeLevels(
  table: FeatureTable,
  model: TalentModelConfig,
  eventLevel: Distribution | null,
): Float64Array {
  const c = table.columns;
  const out = Float64Array.from(c.level);
  if (!eventLevel) return out;
  // The share of the distribution's values at 0 (a level at 0 moves no one's standing).
  let zeros = 0;
  for (let j = 0; j < eventLevel.values.length; j++) if (eventLevel.values[j] === 0) zeros = eventLevel.equal[j]!;
  const active = eventLevel.m - zeros;
  for (let i = 0; i < table.size; i++) {
    const v = c.level[i]!;
    if (c.levelFromEvents[i] !== 1 || !(v > 0)) continue;
    const q = active > 0 ? Math.min(1, Math.max(0, (percentileOf(eventLevel, v) * eventLevel.m - zeros) / active)) : 0;
    out[i] = Math.expm1(q * Math.log1p(model.fullEvidenceLevel));
  }
  return out;
}

/** `fitPeerStats` as it was: two filtering passes per component, quickselect for every median. */
export function referenceFitPeerStats(table: FeatureTable, model: TalentModelConfig): PeerStats {
  const bands = model.sizeBands;
  const relative = fitPopulation(table);
  const level = referenceSizeLevels(table, model, relative.eventLevel);
  const bandIdx = new Uint8Array(table.size);
  for (let i = 0; i < table.size; i++) bandIdx[i] = Number.isNaN(level[i]!) ? 255 : bandOf(level[i]!, bands);
  const nb = bands.length + 1;
  const byBand = new Float64Array(table.size);
  const all = new Float64Array(table.size);
  const overall = {} as Record<MomentumComponent, BandStat>;
  const stats = Array.from({ length: nb }, () => ({}) as Record<MomentumComponent, BandStat | null>);
  for (const comp of MOMENTUM_COMPONENTS) {
    const col = table.columns[COMPONENT_COLUMN[comp]];
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
  return { bands: [...bands], stats, overall, population: table.size, relative };
}

/** The bucket index of a distribution as `fromSorted` used to build it (one search per bucket). */
export function referenceBucketStart(d: Distribution, key: (v: number) => number): Int32Array {
  const distinct = d.values.length;
  const buckets = d.start.length - 1;
  const start = new Int32Array(buckets + 1);
  let at = 0;
  for (let bucket = 0; bucket < buckets; bucket++) {
    while (at < distinct && Math.floor((key(d.values[at]!) - d.key0) * d.scale) < bucket) at++;
    start[bucket] = at;
  }
  start[buckets] = distinct;
  return start;
}

const stand = (d: Distribution | null | undefined, v: number): number => (d ? standingOf(d, v) : Number.NaN);
const log1p = (x: number): number => (Number.isNaN(x) ? Number.NaN : Math.log1p(x));
const YEAR_DAYS = 365.25;
type Basis = InputContext['bases'][number];

function stayingPower(present: number, lifeDays: number, cadence: number): number {
  const expected = Math.max(1, lifeDays / cadence);
  return Math.min(1, (present + 1) / (expected + 2));
}

function basisInputs(table: FeatureTable, i: number, b: Basis, ctx: InputContext, into: Float64Array): void {
  const now = stand(b.dNow, b.now[i]!);
  const month = stand(b.dRecent, b.recent[i]!);
  const growth = month - stand(b.dPrevious, b.previous[i]!);
  into[0] = now;
  into[1] = month;
  into[2] = growth;
  into[3] = stand(b.dQuarter, b.quarter[i]!) - stand(b.dQuarterBefore, b.quarterBefore[i]!);
  into[4] = now - month - growth;
  into[5] = stand(b.dPeak, b.peak[i]!);
  const own = b.medianGap[i]!;
  const cadence =
    b.source === 'fusion'
      ? 1
      : ctx.fitted
        ? b.cadence
        : Number.isNaN(own)
          ? 1
          : Math.min(28, Math.max(1, Math.round(own)));
  const life = lifeSpanDays(table, i, ctx.historyDays, b.observedSpan[i]!);
  into[6] = stayingPower(b.presentDays[i]!, Math.min(ctx.stayingDays, life), cadence);
  into[7] = stayingPower(b.presentDaysYear[i]!, life, cadence);
  // The year's presence: the share of the year's periods, on a concave scale of bend 52.
  const share = Math.min(1, b.presentDaysYear[i]! / Math.max(1, ctx.historyDays / cadence));
  into[8] = Math.log1p(52 * share) / Math.log1p(52);
  const since = b.daysSinceLast[i]!;
  into[9] = Number.isNaN(since) ? 0 : 1 / (1 + since / cadence);
}

/** Row `i`'s inputs, one row at a time (the activity inputs are the first ten). */
/** Activity inputs: level (2), growth (2), acceleration, peak, staying power and its year, the year's presence, recency. */
const A = 10;

function fillInputs(table: FeatureTable, i: number, ctx: InputContext, out: Float64Array): void {
  const c = table.columns;
  const mask = activityBases(table, i, ctx);
  const scratch = new Float64Array(A);
  const sum = new Float64Array(A);
  const count = new Uint8Array(A);
  if (mask === (mask & -mask)) {
    out.fill(Number.NaN, 0, A);
    ctx.bases.forEach((b, k) => {
      if (!(mask & (1 << k))) return;
      basisInputs(table, i, b, ctx, scratch);
      out.set(scratch, 0);
    });
  } else {
    ctx.bases.forEach((b, k) => {
      if (!(mask & (1 << k))) return;
      basisInputs(table, i, b, ctx, scratch);
      for (let a = 0; a < A; a++) {
        const v = scratch[a]!;
        if (!Number.isNaN(v)) {
          sum[a]! += v;
          count[a]!++;
        }
      }
    });
    for (let a = 0; a < A; a++) out[a] = count[a] ? sum[a]! / count[a]! : Number.NaN;
  }
  out[10] = log1p(c.careerAgeDays[i]! / YEAR_DAYS);
  out[11] = log1p(c.regions[i]!);
  out[12] = log1p(c.newRegions[i]!);
  out[13] = log1p(c.newCollaborators[i]!);
  const t = c.newTastemakers[i]!;
  out[14] = Number.isNaN(t) ? Number.NaN : 1 - Math.exp(-t);
  const v = c.pressVelocity[i]!;
  out[15] = Number.isNaN(v) ? Number.NaN : c.pressQuality[i]! * (1 - Math.exp(-v));
  const conf = c.sceneConfidence[i]!;
  out[16] = (c.sceneHeat[i]! / 100) * (Number.isNaN(conf) ? 1 : conf);
  table.hostSpecs.forEach((h, k) => {
    const x = table.host.get(h.name)![i]!;
    out[BREAKOUT_INPUTS.length + k] = h.scale === 'raw' ? x : stand(ctx.host[k], x);
  });
}

/** `scoreTable` as it was: every row on its own. */
export function referenceScoreTable(table: FeatureTable, peers: PeerStats, model: TalentModelConfig): ScoreTable {
  const n = table.size;
  const out = {
    momentum: new Float64Array(n),
    breakout: new Float64Array(n),
    risk: new Float64Array(n),
    confidence: new Float64Array(n),
  };
  const c = table.columns;
  const ctx = inputContext(table, peers.relative, model);
  const { weights, centers } = inputTerms(table, model);
  const x = new Float64Array(weights.length);
  const shrinkDen = Math.log1p(model.fullEvidenceLevel);
  const sizes = referenceSizeLevels(table, model, peers.relative.eventLevel);
  for (let i = 0; i < n; i++) {
    // Momentum.
    let m = Number.NaN;
    const level = sizes[i]!;
    if (!Number.isNaN(level)) {
      const band = bandOf(level, peers.bands);
      const shrink = clamp01(Math.log1p(level) / shrinkDen);
      let sum = 0;
      let wsum = 0;
      for (const comp of MOMENTUM_COMPONENTS) {
        const v = c[COMPONENT_COLUMN[comp]][i]!;
        const w = model.momentumWeights[comp];
        if (Number.isNaN(v) || w === 0) continue;
        const st = peers.stats[band]?.[comp] ?? peers.overall[comp];
        const z = (v - st.median) / st.spread;
        sum += w * (z > 4 ? 4 : z < -4 ? -4 : z);
        wsum += w;
      }
      m = wsum === 0 ? 50 : 100 * logistic((sum / wsum) * shrink, 0, model.momentumScale);
    }
    out.momentum[i] = m;
    // Breakout.
    let logit = Number.NaN;
    if (hasActivity(table, i)) {
      fillInputs(table, i, ctx, x);
      logit = model.breakout.intercept;
      for (let k = 0; k < x.length; k++)
        if (weights[k] !== 0 && !Number.isNaN(x[k]!)) logit += weights[k]! * (x[k]! - centers[k]!);
    }
    out.breakout[i] = Number.isNaN(logit) || Number.isNaN(m) ? Number.NaN : logistic(logit);
    // Risk.
    const sev = model.riskSeverities;
    // The features decided where decline is read from (engagement, else events, never events when
    // the engagement read failed): the column holds it.
    const growth = c.declineGrowth[i]!;
    let keep = 1;
    keep *= 1 - sev.decline * clamp01(-growth / Math.LN2);
    keep *= 1 - sev.incoherence * clamp01((0.85 - c.coherence[i]!) / 0.35);
    keep *= 1 - sev.drift * clamp01((c.drift[i]! - 0.15) / 0.35);
    keep *= 1 - sev.paid_dependence * clamp01((c.paidShare[i]! - model.paidShareFloor) / (1 - model.paidShareFloor));
    keep *= 1 - sev.anomaly * clamp01(c.anomaly[i]!);
    keep *= 1 - sev.stale_data * clamp01((c.staleDays[i]! - model.staleAfterDays) / (3 * model.staleAfterDays));
    out.risk[i] = 1 - keep;
    // Confidence.
    const ev = c.evObservedSpanDays[i]!;
    const en = c.enObservedSpanDays[i]!;
    const span = Number.isNaN(ev) ? en : Number.isNaN(en) ? ev : Math.max(ev, en);
    const age = c.careerAgeDays[i]!;
    const known = Number.isNaN(age) ? span : Math.max(age, span);
    const history = Number.isNaN(known) ? 1 : 0.5 + 0.5 * Math.min(1, (known + 1) / model.stayingDays);
    out.confidence[i] = c.evidence[i]! * history;
  }
  return out;
}
