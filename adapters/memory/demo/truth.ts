/**
 * @module adapters/memory/demo/truth
 * Ground truth of a demo world: per artist, the latent career and the outcomes measured on the
 * simulated path (breakout, decline), bought-engagement windows and campaigns; per scene, the
 * latent heat and stage by day. Lazy: an artist's truth is simulated when asked (and cached in a
 * bounded LRU), so iterating a 100,000-artist world is possible but never done eagerly.
 */
import { BoundedLru } from '../../../src/core/cache/bounded-lru.js';
import { deepFreeze } from '../../../src/core/freeze.js';
import type { SceneStage } from '../../../src/contracts/payloads.js';
import { CAREERS, type Career } from './artist-headers.js';
import type { ArtistSim } from './artist-sim.js';
import { dayAt, nameOf, slugOf, type WorldContext } from './context.js';
import { breakoutDay, declineDay } from './outcomes.js';
import { HEAT_LEAD_DAYS, STAGES } from './scene-heat.js';

/** A `[start, end]` window of days (inclusive), `YYYY-MM-DD`. */
export interface DayWindow {
  /** First day. */
  readonly start: string;
  /** Last day. */
  readonly end: string;
}

/** What really happened to one artist. */
export interface ArtistTruth {
  /** Artist index. */
  readonly index: number;
  /** Artist slug. */
  readonly slug: string;
  /** Display name. */
  readonly name: string;
  /** Latent career kind (what the process was steered towards). */
  readonly career: Career;
  /** Home scene slug. */
  readonly scene: string;
  /** Latent quality, 0-1. */
  readonly quality: number;
  /** Debut day if the artist debuted inside the window, else null. */
  readonly debutOn: string | null;
  /** Day the buzz phase (leading signals) started, or null. */
  readonly buzzStartedOn: string | null;
  /** Latent tipping day (start of the fast-growth regime), or null. */
  readonly tippedOn: string | null;
  /** Measured: first day the audience reached >= 3x its level 90 days earlier (>= 1,000), or null. */
  readonly brokeOutOn: string | null;
  /** Latent day the decline drift started (may be before the window), or null. */
  readonly declineStartedOn: string | null;
  /** Measured: first day the audience fell below 60% of its running peak for two weeks, or null. */
  readonly declinedOn: string | null;
  /** Bought-engagement windows. */
  readonly anomalies: readonly DayWindow[];
  /** Number of campaigns. */
  readonly campaigns: number;
  /** Latent audience on the first simulated day, at its peak and on the last day. */
  readonly audience: {
    /** Audience on the first simulated day (the window's first day, or the debut day if later). */
    readonly first: number;
    /** Highest audience over the simulated days. */
    readonly peak: number;
    /** Audience on the last day of the window. */
    readonly last: number;
  };
}

/** A scene's latent heat and stage by day. */
export interface SceneTruth {
  /** Scene slug. */
  readonly slug: string;
  /** Day of index 0. */
  readonly start: string;
  /** Heat 0-100 per day of the window. */
  readonly heat: readonly number[];
  /** Stage per day of the window. */
  readonly stages: readonly SceneStage[];
  /** Latent lifecycle: heat = base + amplitude x a bell around `peakOn` of `widthDays`, plus noise. */
  readonly lifecycle: {
    /** Day the bell peaks, `YYYY-MM-DD` (may lie outside the window). */
    readonly peakOn: string;
    /** Width of the bell (its standard deviation), in days. */
    readonly widthDays: number;
    /** Heat far from the peak, before noise. */
    readonly base: number;
    /** Heat added on top of `base` at the peak. */
    readonly amplitude: number;
  };
}

/** Counts by career and outcome. */
export interface TruthSummary {
  /** Number of artists. */
  readonly artists: number;
  /** Artists per latent career kind. */
  readonly careers: Readonly<Record<Career, number>>;
  /** Artists per measured outcome. */
  readonly outcomes: {
    /** Artists whose audience broke out (`brokeOutOn` set). */
    readonly brokeOut: number;
    /** Artists that reached a latent tipping day (`tippedOn` set). */
    readonly tipped: number;
    /** Artists whose audience measurably declined (`declinedOn` set). */
    readonly declined: number;
    /** Artists with at least one bought-engagement window. */
    readonly boughtAnomalies: number;
    /** Artists with at least one campaign. */
    readonly campaigned: number;
  };
  /** Outcomes per career kind. */
  readonly byCareer: Readonly<
    Record<
      Career,
      {
        /** Artists whose audience broke out (`brokeOutOn` set). */
        readonly brokeOut: number;
        /** Artists that reached a latent tipping day (`tippedOn` set). */
        readonly tipped: number;
        /** Artists whose audience measurably declined (`declinedOn` set). */
        readonly declined: number;
        /** Artists with at least one bought-engagement window. */
        readonly boughtAnomalies: number;
        /** Artists with at least one campaign. */
        readonly campaigned: number;
      }
    >
  >;
}

/** Ground truth of a demo world. */
export interface DemoTruth {
  /** Truth of one artist by slug (simulates it if needed), or undefined. */
  artist(slug: string): ArtistTruth | undefined;
  /** Truth of artist `index`. */
  artistAt(index: number): ArtistTruth;
  /** Every artist's truth, lazily, in index order. */
  artists(): IterableIterator<ArtistTruth>;
  /** Latent career of an artist (cheap: header only), or undefined. */
  careerOf(slug: string): Career | undefined;
  /** Slugs of artists with a latent career (cheap: headers only), lazily. */
  slugsByCareer(career: Career): IterableIterator<string>;
  /** Truth of one scene, or undefined. */
  scene(slug: string): SceneTruth | undefined;
  /** Every scene's truth. */
  scenes(): IterableIterator<SceneTruth>;
  /** Counts by career and outcome (simulates every artist once; cached). */
  summary(): TruthSummary;
}

/** Computes an artist's truth from its simulation. */
export function truthOf(ctx: WorldContext, sim: ArtistSim): ArtistTruth {
  const { header: h, plan } = sim;
  const day = (t: number | null): string | null => (t === null ? null : dayAt(ctx, t));
  let peak = -Infinity;
  for (let t = sim.first; t < ctx.days; t++) peak = Math.max(peak, sim.logAudience[t]!);
  const round = (x: number): number => Math.round(Math.exp(x));
  return {
    index: h.index,
    slug: slugOf(ctx, h.index),
    name: nameOf(ctx, h.index),
    career: h.career,
    scene: ctx.catalog.scenes[h.scene]!.slug,
    quality: Math.round(h.quality * 1000) / 1000,
    debutOn: h.debut >= 0 ? dayAt(ctx, h.debut) : null,
    buzzStartedOn: day(plan.buzzDay),
    tippedOn: day(sim.tipDay),
    brokeOutOn: day(breakoutDay(sim.logAudience, sim.first)),
    declineStartedOn: day(plan.declineOnset),
    declinedOn: day(declineDay(sim.logAudience, sim.first)),
    anomalies: plan.anomalies.map((w) => ({ start: dayAt(ctx, w.start), end: dayAt(ctx, w.end) })),
    campaigns: sim.campaigns.length,
    audience: {
      first: round(sim.logAudience[sim.first]!),
      peak: round(peak),
      last: round(sim.logAudience[ctx.days - 1]!),
    },
  };
}

/**
 * Builds the lazy truth of a world over a simulator and a slug lookup.
 * @example
 * ```ts
 * const truth = createTruth(ctx, (i) => simulateArtist(ctx, i), lookup);
 * truth.summary().careers.breakout;
 * ```
 */
export function createTruth(
  ctx: WorldContext,
  simulate: (i: number) => ArtistSim,
  indexOf: (slug: string) => number | undefined,
): DemoTruth {
  const cache = new BoundedLru<number, ArtistTruth>({ maxSize: 20_000 });
  let summary: TruthSummary | undefined;
  const artistAt = (index: number): ArtistTruth => {
    const hit = cache.get(index);
    if (hit) return hit;
    // Frozen: a caller's edit must not change the truth a later reader (a backtest) gets.
    const truth = deepFreeze(truthOf(ctx, simulate(index)));
    cache.set(index, truth);
    return truth;
  };
  const sceneTruth = (s: number): SceneTruth => {
    const curve = ctx.heat[s]!;
    const heat = Array.from(curve.heat.subarray(HEAT_LEAD_DAYS));
    const stages = Array.from(curve.stage.subarray(HEAT_LEAD_DAYS), (c) => STAGES[c]!);
    const p = curve.params;
    const lifecycle = {
      peakOn: dayAt(ctx, p.peakDay),
      widthDays: Math.round(p.width),
      base: Math.round(p.base * 10) / 10,
      amplitude: Math.round(p.amplitude * 10) / 10,
    };
    return { slug: ctx.catalog.scenes[s]!.slug, start: ctx.start, heat, stages, lifecycle };
  };
  return {
    artist(slug) {
      const i = indexOf(slug);
      return i === undefined ? undefined : artistAt(i);
    },
    artistAt,
    *artists() {
      for (let i = 0; i < ctx.size; i++) yield artistAt(i);
    },
    careerOf(slug) {
      const i = indexOf(slug);
      return i === undefined ? undefined : ctx.headers.career(i);
    },
    *slugsByCareer(career) {
      for (let i = 0; i < ctx.size; i++) if (ctx.headers.career(i) === career) yield slugOf(ctx, i);
    },
    scene(slug) {
      const s = ctx.catalog.sceneIndex.get(slug);
      return s === undefined ? undefined : sceneTruth(s);
    },
    *scenes() {
      for (let s = 0; s < ctx.catalog.scenes.length; s++) yield sceneTruth(s);
    },
    summary() {
      if (summary) return summary;
      const zero = () => ({ brokeOut: 0, tipped: 0, declined: 0, boughtAnomalies: 0, campaigned: 0 });
      const careers = Object.fromEntries(CAREERS.map((c) => [c, 0])) as Record<Career, number>;
      const byCareer = Object.fromEntries(CAREERS.map((c) => [c, zero()])) as Record<Career, ReturnType<typeof zero>>;
      const outcomes = zero();
      for (let i = 0; i < ctx.size; i++) {
        const t = artistAt(i);
        careers[t.career]++;
        for (const o of [outcomes, byCareer[t.career]]) {
          if (t.brokeOutOn) o.brokeOut++;
          if (t.tippedOn) o.tipped++;
          if (t.declinedOn) o.declined++;
          if (t.anomalies.length > 0) o.boughtAnomalies++;
          if (t.campaigns > 0) o.campaigned++;
        }
      }
      summary = deepFreeze({ artists: ctx.size, careers, outcomes, byCareer });
      return summary;
    },
  };
}
