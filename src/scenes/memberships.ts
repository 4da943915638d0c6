/**
 * @module scenes/memberships
 * Recomputes `scene_memberships` as of a time: walks the artist universe (MIG), reads networks
 * (MIG) and releases (CMG) through the gateway, scores every artist against every scene in two
 * passes (sound and place first, to find each scene's core; then people) and writes the rows.
 * An artist whose reads failed keeps its previous memberships: a failing source never erases data.
 */
import type { ArtistNetwork, ArtistRecord, ReleaseFingerprint, TastemakerLink } from '../contracts/payloads.js';
import { listUniverse } from '../core/gateway/universe.js';
import { countOutcomes, type ItemOutcome, type OutcomeCounts } from '../core/gateway/outcome.js';
import type { Deadline } from '../core/gateway/deadline.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import type { SceneRadarConfig } from '../config.js';
import type { PhaseProgress } from '../core/observe/progress.js';
import type { ScenesStores } from '../stores/specs.js';
import type { SceneMembershipRow, SceneRow } from '../stores/tables.js';
import { regionKey } from '../core/region.js';
import { yieldSlice } from '../core/yield.js';
import { parseInstant } from '../core/time.js';
import {
  artistSound,
  buildSoundMap,
  citySlug,
  membershipConfidence,
  peopleScore,
  SceneScorer,
  type PreparedSound,
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
   * Of those, the artists with no earlier memberships to keep (a first refresh, an artist new
   * since the last) whose MIG or CMG read failed: placed in no scene this time, so the scenes they
   * would join are counted without them.
   */
  readonly lost: number;
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
  /** Why the universe could not be read (client-safe; null when it was), as the Talent report's `universeReason`. */
  readonly universeReason: string | null;
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

/**
 * The tastemakers each artist's last MIG read that answered linked it to (by artist; none kept for
 * an artist without one), kept by its engine between refreshes: an artist whose MIG read fails
 * backs the scenes' circles with them, so the other members' people scores do not change with a
 * read that failed for someone else.
 */
export type KnownTastemakers = Map<string, readonly string[]>;

/**
 * The (artist x scene) passes may yield to the event loop every 32 artists (a mask: `j & 31`): with
 * thousands of scenes, a chunk's pairs are a long stretch of work.
 */
const PAIRS_YIELD_ARTISTS = 31;

/** Membership rows written per upsert (the event loop gets its turn between them). */
const WRITE_ROWS = 2_000;

/** Longest reason a membership row holds (`scene_memberships.reasons`). */
const MAX_REASON = 512;

/**
 * "sound: shares a, b, c, d and 3 more": up to four of the shared microgenres, as many as fit in a
 * reason (slugs run to 128 characters: four of them may not).
 */
function sharesReason(shared: readonly string[]): string {
  for (let n = Math.min(4, shared.length); ; n--) {
    const text = `sound: shares ${shared.slice(0, n).join(', ')}${shared.length > n ? ` and ${shared.length - n} more` : ''}`;
    // One slug (at most 128 characters) always fits.
    if (text.length <= MAX_REASON || n <= 1) return text;
  }
}

/** How a membership's place reason starts (`placeReason` below writes it). */
const PLACE_REASON = 'place: based in ';
/** A place reason naming the scene's region, not its city. */
const REGION_REASON = /^place: based in the scene's region \((.*)\)$/;

/** Rows by their artist. */
function groupByArtist(rows: readonly Readonly<SceneMembershipRow>[]): Map<string, Readonly<SceneMembershipRow>[]> {
  const out = new Map<string, Readonly<SceneMembershipRow>[]>();
  for (const r of rows) {
    const list = out.get(r.artist_slug);
    if (list) list.push(r);
    else out.set(r.artist_slug, [r]);
  }
  return out;
}

/** Recomputes every membership as of `asOf`. */
export async function refreshMemberships(
  deps: {
    stores: ScenesStores;
    gateway: SourceGateway;
    config: SceneRadarConfig;
    nowIso: string;
    misses: MembershipMisses;
    /** Updated in place: set from each network read that answered, kept for a read that failed. */
    tastemakers: KnownTastemakers;
    /**
     * Receives the network reads that found an answer (`ok` or `missing`), by artist: the same
     * reads as of the same instant that the refresh's pulses would make again.
     */
    networkReads?: Map<string, ItemOutcome<ArtistNetwork>>;
    /** Progress of the reads, as artists: called once the universe is walked, with its size. */
    count?: (total: number) => PhaseProgress;
    /** Receives the slugs of the scenes this pass scores (the catalog as it read it). */
    scored?: (sceneSlugs: readonly string[]) => void;
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

  // Pass 1 (below) needs only each artist's own reads: it runs chunk by chunk as they come, so
  // no artist's releases are held to the end of the walk. What it keeps for pass 2 is compact:
  // each candidate pair as (scene index, sound, place) in flat arrays, and per artist its
  // prepared sound (the microgenres a pair shares are worked out from it only for the rows made).
  // An object and an array per candidate (tens per artist, most never a row) were most of what
  // the membership pass kept alive.
  const candScene: number[] = [];
  const candSound: number[] = [];
  const candPlace: number[] = [];
  const candidates = new Map<string, { readonly sound: PreparedSound; readonly from: number; readonly to: number }>();
  const circles = new Map<string, { tastemakers: Map<string, number>; core: Set<string> }>(
    scenes.map((s) => [s.slug, { tastemakers: new Map(), core: new Set() }]),
  );
  const circleAt = scenes.map((s) => circles.get(s.slug)!);
  const coreWeight = p.weights.sound + p.weights.place;
  // Whether a pair with sound under 0.05 and no place could still be a member (with full people
  // marks) or core: confidence grows with sound, so 0.05 bounds every such pair.
  const lowFitMayCount =
    membershipConfidence(0.05, 0, 1, p) >= p.minConfidence || (p.weights.sound * 0.05) / coreWeight >= p.coreThreshold;
  // What depends on a scene alone (its microgenre set, its city slug, the sound-map proximity of
  // each microgenre to it) is worked out once, not for each of the (artist x scene) pairs.
  const scorer = new SceneScorer(scenes, map, p);
  const none = scorer.sound(new Map());
  const networks = new Map<string, ArtistNetwork>();
  const sounds = new Map<string, Map<string, number>>();
  const failed = new Set<string>();
  const soundFailed: string[] = [];
  const keptRows = new Map<string, readonly Readonly<SceneMembershipRow>[]>();
  let lost = 0;
  const networkFailed: string[] = [];
  /** Artists of the universe with tastemakers in `deps.tastemakers` (any more are gone from it). */
  let remembered = 0;
  // The stored memberships, read at most once (by the first chunk with a failed sound read, else by pass 2).
  let existingRead: Promise<readonly Readonly<SceneMembershipRow>[]> | undefined;
  const existingRows = (): Promise<readonly Readonly<SceneMembershipRow>[]> =>
    (existingRead ??= deps.stores.scene_memberships.scan());
  let byArtist: Map<string, Readonly<SceneMembershipRow>[]> | undefined;
  const sceneIndex = new Map(scenes.map((sc, i) => [sc.slug, i]));
  // Counted as they come: holding every outcome (and the releases in it) to the end only to count
  // them kept every artist's payloads alive through the whole refresh.
  const mig = countOutcomes([]);
  const cmg = countOutcomes([]);
  for (let i = 0; i < artists.length; i += CHUNK) {
    const pause = yieldSlice();
    if (pause) await pause;
    const slugs = artists.slice(i, i + CHUNK).map((a) => a.slug);
    const [nets, rels] = await Promise.all([
      deps.gateway.batch('mig', 'getNetworks', slugs, { asOf, deadline, batchSize: 100 }),
      deps.gateway.batch('cmg', 'getReleases', slugs, {
        asOf,
        from: new Date(asOfMs - SOUND_YEARS_MS),
        deadline,
        batchSize: 100,
        // Each artist's releases are made into its sound as soon as they are read: the releases
        // (a copy of every fingerprint of two years) then die young instead of living until the
        // whole chunk's reads are in, through a scavenge or two (most of what this pass promoted).
        project: (releases: readonly ReleaseFingerprint[]) => artistSound(releases, asOfMs, p),
      }),
    ]);
    for (const s of slugs) {
      const n = nets.get(s)!;
      const r = rels.get(s)!;
      mig[n.status]++;
      cmg[r.status]++;
      // Links known only after the refresh instant (a bare day is known at its end; a source's
      // clock may run ahead, within the gateway's skew) do not count yet, as in the pulse.
      if (n.status === 'ok') {
        const known = knownLinks(n.value, asOfMs);
        networks.set(s, known);
        rememberTastemakers(s, known.tastemakers);
      } else if (n.status === 'missing') deps.tastemakers.delete(s);
      if (deps.tastemakers.has(s)) remembered++;
      if (n.status === 'ok' || n.status === 'missing') deps.networkReads?.set(s, n as ItemOutcome<ArtistNetwork>);
      if (r.status === 'ok') sounds.set(s, r.value as unknown as Map<string, number>);
      if (n.status === 'timeout' || n.status === 'error' || r.status === 'timeout' || r.status === 'error')
        failed.add(s);
      if (r.status === 'timeout' || r.status === 'error') soundFailed.push(s);
      else if (n.status === 'timeout' || n.status === 'error') networkFailed.push(s);
    }
    // An artist whose sound could not be read keeps its memberships: in the scenes' cores too
    // (from the sound and place its kept rows were scored with), so one failed read does not
    // take its tastemakers and collaborations out of the other members' people scores.
    if (soundFailed.length > 0) {
      // The table's rows are read once (pass 2 reads them anyway), not once per failed artist.
      byArtist ??= groupByArtist(await existingRows());
      for (const slug of soundFailed.splice(0)) {
        const rows = byArtist.get(slug) ?? [];
        if (rows.length === 0) lost++;
        keptRows.set(slug, rows);
      }
    }
    // An artist whose MIG read failed writes no row either (pass 2 skips it): with no earlier
    // memberships to keep, it is placed nowhere this time, as one whose sound failed.
    if (networkFailed.length > 0) {
      byArtist ??= groupByArtist(await existingRows());
      for (const slug of networkFailed.splice(0)) if ((byArtist.get(slug) ?? []).length === 0) lost++;
    }
    // Pass 1 for this chunk's artists, in the universe's order as before.
    for (let j = i, end = Math.min(i + CHUNK, artists.length); j < end; j++) {
      if ((j & PAIRS_YIELD_ARTISTS) === 0) {
        const pause = yieldSlice();
        if (pause) await pause;
      }
      pass1(artists[j]!);
    }
    sounds.clear();
    progress?.advance(slugs.length);
  }

  // Pass 1: sound and place; core members and the tastemakers who back them.
  function pass1(a: ArtistRecord): void {
    const kept = keptRows.get(a.slug);
    if (kept !== undefined) {
      // No row is made for it (its rows are kept as they are): only its place in the cores.
      for (const row of kept) {
        const i = sceneIndex.get(row.scene_slug);
        if (
          i !== undefined &&
          (p.weights.sound * row.sound + p.weights.place * row.place) / coreWeight >= p.coreThreshold
        )
          joinCore(a.slug, i);
      }
      return;
    }
    const own = sounds.get(a.slug);
    const sound = own ? scorer.sound(own) : none;
    const homeCity = citySlug(a.homeCity);
    const homeRegion = regionKey(a.homeRegion);
    const from = candScene.length;
    for (let i = 0; i < scenes.length; i++) {
      const score = scorer.soundScore(sound, i);
      const place = scorer.placeScore(homeRegion, homeCity, i);
      // A pair of next to no sound and no place is skipped unless the policy lets people alone
      // make it a member or its sound alone make it core (a lowered threshold or heavier people).
      if (score < 0.05 && place === 0 && !lowFitMayCount) continue;
      // Confidence only grows with people (in floating point too): a pair below the threshold
      // even with full people marks never becomes a row, so it is not kept for pass 2.
      if (membershipConfidence(score, place, 1, p) >= p.minConfidence) {
        candScene.push(i);
        candSound.push(score);
        candPlace.push(place);
      }
      if ((p.weights.sound * score + p.weights.place * place) / coreWeight >= p.coreThreshold) joinCore(a.slug, i);
    }
    candidates.set(a.slug, { sound, from, to: candScene.length });
  }

  /**
   * `slug` is a core member of scene `i`: its tastemakers back the scene (those its last MIG read
   * that answered gave, when this one failed).
   */
  function joinCore(slug: string, i: number): void {
    const circle = circleAt[i]!;
    circle.core.add(slug);
    for (const t of deps.tastemakers.get(slug) ?? []) circle.tastemakers.set(t, (circle.tastemakers.get(t) ?? 0) + 1);
  }

  /** Keeps `links`' tastemakers for `slug` (the array kept before when they are the same). */
  function rememberTastemakers(slug: string, links: readonly TastemakerLink[]): void {
    const before = deps.tastemakers.get(slug);
    if (links.length === 0) deps.tastemakers.delete(slug);
    else if (before?.length !== links.length || links.some((l, k) => l.tastemaker !== before[k]))
      deps.tastemakers.set(
        slug,
        links.map((l) => l.tastemaker),
      );
  }

  // An artist gone from the universe leaves no tastemakers behind (when the universe was read).
  if (universe.status === 'ok' && deps.tastemakers.size > remembered) {
    const walkedNow = new Set(artists.map((a) => a.slug));
    for (const slug of deps.tastemakers.keys()) if (!walkedNow.has(slug)) deps.tastemakers.delete(slug);
  }

  // The scenes read are scored by this pass unless every artist's reads failed: then none was
  // placed anywhere, and a scene new to the catalog still waits for a refresh that can (its heat
  // unknown, not the 0 of an empty scene).
  if (artists.length === 0 || failed.size < artists.length) deps.scored?.(scenes.map((s) => s.slug));

  // Pass 2: people, then the combined confidence.
  const existing = await existingRows();
  const asOfIso = asOf.toISOString();
  const joined = new Map(existing.map((r) => [`${r.scene_slug}\u0000${r.artist_slug}`, r.joined_at]));
  const known = new Set(existing.map((r) => r.artist_slug));
  // A new pair dates from the artist's first appearance when the artist is new to the table
  // (its memberships are as old as its data), and from this refresh when an artist already
  // placed elsewhere moves into the scene.
  // Never later than the refresh instant: a `firstSeen` stamped after it (within the gateway's
  // skew) would hide the row from every reader as of the refresh.
  const joinedAt = (key: string | undefined, a: ArtistRecord): string =>
    (key === undefined ? undefined : joined.get(key)) ??
    (known.has(a.slug) || parseInstant(a.firstSeen) > asOfMs ? asOfIso : a.firstSeen);
  // Each row's `scene\u0000artist` key, and the set of them, serve only to look up and retire
  // earlier rows: with none (a first refresh) they are not built at all.
  const needKeys = existing.length > 0 || deps.misses.size > 0;
  const fresh = new Set<string>();
  // Reasons repeat across rows (a few thousand texts for tens of thousands of rows): one string
  // per text, not one per row, keeps the table's heap down (the rows hold them for a refresh).
  const texts = new Map<string, string>();
  const intern = (text: string): string => {
    const known = texts.get(text);
    if (known !== undefined) return known;
    texts.set(text, text);
    return text;
  };
  // The place and people reasons of a row depend on its scene or a count alone: built once each.
  const placeReasons = new Map<SceneRow, readonly [string, string]>();
  const placeReason = (scene: SceneRow, city: boolean): string => {
    let r = placeReasons.get(scene);
    if (r === undefined) {
      r = [
        intern(`place: based in ${scene.city ?? scene.region}`),
        intern(`place: based in the scene's region (${scene.region})`),
      ];
      placeReasons.set(scene, r);
    }
    return city ? r[0] : r[1];
  };
  const backedBy: string[] = [];
  const worksWith: string[] = [];
  const counted = (cache: string[], n: number, text: () => string): string => {
    let r = cache[n];
    if (r === undefined) {
      r = intern(text());
      cache[n] = r;
    }
    return r;
  };
  const rows: SceneMembershipRow[] = [];
  for (let n = 0; n < artists.length; n++) {
    if ((n & PAIRS_YIELD_ARTISTS) === 0) {
      const pause = yieldSlice();
      if (pause) await pause;
    }
    const a = artists[n]!;
    if (failed.has(a.slug)) continue;
    const c = candidates.get(a.slug);
    if (!c) continue;
    const network = networks.get(a.slug);
    for (let k = c.from; k < c.to; k++) {
      const i = candScene[k]!;
      const scene = scenes[i]!;
      const people = peopleScore(a.slug, network, circleAt[i] as SceneCircle);
      const confidence = membershipConfidence(candSound[k]!, candPlace[k]!, people.score, p);
      if (confidence < p.minConfidence) continue;
      const x = { scene, sound: candSound[k]!, place: candPlace[k]!, shared: scorer.shared(c.sound, i) };
      const reasons: string[] = [];
      if (x.shared.length) reasons.push(intern(sharesReason(x.shared)));
      else if (x.sound > 0) reasons.push('sound: close to the scene on the sound map');
      if (x.place === 1) reasons.push(placeReason(x.scene, true));
      else if (x.place > 0) reasons.push(placeReason(x.scene, false));
      const tm = people.tastemakers;
      if (tm) reasons.push(counted(backedBy, tm, () => `people: backed by ${tm} of the scene's tastemakers`));
      const co = people.collaborators;
      if (co) reasons.push(counted(worksWith, co, () => `people: works with ${co} of its core artists`));
      const key = needKeys ? `${x.scene.slug}\u0000${a.slug}` : undefined;
      if (key !== undefined) fresh.add(key);
      rows.push({
        scene_slug: x.scene.slug,
        artist_slug: a.slug,
        confidence: r3(confidence),
        sound: r3(x.sound),
        place: r3(x.place),
        people: r3(people.score),
        microgenres: x.shared.slice(0, 64),
        reasons,
        joined_at: joinedAt(key, a),
        as_of: asOfIso,
        updated_at: deps.nowIso,
      });
    }
  }
  // Replace the memberships of every artist whose reads succeeded; keep the others as they were.
  // A membership without evidence this time is held (unchanged, its as_of its last evidence)
  // until it has gone `leaveAfterRefreshes` consecutive refreshes without it: one empty answer
  // from a source must not empty a scene and bring its members back as new ones.
  for (const key of fresh) deps.misses.delete(key);
  // A row is held only while the catalog still backs what it says: an import that dropped one of
  // its microgenres from the scene, or moved the scene to another city or region, changed the
  // scene, not a source's answer, so the row leaves at once (it would otherwise show the old place
  // and microgenres for `leaveAfterRefreshes` refreshes after a refresh that read everything).
  const sceneBySlug = new Map(scenes.map((sc) => [sc.slug, sc]));
  const genresOf = new Map<string, ReadonlySet<string>>();
  const backedByCatalog = (r: Readonly<SceneMembershipRow>): boolean => {
    const scene = sceneBySlug.get(r.scene_slug);
    if (scene === undefined) return false;
    let genres = genresOf.get(scene.slug);
    if (genres === undefined) {
      genres = new Set(scene.microgenres);
      genresOf.set(scene.slug, genres);
    }
    for (const g of r.microgenres) if (!genres.has(g)) return false;
    if (r.place <= 0) return true;
    // Its place reason names the city (or the region) it was scored in: compared as places are
    // (a city as a slug), so a re-import spelling the same city otherwise moves nothing.
    for (const reason of r.reasons) {
      if (!reason.startsWith(PLACE_REASON)) continue;
      const region = REGION_REASON.exec(reason);
      if (region !== null) return region[1] === scene.region;
      return citySlug(reason.slice(PLACE_REASON.length)) === citySlug(scene.city ?? scene.region);
    }
    return true;
  };
  const walked = new Set(existing.length > 0 ? artists.map((a) => a.slug) : []);
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
    if (misses >= p.leaveAfterRefreshes || !backedByCatalog(r)) {
      leaving.push({ scene_slug: r.scene_slug, artist_slug: r.artist_slug });
      deps.misses.delete(key);
    } else {
      deps.misses.set(key, misses);
      held++;
    }
  }
  await deps.stores.scene_memberships.delete(leaving);
  // In parts, the event loop's turn between them: every row is validated as it is written, and a
  // large universe writes hundreds of thousands.
  for (let i = 0; i < rows.length; i += WRITE_ROWS) {
    const pause = yieldSlice();
    if (pause) await pause;
    await deps.stores.scene_memberships.upsert(rows.slice(i, i + WRITE_ROWS));
  }
  return {
    artists: artists.length,
    memberships: rows.length,
    kept: failed.size,
    lost,
    held,
    left: leaving.length,
    sources: { mig, cmg },
    universe: universe.status,
    universeReason: universe.status === 'ok' ? null : (universe.reason ?? null),
    circles: new Map([...circles].map(([k, v]) => [k, v.tastemakers])),
  };
}

/** `n` without the links it dates after `asOfMs` (the same object when it has none). */
function knownLinks(n: ArtistNetwork, asOfMs: number): ArtistNetwork {
  const known = (l: { readonly since: string }): boolean => parseInstant(l.since) <= asOfMs;
  if (n.tastemakers.every(known) && n.collaborators.every(known)) return n;
  return { ...n, tastemakers: n.tastemakers.filter(known), collaborators: n.collaborators.filter(known) };
}
