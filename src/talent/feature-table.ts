/**
 * @module talent/feature-table
 * Features of a whole population as columns (one Float64Array per feature, NaN for "no
 * evidence"): scoring a million artists reads flat arrays instead of a million objects.
 */
import type { ArtistFeatures } from './signals-types.js';

/** The numeric columns the scores read. */
export const FEATURE_COLUMNS = [
  'level',
  'engagementGrowth',
  'engagementAcceleration',
  'eventGrowth',
  'eventRecentGrowth',
  'eventDays',
  'eventPeak',
  'pressVelocity',
  'pressQuality',
  'newTastemakers',
  'newCollaborators',
  'connectivity',
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

/** A population's features, column by column. Row `i` of every column is the same artist. */
export interface FeatureTable {
  /** Rows. */
  readonly size: number;
  /** One array per column; NaN where the feature has no evidence. */
  readonly columns: Readonly<Record<FeatureColumn, Float64Array>>;
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

/** An empty table of `size` rows, every value NaN. */
export function createFeatureTable(size: number): FeatureTable {
  const columns = {} as Record<FeatureColumn, Float64Array>;
  for (const c of FEATURE_COLUMNS) columns[c] = new Float64Array(size).fill(Number.NaN);
  return { size, columns };
}

const num = (v: number | null): number => (v === null ? Number.NaN : v);

/** Writes one artist's features into row `i`. */
export function setFeatureRow(table: FeatureTable, i: number, f: ArtistFeatures): void {
  const c = table.columns;
  c.level[i] = num(f.activityLevel);
  c.engagementGrowth[i] = num(f.engagementGrowth);
  c.engagementAcceleration[i] = num(f.engagementAcceleration);
  c.eventGrowth[i] = num(f.eventGrowth);
  c.eventRecentGrowth[i] = num(f.eventRecentGrowth);
  c.eventDays[i] = num(f.eventDays);
  c.eventPeak[i] = num(f.eventPeak);
  c.pressVelocity[i] = num(f.pressVelocity);
  c.pressQuality[i] = num(f.pressQuality);
  c.newTastemakers[i] = num(f.newTastemakers);
  c.newCollaborators[i] = num(f.newCollaborators);
  c.connectivity[i] = num(f.connectivity);
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
}

/** A table holding these artists' features, in order. */
export function featureTable(features: readonly ArtistFeatures[]): FeatureTable {
  const table = createFeatureTable(features.length);
  features.forEach((f, i) => setFeatureRow(table, i, f));
  return table;
}
