/**
 * @module talent/workspace
 * Recommendations for a workspace (a label, an A&R team): tracked artists off its roster ranked by
 * fit (followed scenes, microgenres, regions) x quality (breakout, momentum, low risk). The
 * workspace comes from the host's workspace source, never from A&R Radar.
 */
import { topK } from '../core/features/stats.js';
import type { Workspace } from '../contracts/payloads.js';
import { regionKey } from '../core/region.js';
import type { TalentArtistRow } from '../stores/tables.js';

/** Weights of the recommendation score. */
const FIT = { scene: 0.6, microgenres: 0.4 };

const QUALITY = { breakout: 0.5, momentum: 0.3, safety: 0.2 };

/** One ranked candidate. */
export interface RankedCandidate {
  /** The record. */
  readonly row: Readonly<TalentArtistRow>;
  /** Score, 0-1. */
  readonly score: number;
  /** Why. */
  readonly reasons: string[];
}

/**
 * The regions a workspace names, as ranking compares them: without case or surrounding spaces
 * (`UK` is `uk`, MIG's lowercase code); the placeholder `unknown` or an empty code names no region.
 * Empty: no artist is outside the workspace's regions, and no home region needs reading.
 * @example
 * ```ts
 * workspaceRegions({ ...ws, regions: [' UK', 'unknown'] }); // Set { 'uk' }
 * ```
 */
export function workspaceRegions(ws: Pick<Workspace, 'regions'>): ReadonlySet<string> {
  return new Set(ws.regions.map(regionKey).filter((r): r is string => r !== undefined));
}

/**
 * Ranks tracked artists for a workspace without sorting them all (top-K). `regionOf` gives an
 * artist's home region when known; artists outside the workspace's regions score 0.7x.
 */
export function rankForWorkspace(
  rows: Iterable<Readonly<TalentArtistRow>>,
  ws: Workspace,
  limit: number,
  regionOf: (slug: string) => string | undefined,
  thresholds: { readonly breakoutMedium: number; readonly momentumRising: number } = {
    breakoutMedium: 0.4,
    momentumRising: 70,
  },
): RankedCandidate[] {
  const roster = new Set(ws.roster);
  const scenes = new Set(ws.scenes);
  const genres = new Set(ws.microgenres);
  // The placeholder `unknown` or an empty code names no region: not a filter every known artist fails.
  const regions = workspaceRegions(ws);
  const scored: RankedCandidate[] = [];
  for (const row of rows) {
    if (roster.has(row.artist_slug)) continue;
    const inScene = row.scene_slug !== null && scenes.has(row.scene_slug);
    // Distinct microgenres: one named twice on the record is one of the artist's microgenres.
    const mine = new Set(row.microgenres);
    const sharedGenres = [...mine].filter((g) => genres.has(g));
    const fit = FIT.scene * (inScene ? 1 : 0) + FIT.microgenres * (mine.size ? sharedGenres.length / mine.size : 0);
    if (fit === 0) continue;
    // Only a region that is known counts against the artist: the placeholder of a source without one is not.
    const region = regionKey(regionOf(row.artist_slug));
    const regionFactor = regions.size === 0 || region === undefined || regions.has(region) ? 1 : 0.7;
    const quality =
      QUALITY.breakout * row.breakout_score +
      QUALITY.momentum * (row.momentum / 100) +
      QUALITY.safety * (1 - row.risk_score);
    const reasons: string[] = [];
    if (inScene) reasons.push(`in a followed scene: ${row.scene_slug}`);
    if (sharedGenres.length) reasons.push(`followed microgenres: ${sharedGenres.slice(0, 3).join(', ')}`);
    if (row.breakout_score >= thresholds.breakoutMedium)
      reasons.push(`breakout score ${row.breakout_score.toFixed(2)}`);
    if (row.momentum >= thresholds.momentumRising) reasons.push(`momentum ${Math.round(row.momentum)}`);
    if (regionFactor < 1) reasons.push(`outside the workspace's regions (${region})`);
    scored.push({ row, score: Math.round(fit * quality * regionFactor * 10_000) / 10_000, reasons });
  }
  // Equal scores (rounded to 4 decimals, so ties are common) by slug: the ranks written do not
  // depend on the order the store yields its rows in.
  return topK(
    scored,
    limit,
    (c) => c.score,
    (a, b) => a.row.artist_slug < b.row.artist_slug,
  );
}
