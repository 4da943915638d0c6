/**
 * @module talent/feature-table
 * Features of a whole population as columns (one Float64Array per feature, NaN for "no
 * evidence"): scoring a million artists reads flat arrays instead of a million objects.
 */
import type { HostFeatureSpec } from './host-features.js';
import type { ArtistFeatures } from './signals-types.js';

/** The numeric columns the scores read. */
export const FEATURE_COLUMNS = [
  'level',
  'levelFromEvents',
  'engagementGrowth',
  'engagementAcceleration',
  'eventGrowth',
  'declineGrowth',
  'evNow',
  'evRecent',
  'evPrevious',
  'evQuarter',
  'evQuarterBefore',
  'evPeak',
  'evPresentDays',
  'evPresentDaysYear',
  'evObservedSpanDays',
  'evDaysSinceLast',
  'evMedianGapDays',
  'enNow',
  'enRecent',
  'enPrevious',
  'enQuarter',
  'enQuarterBefore',
  'enPeak',
  'enPresentDays',
  'enPresentDaysYear',
  'enObservedSpanDays',
  'enDaysSinceLast',
  'enMedianGapDays',
  'regions',
  'newRegions',
  'pressVelocity',
  'pressQuality',
  'newTastemakers',
  'newCollaborators',
  'careerAgeDays',
  'sceneHeat',
  'sceneConfidence',
  'coherence',
  'drift',
  'paidShare',
  'anomaly',
  'staleDays',
  'evidence',
] as const;
/** A numeric column. */
export type FeatureColumn = (typeof FEATURE_COLUMNS)[number];

/** The activity profile fields held in columns (each basis has its own copy: `ev*`, `en*`). */
export const ACTIVITY_FIELDS = {
  /** Activity over the last `nowDays` days. */
  Now: 'now',
  /** Activity over the last `windowDays` days. */
  Recent: 'recent',
  /** Activity over the `windowDays` days before those. */
  Previous: 'previous',
  /** Activity over the last `quarterDays` days. */
  Quarter: 'quarter',
  /** Activity over the `quarterDays` days before those. */
  QuarterBefore: 'quarterBefore',
  /** Largest single-day activity over the last `historyDays` days. */
  Peak: 'peak',
  /** Distinct days with activity in the last `stayingDays` days. */
  PresentDays: 'presentDays',
  /** Distinct days with activity in the last `historyDays` days. */
  PresentDaysYear: 'presentDaysYear',
  /** Days back to the earliest day the source showed in the history. */
  ObservedSpanDays: 'observedSpanDays',
  /** Days since the most recent day with activity. */
  DaysSinceLast: 'daysSinceLast',
  /** Median gap, in days, between consecutive days with events. */
  MedianGapDays: 'medianGapDays',
} as const;
/** An activity field's column suffix. */
export type ActivityField = keyof typeof ACTIVITY_FIELDS;

/** The activity fields that become standings within the population (percentiles of activity). */
export const STANDING_FIELDS = [
  'Now',
  'Recent',
  'Previous',
  'Quarter',
  'QuarterBefore',
  'Peak',
] as const satisfies readonly ActivityField[];
/** A standing field. */
export type StandingField = (typeof STANDING_FIELDS)[number];

/** Column prefix of each activity basis. */
export const BASIS_PREFIX = {
  /** RCF events. */
  events: 'ev',
  /** Fusion engagement. */
  engagement: 'en',
} as const;

/** The column of `field` for `basis` (`evNow`, `enPeak`...). */
export const activityColumn = (basis: keyof typeof BASIS_PREFIX, field: ActivityField): FeatureColumn =>
  `${BASIS_PREFIX[basis]}${field}`;

/** A population's features, column by column. Row `i` of every column is the same artist. */
export interface FeatureTable {
  /** Rows. */
  readonly size: number;
  /** One array per column; NaN where the feature has no evidence. */
  readonly columns: Readonly<Record<FeatureColumn, Float64Array>>;
  /** One array per host feature, by name; NaN where the artist has no value. */
  readonly host: ReadonlyMap<string, Float64Array>;
  /** The host features' descriptions, in the order of `host`. */
  readonly hostSpecs: readonly HostFeatureSpec[];
}

/**
 * Days of row `i`'s life within the last `days` days, as one source saw it (`observedSpan`: days
 * back to the first day that source showed): since its debut when the graph knows it, else since
 * that first day (never more than `days`).
 */
export function lifeSpanDays(table: FeatureTable, i: number, days: number, observedSpan: number): number {
  const age = table.columns.careerAgeDays[i]!;
  const span = Number.isNaN(age) ? observedSpan : Math.max(Math.floor(age), observedSpan);
  return Math.min(days, span + 1);
}

/** Whether row `i` has activity evidence from any source. */
export const hasActivity = (table: FeatureTable, i: number): boolean =>
  !Number.isNaN(table.columns.evNow[i]) || !Number.isNaN(table.columns.enNow[i]);

/** Largest absolute host feature value a table holds (larger ones are clamped). */
export const MAX_HOST_VALUE = 1e12;

/** Weights of each source in `evidence` (the confidence of a score): they sum to 1. */
export const EVIDENCE_WEIGHTS = {
  /** Engagement and campaigns. */
  fusion: 0.3,
  /** Real-time events. */
  rcf: 0.15,
  /** Artist record and network. */
  mig: 0.15,
  /** Press. */
  coverage: 0.1,
  /** Release fingerprints. */
  cmg: 0.1,
  /** Identity coherence. */
  identityKernel: 0.1,
  /** Scene memberships. */
  scenes: 0.1,
} as const;

/** An empty table of `size` rows, every value NaN, with a column for each host feature. */
export function createFeatureTable(size: number, hostSpecs: readonly HostFeatureSpec[] = []): FeatureTable {
  // Built in one step: an object given its 41 columns one keyed store at a time is a dictionary in
  // V8, and each column read in the scoring loops a hash lookup (scoring 1.2x slower, measured).
  const columns = Object.fromEntries(
    FEATURE_COLUMNS.map((c) => [c, new Float64Array(size).fill(Number.NaN)]),
  ) as Record<FeatureColumn, Float64Array>;
  return {
    size,
    columns,
    host: new Map(hostSpecs.map((h) => [h.name, new Float64Array(size).fill(Number.NaN)])),
    hostSpecs: [...hostSpecs],
  };
}

const num = (v: number | null): number => (v === null ? Number.NaN : v);

/** Per basis, each activity field's column and profile key, listed once (not per row). */
const ACTIVITY_COLUMNS = (['events', 'engagement'] as const).map(
  (basis) =>
    [
      basis,
      (Object.entries(ACTIVITY_FIELDS) as [ActivityField, (typeof ACTIVITY_FIELDS)[ActivityField]][]).map(
        ([field, key]) => [activityColumn(basis, field), key] as const,
      ),
    ] as const,
);
/** The evidence weights, in their order (the sum runs in it). */
const EVIDENCE_ENTRIES = Object.entries(EVIDENCE_WEIGHTS) as [keyof typeof EVIDENCE_WEIGHTS, number][];

/** Writes one artist's features into row `i`. */
export function setFeatureRow(table: FeatureTable, i: number, f: ArtistFeatures): void {
  const c = table.columns;
  c.level[i] = num(f.activityLevel);
  // 1 when the level is event weight per day (in the host's units): momentum sizes it by standing.
  c.levelFromEvents[i] = f.activityBasis === 'events' ? 1 : 0;
  c.engagementGrowth[i] = num(f.engagementGrowth);
  c.engagementAcceleration[i] = num(f.engagementAcceleration);
  c.eventGrowth[i] = num(f.eventGrowth);
  c.declineGrowth[i] = num(f.declineGrowth);
  for (const [basis, fields] of ACTIVITY_COLUMNS) {
    const a = f.activity[basis];
    for (const [column, key] of fields) c[column][i] = a ? num(a[key]) : Number.NaN;
  }
  c.regions[i] = num(f.regions);
  c.newRegions[i] = num(f.newRegions);
  c.pressVelocity[i] = num(f.pressVelocity);
  c.pressQuality[i] = num(f.pressQuality);
  c.newTastemakers[i] = num(f.newTastemakers);
  c.newCollaborators[i] = num(f.newCollaborators);
  c.careerAgeDays[i] = num(f.careerAgeDays);
  c.sceneHeat[i] = num(f.sceneHeat);
  c.sceneConfidence[i] = num(f.sceneConfidence);
  c.coherence[i] = num(f.coherence);
  c.drift[i] = num(f.drift);
  c.paidShare[i] = num(f.paidShare);
  c.anomaly[i] = num(f.anomaly);
  c.staleDays[i] = num(f.staleDays);
  // In hundredths (the weights are), so every source answering sums to 1 exactly, not 0.9999999999999999.
  let evidence = 0;
  for (const [source, w] of EVIDENCE_ENTRIES) if (f.evidence[source]) evidence += Math.round(w * 100);
  c.evidence[i] = evidence / 100;
  for (const [name, col] of table.host) {
    const h = f.host[name];
    // Clamped so that no weight x value overflows (a model's weights and centres are at most 1e12).
    col[i] =
      h?.status === 'ok' && h.value !== null && Number.isFinite(h.value)
        ? Math.max(-MAX_HOST_VALUE, Math.min(MAX_HOST_VALUE, h.value))
        : Number.NaN;
  }
}

/** A table holding these artists' features, in order (with a column per host feature). */
export function featureTable(
  features: readonly ArtistFeatures[],
  hostSpecs: readonly HostFeatureSpec[] = [],
): FeatureTable {
  const table = createFeatureTable(features.length, hostSpecs);
  for (const [i, f] of features.entries()) setFeatureRow(table, i, f);
  return table;
}
