/**
 * @module adapters/memory/demo/context
 * What every part of the simulation shares about one world: its clock span, catalog, scene heat,
 * artist headers, pools, names, and the lazily built collaboration graph.
 */
import { slugify } from '../../../src/core/slug.js';
import { DAY_MS, dayOf } from '../../../src/core/time.js';
import type { ArtistHeaders } from './artist-headers.js';
import type { DemoCatalog } from './catalog.js';
import type { NameGenerator } from './names.js';
import type { CollaborationGraph } from './network.js';
import type { Pools } from './pools.js';
import type { SceneHeatCurve } from './scene-heat.js';

/** Shared, read-only state of one demo world. */
export interface WorldContext {
  /** World seed. */
  readonly seed: number;
  /** Number of artists. */
  readonly size: number;
  /** Days in the window. */
  readonly days: number;
  /** First day of the window, `YYYY-MM-DD`. */
  readonly start: string;
  /** Last day of the window, `YYYY-MM-DD`. */
  readonly end: string;
  /** Epoch ms of the start of the first day. */
  readonly startMs: number;
  /** UTC day of week of the first day (0 = Sunday). */
  readonly startDow: number;
  /** Scenes and microgenres. */
  readonly catalog: DemoCatalog;
  /** Latent heat per scene (same order as the catalog). */
  readonly heat: readonly SceneHeatCurve[];
  /** Artist headers. */
  readonly headers: ArtistHeaders;
  /** Tastemakers and outlets. */
  readonly pools: Pools;
  /** Artist names. */
  readonly names: NameGenerator;
  /** The collaboration graph (built on first call). */
  network(): CollaborationGraph;
}

/** The `YYYY-MM-DD` of day index `t` of a world. */
export function dayAt(ctx: WorldContext, t: number): string {
  return dayOf(ctx.startMs + t * DAY_MS);
}

/** The ISO instant `sec` seconds into day index `t` of a world. */
export function instantAt(ctx: WorldContext, t: number, sec: number): string {
  return new Date(ctx.startMs + t * DAY_MS + sec * 1000).toISOString();
}

/** Display name of artist `i`. */
export function nameOf(ctx: WorldContext, i: number): string {
  return ctx.names.name(i);
}

/** Slug of artist `i`. */
export function slugOf(ctx: WorldContext, i: number): string {
  return slugify(ctx.names.name(i));
}
