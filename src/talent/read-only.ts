/**
 * @module talent/read-only
 * What another product (A&R Radar) may do with the Talent Radar: read. It can call no refresh,
 * no cache control, no `skipCache`, no calibration and write nothing of its own. (The radar behind
 * it still keeps its own tables: a cold radar computes its records once on the first pulse, and
 * workspace recommendations are stored in `talent_radar_recommendations`.) The facade is a frozen
 * object of closures, so nothing reaches the radar behind it.
 */
import type { RadarAggregator } from './radar-aggregator.js';
import type {
  ArtistProfile,
  ArtistScores,
  GlobalPulse,
  TopArtists,
  TopCategory,
  WorkspaceRecommendations,
} from './types.js';

/** The read-only view of the Talent Radar handed to A&R Radar. */
export interface ReadOnlyTalentRadar {
  /** The global pulse (cached; never forces a recomputation). */
  readonly getGlobalPulse: (options?: { readonly limit?: number }) => Promise<GlobalPulse>;
  /** An artist's profile (cached). */
  readonly getArtistProfile: (artistSlug: string) => Promise<ArtistProfile>;
  /** A top list. */
  readonly getTopArtists: (query: { readonly category: TopCategory; readonly limit?: number }) => Promise<TopArtists>;
  /** Stored scores of the artists asked for, unrounded (up to 10,000 slugs). */
  readonly getArtistScores: (artistSlugs: readonly string[]) => Promise<ArtistScores>;
  /** Recommendations for a workspace. */
  readonly getWorkspaceRecommendations: (
    workspaceId: string,
    query?: { readonly limit?: number },
  ) => Promise<WorkspaceRecommendations>;
}

/**
 * A read-only facade over the aggregator. Only the fields listed in {@link ReadOnlyTalentRadar}
 * exist on it; options that would bypass or clear caches are dropped.
 * @example
 * ```ts
 * const forArRadar = readOnlyTalentRadar(radar.talent.aggregator);
 * await forArRadar.getArtistProfile('artist-a');
 * ```
 */
export function readOnlyTalentRadar(aggregator: RadarAggregator): ReadOnlyTalentRadar {
  return Object.freeze({
    getGlobalPulse: (options?: { readonly limit?: number }) =>
      aggregator.buildGlobalPulse(options?.limit === undefined ? {} : { limit: options.limit }),
    getArtistProfile: (artistSlug: string) => aggregator.buildArtistProfile(artistSlug),
    getTopArtists: (query: { readonly category: TopCategory; readonly limit?: number }) =>
      aggregator.getTopArtists(
        query?.limit === undefined ? { category: query?.category } : { category: query.category, limit: query.limit },
      ),
    getArtistScores: (artistSlugs: readonly string[]) => aggregator.getArtistScores(artistSlugs),
    getWorkspaceRecommendations: (workspaceId: string, query?: { readonly limit?: number }) =>
      aggregator.getWorkspaceRecommendations(workspaceId, query?.limit === undefined ? {} : { limit: query.limit }),
  });
}
