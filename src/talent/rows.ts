/**
 * @module talent/rows
 * Scores and features to the seed's artist record (`talent_radar_artists`), and records to the
 * global pulse's list items and trajectory bands.
 */
import type { SceneRadarConfig } from '../config.js';
import { clamp01 } from '../core/features/stats.js';
import type { TalentArtistRow } from '../stores/tables.js';
import { TALENT_MODEL_VERSION, type RowScores } from './scoring.js';
import type { ArtistFeatures } from './signals-types.js';
import type { PulseArtist, Trajectory } from './types.js';

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * The artist record for `talent_radar_artists`. Figures whose source gave no evidence are written
 * as 0 (the seed's record has no nulls); `confidence` and the profile's explanation say which
 * sources answered. The three scores and the confidence are stored unrounded (clamped to their
 * ranges): a host ranking its own candidates reads exactly what was computed.
 */
export function artistRow(
  f: ArtistFeatures,
  s: RowScores,
  updatedAt: string,
  version: string = TALENT_MODEL_VERSION,
): TalentArtistRow {
  return {
    artist_slug: f.artistSlug,
    scene_slug: f.sceneSlug,
    microgenres: f.microgenres.slice(0, 64),
    momentum: Math.min(100, Math.max(0, s.momentum)),
    creative_shift: round(clamp01(f.creativeShift ?? 0), 3),
    coverage_velocity: round(Math.max(0, f.pressVelocity ?? 0), 3),
    press_quality: round(clamp01(f.pressQuality ?? 0), 3),
    mig_connectivity: round(clamp01(f.connectivity ?? 0), 3),
    breakout_score: clamp01(s.breakout),
    risk_score: clamp01(s.risk),
    metadata: {
      migCentrality: round(clamp01(f.centrality ?? f.connectivity ?? 0), 3),
      tastemakerConnections: f.tastemakers ?? 0,
      sceneConfidence: round(clamp01(f.sceneConfidence ?? 0), 3),
      campaignCount: f.campaignCount ?? 0,
    },
    confidence: clamp01(s.confidence),
    as_of: f.asOf,
    model_version: version,
    updated_at: updatedAt,
  };
}

/** A record as a global pulse / top list item. */
export function pulseArtist(row: Readonly<TalentArtistRow>): PulseArtist {
  return {
    artist_slug: row.artist_slug,
    momentum: row.momentum,
    breakout_score: row.breakout_score,
    risk_score: row.risk_score,
    scene_slug: row.scene_slug,
    microgenres: row.microgenres,
    updated_at: row.updated_at,
  };
}

/** The score bands of a record, by the configured thresholds. */
export function trajectoryOf(
  row: Pick<TalentArtistRow, 'momentum' | 'breakout_score' | 'risk_score'>,
  config: SceneRadarConfig,
): Trajectory {
  const t = config.talent.thresholds;
  return {
    momentum:
      row.momentum >= t.momentum.rising ? 'rising' : row.momentum < t.momentum.declining ? 'declining' : 'stable',
    breakoutPotential:
      row.breakout_score >= t.breakout.high ? 'high' : row.breakout_score >= t.breakout.medium ? 'medium' : 'low',
    riskLevel: row.risk_score >= t.risk.high ? 'high' : row.risk_score >= t.risk.medium ? 'medium' : 'low',
  };
}
