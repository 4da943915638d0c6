/**
 * @module adapters/memory/demo/artist-plan
 * The parts of an artist's life decided up front from the header and the artist's seed: release
 * schedule and fingerprints, planned campaigns, bought-engagement windows, decline onset, buzz
 * onset and tipping parameters, preferred microgenres. The daily simulation
 * (`artist-sim.ts`) then plays these out, with feedback (tipping, press, links) decided day by day.
 */
import type { Campaign } from '../../../src/contracts/payloads.js';
import type { ArtistHeader } from './artist-headers.js';
import { FINGERPRINT_DIM } from './catalog.js';
import type { WorldContext } from './context.js';
import type { Rng } from './rng.js';

/** A planned or triggered campaign, in day indices (inclusive). */
export interface PlannedCampaign {
  /** First day index. */
  readonly start: number;
  /** Last day index. */
  readonly end: number;
  /** Channel bought. */
  readonly channel: Campaign['channel'];
  /** Paid engagement as a multiple of organic at full ramp. */
  readonly paidMultiple: number;
  /** Whether the spend is unknown to Fusion. */
  readonly spendUnknown: boolean;
}

/** A bought-engagement window, in day indices (inclusive). */
export interface AnomalyWindow {
  /** First day index. */
  readonly start: number;
  /** Last day index. */
  readonly end: number;
  /** Organic engagement multiple during the window. */
  readonly multiple: number;
}

/** A release with its fingerprint. */
export interface PlannedRelease {
  /** Day index (may be before the window). */
  readonly day: number;
  /** Fingerprint vector. */
  readonly vector: readonly number[];
  /** Microgenre slugs. */
  readonly microgenres: readonly string[];
}

/** An artist's plan. */
export interface ArtistPlan {
  /** Releases, oldest first. */
  readonly releases: readonly PlannedRelease[];
  /** Planned campaigns, oldest first (tipping may add one during the simulation). */
  readonly campaigns: readonly PlannedCampaign[];
  /** Bought-engagement windows, oldest first. */
  readonly anomalies: readonly AnomalyWindow[];
  /** Day index a decline starts, or null. */
  readonly declineOnset: number | null;
  /** Extra daily log-drift once declining (negative). */
  readonly declineDrift: number;
  /** Day index a buzz phase starts (leading signals), or null. */
  readonly buzzDay: number | null;
  /** Daily tipping hazard scale once buzzing (0: never tips). */
  readonly tipHazard: number;
  /** Length of the fast-growth regime after tipping, days. */
  readonly tipLength: number;
  /** Total log-growth of that regime (ln 5 to ln 20). */
  readonly tipGain: number;
  /** Microgenres the artist makes, from the home scene. */
  readonly microgenres: readonly string[];
  /** Microgenres shared with the second scene (empty if none). */
  readonly secondMicrogenres: readonly string[];
  /** Day index the second membership starts. */
  readonly secondSince: number;
  /** Peak engagement bump of a release (fraction of organic). */
  readonly releaseBump: number;
  /** Daily decay factor of release bumps. */
  readonly bumpDecay: number;
  /** Baseline identity coherence. */
  readonly coherenceBase: number;
}

type CampaignChannel = Campaign['channel'];
const CHANNELS: readonly CampaignChannel[] = ['social', 'streaming', 'search', 'display', 'radio', 'influencer'];
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Picks `k` distinct items (fewer if the list is short), in list order of picking. */
function sample<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < k && pool.length > 0) out.push(pool.splice(rng.int(pool.length), 1)[0]!);
  return out;
}

function planCampaigns(rng: Rng, h: ArtistHeader, days: number, first: number): PlannedCampaign[] {
  const out: PlannedCampaign[] = [];
  const odds: Record<string, number> = {
    steady: 0.08,
    rising: 0.15,
    breakout: 0,
    declining: 0.15,
    'campaign-spike': 1,
    'bought-engagement': 0,
  };
  if (!rng.chance(odds[h.career] ?? 0)) return out;
  const count = h.career === 'campaign-spike' ? 2 + rng.int(3) : 1;
  let t = first + 10 + rng.int(60);
  for (let c = 0; c < count && t < days - 20; c++) {
    const len = 14 + rng.int(27);
    const big = h.career === 'campaign-spike';
    out.push({
      start: t,
      end: Math.min(days - 1, t + len - 1),
      channel: rng.pick(CHANNELS),
      paidMultiple: big ? rng.range(2, 5) : rng.range(0.4, 1.5),
      spendUnknown: rng.chance(0.1),
    });
    t += len + 30 + rng.int(90);
  }
  return out;
}

function planAnomalies(
  rng: Rng,
  h: ArtistHeader,
  days: number,
  first: number,
  releaseDays: readonly number[],
): AnomalyWindow[] {
  if (h.career !== 'bought-engagement') return [];
  const out: AnomalyWindow[] = [];
  const want = 1 + rng.int(3);
  for (let tries = 0; tries < 40 && out.length < want; tries++) {
    const start = first + 30 + rng.int(Math.max(1, days - first - 45));
    const end = Math.min(days - 1, start + 1 + rng.int(5));
    const nearRelease = releaseDays.some((r) => r >= start - 12 && r <= end + 12);
    const nearOther = out.some((w) => start <= w.end + 30 && end >= w.start - 30);
    if (!nearRelease && !nearOther) out.push({ start, end, multiple: rng.range(3, 8) });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Plans an artist's life from its header. `rng` must be the artist's own generator.
 * @example
 * ```ts
 * const plan = planArtist(ctx, ctx.headers.get(7), new Rng(hashSeed(ctx.seed, 'sim', 7)));
 * ```
 */
export function planArtist(ctx: WorldContext, h: ArtistHeader, rng: Rng): ArtistPlan {
  const { days, catalog } = ctx;
  const first = Math.max(0, h.debut);
  const home = catalog.scenes[h.scene]!;
  const second = h.secondScene >= 0 ? catalog.scenes[h.secondScene]! : null;
  const microgenres = sample(rng, home.microgenres, 2 + rng.int(2));
  const secondMicrogenres = second ? sample(rng, second.microgenres, 1 + rng.int(2)) : [];
  const secondSince = first + (rng.chance(0.5) ? rng.int(Math.max(1, days - first - 30)) : 0);

  let declineOnset: number | null = null;
  if (h.career === 'declining')
    declineOnset = Math.round(rng.range(Math.max(first, 0) - 90, Math.max(first + 30, days - 200)));
  const declineDrift = -rng.range(0.003, 0.006);
  let buzzDay: number | null = null;
  let tipHazard = 0;
  if (h.career === 'breakout') {
    buzzDay = Math.round(rng.range(first + 30, Math.max(first + 31, days - 150)));
    tipHazard = 0.006;
  } else if ((h.career === 'rising' && rng.chance(0.35)) || (h.career === 'steady' && rng.chance(0.06))) {
    buzzDay = Math.round(rng.range(first + 30, Math.max(first + 31, days - 60)));
    tipHazard = h.career === 'rising' ? 0.0015 : 0.0004;
  }
  const tipLength = 60 + rng.int(61);
  const tipGain = Math.log(rng.range(5, 20));

  // Releases every 45-150 days, from some time before the window (fingerprint history).
  const releaseDays: number[] = [];
  for (let t = Math.max(h.debut, -400) + rng.int(90); t < days; t += 45 + rng.int(106)) releaseDays.push(t);
  const offset = Array.from({ length: FINGERPRINT_DIM }, () => rng.normal(0, 0.12));
  const direction = Array.from({ length: FINGERPRINT_DIM }, () => rng.normal(0, 1));
  const drift = new Array<number>(FINGERPRINT_DIM).fill(0);
  const mix = second ? rng.range(0.1, 0.35) : 0;
  const releases = releaseDays.map((day) => {
    const declining = declineOnset !== null && day >= declineOnset;
    for (let d = 0; d < FINGERPRINT_DIM; d++)
      drift[d]! += rng.normal(0, declining ? 0.08 : 0.02) + (declining ? 0.05 * direction[d]! : 0);
    const vector = home.centroid.map((c, d) =>
      round4((1 - mix) * c + mix * (second?.centroid[d] ?? 0) + offset[d]! + drift[d]! + rng.normal(0, 0.02)),
    );
    const tags = sample(rng, microgenres, 1 + rng.int(microgenres.length));
    if (second && rng.chance(0.3)) tags.push(rng.pick(secondMicrogenres));
    return { day, vector, microgenres: [...new Set(tags)] };
  });

  const coherenceShift =
    h.career === 'bought-engagement'
      ? -0.1
      : h.career === 'declining'
        ? -0.02
        : h.career === 'campaign-spike'
          ? -0.02
          : 0;
  return {
    releases,
    campaigns: planCampaigns(rng, h, days, first),
    anomalies: planAnomalies(rng, h, days, first, releaseDays),
    declineOnset,
    declineDrift,
    buzzDay,
    tipHazard,
    tipLength,
    tipGain,
    microgenres,
    secondMicrogenres,
    secondSince,
    releaseBump: rng.range(0.25, 0.9) * (0.6 + h.quality),
    bumpDecay: Math.exp(-1 / rng.range(5, 12)),
    coherenceBase: 0.86 + rng.normal(0, 0.025) + coherenceShift,
  };
}
