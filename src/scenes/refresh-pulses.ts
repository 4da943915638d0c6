/**
 * @module scenes/refresh-pulses
 * The pulses a Scenes Engine refresh has just computed for its trend snapshots, handed to that
 * engine's `ScenesAdapter` (internal; no public surface). The Talent Radar's refresh follows the
 * Scenes Engine's at the same instant, over the memberships it has just written, and asks for the
 * pulse of every main scene: those are the pulses the snapshots computed, so the adapter takes
 * them instead of computing every scene again (and reading every member's engagement and network
 * again from the host's sources).
 */
import type { ScenePulseSnapshot } from './types.js';

/** The pulses of one refresh, computed with every source healthy, by scene. */
interface RefreshPulses {
  /** The instant they are as of, epoch ms. */
  readonly asOfMs: number;
  /** The as-of of the memberships they were computed over, epoch ms (`memberships_as_of`). */
  readonly membershipsAsOfMs: number;
  /** By scene slug. */
  readonly pulses: ReadonlyMap<string, ScenePulseSnapshot>;
}

/** By engine: one entry per engine, replaced by its next refresh and withdrawn when its tables change otherwise. */
const published = new WeakMap<object, RefreshPulses>();

/**
 * Publishes the pulses `engine`'s refresh computed as of `asOfMs` in place of any earlier ones
 * (only the ones with status `ok` are kept, and only when they were all computed over the same
 * memberships).
 */
export function publishRefreshPulses(engine: object, asOfMs: number, pulses: Iterable<ScenePulseSnapshot>): void {
  published.delete(engine);
  const kept = new Map<string, ScenePulseSnapshot>();
  let membershipsAsOfMs: number | undefined;
  for (const p of pulses) {
    if (p.status !== 'ok' || p.stale !== undefined || p.memberships_as_of === null) continue;
    const at = Date.parse(p.memberships_as_of);
    if (membershipsAsOfMs !== undefined && at !== membershipsAsOfMs) return;
    membershipsAsOfMs = at;
    kept.set(p.scene_slug, p);
  }
  if (membershipsAsOfMs !== undefined) published.set(engine, { asOfMs, membershipsAsOfMs, pulses: kept });
}

/** By engine: how it learns that a reader saw a membership row of a later refresh than it knows. */
const laterRows = new WeakMap<object, (seenMs: number) => Promise<unknown>>();

/** How `engine` reads its live memberships' as-of again when a reader has seen a row of a later refresh. */
export function onLaterMemberships(engine: object, catchUp: (seenMs: number) => Promise<unknown>): void {
  laterRows.set(engine, catchUp);
}

/**
 * Tells `engine` a reader saw a membership row as of `seenMs`, later than the refresh it knows
 * (another instance over the same stores refreshed since): it reads its as-of again.
 */
export async function sawLaterMemberships(engine: object, seenMs: number): Promise<void> {
  await laterRows.get(engine)?.(seenMs);
}

/** Who wants to know when an engine's tables have changed (its `ScenesAdapter`'s memo), and how often they did. */
const listeners = new WeakMap<object, Set<() => void>>();
const generations = new WeakMap<object, number>();

/** Calls `listener` whenever `engine`'s tables have changed (a refresh committed, a catalog was imported); returns the way to stop. */
export function onTablesChange(engine: object, listener: () => void): () => void {
  const set = listeners.get(engine) ?? new Set<() => void>();
  listeners.set(engine, set);
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * How many times `engine`'s tables have changed: part of what a pulse remembered over them is
 * keyed by, so a computation that started before a change and finishes after it is remembered
 * under the old count, never read over the new tables.
 */
export function tablesGeneration(engine: object): number {
  return generations.get(engine) ?? 0;
}

/** Tells `engine`'s listeners its tables changed (a refresh committed, a catalog was imported). */
export function tablesChanged(engine: object): void {
  generations.set(engine, tablesGeneration(engine) + 1);
  for (const listener of listeners.get(engine) ?? []) listener();
}

/** Withdraws what `engine` published: its tables are about to change (a refresh, a catalog import). */
export function withdrawRefreshPulses(engine: object): void {
  published.delete(engine);
}

/**
 * The pulse of `slug` that `engine`'s last refresh computed, if it is the one a computation would
 * give now: as of the same instant `asOfMs`, over the memberships the live tables hold
 * (`refreshedAsOf`, the engine's `refreshedAsOf()` in epoch ms).
 */
export function refreshPulseOf(
  engine: object,
  refreshedAsOf: number | null,
  asOfMs: number,
  slug: string,
): ScenePulseSnapshot | undefined {
  const p = published.get(engine);
  if (!p || p.asOfMs !== asOfMs || p.membershipsAsOfMs !== refreshedAsOf) return undefined;
  return p.pulses.get(slug);
}
