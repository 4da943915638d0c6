/**
 * @module talent/read-only
 * What another product (A&R Radar) may do with the Talent Radar: read. It can call no refresh,
 * no cache control, no `skipCache`, no calibration and write nothing of its own. (The radar behind
 * it still keeps its own tables: a cold radar computes its records once on the first pulse, and
 * workspace recommendations are stored in `talent_radar_recommendations`.) The facade is a frozen
 * object of closures, so nothing reaches the radar behind it.
 */
import { SceneRadarError } from '../core/errors.js';
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
  /**
   * The Talent Radar's global pulse (cached; never forces a recomputation): `aggregator.buildGlobalPulse`,
   * the artists' view. The scenes' global pulse of the same name is `radar.scenes.pulse.getGlobalPulse`.
   */
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
    getGlobalPulse: async (options?: { readonly limit?: number }) =>
      aggregator.buildGlobalPulse(picked(options, ['limit'])),
    getArtistProfile: async (artistSlug: string) => aggregator.buildArtistProfile(artistSlug),
    getTopArtists: async (query: { readonly category: TopCategory; readonly limit?: number }) =>
      aggregator.getTopArtists(
        picked(query, ['category', 'limit']) as { readonly category: TopCategory; readonly limit?: number },
      ),
    getArtistScores: async (artistSlugs: readonly string[]) => aggregator.getArtistScores(artistSlugs),
    getWorkspaceRecommendations: async (workspaceId: string, query?: { readonly limit?: number }) =>
      aggregator.getWorkspaceRecommendations(workspaceId, picked(query, ['limit'])),
  });
}

/**
 * The fields `keys` of a facade call's options, and nothing else (no `skipCache`: the facade only
 * reads what is cached or computed for everyone). Options that are missing or not an object (the
 * seed's `skipCache` boolean) are `{}` (a missing `category` is then the aggregator's refusal);
 * options whose fields cannot be read are
 * `TALENT_VALIDATION_ERROR`, a rejection, never the host's exception.
 */
function picked(value: unknown, keys: readonly string[]): Record<string, unknown> {
  // Not an object (the seed's `skipCache` boolean included): no field to pass on.
  if (value === undefined || value === null || typeof value !== 'object') return {};
  const out: Record<string, unknown> = {};
  try {
    for (const key of keys) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = v;
    }
  } catch {
    throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'The options cannot be read', {
      details: [{ code: 'invalid_type', path: [], message: 'The options cannot be read' }],
    });
  }
  return out;
}
