/**
 * @module talent/profile-items
 * Opportunities and risks of a profile, read off the features and the explained scores: each
 * item is one fact an A&R team can act on, with its strength (0-1).
 */
import type { SceneRadarConfig } from '../config.js';
import type { ExplainedScores, RiskComponent } from './scoring.js';
import type { ArtistFeatures } from './signals-types.js';
import type { ProfileItem } from './types.js';

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Opportunities, strongest first. `sceneDegraded`: the main scene's pulse was computed with a
 * source failing or late, or is a last good one served stale (`ScenePulseSummary.status`; its
 * item says so).
 */
export function opportunitiesOf(
  f: ArtistFeatures,
  s: ExplainedScores,
  config: SceneRadarConfig,
  sceneDegraded = false,
): ProfileItem[] {
  const t = config.talent.thresholds;
  const out: ProfileItem[] = [];
  // The breakout and momentum items band their score as the record's trajectory and the lists do
  // (the unrounded score against the threshold), and show that very score, so a profile never
  // puts one score in two bands: 0.69996 is "building" beside `breakoutPotential: 'medium'`.
  if (s.breakout >= t.breakout.high)
    out.push({
      type: 'breakout',
      description: 'Strong breakout signals - consider signing or major support',
      score: s.breakout,
    });
  else if (s.breakout >= t.breakout.medium)
    out.push({ type: 'breakout', description: 'Breakout signals building - watch closely', score: s.breakout });
  if (s.momentum >= t.momentum.rising)
    out.push({ type: 'momentum', description: 'Growing faster than peers of similar size', score: s.momentum / 100 });
  if ((f.connectivity ?? 0) >= 0.6)
    out.push({
      type: 'network',
      description: 'Well-connected in industry graph - leverage for collaborations',
      score: f.connectivity!,
    });
  if ((f.newTastemakers ?? 0) > 0.5)
    out.push({
      type: 'tastemakers',
      description: `New tastemaker backing in the last ${config.talent.model.newLinkDays} days - momentum with gatekeepers`,
      score: 1 - Math.exp(-f.newTastemakers!),
    });
  if ((f.pressQuality ?? 0) >= 0.6 && (f.pressVelocity ?? 0) > 0)
    out.push({
      type: 'press',
      description: 'Covered by high-quality outlets - amplify the press story',
      score: f.pressQuality!,
    });
  if ((f.sceneHeat ?? 0) >= 60 && (f.sceneConfidence ?? 0) >= 0.5)
    out.push({
      type: 'scene',
      description: `Core member of a hot scene (${f.sceneSlug}) - ride the scene's momentum${sceneDegraded ? " (the scene's heat was computed with a source failing or late, or is a last good one)" : ''}`,
      score: f.sceneHeat! / 100,
    });
  return out
    .map((o) => (o.type === 'breakout' || o.type === 'momentum' ? o : { ...o, score: round3(o.score) }))
    .sort((a, b) => b.score - a.score);
}

const RISK_TEXT: Record<RiskComponent, string> = {
  decline: 'Organic activity is falling against the previous window',
  incoherence: 'Identity does not resolve coherently across platforms',
  drift: 'Creative fingerprint jumps from release to release',
  paid_dependence: 'Engagement depends on paid campaigns',
  anomaly: 'Engagement spikes without press or tastemaker corroboration (possible bought engagement)',
  stale_data: 'Data stopped arriving: the picture may be out of date',
};

/** Decline read off the event feed (Fusion gave no organic growth for the artist): said so. */
const DECLINE_FROM_EVENTS =
  'Activity on the event feed is falling against the previous window (no organic engagement growth to read)';

/**
 * Risks whose component reaches 0.3 (or more), strongest first. `f`, when given, says where decline
 * was read from: organic engagement, or the event feed when Fusion gave no organic growth for the
 * artist (no series, or a series without evidence in both windows).
 */
export function risksOf(s: ExplainedScores, f?: Pick<ArtistFeatures, 'engagementGrowth'>): ProfileItem[] {
  return s.riskSignals
    .filter((r) => (r.normalized ?? 0) >= 0.3)
    .map((r) => ({
      type: r.signal,
      description:
        r.signal === 'decline' && f !== undefined && f.engagementGrowth === null
          ? DECLINE_FROM_EVENTS
          : (RISK_TEXT[r.signal as RiskComponent] ?? r.signal),
      score: round3(r.normalized ?? 0),
    }))
    .sort((a, b) => b.score - a.score);
}
