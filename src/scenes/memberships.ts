/**
 * @module scenes/memberships
 * Recomputes `scene_memberships` as of a time: walks the artist universe (MIG), reads networks
 * (MIG) and releases (CMG) through the gateway, scores every artist against every scene in two
 * passes (sound and place first, to find each scene's core; then people) and writes the rows.
 * An artist whose reads failed keeps its previous memberships: a failing source never erases data.
 */
import type { ArtistNetwork, ArtistRecord, ReleaseFingerprint } from '../contracts/payloads.js';
import { listUniverse } from '../core/gateway/universe.js';
import { countOutcomes, type ItemOutcome, type OutcomeCounts } from '../core/gateway/outcome.js';
import type { Deadline } from '../core/gateway/deadline.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import type { SceneRadarConfig } from '../config.js';
import type { PhaseProgress } from '../core/observe/progress.js';
import type { ScenesStores } from '../stores/specs.js';
import type { SceneMembershipRow, SceneRow } from '../stores/tables.js';
import { slugify } from '../core/slug.js';
import {
  artistSound,
  buildSoundMap,
  membershipConfidence,
  peopleScore,
  SceneScorer,
  type SceneCircle,
} from './membership-math.js';

/** Outcome counts of a membership refresh's source reads, by source. */
export interface MembershipSourceCounts {
  /** MIG reads (artist networks). */
  readonly mig: OutcomeCounts;
  /** CMG reads (releases). */
  readonly cmg: OutcomeCounts;
}

/** What a membership refresh did. */
export interface MembershipReport {
  /** Artists walked. */
  readonly artists: number;
  /** Membership rows written. */
  readonly memberships: number;
  /** Artists whose reads failed and whose previous memberships were kept. */
  readonly kept: number;
  /**
   * Memberships without evidence in this refresh (no longer matched, or the artist missing from
   * the universe) that were kept because they have not yet gone `scenes.membership.leaveAfterRefreshes`
   * refreshes without it (their `as_of` is their last evidence).
   */
  readonly held: number;
  /** Memberships removed after `leaveAfterRefreshes` consecutive refreshes without evidence. */
  readonly left: number;
  /** Outcome counts of the source reads. */
  readonly sources: MembershipSourceCounts;
  /** How reading the artist universe from MIG went; when not `ok`, nothing was walked or changed. */
  readonly universe: 'ok' | 'timeout' | 'error' | 'absent';
  /** For each scene, the tastemakers backing its core members (tastemaker -> core members backed). */
  readonly circles: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

const CHUNK = 500;
const r3 = (v: number): number => Math.round(v * 1000) / 1000;
const SOUND_YEARS_MS = 2 * 365 * 86_400_000;

/**
 * Consecutive refreshes without evidence, by membership (`scene\u0000artist`): the hysteresis
 * state of one table, kept by its engine between refreshes.
 */
export type MembershipMisses = Map<string, number>;

/** Recomputes every membership as of `asOf`. */
export async function refreshMemberships(
  deps: {
    stores: ScenesStores;
    gateway: SourceGateway;
    config: SceneRadarConfig;
    nowIso: string;
    misses: MembershipMisses;
    /**
     * Receives the network reads that found an answer (`ok` or `missing`), by artist: the same
     * reads as of the same instant that the refresh's pulses would make again.
     */
    networkReads?: Map<string, ItemOutcome<ArtistNetwork>>;
    /** Progress of the reads, as artists: called once the universe is walked, with its size. */
    count?: (total: number) => PhaseProgress;
  },
  asOf: Date,
  deadline: Deadline,
): Promise<MembershipReport> {
  const p = deps.config.scenes.membership;
  const scenes = await deps.stores.scenes.scan();
  const map = buildSoundMap(await deps.stores.microgenres.scan());
  const universe = await listUniverse(deps.gateway, asOf, deadline);
  const artists = universe.artists;
  const asOfMs = asOf.getTime();
  const progress = deps.count?.(artists.length);

  const networks = new Map<string, ArtistNetwork>();
  const sounds = new Map<string, Map<string, number>>();
  const failed = new Set<string>();
  // Counted as they come: holding every outcome (and the releases in it) to the end only to count
  // them kept every artist's payloads alive through the whole refresh.
  const mig = countOutcomes([]);
  const cmg = countOutcomes([]);
  for (let i = 0; i < artists.length; i += CHUNK) {
    const slugs = artists.slice(i, i + CHUNK).map((a) => a.slug);
    const [nets, rels] = await Promise.all([
      deps.gateway.batch('mig', 'getNetworks', slugs, { asOf, deadline, batchSize: 100 }),
      deps.gateway.batch('cmg', 'getReleases', slugs, {
        asOf,
        from: new Date(asOfMs - SOUND_YEARS_MS),
        deadline,
        batchSize: 100,
      }),
    ]);
    for (const s of slugs) {
      const n = nets.get(s)!;
      const r = rels.get(s)!;
      mig[n.status]++;
      cmg[r.status]++;
      if (n.status === 'ok') networks.set(s, n.value);
      if (n.status === 'ok' || n.status === 'missing') deps.networkReads?.set(s, n as ItemOutcome<ArtistNetwork>);
      if (r.status === 'ok') sounds.set(s, artistSound(r.value as readonly ReleaseFingerprint[], asOfMs, p));
      if (n.status === 'timeout' || n.status === 'error' || r.status === 'timeout' || r.status === 'error')
        failed.add(s);
    }
    progress?.advance(slugs.length);
  }

  // Pass 1: sound and place; core members and the tastemakers who back them.
  type Partial = { scene: SceneRow; sound: number; shared: string[]; place: number };
  const partial = new Map<string, Partial[]>();
  const circles = new Map<string, { tastemakers: Map<string, number>; core: Set<string> }>(
    scenes.map((s) => [s.slug, { tastemakers: new Map(), core: new Set() }]),
  );
  const coreWeight = p.weights.sound + p.weights.place;
  // What depends on a scene alone (its microgenre set, its city slug, the sound-map proximity of
  // each microgenre to it) is worked out once, not for each of the (artist x scene) pairs.
  const scorer = new SceneScorer(scenes, map, p);
  const none = scorer.sound(new Map());
  for (const a of artists) {
    const own = sounds.get(a.slug);
    const sound = own ? scorer.sound(own) : none;
    const homeCity = a.homeCity === null ? null : slugify(a.homeCity);
    const list: Partial[] = [];
    for (let i = 0; i < scenes.length; i++) {
      const scene = scenes[i]!;
      const score = scorer.soundScore(sound, i);
      const place = scorer.placeScore(a, homeCity, i);
      if (score < 0.05 && place === 0) continue;
      // Confidence only grows with people (in floating point too): a pair below the threshold
      // even with full people marks never becomes a row, so it is not kept for pass 2.
      if (membershipConfidence(score, place, 1, p) >= p.minConfidence)
        list.push({ scene, sound: score, shared: scorer.shared(sound, i), place });
      if ((p.weights.sound * score + p.weights.place * place) / coreWeight >= p.coreThreshold) {
        const circle = circles.get(scene.slug)!;
        circle.core.add(a.slug);
        for (const l of networks.get(a.slug)?.tastemakers ?? [])
          circle.tastemakers.set(l.tastemaker, (circle.tastemakers.get(l.tastemaker) ?? 0) + 1);
      }
    }
    partial.set(a.slug, list);
  }

  // Pass 2: people, then the combined confidence.
  const existing = await deps.stores.scene_memberships.scan();
  const asOfIso = asOf.toISOString();
  const joined = new Map(existing.map((r) => [`${r.scene_slug}\u0000${r.artist_slug}`, r.joined_at]));
  const known = new Set(existing.map((r) => r.artist_slug));
  // A new pair dates from the artist's first appearance when the artist is new to the table
  // (its memberships are as old as its data), and from this refresh when an artist already
  // placed elsewhere moves into the scene.
  const joinedAt = (scene: string, a: ArtistRecord): string =>
    joined.get(`${scene}\u0000${a.slug}`) ?? (known.has(a.slug) ? asOfIso : a.firstSeen);
  // Reasons repeat across rows (a few thousand texts for tens of thousands of rows): one string
  // per text, not one per row, keeps the table's heap down (the rows hold them for a refresh).
  const texts = new Map<string, string>();
  const intern = (text: string): string => {
    const known = texts.get(text);
    if (known !== undefined) return known;
    texts.set(text, text);
    return text;
  };
  const rows: SceneMembershipRow[] = [];
  for (const a of artists) {
    if (failed.has(a.slug)) continue;
    for (const x of partial.get(a.slug) ?? []) {
      const people = peopleScore(a.slug, networks.get(a.slug), circles.get(x.scene.slug) as SceneCircle);
      const confidence = membershipConfidence(x.sound, x.place, people.score, p);
      if (confidence < p.minConfidence) continue;
      const reasons: string[] = [];
      if (x.shared.length)
        reasons.push(
          intern(
            `sound: shares ${x.shared.slice(0, 4).join(', ')}${x.shared.length > 4 ? ` and ${x.shared.length - 4} more` : ''}`,
          ),
        );
      else if (x.sound > 0) reasons.push('sound: close to the scene on the sound map');
      if (x.place === 1) reasons.push(intern(`place: based in ${x.scene.city ?? x.scene.region}`));
      else if (x.place > 0) reasons.push(intern(`place: based in the scene's region (${x.scene.region})`));
      if (people.tastemakers)
        reasons.push(intern(`people: backed by ${people.tastemakers} of the scene's tastemakers`));
      if (people.collaborators) reasons.push(intern(`people: works with ${people.collaborators} of its core artists`));
      rows.push({
        scene_slug: x.scene.slug,
        artist_slug: a.slug,
        confidence: r3(confidence),
        sound: r3(x.sound),
        place: r3(x.place),
        people: r3(people.score),
        microgenres: x.shared.slice(0, 64),
        reasons,
        joined_at: joinedAt(x.scene.slug, a),
        as_of: asOfIso,
        updated_at: deps.nowIso,
      });
    }
  }
  // Replace the memberships of every artist whose reads succeeded; keep the others as they were.
  // A membership without evidence this time is held (unchanged, its as_of its last evidence)
  // until it has gone `leaveAfterRefreshes` consecutive refreshes without it: one empty answer
  // from a source must not empty a scene and bring its members back as new ones.
  const fresh = new Set(rows.map((r) => `${r.scene_slug}\u0000${r.artist_slug}`));
  for (const key of fresh) deps.misses.delete(key);
  const walked = new Set(artists.map((a) => a.slug));
  const leaving: { scene_slug: string; artist_slug: string }[] = [];
  let held = 0;
  for (const r of existing) {
    const key = `${r.scene_slug}\u0000${r.artist_slug}`;
    if (fresh.has(key) || failed.has(r.artist_slug)) continue;
    // When the universe could not be read, nobody was walked and every row is left as it is. An
    // artist missing from a universe that was read counts a miss like one without evidence: one
    // short or empty listArtists answer must not empty every scene at once.
    if (!walked.has(r.artist_slug) && universe.status !== 'ok') continue;
    const misses = (deps.misses.get(key) ?? 0) + 1;
    if (misses >= p.leaveAfterRefreshes) {
      leaving.push({ scene_slug: r.scene_slug, artist_slug: r.artist_slug });
      deps.misses.delete(key);
    } else {
      deps.misses.set(key, misses);
      held++;
    }
  }
  await deps.stores.scene_memberships.delete(leaving);
  await deps.stores.scene_memberships.upsert(rows);
  return {
    artists: artists.length,
    memberships: rows.length,
    kept: failed.size,
    held,
    left: leaving.length,
    sources: { mig, cmg },
    universe: universe.status,
    circles: new Map([...circles].map(([k, v]) => [k, v.tastemakers])),
  };
}
