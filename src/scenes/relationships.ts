/**
 * @module scenes/relationships
 * Scene-to-scene relationships, typed and weighted: shared members (weighted Jaccard of member
 * confidences), shared sound (microgenre overlap and sound-map proximity) and shared tastemakers
 * (weighted Jaccard of the tastemakers backing each scene's core). Pure computation plus a reader.
 */
import { SceneRadarError } from '../core/errors.js';
import { yieldSlice } from '../core/yield.js';
import type { ScenesStores } from '../stores/specs.js';
import type { SceneMembershipRow, SceneRelationshipRow, SceneRow } from '../stores/tables.js';
import type { SoundMap } from './membership-math.js';
import {
  hasOption,
  RelatedScenesRequestSchema,
  SlugParamsRequestSchema,
  validateRequest,
  withinCap,
} from '../core/requests.js';

// The result types are inferred from their schemas (scenes/schemas); re-exported here, where they were declared.
import type { RelatedScene, SceneRelationshipLink } from './schemas.js';

export type { RelatedScene, SceneRelationshipLink };

/**
 * A scene's microgenres, each once. `importCatalog` refuses a scene that repeats one, but a row
 * may reach the store another way (written before that check, or by the host); a repeat must not
 * count twice in the shared count, the Jaccard (which could pass 1) or the mean distance.
 */
function distinctGenres(scene: SceneRow): readonly string[] {
  const distinct = new Set(scene.microgenres);
  return distinct.size === scene.microgenres.length ? scene.microgenres : [...distinct];
}

/**
 * A scene's sound, computed once per scene (not once per pair): its distinct microgenres
 * ({@link distinctGenres}), as a set, and the sound-map points of those placed, as two columns.
 */
interface SceneSound {
  readonly genres: readonly string[];
  readonly set: ReadonlySet<string>;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
}

function sceneSound(scene: SceneRow, map: SoundMap): SceneSound {
  const genres = distinctGenres(scene);
  const placed = genres.map((g) => map.get(g)).filter((x) => x !== undefined);
  return {
    genres,
    set: new Set(genres),
    xs: Float64Array.from(placed, (p) => p[0]),
    ys: Float64Array.from(placed, (p) => p[1]),
  };
}

/**
 * Distance from a placed microgenre to the nearest point of a scene. The nearest point is found by
 * squared distance (no square root per point), then its distance taken with `Math.hypot`: the figure
 * `Math.min(...points.map(Math.hypot))` gives, without an array per microgenre.
 */
function nearestDistance(x: readonly [number, number], b: SceneSound): number {
  let nearest = -1;
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < b.xs.length; k++) {
    const dx = x[0] - b.xs[k]!;
    const dy = x[1] - b.ys[k]!;
    const q = dx * dx + dy * dy;
    if (q < best) {
      best = q;
      nearest = k;
    }
  }
  // The least distance itself, as `Math.min` of the `Math.hypot`s gave it: over every point whose
  // squared distance is within rounding of the least (two can tie there while their distances
  // differ in the last place), or over every point when the squares cannot tell them apart (none
  // finite, or the least under- or overflowing).
  const exact = nearest >= 0 && best > 1e-280 && best < 1e280;
  const within = best + best * 16 * Number.EPSILON;
  let min = Number.POSITIVE_INFINITY;
  for (let k = 0; k < b.xs.length; k++) {
    if (exact) {
      const dx = x[0] - b.xs[k]!;
      const dy = x[1] - b.ys[k]!;
      if (dx * dx + dy * dy > within) continue;
    }
    min = Math.min(min, Math.hypot(x[0] - b.xs[k]!, x[1] - b.ys[k]!));
  }
  return min;
}

/**
 * Nearest distances from the catalog's placed microgenres to each scene, each taken once and kept
 * (one column per scene, built when first asked), so comparing a pair of scenes costs a look-up per
 * microgenre instead of a scan of the other scene's points: all pairs cost O(scenes^2 x microgenres)
 * instead of O(scenes^2 x microgenres^2). The columns hold at most `MAX_NEAREST_CELLS` numbers in
 * all (32 MB); past that (a catalog of very many scenes and microgenres) each is taken afresh.
 */
const MAX_NEAREST_CELLS = 4_000_000;

function nearestIndex(
  sounds: readonly SceneSound[],
  map: SoundMap,
): (x: readonly [number, number], g: string, scene: number) => number {
  const ids = new Map<string, number>();
  for (const s of sounds) for (const g of s.genres) if (map.get(g) !== undefined && !ids.has(g)) ids.set(g, ids.size);
  if (sounds.length * ids.size > MAX_NEAREST_CELLS) return (x, _g, scene) => nearestDistance(x, sounds[scene]!);
  const columns: (Float64Array | undefined)[] = new Array(sounds.length);
  return (x, g, scene) => {
    let column = columns[scene];
    if (column === undefined) {
      // -1 marks a distance not taken yet (a distance is >= 0, NaN or infinite).
      column = new Float64Array(ids.size).fill(-1);
      columns[scene] = column;
    }
    const id = ids.get(g)!;
    let d = column[id]!;
    if (d === -1) {
      d = nearestDistance(x, sounds[scene]!);
      column[id] = d;
    }
    return d;
  };
}

/**
 * Mean distance from each microgenre of scene `a` to the nearest point of scene `b`: 0 for one `b`
 * lists too, placed on the map or not (an unplaced shared microgenre left out of the mean made two
 * scenes sharing it less related than if it were placed far from both).
 */
function meanNearest(
  sounds: readonly SceneSound[],
  a: number,
  b: number,
  map: SoundMap,
  nearest: (x: readonly [number, number], g: string, scene: number) => number,
): number {
  let sum = 0;
  let n = 0;
  const other = sounds[b]!.set;
  for (const g of sounds[a]!.genres) {
    if (other.has(g)) {
      n++;
      continue;
    }
    const x = map.get(g);
    if (x === undefined) continue;
    sum += nearest(x, g, b);
    n++;
  }
  return sum / n;
}

/** Shared sound of scenes `i` and `j` ({@link sceneSound}). */
function soundSimilarity(
  sounds: readonly SceneSound[],
  i: number,
  j: number,
  map: SoundMap,
  nearest: (x: readonly [number, number], g: string, scene: number) => number,
): { weight: number; evidence: number } {
  const a = sounds[i]!;
  const b = sounds[j]!;
  let shared = 0;
  for (const g of b.genres) if (a.set.has(g)) shared++;
  // Each list holds its microgenres once: the union is the two sizes less what they share.
  const union = a.genres.length + b.genres.length - shared;
  const jaccard = union ? shared / union : 0;
  if (!a.xs.length || !b.xs.length) return { weight: jaccard, evidence: shared };
  const d = (meanNearest(sounds, i, j, map, nearest) + meanNearest(sounds, j, i, map, nearest)) / 2;
  return { weight: 0.5 * jaccard + 0.5 * Math.exp(-d / 0.5), evidence: shared };
}

const NONE: ReadonlyMap<string, number> = new Map();

/**
 * Weight maps (one per scene: members' confidences, or tastemakers' counts) with their keys as
 * small integers, for comparing every pair of scenes: `compare(i, j)` is
 * `weightedJaccard(maps[i], maps[j])` (the same sums, in the same order, so the same number) and
 * the keys the two share, with array reads where a pair used to cost a hash lookup per member.
 */
function denseWeights(maps: readonly ReadonlyMap<string, number>[]): {
  compare(i: number, j: number): { weight: number; shared: number };
} {
  const ids = new Map<string, number>();
  const keys: Int32Array[] = [];
  const values: Float64Array[] = [];
  for (const m of maps) {
    const k = new Int32Array(m.size);
    const v = new Float64Array(m.size);
    let n = 0;
    m.forEach((w, key) => {
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
      }
      k[n] = id;
      v[n++] = w;
    });
    keys.push(k);
    values.push(v);
  }
  // Scene `j`'s weights by key, valid where `inB[key] === j + 1`; scene `i`'s keys where `inA[key] === i + 1`.
  const inA = new Int32Array(ids.size);
  const inB = new Int32Array(ids.size);
  const weightB = new Float64Array(ids.size);
  let a = -1;
  return {
    compare(i, j) {
      const ka = keys[i]!;
      const va = values[i]!;
      const kb = keys[j]!;
      const vb = values[j]!;
      if (a !== i) {
        for (let x = 0; x < ka.length; x++) inA[ka[x]!] = i + 1;
        a = i;
      }
      for (let x = 0; x < kb.length; x++) {
        inB[kb[x]!] = j + 1;
        weightB[kb[x]!] = vb[x]!;
      }
      // As weightedJaccard: a's entries in order (a key b lacks weighs 0 there), then b's others.
      let min = 0;
      let max = 0;
      let shared = 0;
      for (let x = 0; x < ka.length; x++) {
        const key = ka[x]!;
        const wa = va[x]!;
        let wb = 0;
        if (inB[key] === j + 1) {
          wb = weightB[key]!;
          shared++;
        }
        min += Math.min(wa, wb);
        max += Math.max(wa, wb);
      }
      for (let x = 0; x < kb.length; x++) if (inA[kb[x]!] !== i + 1) max += vb[x]!;
      // Stamps are per scene: clear b's, which a later pair's b may not overwrite.
      for (let x = 0; x < kb.length; x++) inB[kb[x]!] = 0;
      return { weight: max === 0 ? 0 : min / max, shared };
    },
  };
}

/**
 * Computes relationship rows for every pair of scenes, keeping the strongest per scene and type.
 * O(scenes^2) pairs: the event loop gets its turns between groups of pairs ({@link yieldSlice}), and
 * only each (scene, type)'s `perScene` strongest are held while they are compared.
 */
export async function computeRelationships(
  scenes: readonly SceneRow[],
  memberships: readonly SceneMembershipRow[],
  circles: ReadonlyMap<string, ReadonlyMap<string, number>>,
  map: SoundMap,
  params: { readonly minWeight: number; readonly perScene: number },
  nowIso: string,
): Promise<SceneRelationshipRow[]> {
  const members = new Map<string, Map<string, number>>(scenes.map((s) => [s.slug, new Map()]));
  for (const m of memberships) members.get(m.scene_slug)?.set(m.artist_slug, m.confidence);
  const memberSets = denseWeights(scenes.map((s) => members.get(s.slug)!));
  const circleSets = denseWeights(scenes.map((s) => circles.get(s.slug) ?? NONE));
  const sounds = scenes.map((s) => sceneSound(s, map));
  const nearest = nearestIndex(sounds, map);
  const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
  // Strongest first, then by related slug: each group kept sorted and at most `perScene` long.
  const order = (x: SceneRelationshipRow, y: SceneRelationshipRow): number =>
    y.weight - x.weight || (x.related_slug < y.related_slug ? -1 : 1);
  const groups = new Map<string, SceneRelationshipRow[]>();
  const keep = (r: SceneRelationshipRow): void => {
    const k = `${r.scene_slug}\u0000${r.type}`;
    let g = groups.get(k);
    if (!g) {
      g = [];
      groups.set(k, g);
    }
    if (g.length >= params.perScene && (params.perScene === 0 || order(r, g[g.length - 1]!) >= 0)) return;
    let at = g.length;
    while (at > 0 && order(r, g[at - 1]!) < 0) at--;
    g.splice(at, 0, r);
    if (g.length > params.perScene) g.pop();
  };
  for (let i = 0; i < scenes.length; i++) {
    for (let j = i + 1; j < scenes.length; j++) {
      if ((j & 127) === 0) {
        const pause = yieldSlice();
        if (pause) await pause;
      }
      const a = scenes[i]!;
      const b = scenes[j]!;
      const people = memberSets.compare(i, j);
      const tastemakers = circleSets.compare(i, j);
      const sound = soundSimilarity(sounds, i, j, map, nearest);
      const links: Array<[SceneRelationshipRow['type'], number, number]> = [
        ['shared_members', people.weight, people.shared],
        ['shared_sound', sound.weight, sound.evidence],
        ['shared_tastemakers', tastemakers.weight, tastemakers.shared],
      ];
      for (const [type, weight, evidence] of links) {
        if (weight < params.minWeight) continue;
        const base = { type, weight: r4(Math.min(1, weight)), evidence, updated_at: nowIso };
        keep({ scene_slug: a.slug, related_slug: b.slug, ...base });
        keep({ scene_slug: b.slug, related_slug: a.slug, ...base });
      }
    }
  }
  // Stored both ways: a pair among the strongest of either scene is kept for both (each side
  // pruned on its own left 150 links of the demo world without their reverse).
  const kept = [...groups.values()].flat();
  const have = new Set(kept.map((r) => `${r.scene_slug}\u0000${r.related_slug}\u0000${r.type}`));
  for (const r of [...kept])
    if (!have.has(`${r.related_slug}\u0000${r.scene_slug}\u0000${r.type}`))
      kept.push({ ...r, scene_slug: r.related_slug, related_slug: r.scene_slug });
  return kept;
}

/** Scenes related to `slug`, strongest first (limit 1-50, default 10, within `cap`: `scenes.maxScenesPerQuery`). */
export async function getRelatedScenes(
  stores: ScenesStores,
  slug: unknown,
  query: { readonly limit?: number } | undefined,
  cap: number,
): Promise<RelatedScene[]> {
  const valid = validateRequest('scenes', [SlugParamsRequestSchema, { slug }], [RelatedScenesRequestSchema, query]);
  const s = valid.slug;
  const limit = withinCap('scenes', valid.limit, hasOption(query, 'limit'), cap, 'scenes.maxScenesPerQuery');
  if (!(await stores.scenes.get({ slug: s }))) throw new SceneRadarError('SCENES_NOT_FOUND', `Scene not found: ${s}`);
  const rows = await stores.scene_relationships.scan({ where: { scene_slug: s } });
  const by = new Map<string, RelatedScene['links'][number][]>();
  for (const r of rows) {
    const list = by.get(r.related_slug) ?? [];
    list.push({ type: r.type, weight: r.weight, evidence: r.evidence });
    by.set(r.related_slug, list);
  }
  return [...by]
    .map(([scene_slug, links]) => ({
      scene_slug,
      weight: Math.round((links.reduce((a, l) => a + l.weight, 0) / 3) * 10_000) / 10_000,
      links: links.sort((a, b) => b.weight - a.weight),
    }))
    .sort((a, b) => b.weight - a.weight || (a.scene_slug < b.scene_slug ? -1 : 1))
    .slice(0, limit);
}
