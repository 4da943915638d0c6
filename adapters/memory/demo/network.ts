/**
 * @module adapters/memory/demo/network
 * The global collaboration graph, generated once (lazily, on the first history request) and kept
 * compactly in typed arrays (CSR adjacency). Every edge is stored in both directions, so artist A
 * listing B implies B lists A, with the same date and weight. Most collaborations stay inside a
 * scene, and partners are picked with a preference for bigger artists.
 */
import type { ArtistHeaders } from './artist-headers.js';
import { Rng, hashSeed } from './rng.js';

/** One side of a collaboration, as seen from an artist. */
export interface Collaboration {
  /** The partner's artist index. */
  readonly partner: number;
  /** Day index the collaboration first appeared (may be before the window). */
  readonly day: number;
  /** Joint works, >= 1. */
  readonly weight: number;
}

/** The collaboration graph. */
export interface CollaborationGraph {
  /** Number of (undirected) collaborations. */
  readonly edges: number;
  /** Bytes held by the typed arrays. */
  readonly bytes: number;
  /** An artist's collaborations, oldest first. */
  neighbours(i: number): Collaboration[];
}

/** Collaborations never start earlier than this many days before the window. */
const OLDEST_COLLAB = 540;

/**
 * Generates the collaboration graph of a world (computes every artist header).
 * @example
 * ```ts
 * const graph = buildCollaborationGraph(42, headers, catalog.scenes.length, 400);
 * graph.neighbours(0).map((c) => c.partner);
 * ```
 */
export function buildCollaborationGraph(
  seed: number,
  headers: ArtistHeaders,
  sceneCount: number,
  days: number,
): CollaborationGraph {
  const n = headers.size;
  // Members of each scene (counting sort by home scene).
  const sceneStart = new Int32Array(sceneCount + 1);
  for (let i = 0; i < n; i++) sceneStart[headers.scene(i) + 1]!++;
  for (let s = 0; s < sceneCount; s++) sceneStart[s + 1]! += sceneStart[s]!;
  const members = new Int32Array(n);
  const fill = sceneStart.slice(0, sceneCount);
  for (let i = 0; i < n; i++) members[fill[headers.scene(i)]!++] = i;

  const from: number[] = [];
  const to: number[] = [];
  const when: number[] = [];
  const weights: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const h = headers.get(i);
    const rng = new Rng(hashSeed(seed, 'collab', i));
    const k = rng.poisson(0.5 + 0.4 * h.quality + 0.1 * Math.max(0, h.logAudience0 / Math.LN10 - 2));
    for (let c = 0; c < k; c++) {
      let j: number;
      const lo = sceneStart[h.scene]!;
      const size = sceneStart[h.scene + 1]! - lo;
      if (size > 1 && rng.chance(0.85)) {
        // Best of three by audience half the time: collaborations reach up.
        j = members[lo + rng.int(size)]!;
        if (rng.chance(0.5)) {
          for (let t = 0; t < 2; t++) {
            const other = members[lo + rng.int(size)]!;
            if (headers.logAudience0(other) > headers.logAudience0(j)) j = other;
          }
        }
      } else {
        j = rng.int(n);
      }
      if (j === i) continue;
      const key = Math.min(i, j) * n + Math.max(i, j);
      if (seen.has(key)) continue;
      const first = Math.max(h.debut, headers.debut(j), -OLDEST_COLLAB);
      if (first > days - 1) continue;
      seen.add(key);
      from.push(i);
      to.push(j);
      when.push(first + rng.int(days - first));
      weights.push(Math.min(5, 1 + rng.poisson(0.5)));
    }
  }

  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < from.length; e++) {
    offsets[from[e]! + 1]!++;
    offsets[to[e]! + 1]!++;
  }
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const partner = new Int32Array(2 * from.length);
  const day = new Int32Array(2 * from.length);
  const weight = new Uint8Array(2 * from.length);
  const cursor = offsets.slice(0, n);
  const put = (a: number, b: number, e: number): void => {
    const p = cursor[a]!++;
    partner[p] = b;
    day[p] = when[e]!;
    weight[p] = weights[e]!;
  };
  for (let e = 0; e < from.length; e++) {
    put(from[e]!, to[e]!, e);
    put(to[e]!, from[e]!, e);
  }
  return {
    edges: from.length,
    bytes: offsets.byteLength + partner.byteLength + day.byteLength + weight.byteLength,
    neighbours(i) {
      const out: Collaboration[] = [];
      for (let p = offsets[i]!; p < offsets[i + 1]!; p++)
        out.push({ partner: partner[p]!, day: day[p]!, weight: weight[p]! });
      return out.sort((a, b) => a.day - b.day || a.partner - b.partner);
    },
  };
}
