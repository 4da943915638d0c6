/**
 * @module adapters/memory/demo/pools
 * The demo world's tastemakers (per scene, plus a few global ones with more reach) and press
 * outlets (with a quality, 0-1). Both are small and built once per world.
 */
import type { TastemakerKind } from '../../../src/contracts/payloads.js';
import type { DemoScene } from './catalog.js';
import { Rng, hashSeed } from './rng.js';

/** A tastemaker of the demo world. */
export interface Tastemaker {
  /** Tastemaker slug. */
  readonly slug: string;
  /** Kind. */
  readonly kind: TastemakerKind;
  /** Reach, 0-1. */
  readonly influence: number;
  /** Scene index it is focused on, or -1 for a global tastemaker. */
  readonly scene: number;
}

/** A press outlet of the demo world. */
export interface Outlet {
  /** Outlet slug. */
  readonly slug: string;
  /** Quality (reach x editorial weight), 0-1. */
  readonly quality: number;
}

/** Tastemakers and outlets of one world. */
export interface Pools {
  /** All tastemakers: per-scene ones first (scene by scene), then global ones. */
  readonly tastemakers: readonly Tastemaker[];
  /** Tastemaker indices by scene. */
  readonly byScene: readonly (readonly number[])[];
  /** Indices of the global tastemakers. */
  readonly global: readonly number[];
  /** Outlets, sorted by quality ascending. */
  readonly outlets: readonly Outlet[];
}

const KINDS: readonly TastemakerKind[] = ['playlist', 'radio', 'blog', 'dj', 'promoter', 'label', 'curator'];
const GLOBAL_NAMES = [
  'first-light',
  'night-owl',
  'deep-cuts',
  'first-listen',
  'early-radar',
  'the-shortlist',
  'future-sounds',
  'crate-diggers',
  'open-air',
  'sound-scouts',
  'midnight-static',
  'weekly-heat',
];
/** Fictional outlets, weakest to strongest (no real publication is named). */
const OUTLET_NAMES = [
  'local-gig-guide',
  'zine-corner',
  'bedroom-blog',
  'the-b-side',
  'track-of-the-day',
  'gig-junkies',
  'sound-check-weekly',
  'the-listening-post',
  'record-shop-notes',
  'static-and-noise',
  'lantern-review',
  'mixtape-monthly',
  'paper-cuts-magazine',
  'amplifier-quarterly',
  'the-long-player',
  'signal-and-echo',
  'frequency-journal',
  'the-setlist',
  'headliner-magazine',
  'the-sound-ledger',
  'encore-daily',
  'backstage-wire',
  'chorus-times',
  'the-music-gazette',
  'soundwave-national',
  'the-daily-spin',
  'broadcast-review',
  'global-sound-report',
];

/**
 * Builds the pools of one world: 8 tastemakers per scene, 12 global ones, and 28 outlets whose
 * quality rises along the list (with seeded jitter).
 * @example
 * ```ts
 * const pools = buildPools(42, catalog.scenes);
 * pools.tastemakers[pools.byScene[0]![0]!]?.slug; // 'indie-uk-brighton-playlist-1'
 * ```
 */
export function buildPools(seed: number, scenes: readonly DemoScene[]): Pools {
  const rng = new Rng(hashSeed(seed, 'pools'));
  const tastemakers: Tastemaker[] = [];
  const byScene: number[][] = [];
  for (const scene of scenes) {
    const ids: number[] = [];
    for (let k = 0; k < 8; k++) {
      const kind = KINDS[(k + scene.index) % KINDS.length]!;
      ids.push(tastemakers.length);
      tastemakers.push({
        slug: `${scene.slug}-${kind}-${k + 1}`,
        kind,
        influence: Math.round(rng.range(0.15, 0.7) * 1000) / 1000,
        scene: scene.index,
      });
    }
    byScene.push(ids);
  }
  const global: number[] = [];
  GLOBAL_NAMES.forEach((name, k) => {
    const kind = KINDS[k % KINDS.length]!;
    global.push(tastemakers.length);
    tastemakers.push({
      slug: `${name}-${kind}`,
      kind,
      influence: Math.round(rng.range(0.6, 0.98) * 1000) / 1000,
      scene: -1,
    });
  });
  const outlets = OUTLET_NAMES.map((slug, k) => {
    const q = 0.06 + (0.9 * k) / (OUTLET_NAMES.length - 1) + rng.normal(0, 0.015);
    return { slug, quality: Math.round(Math.min(0.99, Math.max(0.02, q)) * 1000) / 1000 };
  }).sort((a, b) => a.quality - b.quality);
  return { tastemakers, byScene, global, outlets };
}

/** Index of the outlet whose quality is nearest to `target` (outlets sorted by quality). */
export function nearestOutlet(outlets: readonly Outlet[], target: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let k = 0; k < outlets.length; k++) {
    const d = Math.abs(outlets[k]!.quality - target);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}
