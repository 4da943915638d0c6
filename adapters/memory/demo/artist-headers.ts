/**
 * @module adapters/memory/demo/artist-headers
 * Compact per-artist headers in typed arrays (about 30 bytes an artist), each computed on first
 * use from the artist's own seed: home scene, career kind, latent quality, starting audience,
 * debut day, base drift and engagement rate. Everything else (the history) is generated from the
 * header and the artist's seed on demand, so a 100,000-artist world costs a few megabytes.
 */
import { Rng, hashSeed } from './rng.js';
import { heatAt, type SceneHeatCurve } from './scene-heat.js';
import type { DemoScene } from './catalog.js';

/** Latent career kinds: what the process is steered towards, not the measured outcome. */
export const CAREERS = ['steady', 'rising', 'breakout', 'declining', 'campaign-spike', 'bought-engagement'] as const;
/** A latent career kind. */
export type Career = (typeof CAREERS)[number];

/** Share of each career kind among artists (same order as {@link CAREERS}). */
export const CAREER_SHARES: readonly number[] = [0.42, 0.16, 0.1, 0.12, 0.1, 0.1];

/** One artist's header, as a plain object. */
export interface ArtistHeader {
  /** Artist index. */
  readonly index: number;
  /** Home scene index. */
  readonly scene: number;
  /** Second scene index, or -1. */
  readonly secondScene: number;
  /** Latent career kind. */
  readonly career: Career;
  /** Latent quality, 0-1. */
  readonly quality: number;
  /** Natural log of the audience on the first simulated day. */
  readonly logAudience0: number;
  /** Debut day index relative to the world's start (negative: before the window). */
  readonly debut: number;
  /** Base daily drift of log-audience. */
  readonly drift: number;
  /** Daily organic engagement per audience member. */
  readonly rate: number;
}

/** Lazily computed headers of every artist. */
export interface ArtistHeaders {
  /** Number of artists. */
  readonly size: number;
  /** Number of headers computed so far. */
  computed(): number;
  /** Bytes held by the typed arrays. */
  readonly bytes: number;
  /** The header of artist `i` (computed on first use). */
  get(i: number): ArtistHeader;
  /** Home scene of artist `i`. */
  scene(i: number): number;
  /** Starting log-audience of artist `i`. */
  logAudience0(i: number): number;
  /** Debut day index of artist `i`. */
  debut(i: number): number;
  /** Career kind of artist `i`. */
  career(i: number): Career;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Creates the header store for `size` artists over `days` days.
 * @example
 * ```ts
 * const headers = createArtistHeaders({ seed: 42, size: 300, days: 400, scenes, heat });
 * headers.get(0).career;
 * ```
 */
export function createArtistHeaders(input: {
  seed: number;
  size: number;
  days: number;
  scenes: readonly DemoScene[];
  heat: readonly SceneHeatCurve[];
}): ArtistHeaders {
  const { seed, size, days, scenes, heat } = input;
  const ready = new Uint8Array(size);
  const scene = new Uint16Array(size);
  const second = new Int16Array(size);
  const career = new Uint8Array(size);
  const quality = new Float32Array(size);
  const logA0 = new Float32Array(size);
  const debut = new Int32Array(size);
  const drift = new Float32Array(size);
  const rate = new Float32Array(size);
  const bytes = size * (1 + 2 + 2 + 1 + 4 * 5);
  let computedCount = 0;

  // Scene sizes differ: a seeded lognormal weight per scene, as a cumulative table.
  const sceneRng = new Rng(hashSeed(seed, 'scene-weights'));
  const cumulative: number[] = [];
  let total = 0;
  for (let s = 0; s < scenes.length; s++) {
    total += Math.exp(sceneRng.normal(0, 0.6));
    cumulative.push(total);
  }
  const pickScene = (u: number): number => {
    const target = u * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  function compute(i: number): void {
    const rng = new Rng(hashSeed(seed, 'header', i));
    const s = pickScene(rng.next());
    const k = rng.weighted(CAREER_SHARES);
    const kind = CAREERS[k]!;
    // Debuts inside the window happen more in hot scenes (the network effect on membership).
    let d = -Math.round(rng.range(30, 2500));
    if (rng.chance(0.12)) {
      for (let tries = 0; tries < 8; tries++) {
        const cand = Math.floor(rng.range(0, Math.max(1, days - 150)));
        if (rng.chance(heatAt(heat[s]!, cand) / 100)) {
          d = cand;
          break;
        }
      }
    }
    const qShift = kind === 'breakout' ? 0.9 : kind === 'rising' ? 0.4 : kind === 'declining' ? -0.3 : 0;
    const q = 1 / (1 + Math.exp(-(rng.normal(0, 1) + qShift)));
    const median =
      d >= 0
        ? 250
        : kind === 'breakout'
          ? 1500
          : kind === 'campaign-spike'
            ? 9000
            : kind === 'bought-engagement'
              ? 2000
              : 3000;
    const la = clamp(Math.log(median) + rng.normal(0, d >= 0 ? 0.8 : 1.7), Math.log(20), Math.log(1_500_000));
    let dr: number;
    if (kind === 'rising') dr = rng.range(0.0015, 0.003);
    else if (kind === 'breakout') dr = rng.normal(0.0004, 0.0003);
    else dr = rng.normal(0, 0.00025);
    const neighbour = scenes[s]!.neighbour;
    scene[i] = s;
    second[i] = neighbour >= 0 && rng.chance(0.3) ? neighbour : -1;
    career[i] = k;
    quality[i] = q;
    logA0[i] = la;
    debut[i] = d;
    drift[i] = dr;
    rate[i] = rng.range(0.15, 0.45);
    ready[i] = 1;
    computedCount++;
  }
  const ensure = (i: number): void => {
    if (!Number.isInteger(i) || i < 0 || i >= size) throw new RangeError(`artist index out of range: ${i}`);
    if (ready[i] === 0) compute(i);
  };

  return {
    size,
    bytes,
    computed: () => computedCount,
    get(i) {
      ensure(i);
      return {
        index: i,
        scene: scene[i]!,
        secondScene: second[i]!,
        career: CAREERS[career[i]!]!,
        quality: quality[i]!,
        logAudience0: logA0[i]!,
        debut: debut[i]!,
        drift: drift[i]!,
        rate: rate[i]!,
      };
    },
    scene: (i) => {
      ensure(i);
      return scene[i]!;
    },
    logAudience0: (i) => {
      ensure(i);
      return logA0[i]!;
    },
    debut: (i) => {
      ensure(i);
      return debut[i]!;
    },
    career: (i) => {
      ensure(i);
      return CAREERS[career[i]!]!;
    },
  };
}
