/**
 * @module scenes/membership-math
 * How strongly an artist belongs to a scene, from three kinds of evidence: sound (the
 * microgenres of its recent releases against the scene's, and their distance on the sound map),
 * place (home city or region) and people (tastemakers and collaborators it shares with the
 * scene's core). Pure functions; the refresh feeds them.
 */
import type { ArtistNetwork, ArtistRecord, ReleaseFingerprint } from '../contracts/payloads.js';
import { clamp01 } from '../core/features/stats.js';
import { regionKey } from '../core/region.js';
import { slugify } from '../core/slug.js';
import { DAY_MS } from '../core/time.js';

/** Weights of the three membership components (renormalised to sum to 1). */
export interface MembershipWeights {
  /** Weight of sound: microgenres and sound-map proximity. */
  readonly sound: number;
  /** Weight of place: home city or region. */
  readonly place: number;
  /** Weight of people: shared tastemakers and collaborators. */
  readonly people: number;
}

/** Tunable policy of memberships (lives in config: `scenes.membership`). */
export interface MembershipParams {
  /** Weights of the three components. */
  readonly weights: MembershipWeights;
  /** Place score for the same region but another city. */
  readonly sameRegionPlace: number;
  /** Half-life of a release's weight in the artist's sound, days. */
  readonly releaseHalfLifeDays: number;
  /** Distance on the sound map (in catalog standard deviations) at which proximity is 1/e. */
  readonly soundMapScale: number;
  /** Sound-and-place score from which an artist is a core member (defines the scene's people). */
  readonly coreThreshold: number;
  /** Confidence below which no membership is stored. */
  readonly minConfidence: number;
}

/** A scene as membership needs it. */
export interface MembershipScene {
  /** Scene slug. */
  readonly slug: string;
  /** Region code. */
  readonly region: string;
  /** City (name or slug), or null. */
  readonly city: string | null;
  /** Microgenre slugs. */
  readonly microgenres: readonly string[];
}

/** Sound-map positions of microgenres, already scaled to unit spread. */
export type SoundMap = ReadonlyMap<string, readonly [number, number]>;

/** How many median absolute deviations from the median a coordinate may lie before it stops widening the scale. */
const SCALE_OUTLIER_MADS = 10;

/**
 * The standard deviation of `xs`, each value first clamped to the median plus or minus
 * {@link SCALE_OUTLIER_MADS} median absolute deviations: on an ordinary map nothing is clamped and
 * this is the plain standard deviation; one stray coordinate (a typo, `1e5` among values of
 * 100-1,300, or `1e200`) no longer stretches the scale until every other point sits at the
 * origin, close to all the rest. 1 when the spread is zero or not finite.
 */
function robustSpread(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = (v: readonly number[]): number => {
    const h = v.length >> 1;
    return v.length % 2 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
  };
  const median = mid(sorted);
  const mad = mid(sorted.map((x) => Math.abs(x - median)).sort((a, b) => a - b));
  const lo = median - SCALE_OUTLIER_MADS * mad;
  const hi = median + SCALE_OUTLIER_MADS * mad;
  const kept = mad > 0 && Number.isFinite(mad) ? xs.map((x) => Math.min(hi, Math.max(lo, x))) : xs;
  const m = kept.reduce((a, b) => a + b, 0) / kept.length;
  const sd = Math.sqrt(kept.reduce((a, b) => a + (b - m) ** 2, 0) / kept.length);
  return Number.isFinite(sd) && sd > 0 ? sd : 1;
}

/**
 * Scales raw microgenre coordinates by their spread on each axis: the standard deviation, robust
 * to a stray coordinate ({@link robustSpread}).
 */
export function buildSoundMap(rows: readonly { slug: string; x: number | null; y: number | null }[]): SoundMap {
  const pts = rows.filter((r): r is { slug: string; x: number; y: number } => r.x !== null && r.y !== null);
  if (pts.length < 2) return new Map();
  const sd = robustSpread;
  const sx = sd(pts.map((pt) => pt.x));
  const sy = sd(pts.map((pt) => pt.y));
  return new Map(pts.map((pt) => [pt.slug, [pt.x / sx, pt.y / sy] as const]));
}

/** Whether a release's tags list one twice (a pairwise look: a release has a handful). */
function repeatsATag(tags: readonly string[]): boolean {
  for (let i = 1; i < tags.length; i++) for (let j = 0; j < i; j++) if (tags[i] === tags[j]) return true;
  return false;
}

/**
 * The artist's sound: microgenre weights from recent releases (recency-decayed, summing to 1; a
 * release's tags each once), strongest first, ties by microgenre slug. The order is the data's,
 * not the source's: a release may list its tags in any order, and the microgenres a membership
 * names (and its reason) follow this one.
 */
export function artistSound(
  releases: readonly ReleaseFingerprint[],
  asOfMs: number,
  params: MembershipParams,
): Map<string, number> {
  const out = new Map<string, number>();
  let total = 0;
  for (const r of releases) {
    const age = (asOfMs - Date.parse(`${r.releasedAt}T00:00:00.000Z`)) / DAY_MS;
    if (age < 0 || r.microgenres.length === 0) continue;
    // Each tag once: a release that lists one twice does not weigh it twice.
    const tags = repeatsATag(r.microgenres) ? [...new Set(r.microgenres)] : r.microgenres;
    const w = 0.5 ** (age / params.releaseHalfLifeDays) / tags.length;
    for (const g of tags) {
      out.set(g, (out.get(g) ?? 0) + w);
      total += w;
    }
  }
  if (total > 0) for (const [g, w] of out) out.set(g, w / total);
  if (out.size < 2) return out;
  const ranked = [...out].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Map(ranked);
}

/** Result of {@link soundScore}. */
export interface SoundScore {
  /** Sound score, 0-1. */
  score: number;
  /** Microgenres of the artist's sound that are also the scene's. */
  shared: string[];
}

/** Sound score 0-1: share of the artist's sound inside the scene, blended with map proximity. */
export function soundScore(
  sound: ReadonlyMap<string, number>,
  scene: MembershipScene,
  map: SoundMap,
  params: MembershipParams,
): SoundScore {
  if (sound.size === 0) return { score: 0, shared: [] };
  const inScene = new Set(scene.microgenres);
  let overlap = 0;
  const shared: string[] = [];
  for (const [g, w] of sound)
    if (inScene.has(g)) {
      overlap += w;
      shared.push(g);
    }
  const scenePts = scene.microgenres.map((g) => map.get(g)).filter((x) => x !== undefined);
  if (scenePts.length === 0) return { score: clamp01(overlap), shared };
  let proximity = 0;
  let known = 0;
  for (const [g, w] of sound) {
    // One of the scene's own microgenres is at distance 0 from it, with a position or without.
    if (inScene.has(g)) {
      proximity += w;
      known += w;
      continue;
    }
    const pt = map.get(g);
    if (!pt) continue;
    let best = Infinity;
    for (const s of scenePts) best = Math.min(best, Math.hypot(pt[0] - s[0], pt[1] - s[1]));
    proximity += w * Math.exp(-best / params.soundMapScale);
    known += w;
  }
  // None of the artist's microgenres is the scene's own or has a position: overlap alone, as for a scene without any.
  if (known === 0) return { score: clamp01(overlap), shared };
  return { score: clamp01(0.6 * overlap + 0.4 * (proximity / known)), shared };
}

/**
 * A scene prepared once for scoring many artists against it ({@link SceneScorer}): its microgenres
 * as a set, its points on the sound map and its city as a slug, which {@link soundScore} and
 * {@link placeScore} otherwise rebuild for every (artist, scene) pair.
 */
export interface PreparedScene {
  /** The scene. */
  readonly scene: MembershipScene;
  /** Its microgenres. */
  readonly genres: ReadonlySet<string>;
  /** Whether any of its microgenres is on the sound map (else sound is overlap alone). */
  readonly mapped: boolean;
  /** Its city as a slug, or null. */
  readonly citySlug: string | null;
}

/** What {@link SceneScorer} knows of one microgenre against every scene, by scene index. */
export interface GenreRow {
  /** 1 where the scene lists the microgenre. */
  readonly member: Uint8Array;
  /** The proximity term to each scene (`exp(-distance / soundMapScale)`), or undefined off the map. */
  readonly proximity: Float64Array | undefined;
}

/** An artist's sound prepared by {@link SceneScorer.sound}: its microgenres and weights, in the sound's order. */
export interface PreparedSound {
  /** Microgenres. */
  readonly genres: readonly string[];
  /** Their weights. */
  readonly weights: readonly number[];
  /** Their rows against the scenes. */
  readonly rows: readonly GenreRow[];
}

/**
 * Scores artists against a fixed list of scenes with the same results as {@link soundScore} and
 * {@link placeScore}, computing once what depends on the scene alone, and once per microgenre and
 * scene whether the scene lists it and the proximity term `exp(-distance / soundMapScale)` (the
 * distance from the microgenre to the scene's nearest microgenre on the map), instead of once per
 * artist. Sums run over the artist's microgenres in the sound's order, as `soundScore`'s do.
 * @example
 * ```ts
 * const scorer = new SceneScorer(scenes, map, params);
 * const score = scorer.soundScore(scorer.sound(sound), 0); // soundScore(sound, scenes[0], map, params).score
 * ```
 */
export class SceneScorer {
  /** The scenes, prepared, in the order given. */
  readonly scenes: readonly PreparedScene[];
  readonly #map: SoundMap;
  readonly #params: MembershipParams;
  readonly #rows = new Map<string, GenreRow>();
  /** Scene points, by scene index. */
  readonly #points: (readonly (readonly [number, number])[])[];

  /** Prepares `scenes` against the sound map `map`. */
  constructor(scenes: readonly MembershipScene[], map: SoundMap, params: MembershipParams) {
    this.#map = map;
    this.#params = params;
    this.#points = scenes.map((s) => s.microgenres.map((g) => map.get(g)).filter((x) => x !== undefined));
    this.scenes = scenes.map((scene, i) => ({
      scene,
      genres: new Set(scene.microgenres),
      mapped: this.#points[i]!.length > 0,
      citySlug: citySlug(scene.city),
    }));
  }

  /** The row of microgenre `g`, computed at its first sight. */
  #row(g: string): GenreRow {
    let row = this.#rows.get(g);
    if (row) return row;
    const n = this.scenes.length;
    const member = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (this.scenes[i]!.genres.has(g)) member[i] = 1;
    const pt = this.#map.get(g);
    let proximity: Float64Array | undefined;
    if (pt) {
      proximity = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let best = Infinity;
        for (const s of this.#points[i]!) best = Math.min(best, Math.hypot(pt[0] - s[0], pt[1] - s[1]));
        proximity[i] = Math.exp(-best / this.#params.soundMapScale);
      }
    }
    row = { member, proximity };
    this.#rows.set(g, row);
    return row;
  }

  /** An artist's sound, prepared for scoring against every scene. */
  sound(sound: ReadonlyMap<string, number>): PreparedSound {
    const genres: string[] = [];
    const weights: number[] = [];
    const rows: GenreRow[] = [];
    sound.forEach((w, g) => {
      genres.push(g);
      weights.push(w);
      rows.push(this.#row(g));
    });
    return { genres, weights, rows };
  }

  /** The sound score of a prepared sound for scene `i`: `soundScore(sound, scene, map, params).score`. */
  soundScore(sound: PreparedSound, i: number): number {
    const { weights, rows } = sound;
    const n = weights.length;
    if (n === 0) return 0;
    let overlap = 0;
    for (let k = 0; k < n; k++) if (rows[k]!.member[i] === 1) overlap += weights[k]!;
    if (!this.scenes[i]!.mapped) return clamp01(overlap);
    let proximity = 0;
    let known = 0;
    for (let k = 0; k < n; k++) {
      // One of the scene's own microgenres is at distance 0 from it, with a position or without.
      if (rows[k]!.member[i] === 1) {
        proximity += weights[k]!;
        known += weights[k]!;
        continue;
      }
      const p = rows[k]!.proximity;
      if (p === undefined) continue;
      const w = weights[k]!;
      proximity += w * p[i]!;
      known += w;
    }
    if (known === 0) return clamp01(overlap);
    return clamp01(0.6 * overlap + 0.4 * (proximity / known));
  }

  /** The microgenres of a prepared sound that are scene `i`'s, in the sound's order (strongest first, ties by slug): `soundScore(...).shared`. */
  shared(sound: PreparedSound, i: number): string[] {
    const out: string[] = [];
    for (let k = 0; k < sound.genres.length; k++) if (sound.rows[k]!.member[i] === 1) out.push(sound.genres[k]!);
    return out;
  }

  /**
   * The place score of an artist for scene `i`: `placeScore(artist, scene, params)`, with the
   * artist's home region already a code (`regionKey(artist.homeRegion)`) and home city a slug
   * ({@link citySlug}).
   */
  placeScore(homeRegion: string | undefined, homeCitySlug: string | null, i: number): number {
    const { scene, citySlug } = this.scenes[i]!;
    if (homeRegion === undefined || homeRegion !== scene.region) return 0;
    if (homeCitySlug !== null && citySlug !== null && homeCitySlug === citySlug) return 1;
    return this.#params.sameRegionPlace;
  }
}

/** Place score 0-1: home city, or home region only. */
export function placeScore(artist: ArtistRecord, scene: MembershipScene, params: MembershipParams): number {
  // Region codes compare trimmed and without case (`UK` is the `uk` scenes' region), as cities compare as slugs.
  const region = regionKey(artist.homeRegion);
  if (region === undefined || region !== scene.region) return 0;
  const home = citySlug(artist.homeCity);
  if (home !== null && home === citySlug(scene.city)) return 1;
  return params.sameRegionPlace;
}

/** A city as it compares: its slug, or null for no city (a blank name, `' '` or `'\u200b'`, names none). */
export function citySlug(city: string | null): string | null {
  const slug = city === null ? '' : slugify(city);
  return slug === '' ? null : slug;
}

/** The people of a scene: tastemaker weights and core members, from the core's networks. */
export interface SceneCircle {
  /** Tastemaker -> number of core members it backs. */
  readonly tastemakers: ReadonlyMap<string, number>;
  /** Core member slugs. */
  readonly core: ReadonlySet<string>;
}

/** Result of {@link peopleScore}. */
export interface PeopleScore {
  /** People score, 0-1. */
  score: number;
  /** The artist's tastemakers that also back another core member of the scene. */
  tastemakers: number;
  /** The artist's collaborators that are core members of the scene. */
  collaborators: number;
}

/** People score 0-1: the share of the artist's tastemaker weight and collaborators inside the scene's circle. */
export function peopleScore(slug: string, network: ArtistNetwork | undefined, circle: SceneCircle): PeopleScore {
  if (!network) return { score: 0, tastemakers: 0, collaborators: 0 };
  const isCore = circle.core.has(slug);
  let inCircle = 0;
  let all = 0;
  let tastemakers = 0;
  for (const l of network.tastemakers) {
    all += l.weight;
    // A tastemaker counts when it backs another core member besides this artist.
    if ((circle.tastemakers.get(l.tastemaker) ?? 0) - (isCore ? 1 : 0) >= 1) {
      inCircle += l.weight;
      tastemakers++;
    }
  }
  let collaborators = 0;
  for (const c of network.collaborators) if (c.artist !== slug && circle.core.has(c.artist)) collaborators++;
  const tmShare = all > 0 ? inCircle / all : 0;
  const collabShare = network.collaborators.length > 0 ? collaborators / network.collaborators.length : 0;
  return { score: clamp01(0.6 * tmShare + 0.4 * collabShare), tastemakers, collaborators };
}

/** Combined confidence from the three components (weights renormalised to sum to 1). */
export function membershipConfidence(sound: number, place: number, people: number, params: MembershipParams): number {
  const { weights: w } = params;
  return clamp01((w.sound * sound + w.place * place + w.people * people) / (w.sound + w.place + w.people));
}
