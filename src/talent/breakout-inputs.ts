/**
 * @module talent/breakout-inputs
 * The breakout model's inputs for one row of a feature table: where the artist stands in the
 * as-of population (percentiles of activity, per source basis), how its standing moved, whether it
 * keeps showing up in the data's own cadence, how long it has been around, how far it reaches,
 * and the host's own features. `fillBreakoutInputs` fills them for one row (the single-artist
 * explanation); `breakoutLogits` computes the same inputs, in the same order and with the same
 * arithmetic, a block of rows and one input at a time for the population path, so an explanation
 * always adds up to the score. Pure.
 */
import { BREAKOUT_INPUTS, type BreakoutInput } from './breakout-model.js';
import type { ActivityBasis } from './activity.js';
import { STANDING_FIELDS, activityColumn, lifeSpanDays, type FeatureTable } from './feature-table.js';
import type { TalentModelConfig } from './model-config.js';
import { standingOf, standingsOf, type Distribution, type PopulationStats } from './population.js';

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
  presence_year: 'activity',
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
export const INPUT_INDEX: Readonly<Record<BreakoutInput, number>> = Object.freeze(
  Object.fromEntries(BREAKOUT_INPUTS.map((f, i) => [f, i])) as Record<BreakoutInput, number>,
);
const I = INPUT_INDEX;

/** The activity inputs: level, growth, acceleration, peak, staying power and recency. */
export const ACTIVITY_INPUT_COUNT = 10;

/** Pseudo-periods (at a 50% presence) added to staying power, so one sighting is not "always there". */
const STAYING_PRIOR_PERIODS = 2;

/**
 * The bend of `presence_year`'s scale: a share `x` of the year reads `log(1 + K x) / log(1 + K)`.
 * 52, the weeks of a year: on weekly data one week more of presence counts as `log` of the weeks
 * present, whatever the cadence the share was counted in.
 */
const YEAR_SHARE_BEND = 52;
const YEAR_DAYS = 365.25;

/** One source's view of the rows: its distributions, its columns, whether it ranks a row. */
interface BasisContext {
  /** `fusion` (engagement) or `rcf` (events), for explanations. */
  readonly source: 'fusion' | 'rcf';
  /** Distributions in {@link STANDING_FIELDS} order, or null (none fitted for this source). */
  readonly dists: readonly Distribution[] | null;
  /** Artists the distributions stand for. */
  readonly count: number;
  /** The table's standing columns of this source, in {@link STANDING_FIELDS} order. */
  readonly cols: readonly Float64Array[];
  /** Its `Now` column (present exactly when the artist has this source). */
  readonly now: Float64Array;
  /** Its distributions one by one (null without), for the hot loop. */
  readonly dNow: Distribution | null;
  readonly dRecent: Distribution | null;
  readonly dPrevious: Distribution | null;
  readonly dQuarter: Distribution | null;
  readonly dQuarterBefore: Distribution | null;
  readonly dPeak: Distribution | null;
  readonly recent: Float64Array;
  readonly previous: Float64Array;
  readonly quarter: Float64Array;
  readonly quarterBefore: Float64Array;
  readonly peak: Float64Array;
  readonly presentDays: Float64Array;
  readonly presentDaysYear: Float64Array;
  readonly observedSpan: Float64Array;
  readonly daysSinceLast: Float64Array;
  readonly medianGap: Float64Array;
  /** The population's cadence, days (engagement: 1). */
  readonly cadence: number;
}

/** What every row of one table is scored against: resolved once per table, read per row. */
export interface InputContext {
  /** Engagement first, then events (the order of the explanation's `raw` values). */
  readonly bases: readonly BasisContext[];
  /** Whether any distribution was fitted (else: the prior, before any population). */
  readonly fitted: boolean;
  /** A source ranks an artist only when this many artists have it (else the artist's other source does). */
  readonly minPeers: number;
  /** Host feature distributions, in the table's host order (null for a `raw` one or none fitted). */
  readonly host: readonly (Distribution | null)[];
  /** Staying power's window, days. */
  readonly stayingDays: number;
  /** The history window, days. */
  readonly historyDays: number;
  /** The "now" window, days. */
  readonly nowDays: number;
  /** The recent window, days. */
  readonly windowDays: number;
  /** Scratch for averaging several sources' readings (no allocation per row). */
  readonly sum: Float64Array;
  /** Scratch: how many readings each input had. */
  readonly count: Uint8Array;
}

/** Resolves the context of a table's rows. */
export function inputContext(table: FeatureTable, population: PopulationStats, model: TalentModelConfig): InputContext {
  const c = table.columns;
  const basis = (b: ActivityBasis): BasisContext => {
    const d = population.activity[b];
    return {
      source: b === 'events' ? 'rcf' : 'fusion',
      dists: d ? STANDING_FIELDS.map((f) => d[f]) : null,
      count: population.counts[b],
      cols: STANDING_FIELDS.map((f) => c[activityColumn(b, f)]),
      now: c[activityColumn(b, 'Now')],
      recent: c[activityColumn(b, 'Recent')],
      previous: c[activityColumn(b, 'Previous')],
      quarter: c[activityColumn(b, 'Quarter')],
      quarterBefore: c[activityColumn(b, 'QuarterBefore')],
      peak: c[activityColumn(b, 'Peak')],
      dNow: d ? d.Now : null,
      dRecent: d ? d.Recent : null,
      dPrevious: d ? d.Previous : null,
      dQuarter: d ? d.Quarter : null,
      dQuarterBefore: d ? d.QuarterBefore : null,
      dPeak: d ? d.Peak : null,
      presentDays: c[activityColumn(b, 'PresentDays')],
      presentDaysYear: c[activityColumn(b, 'PresentDaysYear')],
      observedSpan: c[activityColumn(b, 'ObservedSpanDays')],
      daysSinceLast: c[activityColumn(b, 'DaysSinceLast')],
      medianGap: c[activityColumn(b, 'MedianGapDays')],
      cadence: population.cadenceDays[b],
    };
  };
  return {
    bases: [basis('engagement'), basis('events')],
    fitted: population.activity.events !== null || population.activity.engagement !== null,
    minPeers: model.minBandPeers,
    host: table.hostSpecs.map((h) => (h.scale === 'raw' ? null : (population.host.get(h.name) ?? null))),
    stayingDays: model.stayingDays,
    historyDays: model.historyDays,
    nowDays: model.nowDays,
    windowDays: model.windowDays,
    sum: new Float64Array(ACTIVITY_INPUT_COUNT),
    count: new Uint8Array(ACTIVITY_INPUT_COUNT),
  };
}

/** Standing of `v` in distribution `d`, or NaN without one. */
const stand = (d: Distribution | null | undefined, v: number): number => (d ? standingOf(d, v) : Number.NaN);

const S_NOW = 0;
const S_RECENT = 1;
const S_PREVIOUS = 2;
const S_QUARTER = 3;
const S_QUARTER_BEFORE = 4;
const S_PEAK = 5;

/**
 * Which sources read row `i`'s activity: those it has whose population holds at least
 * `minPeers` artists (an artist is never ranked among too few), else every source it has. A bit
 * per entry of `ctx.bases`; 0 without activity evidence.
 */
export function activityBases(_table: FeatureTable, i: number, ctx: InputContext): number {
  let has = 0;
  let ranked = 0;
  const bases = ctx.bases;
  for (let k = 0; k < bases.length; k++) {
    const b = bases[k]!;
    const v = b.now[i]!;
    if (Number.isNaN(v)) continue;
    has |= 1 << k;
    if (b.count >= ctx.minPeers) ranked |= 1 << k;
  }
  return ranked || has;
}

/** The sources an explanation names for row `i`'s activity inputs (`fusion`, `rcf`, `fusion+rcf`), or null. */
export function activitySources(table: FeatureTable, i: number, ctx: InputContext): string | null {
  const mask = activityBases(table, i, ctx);
  const names = ctx.bases.filter((_, k) => mask & (1 << k)).map((b) => b.source);
  return names.length ? names.join('+') : null;
}

/** Staying power: presence over the periods the artist could have been present in (`lifeDays`), shrunk to 50% by two periods. */
function stayingPower(present: number, lifeDays: number, cadence: number): number {
  const expected = Math.max(1, lifeDays / cadence);
  return Math.min(1, (present + STAYING_PRIOR_PERIODS / 2) / (expected + STAYING_PRIOR_PERIODS));
}

/**
 * How much of the year the artist was present: the share of the year's periods it was present in,
 * on a concave scale (`log(1 + K x share) / log(1 + K)`, {@link YEAR_SHARE_BEND}), so a few periods
 * out of none count more than a few more out of many. Counted over the whole year, not the
 * artist's life: four weeks out of four is a month's presence, not a year's. The same share reads
 * the same at any cadence.
 */
function yearShare(present: number, days: number, cadence: number): number {
  const share = Math.min(1, present / Math.max(1, days / cadence));
  return Math.log1p(YEAR_SHARE_BEND * share) / Math.log1p(YEAR_SHARE_BEND);
}

/** log(1 + x), NaN for NaN without the slow path. */
const log1p = (x: number): number => (Number.isNaN(x) ? Number.NaN : Math.log1p(x));

/** The activity inputs (level, growth, acceleration, peak, staying power, recency), in input order. */
const ACTIVITY_INPUTS = [
  I.level_now,
  I.level_month,
  I.growth_month,
  I.growth_quarter,
  I.acceleration,
  I.peak,
  I.staying_power,
  I.staying_year,
  I.presence_year,
  I.recency,
] as const;

/**
 * The period presence is counted in for row `i` as source `b` reads it, days: the population's
 * cadence once fitted; before any population, the artist's own median gap (else daily). Daily for
 * engagement.
 */
function cadenceOf(b: BasisContext, i: number, ctx: InputContext): number {
  if (b.source === 'fusion') return 1;
  if (ctx.fitted) return b.cadence;
  const own = b.medianGap[i]!;
  return Number.isNaN(own) ? 1 : Math.min(28, Math.max(1, Math.round(own)));
}

/** Row `i`'s activity inputs as one source reads them, into `into` (9 values, {@link ACTIVITY_INPUTS} order). */
function basisInputs(table: FeatureTable, i: number, b: BasisContext, ctx: InputContext, into: Float64Array): void {
  const now = stand(b.dNow, b.now[i]!);
  const month = stand(b.dRecent, b.recent[i]!);
  const growth = month - stand(b.dPrevious, b.previous[i]!);
  into[0] = now;
  into[1] = month;
  into[2] = growth;
  into[3] = stand(b.dQuarter, b.quarter[i]!) - stand(b.dQuarterBefore, b.quarterBefore[i]!);
  // Standings share one scale whatever the window: this week above the month, beyond the month's
  // own rise over the month before, is a rise that is speeding up.
  into[4] = now - month - growth;
  into[5] = stand(b.dPeak, b.peak[i]!);
  // Presence is counted in the data's own periods.
  const cadence = cadenceOf(b, i, ctx);
  const life = lifeSpanDays(table, i, ctx.historyDays, b.observedSpan[i]!);
  into[6] = stayingPower(b.presentDays[i]!, Math.min(ctx.stayingDays, life), cadence);
  into[7] = stayingPower(b.presentDaysYear[i]!, life, cadence);
  into[8] = yearShare(b.presentDaysYear[i]!, ctx.historyDays, cadence);
  const since = b.daysSinceLast[i]!;
  into[9] = Number.isNaN(since) ? 0 : 1 / (1 + since / cadence);
}

/**
 * Fills `out` with the normalised inputs of row `i` (NaN: no value, the input adds nothing),
 * built-in inputs in {@link BREAKOUT_INPUTS} order, then one per host feature in `table.hostSpecs`
 * order (a standing within the population, or the value itself for a `raw` one). The activity
 * inputs are the mean of each source's reading ({@link activityBases}); `scratch` (9 values) holds
 * one source's. With `raw`, also each input's raw value in its own unit (the first source's for
 * activity; docs/scoring.md). No allocation. The population path computes the same values, in
 * blocks of rows ({@link breakoutLogits}).
 */
export function fillBreakoutInputs(
  table: FeatureTable,
  i: number,
  ctx: InputContext,
  scratch: Float64Array,
  out: Float64Array,
  raw?: Float64Array,
): void {
  const c = table.columns;
  const mask = activityBases(table, i, ctx);
  let first: BasisContext | null = null;
  if (mask === (mask & -mask)) {
    // One source (the common case): its reading as it is.
    for (let k = 0; k < ctx.bases.length; k++) {
      if (!(mask & (1 << k))) continue;
      first = ctx.bases[k]!;
      basisInputs(table, i, first, ctx, scratch);
      for (let a = 0; a < ACTIVITY_INPUTS.length; a++) out[ACTIVITY_INPUTS[a]!] = scratch[a]!;
    }
    if (first === null) for (let a = 0; a < ACTIVITY_INPUTS.length; a++) out[ACTIVITY_INPUTS[a]!] = Number.NaN;
  } else {
    // Several: each input is the mean of the readings that have a value (a source without a
    // distribution yet reads no standing, and must not blank the others').
    const { sum, count } = ctx;
    sum.fill(0);
    count.fill(0);
    for (let k = 0; k < ctx.bases.length; k++) {
      if (!(mask & (1 << k))) continue;
      const b = ctx.bases[k]!;
      first ??= b;
      basisInputs(table, i, b, ctx, scratch);
      for (let a = 0; a < ACTIVITY_INPUTS.length; a++) {
        const v = scratch[a]!;
        if (!Number.isNaN(v)) {
          sum[a]! += v;
          count[a]!++;
        }
      }
    }
    for (let a = 0; a < ACTIVITY_INPUTS.length; a++)
      out[ACTIVITY_INPUTS[a]!] = count[a] ? sum[a]! / count[a]! : Number.NaN;
  }

  const age = c.careerAgeDays[i]!;
  for (let k = ACTIVITY_INPUT_COUNT; k < BREAKOUT_INPUTS.length; k++) out[k] = otherInput(table, k, i);

  const specs = table.hostSpecs;
  for (let h = 0; h < specs.length; h++) {
    const v = table.host.get(specs[h]!.name)![i]!;
    out[BREAKOUT_INPUTS.length + h] = specs[h]!.scale === 'raw' ? v : stand(ctx.host[h], v);
  }

  if (raw) {
    const b = first;
    const col = (k: number): number => (b ? b.cols[k]![i]! : Number.NaN);
    raw[I.level_now] = col(S_NOW);
    raw[I.level_month] = col(S_RECENT);
    raw[I.growth_month] = col(S_RECENT) - col(S_PREVIOUS);
    raw[I.growth_quarter] = col(S_QUARTER) - col(S_QUARTER_BEFORE);
    // This week against the month's average week, in the source's units.
    raw[I.acceleration] = col(S_NOW) - (col(S_RECENT) * ctx.nowDays) / ctx.windowDays;
    raw[I.peak] = col(S_PEAK);
    raw[I.staying_power] = b ? b.presentDays[i]! : Number.NaN;
    raw[I.staying_year] = b ? b.presentDaysYear[i]! : Number.NaN;
    raw[I.presence_year] = b ? b.presentDaysYear[i]! : Number.NaN;
    raw[I.recency] = b ? b.daysSinceLast[i]! : Number.NaN;
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

/**
 * Built-in input `k` of row `i` that is not an activity input (career age, breadth, spread, new
 * collaborators, new tastemakers, press, scene heat), normalised; NaN: no value.
 */
function otherInput(table: FeatureTable, k: number, i: number): number {
  const c = table.columns;
  switch (k) {
    case I.career_age:
      return log1p(c.careerAgeDays[i]! / YEAR_DAYS);
    case I.breadth:
      return log1p(c.regions[i]!);
    case I.spread:
      return log1p(c.newRegions[i]!);
    case I.new_collaborators:
      return log1p(c.newCollaborators[i]!);
    case I.new_tastemakers: {
      const t = c.newTastemakers[i]!;
      return Number.isNaN(t) ? Number.NaN : 1 - Math.exp(-t);
    }
    case I.press: {
      const v = c.pressVelocity[i]!;
      return Number.isNaN(v) ? Number.NaN : c.pressQuality[i]! * (1 - Math.exp(-v));
    }
    case I.scene_heat: {
      const conf = c.sceneConfidence[i]!;
      return (c.sceneHeat[i]! / 100) * (Number.isNaN(conf) ? 1 : conf);
    }
    default:
      return Number.NaN;
  }
}

/** Position of each input in {@link ACTIVITY_INPUTS} (-1: not an activity input), by input index. */
const ACTIVITY_POSITION: readonly number[] = BREAKOUT_INPUTS.map((_, k) =>
  ACTIVITY_INPUTS.indexOf(k as (typeof ACTIVITY_INPUTS)[number]),
);

/**
 * Rows per block of the population path: its scratch (about 140 KB) stays in cache (blocks of
 * 4,096 and 16,384 rows measured no faster).
 */
export const INPUT_BLOCK_ROWS = 1024;

/** Scratch space of {@link breakoutLogits}: one block of rows, allocated once per table. */
export interface InputBlock {
  /** Each row's {@link activityBases} mask. */
  readonly mask: Uint8Array;
  /** Standings of the block's rows, per source ({@link InputContext}'s `bases` order) and standing field. */
  readonly standings: ReadonlyArray<readonly Float64Array[]>;
  /** One input's reading of the block's rows, per source. */
  readonly readings: readonly Float64Array[];
  /** Per source, the block's rows it reads (index in the block), in order; `read[source]` of them. */
  readonly rows: readonly Int32Array[];
  /** Per source, how many of the block's rows it reads. */
  readonly read: Int32Array;
  /** A host feature's standings of the block's rows. */
  readonly host: Float64Array;
  /**
   * `log1p` of whole numbers, computed once each (NaN: not yet) for the inputs read from counts:
   * career age (`log1p(days / 365.25)`, a day count) and new collaborators (`log1p(count)`). The
   * same doubles as computing them, for a table lookup instead of a logarithm per row.
   */
  readonly log1pOf: Readonly<Partial<Record<number, Float64Array>>>;
}

/** Whole numbers below this many days (about 45 years) have their career age memoised. */
const MEMO_CAREER_DAYS = 16_384;
/** Counts of new collaborators below this have their input memoised. */
const MEMO_COUNT = 1024;

/** Scratch for blocks of up to `rows` rows, for {@link breakoutLogits}. */
export function inputBlock(ctx: InputContext, rows: number = INPUT_BLOCK_ROWS): InputBlock {
  return {
    mask: new Uint8Array(rows),
    standings: ctx.bases.map(() => STANDING_FIELDS.map(() => new Float64Array(rows))),
    readings: ctx.bases.map(() => new Float64Array(rows)),
    rows: ctx.bases.map(() => new Int32Array(rows)),
    read: new Int32Array(ctx.bases.length),
    host: new Float64Array(rows),
    log1pOf: {
      [I.career_age]: new Float64Array(MEMO_CAREER_DAYS).fill(Number.NaN),
      [I.new_collaborators]: new Float64Array(MEMO_COUNT).fill(Number.NaN),
    },
  };
}

/**
 * {@link otherInput} `k` (career age or new collaborators) of row `i` through the block's memo:
 * for a whole number from 1 up to the memo's size, the logarithm computed the first time (the same
 * expression, so the same double); anything else (a fraction, 0 or -0, NaN, a larger number) as
 * computed.
 */
function memoisedInput(table: FeatureTable, k: number, i: number, memo: Float64Array): number {
  const v = k === I.career_age ? table.columns.careerAgeDays[i]! : table.columns.newCollaborators[i]!;
  if (!(v >= 1 && v < memo.length && Math.floor(v) === v)) return otherInput(table, k, i);
  let x = memo[v]!;
  if (Number.isNaN(x)) {
    x = otherInput(table, k, i);
    memo[v] = x;
  }
  return x;
}

/**
 * Activity input `a` ({@link ACTIVITY_INPUTS} order) of rows `from` to `to - 1` as source `b` reads
 * them, from the block's standings `st` (that source's six): the arithmetic of `basisInputs`, one
 * input at a time. Presence and recency are computed only for the rows the source reads
 * (`rows[0]` to `rows[read - 1]`) when they are fewer than half the block (a source most artists
 * lack); other entries are left as they were, and never read. Returns the array holding them (a
 * standing itself, or `out`).
 */
function blockReading(
  table: FeatureTable,
  a: number,
  b: BasisContext,
  st: readonly Float64Array[],
  ctx: InputContext,
  from: number,
  to: number,
  rows: Int32Array,
  read: number,
  out: Float64Array,
): Float64Array {
  const n = to - from;
  const sparse = 2 * read < n;
  const count = sparse ? read : n;
  switch (a) {
    case 0:
      return st[S_NOW]!;
    case 1:
      return st[S_RECENT]!;
    case 2: {
      const month = st[S_RECENT]!;
      const previous = st[S_PREVIOUS]!;
      for (let j = 0; j < n; j++) out[j] = month[j]! - previous[j]!;
      return out;
    }
    case 3: {
      const quarter = st[S_QUARTER]!;
      const before = st[S_QUARTER_BEFORE]!;
      for (let j = 0; j < n; j++) out[j] = quarter[j]! - before[j]!;
      return out;
    }
    case 4: {
      const now = st[S_NOW]!;
      const month = st[S_RECENT]!;
      const previous = st[S_PREVIOUS]!;
      for (let j = 0; j < n; j++) {
        const m = month[j]!;
        out[j] = now[j]! - m - (m - previous[j]!);
      }
      return out;
    }
    case 5:
      return st[S_PEAK]!;
    case 6:
    case 7: {
      const present = a === 6 ? b.presentDays : b.presentDaysYear;
      const window = a === 6 ? ctx.stayingDays : Number.POSITIVE_INFINITY;
      for (let t = 0; t < count; t++) {
        const j = sparse ? rows[t]! : t;
        const i = from + j;
        const life = lifeSpanDays(table, i, ctx.historyDays, b.observedSpan[i]!);
        // Math.min(Infinity, life) is life: staying_year's window is the life itself.
        out[j] = stayingPower(present[i]!, Math.min(window, life), cadenceOf(b, i, ctx));
      }
      return out;
    }
    case 8:
      for (let t = 0; t < count; t++) {
        const j = sparse ? rows[t]! : t;
        const i = from + j;
        out[j] = yearShare(b.presentDaysYear[i]!, ctx.historyDays, cadenceOf(b, i, ctx));
      }
      return out;
    default:
      for (let t = 0; t < count; t++) {
        const j = sparse ? rows[t]! : t;
        const i = from + j;
        const since = b.daysSinceLast[i]!;
        out[j] = Number.isNaN(since) ? 0 : 1 / (1 + since / cadenceOf(b, i, ctx));
      }
      return out;
  }
}

/** Which standing fields ({@link STANDING_FIELDS} order) the weighted activity inputs read. */
function neededStandings(weights: Float64Array): boolean[] {
  const w = (k: number): boolean => weights[k] !== 0;
  return [
    w(I.level_now) || w(I.acceleration),
    w(I.level_month) || w(I.growth_month) || w(I.acceleration),
    w(I.growth_month) || w(I.acceleration),
    w(I.growth_quarter),
    w(I.growth_quarter),
    w(I.peak),
  ];
}

/**
 * The breakout log-odds of rows `from` to `to - 1` (at most the block's size) into `logit`
 * (index `i - from`): NaN for a row without activity evidence, else `intercept` plus
 * `weights[k] x (x - centers[k])` for each input `k` the model weighs and the row has a value of,
 * in {@link fillBreakoutInputs}' order. The same inputs as {@link fillBreakoutInputs}, added in
 * the same order (so the same doubles), computed one input at a time over the block: each
 * distribution is searched for the whole block at once, and an input of weight 0 is not computed.
 */
export function breakoutLogits(
  table: FeatureTable,
  from: number,
  to: number,
  ctx: InputContext,
  terms: InputTerms & { readonly intercept: number },
  block: InputBlock,
  logit: Float64Array,
): void {
  const n = to - from;
  const { mask, standings, readings } = block;
  const { weights, centers, intercept } = terms;
  const bases = ctx.bases;
  // Which sources read each row; which sources any row of the block uses; each source's rows.
  const { rows, read } = block;
  read.fill(0);
  let seen = 0;
  for (let j = 0; j < n; j++) {
    const m = activityBases(table, from + j, ctx);
    mask[j] = m;
    seen |= m;
    logit[j] = m === 0 ? Number.NaN : intercept;
    for (let s = 0; s < bases.length; s++) {
      const list = rows[s]!;
      const at = read[s]!;
      list[at] = j;
      read[s] = at + ((m >> s) & 1);
    }
  }
  if (seen === 0) return;
  const needed = neededStandings(weights);
  for (let k = 0; k < bases.length; k++) {
    if (!(seen & (1 << k))) continue;
    const b = bases[k]!;
    for (let f = 0; f < STANDING_FIELDS.length; f++) {
      if (!needed[f]) continue;
      const out = standings[k]![f]!;
      const d = b.dists?.[f];
      if (d) standingsOf(d, b.cols[f]!, from, to, out);
      else out.fill(Number.NaN, 0, n);
    }
  }
  const specs = table.hostSpecs;
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k]!;
    if (w === 0) continue;
    const center = centers[k]!;
    const a = ACTIVITY_POSITION[k] ?? -1;
    if (a >= 0) {
      // One reading per source; a row read by one source takes its reading as it is, a row read
      // by several the mean of those with a value (as fillBreakoutInputs does).
      const r: Float64Array[] = [];
      for (let s = 0; s < bases.length; s++)
        r.push(
          seen & (1 << s)
            ? blockReading(table, a, bases[s]!, standings[s]!, ctx, from, to, rows[s]!, read[s]!, readings[s]!)
            : readings[s]!,
        );
      for (let j = 0; j < n; j++) {
        const m = mask[j]!;
        if (m === 0) continue;
        let x: number;
        if (m === (m & -m)) x = r[31 - Math.clz32(m)]![j]!;
        else {
          let sum = 0;
          let count = 0;
          for (let s = 0; s < r.length; s++) {
            if (!(m & (1 << s))) continue;
            const v = r[s]![j]!;
            if (!Number.isNaN(v)) {
              sum += v;
              count++;
            }
          }
          x = count ? sum / count : Number.NaN;
        }
        if (!Number.isNaN(x)) logit[j]! += w * (x - center);
      }
    } else if (k < BREAKOUT_INPUTS.length) {
      const memo = block.log1pOf[k];
      for (let j = 0; j < n; j++) {
        if (mask[j] === 0) continue;
        const x = memo ? memoisedInput(table, k, from + j, memo) : otherInput(table, k, from + j);
        if (!Number.isNaN(x)) logit[j]! += w * (x - center);
      }
    } else {
      const h = k - BREAKOUT_INPUTS.length;
      const col = table.host.get(specs[h]!.name)!;
      let xs: Float64Array = col.subarray(from, to);
      if (specs[h]!.scale !== 'raw') {
        const d = ctx.host[h];
        if (!d) continue;
        standingsOf(d, col, from, to, block.host);
        xs = block.host;
      }
      for (let j = 0; j < n; j++) {
        const x = xs[j]!;
        if (mask[j] !== 0 && !Number.isNaN(x)) logit[j]! += w * (x - center);
      }
    }
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
