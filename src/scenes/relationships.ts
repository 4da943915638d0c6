/**
 * @module scenes/relationships
 * Scene-to-scene relationships, typed and weighted: shared members (weighted Jaccard of member
 * confidences), shared sound (microgenre overlap and sound-map proximity) and shared tastemakers
 * (weighted Jaccard of the tastemakers backing each scene's core). Pure computation plus a reader.
 */
import { SceneRadarError } from '../core/errors.js';
import { weightedJaccard } from '../core/features/stats.js';
import type { ScenesStores } from '../stores/specs.js';
import type { SceneMembershipRow, SceneRelationshipRow, SceneRow } from '../stores/tables.js';
import type { SoundMap } from './membership-math.js';
import { RelatedScenesRequestSchema, SlugParamsRequestSchema, validateRequest } from '../core/requests.js';

// The result types are inferred from their schemas (scenes/schemas); re-exported here, where they were declared.
import type { RelatedScene, SceneRelationshipLink } from './schemas.js';

export type { RelatedScene, SceneRelationshipLink };

function soundSimilarity(a: SceneRow, b: SceneRow, map: SoundMap): { weight: number; evidence: number } {
  const sa = new Set(a.microgenres);
  const shared = b.microgenres.filter((g) => sa.has(g)).length;
  const union = new Set([...a.microgenres, ...b.microgenres]).size;
  const jaccard = union ? shared / union : 0;
  const pa = a.microgenres.map((g) => map.get(g)).filter((x) => x !== undefined);
  const pb = b.microgenres.map((g) => map.get(g)).filter((x) => x !== undefined);
  if (!pa.length || !pb.length) return { weight: jaccard, evidence: shared };
  const mean = (xs: (readonly [number, number])[], ys: (readonly [number, number])[]): number =>
    xs.reduce((acc, x) => acc + Math.min(...ys.map((y) => Math.hypot(x[0] - y[0], x[1] - y[1]))), 0) / xs.length;
  const d = (mean(pa, pb) + mean(pb, pa)) / 2;
  return { weight: 0.5 * jaccard + 0.5 * Math.exp(-d / 0.5), evidence: shared };
}

/** Computes relationship rows for every pair of scenes, keeping the strongest per scene and type. */
export function computeRelationships(
  scenes: readonly SceneRow[],
  memberships: readonly SceneMembershipRow[],
  circles: ReadonlyMap<string, ReadonlyMap<string, number>>,
  map: SoundMap,
  params: { readonly minWeight: number; readonly perScene: number },
  nowIso: string,
): SceneRelationshipRow[] {
  const members = new Map<string, Map<string, number>>(scenes.map((s) => [s.slug, new Map()]));
  for (const m of memberships) members.get(m.scene_slug)?.set(m.artist_slug, m.confidence);
  const candidates: SceneRelationshipRow[] = [];
  const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
  for (let i = 0; i < scenes.length; i++) {
    for (let j = i + 1; j < scenes.length; j++) {
      const a = scenes[i]!;
      const b = scenes[j]!;
      const ma = members.get(a.slug)!;
      const mb = members.get(b.slug)!;
      const shared = [...ma.keys()].filter((k) => mb.has(k)).length;
      const ta = circles.get(a.slug) ?? new Map<string, number>();
      const tb = circles.get(b.slug) ?? new Map<string, number>();
      const sharedTm = [...ta.keys()].filter((k) => tb.has(k)).length;
      const sound = soundSimilarity(a, b, map);
      const links: Array<[SceneRelationshipRow['type'], number, number]> = [
        ['shared_members', weightedJaccard(ma, mb), shared],
        ['shared_sound', sound.weight, sound.evidence],
        ['shared_tastemakers', weightedJaccard(ta, tb), sharedTm],
      ];
      for (const [type, weight, evidence] of links) {
        if (weight < params.minWeight) continue;
        const base = { type, weight: r4(Math.min(1, weight)), evidence, updated_at: nowIso };
        candidates.push(
          { scene_slug: a.slug, related_slug: b.slug, ...base },
          { scene_slug: b.slug, related_slug: a.slug, ...base },
        );
      }
    }
  }
  const groups = new Map<string, SceneRelationshipRow[]>();
  for (const r of candidates) {
    const k = `${r.scene_slug}\u0000${r.type}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()].flatMap((g) =>
    g.sort((x, y) => y.weight - x.weight || (x.related_slug < y.related_slug ? -1 : 1)).slice(0, params.perScene),
  );
}

/** Scenes related to `slug`, strongest first (limit 1-50, default 10). */
export async function getRelatedScenes(
  stores: ScenesStores,
  slug: unknown,
  query: { readonly limit?: number } | undefined,
): Promise<RelatedScene[]> {
  const { slug: s, limit } = validateRequest(
    'scenes',
    [SlugParamsRequestSchema, { slug }],
    [RelatedScenesRequestSchema, query],
  );
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
