/**
 * @module adapters/memory/demo/catalog
 * The demo world's scenes and microgenres, from the generated Every Noise data: table rows for
 * the Scenes Engine (`scenes`, `microgenres`), a sound centroid per scene (an 8-dimensional
 * stand-in for a creative fingerprint, derived from the scene's x/y), and each scene's nearest
 * other scene (where artists' second memberships go).
 */
import type { MicrogenreRow, SceneRow } from '../../../src/stores/tables.js';
import { GENRE_MICROGENRES, GENRE_SCENES, type GenreMicrogenre, type GenreScene } from '../data/genres.js';

/** Dimension of the demo world's fingerprint vectors. */
export const FINGERPRINT_DIM = 8;

/** A scene of the demo world: the generated scene plus what the simulation needs. */
export interface DemoScene extends GenreScene {
  /** Position in the catalog. */
  readonly index: number;
  /** Sound centroid, {@link FINGERPRINT_DIM} values in about [-1, 1]. */
  readonly centroid: readonly number[];
  /** Index of the nearest other scene in the map (same city counts as nearer), or -1 if alone. */
  readonly neighbour: number;
}

/** The scenes and microgenres a demo world uses. */
export interface DemoCatalog {
  /** Scenes, in catalog order. */
  readonly scenes: readonly DemoScene[];
  /** Microgenres: the union of the scenes' microgenres, by slug. */
  readonly microgenres: readonly GenreMicrogenre[];
  /** Rows for the `scenes` table. */
  readonly sceneRows: readonly SceneRow[];
  /** Rows for the `microgenres` table. */
  readonly microgenreRows: readonly MicrogenreRow[];
  /** Scene index by slug. */
  readonly sceneIndex: ReadonlyMap<string, number>;
  /** Distinct country codes of the scenes, sorted. */
  readonly regions: readonly string[];
}

/**
 * The sound centroid of a map position: smooth functions of the normalised x/y, so that scenes
 * close in the Every Noise map get close fingerprints.
 * @example
 * ```ts
 * soundCentroid(448, 12465).length; // 8
 * ```
 */
export function soundCentroid(x: number, y: number): number[] {
  const xn = x / 1500;
  const yn = y / 20000;
  const tau = 2 * Math.PI;
  return [
    2 * xn - 1,
    2 * yn - 1,
    Math.sin(tau * xn),
    Math.cos(tau * xn),
    Math.sin(tau * yn),
    Math.cos(tau * yn),
    Math.sin(Math.PI * (xn + 2 * yn)),
    Math.cos(Math.PI * (2 * xn - yn)),
  ];
}

/** Number of scenes in the generated data (the most a world can use). */
export const MAX_SCENES: number = GENRE_SCENES.length;

/**
 * Builds the catalog from the first `count` generated scenes (curated order, `indie-uk-brighton`
 * first). `updatedAt` is the instant written in the rows' `updated_at`.
 * @example
 * ```ts
 * const catalog = buildCatalog(10, '2025-01-01T00:00:00.000Z');
 * catalog.sceneRows[0]?.slug; // 'indie-uk-brighton'
 * ```
 */
export function buildCatalog(count: number, updatedAt: string): DemoCatalog {
  const picked = GENRE_SCENES.slice(0, Math.max(1, Math.min(count, GENRE_SCENES.length)));
  const scenes: DemoScene[] = picked.map((s, index) => {
    let neighbour = -1;
    let best = Infinity;
    picked.forEach((o, j) => {
      if (j === index) return;
      const d = Math.hypot(o.x - s.x, o.y - s.y) * (o.city === s.city ? 0.5 : 1);
      if (d < best) {
        best = d;
        neighbour = j;
      }
    });
    return { ...s, index, centroid: soundCentroid(s.x, s.y), neighbour };
  });
  const used = new Set(scenes.flatMap((s) => s.microgenres));
  const microgenres = GENRE_MICROGENRES.filter((m) => used.has(m.slug));
  const sceneRows: SceneRow[] = scenes.map((s) => ({
    slug: s.slug,
    name: s.name,
    region: s.country,
    city: s.city,
    microgenres: [...s.microgenres],
    updated_at: updatedAt,
  }));
  const microgenreRows: MicrogenreRow[] = microgenres.map((m) => ({
    slug: m.slug,
    name: m.name,
    x: m.x,
    y: m.y,
    updated_at: updatedAt,
  }));
  return {
    scenes,
    microgenres,
    sceneRows,
    microgenreRows,
    sceneIndex: new Map(scenes.map((s) => [s.slug, s.index])),
    regions: [...new Set(scenes.map((s) => s.country))].sort(),
  };
}
