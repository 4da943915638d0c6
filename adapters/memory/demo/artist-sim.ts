/**
 * @module adapters/memory/demo/artist-sim
 * The daily simulation of one artist. Log-audience follows a latent trend (career drift, scene
 * heat, releases, tastemaker links, strong collaborators, a decline or a tipping regime) plus a
 * stationary wobble; engagement, press, tastemaker links and real-time events are drawn from it
 * day by day. Tipping is a hazard that rises with quality, tastemaker support, scene heat and
 * strong collaborators, once a buzz phase (the leading signals) has started.
 */
import type { RcfEventType } from '../../../src/contracts/payloads.js';
import { planArtist, type ArtistPlan, type PlannedCampaign } from './artist-plan.js';
import type { ArtistHeader } from './artist-headers.js';
import type { WorldContext } from './context.js';
import { nearestOutlet } from './pools.js';
import { Rng, hashSeed } from './rng.js';
import { heatAt } from './scene-heat.js';

/** A tastemaker link in day indices. */
export interface SimLink {
  readonly tastemaker: number;
  readonly day: number;
  readonly sec: number;
  readonly weight: number;
}
/** A press article in day indices. */
export interface SimArticle {
  readonly day: number;
  readonly sec: number;
  readonly outlet: number;
  readonly angle: ArticleAngle;
}
/** A real-time event in day indices. */
export interface SimEvent {
  readonly day: number;
  readonly sec: number;
  readonly type: RcfEventType;
  readonly weight: number;
  readonly region: string | null;
}
/** What an article is about (drives its headline). */
export type ArticleAngle = 'release' | 'profile' | 'live' | 'buzz' | 'success';

/** The simulated life of one artist over the window. */
export interface ArtistSim {
  /** The header it was simulated from. */
  readonly header: ArtistHeader;
  /** The plan it played out. */
  readonly plan: ArtistPlan;
  /** First day index with data (0, or the debut day). */
  readonly first: number;
  /** Latent log-audience per day index (NaN before `first`). */
  readonly logAudience: Float64Array;
  /** Organic engagement per day index. */
  readonly organic: Float64Array;
  /** Paid engagement per day index. */
  readonly paid: Float64Array;
  /** Identity coherence per day index. */
  readonly coherence: Float64Array;
  /** Campaigns (planned, plus one a label may add after tipping). */
  readonly campaigns: readonly PlannedCampaign[];
  /** Tastemaker links (day may be before the window). */
  readonly links: readonly SimLink[];
  /** Articles, oldest first. */
  readonly articles: readonly SimArticle[];
  /** Events, oldest first. */
  readonly events: readonly SimEvent[];
  /** Day index the fast-growth regime started, or null. */
  readonly tipDay: number | null;
}

/** Weekly seasonality, Sunday first (weekends stream more). */
const WEEKDAY = [1.02, 0.95, 0.93, 0.95, 0.98, 1.07, 1.1];
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Simulates artist `i` of a world. Deterministic: the artist's own seed drives every draw.
 * @example
 * ```ts
 * const sim = simulateArtist(ctx, 7);
 * sim.organic[sim.first];
 * ```
 */
export function simulateArtist(ctx: WorldContext, i: number): ArtistSim {
  const h = ctx.headers.get(i);
  const rng = new Rng(hashSeed(ctx.seed, 'sim', i));
  const plan = planArtist(ctx, h, rng);
  const { days, pools, catalog } = ctx;
  const curve = ctx.heat[h.scene]!;
  const home = catalog.scenes[h.scene]!;
  const first = Math.max(0, h.debut);
  const logAudience = new Float64Array(days).fill(Number.NaN);
  const trendAt = new Float64Array(days);
  const organic = new Float64Array(days);
  const paid = new Float64Array(days);
  const coherence = new Float64Array(days);
  const links: SimLink[] = [];
  const articles: SimArticle[] = [];
  const events: SimEvent[] = [];
  const campaigns = [...plan.campaigns];
  const linked = new Set<number>();
  const q = h.quality;

  const pickTastemaker = (big: boolean): number | undefined => {
    const pool =
      big && rng.chance(0.35)
        ? pools.global
        : rng.chance(0.15) && h.secondScene >= 0
          ? pools.byScene[h.secondScene]!
          : pools.byScene[h.scene]!;
    const free = pool.filter((t) => !linked.has(t));
    return free.length > 0 ? rng.pick(free) : undefined;
  };
  let support = 0;
  const addLink = (day: number, big: boolean): number => {
    const tm = pickTastemaker(big);
    if (tm === undefined) return 0;
    const weight = Math.round(pools.tastemakers[tm]!.influence * rng.range(0.5, 1) * 1000) / 1000;
    linked.add(tm);
    links.push({ tastemaker: tm, day, sec: 3600 * (8 + rng.int(12)) + rng.int(3600), weight });
    support += weight;
    return weight;
  };
  // Links from before the window (or before the debut, for nobody): established artists have some.
  if (h.debut < 0) {
    const n0 = rng.poisson(0.3 + 1.2 * q + 0.25 * Math.max(0, h.logAudience0 / Math.LN10 - 3));
    for (let k = 0; k < n0; k++)
      addLink(
        Math.max(h.debut, -720) + rng.int(Math.max(1, Math.min(-h.debut, 720))),
        h.logAudience0 > Math.log(30_000),
      );
    links.sort((a, b) => a.day - b.day);
    support *= 0.5;
  }
  const collabs = ctx.network().neighbours(i);
  const strongGap = Math.log(3);
  let strong = collabs.filter(
    (c) => c.day < first && ctx.headers.logAudience0(c.partner) > h.logAudience0 + strongGap,
  ).length;
  let ci = collabs.findIndex((c) => c.day >= first);
  if (ci < 0) ci = collabs.length;
  let ri = plan.releases.findIndex((r) => r.day >= first);
  if (ri < 0) ri = plan.releases.length;
  // Bought-engagement windows: the organic multiple per day, and a quiet zone (no press, no new
  // tastemakers) from a week before to a week after each window.
  const boost = new Float64Array(days).fill(1);
  const quietDay = new Uint8Array(days);
  for (const w of plan.anomalies) {
    for (let t = Math.max(0, w.start - 7); t <= Math.min(days - 1, w.end + 7); t++) quietDay[t] = 1;
    for (let t = w.start; t <= w.end; t++) boost[t] = w.multiple;
  }

  let trend = h.logAudience0;
  let wobble = 0;
  let releaseBump = 0;
  let pressBump = 0;
  let campaignBump = 0;
  let cohNoise = 0;
  let lastRelease = -1_000;
  let tipDay: number | null = null;
  for (let t = first; t < days; t++) {
    const heat = heatAt(curve, t);
    const back = t - 30 >= first ? trendAt[t - 30]! : first < t ? trendAt[first]! : trend;
    const g30 = t - first >= 7 ? ((trend - back) * 30) / Math.min(30, t - first) : 0;
    const buzzing = plan.buzzDay !== null && t >= plan.buzzDay && tipDay === null;
    let mu = h.drift + (0.0012 * (heat - 50)) / 50;
    if (plan.declineOnset !== null && t >= plan.declineOnset) mu += plan.declineDrift;
    if (buzzing) {
      mu += 0.0015;
      // Tipping needs a run-up: the hazard ramps in over the first 45 days of buzz (leading signals first).
      const hazard =
        plan.tipHazard *
        Math.min(1, (t - plan.buzzDay) / 45) *
        Math.exp(2 * (q - 0.5) + 1.2 * support + (1.2 * (heat - 50)) / 50 + 0.5 * strong);
      if (rng.next() < hazard) {
        tipDay = t;
        if ((h.career === 'breakout' || h.career === 'rising') && rng.chance(0.5)) {
          const start = t + 10 + rng.int(30);
          if (start < days - 5)
            campaigns.push({
              start,
              end: Math.min(days - 1, start + 20 + rng.int(25)),
              channel: rng.chance(0.5) ? 'social' : 'streaming',
              paidMultiple: rng.range(0.4, 1.2),
              spendUnknown: false,
            });
        }
      }
    }
    if (tipDay !== null) {
      const k = t - tipDay;
      mu +=
        k < plan.tipLength
          ? ((plan.tipGain * Math.PI) / (2 * plan.tipLength)) * Math.sin((Math.PI * k) / plan.tipLength)
          : -0.0004;
    }
    while (ri < plan.releases.length && plan.releases[ri]!.day === t) {
      trend += 0.01 + 0.04 * q + rng.normal(0, 0.01);
      releaseBump += plan.releaseBump * rng.range(0.7, 1.3);
      lastRelease = t;
      ri++;
    }
    while (ci < collabs.length && collabs[ci]!.day === t) {
      const gap = ctx.headers.logAudience0(collabs[ci]!.partner) - h.logAudience0;
      if (gap > strongGap) {
        strong++;
        trend += 0.03 * Math.min(2, gap / Math.LN10);
        releaseBump += 0.2;
      }
      ci++;
    }
    const audienceNow = Math.exp(trend);
    if (quietDay[t] === 0 && linked.size < 15) {
      const rate =
        0.002 * Math.exp(1.5 * (q - 0.5)) * (1 + 6 * Math.max(0, g30)) * (buzzing ? 6 : 1) * (0.6 + (0.8 * heat) / 100);
      if (rng.next() < rate) {
        const w = addLink(t, audienceNow > 30_000 || buzzing || tipDay !== null);
        trend += 0.04 * w;
        releaseBump += 0.1 * w;
      }
    }
    trend += mu;
    trendAt[t] = trend;
    wobble = 0.9 * wobble + rng.normal(0, 0.012);
    const la = trend + wobble;
    logAudience[t] = la;
    const audience = Math.exp(la);

    const active = campaigns.find((c) => t >= c.start && t <= c.end);
    if (active) {
      const ramp = Math.min(1, (t - active.start + 1) / 5) * Math.min(1, (active.end - t + 1) / 3);
      paid[t] = Math.round(audience * h.rate * active.paidMultiple * ramp * Math.exp(rng.normal(0, 0.08)));
      campaignBump = Math.min(0.15, campaignBump + 0.015);
    } else {
      campaignBump *= 0.9;
    }
    const multiple = boost[t]!;
    const dow = WEEKDAY[(ctx.startDow + t) % 7]!;
    organic[t] = Math.round(
      audience * h.rate * dow * Math.exp(rng.normal(0, 0.05)) * (1 + releaseBump + pressBump + campaignBump) * multiple,
    );
    releaseBump *= plan.bumpDecay;
    pressBump *= 0.7;

    const releaseWindow = t - lastRelease <= 10;
    const tipping = tipDay !== null && t - tipDay < plan.tipLength;
    if (quietDay[t] === 0) {
      const pressRate =
        0.005 *
        (audience / 1000) ** 0.3 *
        (releaseWindow ? 4 : 1) *
        (1 + 8 * Math.max(0, g30)) *
        (buzzing ? 2.5 : 1) *
        (tipping ? 2 : 1);
      for (let n = rng.poisson(pressRate); n > 0; n--) {
        const target = clamp(
          0.12 +
            0.1 * (Math.log10(audience) - 2) +
            Math.min(0.3, 0.6 * Math.max(0, g30)) +
            (buzzing || tipping ? 0.12 : 0) +
            rng.normal(0, 0.1),
          0.02,
          0.99,
        );
        const outlet = nearestOutlet(pools.outlets, target);
        const angle = tipping
          ? 'success'
          : buzzing
            ? 'buzz'
            : releaseWindow
              ? 'release'
              : rng.chance(0.5)
                ? 'profile'
                : 'live';
        articles.push({ day: t, sec: 3600 * (6 + rng.int(16)) + rng.int(3600), outlet, angle });
        pressBump += 0.05 * pools.outlets[outlet]!.quality;
      }
    }
    const eventRate = 0.015 * (audience / 1000) ** 0.35 * (1 + 6 * Math.max(0, g30)) * (releaseWindow ? 2 : 1);
    for (let n = rng.poisson(eventRate); n > 0; n--)
      events.push(drawEvent(rng, t, audience, home.country, catalog.regions));
    if (multiple > 1 && rng.chance(0.6)) {
      events.push({
        day: t,
        sec: rng.int(86_400),
        type: 'social_spike',
        weight: Math.round(Math.log10(1 + audience * multiple) * 100) / 100,
        region: rng.chance(0.5) ? null : rng.pick(catalog.regions),
      });
    }

    cohNoise = 0.8 * cohNoise + rng.normal(0, 0.012);
    const drop =
      plan.declineOnset !== null && t >= plan.declineOnset ? Math.min(0.25, 0.0012 * (t - plan.declineOnset)) : 0;
    coherence[t] =
      Math.round(clamp(plan.coherenceBase - drop - (multiple > 1 ? 0.12 : 0) + cohNoise, 0.05, 0.99) * 1000) / 1000;
  }
  events.sort((a, b) => a.day - b.day || a.sec - b.sec);
  articles.sort((a, b) => a.day - b.day || a.sec - b.sec);
  campaigns.sort((a, b) => a.start - b.start);
  return { header: h, plan, first, logAudience, organic, paid, coherence, campaigns, links, articles, events, tipDay };
}

/** One organic real-time event; importance is log10 of its reach. */
function drawEvent(rng: Rng, t: number, audience: number, home: string, regions: readonly string[]): SimEvent {
  const big = audience > 100_000;
  const kinds: readonly RcfEventType[] = ['playlist_add', 'radio_play', 'live_show', 'sync_placement', 'chart_entry'];
  const type = kinds[rng.weighted([0.42, 0.26, 0.24, 0.03, big ? 0.08 : 0])]!;
  const reachFactor = type === 'live_show' ? 0.01 : type === 'chart_entry' ? 3 : type === 'sync_placement' ? 2 : 0.5;
  const reach = audience * reachFactor * 10 ** rng.normal(0, 0.4);
  const region = type === 'sync_placement' && rng.chance(0.5) ? null : rng.chance(0.75) ? home : rng.pick(regions);
  return { day: t, sec: rng.int(86_400), type, weight: Math.round(Math.log10(1 + reach) * 100) / 100, region };
}
