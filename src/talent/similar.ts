/**
 * @module talent/similar
 * Similar artists from three kinds of evidence: sound (CMG fingerprints), shared scenes and
 * microgenres (the tracked records), and the collaboration graph (MIG). Each similarity is a
 * weighted mean over the kinds with evidence, with the reasons that produced it.
 */
import { cosine } from '../core/features/stats.js';
import type { Deadline } from '../core/gateway/deadline.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import type { ReleaseFingerprint } from '../contracts/payloads.js';
import { lastCompleteDay, parseInstant } from '../core/time.js';
import type { TalentStores } from '../stores/specs.js';
import type { ArtistSignals } from './signals-types.js';
import { readOutcome } from './signals-engine.js';
import type { ReadOutcome } from './signals-types.js';
import type { SimilarArtist } from './types.js';

const WEIGHTS = { sound: 0.4, scene: 0.35, graph: 0.25 };
const SCENE_PEERS = 200;
const SOUND_CANDIDATES = 40;

/**
 * The sound of the last three releases out by `end` (the last complete day before as-of, as the
 * features read them: a release dated later is not known yet).
 */
function soundOf(releases: readonly ReleaseFingerprint[] | null | undefined, end: string): number[] | null {
  if (!releases?.length) return null;
  const known = releases.filter((r) => r.releasedAt <= end);
  if (known.length === 0) return null;
  const last = known.slice(-3);
  const dim = last[0]!.vector.length;
  const v = new Array<number>(dim).fill(0);
  for (const r of last) for (let i = 0; i < dim; i++) v[i]! += (r.vector[i] ?? 0) / last.length;
  // A fingerprint of zero length has no direction: its sound is unknown, not opposite to every other.
  return v.some((x) => x !== 0) ? v : null;
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  const sa = new Set(a);
  let inter = 0;
  for (const x of new Set(b)) if (sa.has(x)) inter++;
  return inter / (sa.size + new Set(b).size - inter);
}

/** The similar artists, and how their fingerprints were read when that read failed. */
export interface SimilarArtistsResult {
  /** Most similar first. */
  readonly artists: SimilarArtist[];
  /** The candidates' CMG read when it failed or timed out (their sound unknown), else null. */
  readonly soundRead: ReadOutcome | null;
}

/**
 * The `limit` artists most similar to the one whose signals are given, as of its signals' instant
 * (collaborations that start later and releases dated later are not evidence).
 * @example
 * ```ts
 * const similar = await similarArtists({ stores, gateway }, signals, 5, deadline);
 * similar[0]?.reasons; // ['collaborated (weight 2)', 'same scene: indie-uk-brighton']
 * ```
 */
export async function similarArtists(
  deps: { stores: TalentStores; gateway: SourceGateway },
  self: ArtistSignals & { readonly sceneSlug: string | null; readonly microgenres: readonly string[] },
  limit: number,
  deadline: Deadline,
): Promise<SimilarArtistsResult> {
  if (limit <= 0) return { artists: [], soundRead: null };
  const asOfMs = Date.parse(self.asOf);
  const end = lastCompleteDay(asOfMs);
  const cands = new Map<string, { scene: boolean; genres: readonly string[]; collab: number }>();
  // Known at or before the instant, as in the features (`since` a bare day D is known at D + 1 00:00Z).
  const collabs = (self.network?.collaborators ?? []).filter((c) => parseInstant(c.since) <= asOfMs);
  for (const c of collabs)
    if (c.artist !== self.artistSlug) cands.set(c.artist, { scene: false, genres: [], collab: c.weight });
  const peers = self.sceneSlug
    ? await deps.stores.talent_radar_artists.scan({ where: { scene_slug: self.sceneSlug }, limit: SCENE_PEERS })
    : [];
  for (const r of peers) {
    if (r.artist_slug === self.artistSlug) continue;
    const prev = cands.get(r.artist_slug);
    cands.set(r.artist_slug, { scene: true, genres: r.microgenres, collab: prev?.collab ?? 0 });
  }
  const collabRows = await deps.stores.talent_radar_artists.getMany(collabs.map((c) => ({ artist_slug: c.artist })));
  for (const r of collabRows) {
    const c = cands.get(r.artist_slug);
    if (c)
      cands.set(r.artist_slug, {
        ...c,
        scene: c.scene || (self.sceneSlug !== null && r.scene_slug === self.sceneSlug),
        genres: r.microgenres,
      });
  }
  if (cands.size === 0) return { artists: [], soundRead: null };
  const partial = (c: { scene: boolean; genres: readonly string[]; collab: number }) => ({
    scene: c.scene ? 0.6 + 0.4 * jaccard(self.microgenres, c.genres) : jaccard(self.microgenres, c.genres),
    graph: c.collab > 0 ? 1 - Math.exp(-c.collab) : 0,
  });
  // Every candidate is ranked; the sound is read for the most promising ones only (one CMG read,
  // bounded), the others' sound unknown and left out of their similarity.
  const ranked = [...cands]
    .map(([slug, c]) => ({ slug, c, p: partial(c) }))
    .sort(
      (a, b) =>
        WEIGHTS.scene * b.p.scene +
          WEIGHTS.graph * b.p.graph -
          (WEIGHTS.scene * a.p.scene + WEIGHTS.graph * a.p.graph) || (a.slug < b.slug ? -1 : 1),
    );
  const own = soundOf(self.releases, end);
  const sounds = own
    ? await deps.gateway.batch(
        'cmg',
        'getReleases',
        ranked.slice(0, SOUND_CANDIDATES).map((r) => r.slug),
        { asOf: new Date(self.asOf), deadline, from: new Date(asOfMs - 3 * 365 * 86_400_000) },
      )
    : new Map();
  let soundRead: ReadOutcome | null = null;
  const out: SimilarArtist[] = ranked.map(({ slug, c, p }) => {
    const o = sounds.get(slug);
    const theirs = o?.status === 'ok' ? soundOf(o.value as ReleaseFingerprint[], end) : null;
    // A failed read is not "no releases": the similarity says its sound is unknown, and why.
    const failed = o !== undefined && (o.status === 'error' || o.status === 'timeout');
    if (failed && soundRead === null) soundRead = readOutcome(o);
    const sound = own && theirs ? Math.max(0, cosine(own, theirs)) : null;
    const w = WEIGHTS.scene + WEIGHTS.graph + (sound === null ? 0 : WEIGHTS.sound);
    const similarity =
      (WEIGHTS.scene * p.scene + WEIGHTS.graph * p.graph + (sound === null ? 0 : WEIGHTS.sound * sound)) / w;
    const reasons: string[] = [];
    if (sound !== null && sound >= 0.8) reasons.push(`similar sound (fingerprint cosine ${sound.toFixed(2)})`);
    if (c.scene) reasons.push(`same scene: ${self.sceneSlug}`);
    const shared = c.genres.filter((g) => self.microgenres.includes(g));
    if (shared.length) reasons.push(`shared microgenres: ${shared.slice(0, 3).join(', ')}`);
    if (c.collab > 0) reasons.push(`collaborated (weight ${c.collab})`);
    if (failed) reasons.push(`sound unknown: its fingerprint read failed (cmg ${o.status})`);
    return { artist_slug: slug, similarity: Math.round(similarity * 1000) / 1000, reasons };
  });
  const artists = out
    .sort((a, b) => b.similarity - a.similarity || (a.artist_slug < b.artist_slug ? -1 : 1))
    .slice(0, limit);
  return { artists, soundRead };
}
