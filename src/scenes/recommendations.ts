/**
 * @module scenes/recommendations
 * Scenes for an artist, ranked by fit x heat, with reasons; without an artist, the scenes most
 * worth watching (heat, lifted by growth). Results are stored in `scene_recommendations_cache`
 * until they expire.
 */
import type { z } from 'zod';
import type { ArtistRecordSchema, ReleaseFingerprint } from '../contracts/payloads.js';
import { SceneRadarError } from '../core/errors.js';
import { clamp01, topK } from '../core/features/stats.js';
import type { Deadline } from '../core/gateway/deadline.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import type { SceneRadarConfig } from '../config.js';
import type { ScenesStores } from '../stores/specs.js';
import { atomically } from '../stores/staged.js';
import type { SceneRecommendationRow } from '../stores/tables.js';
import { artistSound, buildSoundMap, membershipConfidence, placeScore, soundScore } from './membership-math.js';
import type { ScenePulseSnapshot } from './types.js';
import { EMPTY_CATALOG_NOTE } from './catalog.js';
import { SCENES_REFRESH_STATE } from './scenes-state.js';
import { hasOption, RecommendationsRequestSchema, validateRequest, withinCap } from '../core/requests.js';

/** Query for scene recommendations. */
export interface RecommendationsQuery {
  /** The artist to recommend scenes to; absent for the watch list. */
  readonly artistSlug?: string;
  /** How many, 1-50. @default 10 */
  readonly limit?: number;
}

// The result types are inferred from their schemas (scenes/schemas); re-exported here, where they were declared.
import type { SceneRecommendation, SceneRecommendations } from './schemas.js';

export type { SceneRecommendation, SceneRecommendations };

/** Ranks stored per subject: the answer to any limit up to it. */
const STORED_RANKS = 50;

/** Recommends scenes, reading stored results while they are valid. */
export async function recommendScenes(
  deps: {
    stores: ScenesStores;
    gateway: SourceGateway;
    config: SceneRadarConfig;
    nowMs: number;
    pulses: () => Promise<readonly ScenePulseSnapshot[]>;
    deadline: Deadline;
    /**
     * Whether the catalog and the memberships are still those this call started over (no import
     * or refresh landed since): an answer computed over the old ones is returned, never stored.
     */
    unchanged?: () => boolean;
  },
  query: RecommendationsQuery | undefined,
): Promise<SceneRecommendations> {
  const valid = validateRequest('scenes', [RecommendationsRequestSchema, query]);
  const artist = valid.artistSlug;
  const cap = deps.config.scenes.maxScenesPerQuery;
  const limit = withinCap('scenes', valid.limit, hasOption(query, 'limit'), cap, 'scenes.maxScenesPerQuery');
  const subject = artist ? `artist:${artist}` : 'watch';
  const { stores, nowMs } = deps;

  const cached = await stores.scene_recommendations_cache.scan({
    where: { subject },
    orderBy: { column: 'rank', direction: 'asc' },
  });
  // A stored list is the whole answer up to STORED_RANKS: fewer rows than that are every scene
  // that qualified, so a limit above them is answered too (an empty list is never stored).
  const whole = cached.length > 0 && cached.length < STORED_RANKS;
  // Fresh, and computed at or before now: a list computed after now (a clock moved back, as a
  // replay's fixed clock may be) holds what now cannot know.
  if (
    (cached.length >= limit || whole) &&
    cached.every((r) => Date.parse(r.expires_at) > nowMs && Date.parse(r.computed_at) <= nowMs)
  ) {
    return { subject, items: cached.slice(0, limit).map(({ subject: _s, ...r }) => r), stored: true, notes: [] };
  }

  // What this answer is computed over, read before it and again where it is stored (below).
  const { basis, scenes, microgenres } = await basisOf(stores);
  const pulses = await deps.pulses();
  const heatOf = new Map(pulses.map((p) => [p.scene_slug, p]));
  type Scored = { scene_slug: string; fit: number; heat: number; score: number; reasons: string[] };
  let scored: Scored[];
  // An answer built on failed artist reads is returned but never stored.
  let readsOk = true;
  if (!artist) {
    scored = scenes.flatMap((s) => {
      const p = heatOf.get(s.slug);
      if (!p) return [];
      const fit = clamp01(0.5 + p.growth);
      const reasons = [
        `heat ${p.heat.toFixed(0)} (${p.stage})`,
        `heat ${p.growth >= 0 ? '+' : ''}${Math.round(p.growth * 100)}% on the previous window`,
      ];
      if (p.rising_members) reasons.push(`${p.rising_members} rising members`);
      return [{ scene_slug: s.slug, fit, heat: p.heat, score: fit * (p.heat / 100), reasons }];
    });
  } else {
    const asOf = new Date(nowMs);
    const [record, releases] = await Promise.all([
      deps.gateway.one('mig', 'getArtists', artist, { asOf, deadline: deps.deadline }),
      deps.gateway.one('cmg', 'getReleases', artist, {
        asOf,
        from: new Date(nowMs - 2 * 365 * 86_400_000),
        deadline: deps.deadline,
      }),
    ]);
    if (record.status === 'missing')
      throw new SceneRadarError('SCENES_INVALID_PARAMS', `Unknown artist: ${artist}`, {
        details: [{ code: 'not_found', path: ['artistSlug'], message: 'No such artist' }],
      });
    const stored = new Map(
      (await stores.scene_memberships.scan({ where: { artist_slug: artist } })).map((m) => [m.scene_slug, m]),
    );
    const p = deps.config.scenes.membership;
    const map = buildSoundMap(microgenres);
    // A CMG the host does not have (`absent`) is its configuration, not a failed read.
    readsOk = record.status === 'ok' && releases.status !== 'error' && releases.status !== 'timeout';
    const sound =
      releases.status === 'ok'
        ? artistSound(releases.value as readonly ReleaseFingerprint[], nowMs, p)
        : new Map<string, number>();
    const rec = record.status === 'ok' ? (record.value as z.infer<typeof ArtistRecordSchema>) : undefined;
    scored = scenes.flatMap((s) => {
      const pulse = heatOf.get(s.slug);
      if (!pulse) return [];
      const member = stored.get(s.slug);
      const snd = soundScore(sound, s, map, p);
      const place = rec ? placeScore(rec, s, p) : 0;
      const fresh = membershipConfidence(snd.score, place, member?.people ?? 0, p);
      const fit = Math.max(member?.confidence ?? 0, fresh);
      if (fit <= 0) return [];
      const reasons: string[] = [];
      if (member) reasons.push(`already a member (confidence ${member.confidence.toFixed(2)})`);
      if (snd.shared.length) reasons.push(`sound: shares ${snd.shared.slice(0, 3).join(', ')}`);
      else if (snd.score > 0.2) reasons.push('sound: close on the sound map');
      if (place === 1) reasons.push(`place: based in ${s.city ?? s.region}`);
      else if (place > 0) reasons.push(`place: same region (${s.region})`);
      reasons.push(`heat ${pulse.heat.toFixed(0)} (${pulse.stage})`);
      return [{ scene_slug: s.slug, fit, heat: pulse.heat, score: fit * (pulse.heat / 100), reasons }];
    });
  }
  const best = topK(scored, STORED_RANKS, (x) => x.score);
  const computed_at = new Date(nowMs).toISOString();
  const expires_at = new Date(nowMs + deps.config.scenes.recommendationsTtlMs).toISOString();
  const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
  const rows: SceneRecommendationRow[] = best.map((x, i) => ({
    subject,
    scene_slug: x.scene_slug,
    rank: i + 1,
    score: r4(clamp01(x.score)),
    fit: r4(clamp01(x.fit)),
    heat: x.heat,
    reasons: x.reasons.slice(0, 16),
    computed_at,
    expires_at,
  }));
  // Only a complete answer is stored: a degraded one (a pulse missing) would outlive the outage.
  // A last good pulse (`stale`, served while a source is down) is no complete answer either.
  const complete =
    pulses.every((p) => p.status === 'ok' && p.stale === undefined) && pulses.length === scenes.length && readsOk;
  const notes: string[] = [];
  if (scenes.length === 0) notes.push(EMPTY_CATALOG_NOTE);
  const withPulse = new Set(pulses.map((p) => p.scene_slug));
  const missing = scenes.filter((s) => !withPulse.has(s.slug)).length;
  if (missing > 0)
    notes.push(
      `${missing} of ${scenes.length} scenes are left out: their pulse is unavailable (heat unknown) or failed.`,
    );
  const degraded = pulses.filter((p) => p.status !== 'ok').length;
  if (degraded > 0)
    notes.push(
      `${degraded} scenes are ranked on a degraded pulse (a source failed for some members, or the last refresh could not place some artists; see each pulse).`,
    );
  const stale = pulses.filter((p) => p.stale !== undefined).length;
  if (stale > 0)
    notes.push(
      `${stale} scenes are ranked on their last good pulse: computing a new one failed (see each pulse's stale).`,
    );
  if (!readsOk)
    notes.push("The artist's own reads failed (MIG record or CMG releases): fit rests on its stored memberships.");
  const unchanged = deps.unchanged ?? (() => true);
  if (complete && unchanged()) {
    // The old ranking is replaced, never lost: the delete and the write land together.
    await atomically(stores, async (tx) => {
      // Read where it is written (on PostgreSQL under the engine's lock, after any import or
      // refresh commit it waited for): another instance's import or refresh since this answer
      // was computed is one `unchanged` cannot see, and the list would outlive what it missed.
      if ((await basisOf(tx)).basis !== basis) return;
      await tx.scene_recommendations_cache.deleteWhere({ subject });
      await tx.scene_recommendations_cache.upsert(rows);
    });
    // An import or a refresh that emptied the cache while this wrote: its rows go too.
    if (!unchanged()) await stores.scene_recommendations_cache.deleteWhere({ subject });
  }
  return { subject, items: rows.slice(0, limit).map(({ subject: _s, ...r }) => r), stored: false, notes };
}

/**
 * What a stored list rests on besides its own reads, as text: the `last-refresh` row of
 * `scenes_state` (`unreadable` when the store refuses it; every refresh commit rewrites it) and
 * the catalog (the scenes and the microgenres, whose places on the sound map an artist's fit
 * weighs). An import writes the scenes with the catalog's own `updated_at` and no state row, so
 * the catalog itself is compared. A list is stored only when this is the same where it is written
 * as before it was computed: another instance's import or refresh in between is seen there.
 * The scenes and microgenres read are the ones the answer is computed over (`basis` is the text).
 */
async function basisOf(stores: ScenesStores) {
  const refreshed = await stores.scenes_state.get({ name: SCENES_REFRESH_STATE }).then(
    (row) => JSON.stringify(row ?? null),
    () => 'unreadable',
  );
  const scenes = await stores.scenes.scan();
  const microgenres = await stores.microgenres.scan();
  return { basis: `${refreshed}\n${JSON.stringify(scenes)}\n${JSON.stringify(microgenres)}`, scenes, microgenres };
}
