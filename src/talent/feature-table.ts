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
  'engagementGrowth',
  'engagementAcceleration',
  'eventGrowth',
  'basis',
  'actNow',
  'actRecent',
  'actPrevious',
  'actQuarter',
  'actQuarterBefore',
  'actPeak',
  'presentDays',
  'presentDaysYear',
  'observedSpanDays',
  'daysSinceLast',
  'medianGapDays',
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

/** The activity columns that become percentiles, with the profile field each holds. */
export const ACTIVITY_COLUMNS = {
  actNow: 'now',
  actRecent: 'recent',
  actPrevious: 'previous',
  actQuarter: 'quarter',
  actQuarterBefore: 'quarterBefore',
  actPeak: 'peak',
} as const;
/** An activity column. */
export type ActivityColumn = keyof typeof ACTIVITY_COLUMNS;

/** Code of each activity basis in the `basis` column (NaN: no activity evidence). */
export const BASIS_CODE = { events: 1, engagement: 2 } as const;

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
 * Days of row `i`'s life within the last `days` days: since its debut when the graph knows it,
 * else since the first day its activity source showed (never more than `days`).
 */
export function lifeSpanDays(table: FeatureTable, i: number, days: number): number {
  const c = table.columns;
  const age = c.careerAgeDays[i]!;
  const span = Number.isNaN(age) ? c.observedSpanDays[i]! : Math.max(Math.floor(age), c.observedSpanDays[i]!);
  return Math.min(days, span + 1);
}

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
  const columns = {} as Record<FeatureColumn, Float64Array>;
  for (const c of FEATURE_COLUMNS) columns[c] = new Float64Array(size).fill(Number.NaN);
  return { size, columns, host: new Map(hostSpecs.map((h) => [h.name, new Float64Array(size).fill(Number.NaN)])), hostSpecs: [...hostSpecs] };
}

const num = (v: number | null): number => (v === null ? Number.NaN : v);

/** Writes one artist's features into row `i`. */
export function setFeatureRow(table: FeatureTable, i: number, f: ArtistFeatures): void {
  const c = table.columns;
  c.level[i] = num(f.activityLevel);
  c.engagementGrowth[i] = num(f.engagementGrowth);
  c.engagementAcceleration[i] = num(f.engagementAcceleration);
  c.eventGrowth[i] = num(f.eventGrowth);
  const a = f.activity;
  c.basis[i] = a ? BASIS_CODE[a.basis] : Number.NaN;
  for (const [col, field] of Object.entries(ACTIVITY_COLUMNS) as [ActivityColumn, (typeof ACTIVITY_COLUMNS)[ActivityColumn]][]) c[col][i] = a ? a[field] : Number.NaN;
  c.presentDays[i] = a ? a.presentDays : Number.NaN;
  c.presentDaysYear[i] = a ? a.presentDaysYear : Number.NaN;
  c.observedSpanDays[i] = a ? a.observedSpanDays : Number.NaN;
  c.daysSinceLast[i] = num(a?.daysSinceLast ?? null);
  c.medianGapDays[i] = num(a?.medianGapDays ?? null);
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
  let evidence = 0;
  for (const [source, w] of Object.entries(EVIDENCE_WEIGHTS)) if (f.evidence[source as keyof typeof EVIDENCE_WEIGHTS]) evidence += w;
  c.evidence[i] = evidence;
  for (const [name, col] of table.host) {
    const h = f.host[name];
    col[i] = h?.status === 'ok' && h.value !== null && Number.isFinite(h.value) ? h.value : Number.NaN;
  }
}

/** A table holding these artists' features, in order (with a column per host feature). */
export function featureTable(features: readonly ArtistFeatures[], hostSpecs: readonly HostFeatureSpec[] = []): FeatureTable {
  const table = createFeatureTable(features.length, hostSpecs);
  features.forEach((f, i) => setFeatureRow(table, i, f));
  return table;
}
