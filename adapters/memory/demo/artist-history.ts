/**
 * @module adapters/memory/demo/artist-history
 * Turns a simulated artist into the raw observations the sources serve (`ArtistHistory`): the MIG
 * record and network, CMG releases, Fusion campaigns and engagement, Coverage articles, RCF
 * events, IdentityKernel coherence and scene memberships, all dated, with ids stable across
 * as-of dates.
 */
import type { ArtistRecord } from '../../../src/contracts/payloads.js';
import type { ArtistHistory, DatedMembership } from '../dataset.js';
import type { ArtistSim, SimArticle } from './artist-sim.js';
import { dayAt, instantAt, nameOf, slugOf, type WorldContext } from './context.js';
import { hashSeed } from './rng.js';

/** The MIG record of artist `i` (cheap: header and name only). */
export function artistRecord(ctx: WorldContext, i: number): ArtistRecord {
  const h = ctx.headers.get(i);
  const scene = ctx.catalog.scenes[h.scene]!;
  // Known from midnight of the debut day: nothing about the artist (a link, a collaboration, an
  // event) is ever dated before the artist itself is.
  return {
    slug: slugOf(ctx, i),
    name: nameOf(ctx, i),
    homeRegion: scene.country,
    homeCity: scene.city,
    firstSeen: instantAt(ctx, h.debut, 0),
  };
}

function headline(a: SimArticle, name: string, sceneName: string, variant: number): string | null {
  if (variant % 10 === 0) return null;
  const v = variant % 3;
  switch (a.angle) {
    case 'release':
      return [
        `${name} share a new single`,
        `Premiere: ${name} return with new music`,
        `${name} talk about their latest release`,
      ][v]!;
    case 'profile':
      return [`Meet ${name}`, `${name}: a ${sceneName} story`, `In the studio with ${name}`][v]!;
    case 'live':
      return [`Live review: ${name}`, `${name} announce a headline tour`, `${name} sell out a hometown show`][v]!;
    case 'buzz':
      return [
        `Why everyone in ${sceneName} is talking about ${name}`,
        `${name} are the act to watch`,
        `On the radar: ${name}`,
      ][v]!;
    case 'success':
      return [
        `${name} are having a moment`,
        `How ${name} broke out of ${sceneName}`,
        `${name} land their biggest week yet`,
      ][v]!;
  }
}

/**
 * Renders the full history of artist `i` from its simulation.
 * @example
 * ```ts
 * const history = renderHistory(ctx, simulateArtist(ctx, 7));
 * history.engagement.organic.length;
 * ```
 */
export function renderHistory(ctx: WorldContext, sim: ArtistSim): ArtistHistory {
  const i = sim.header.index;
  const h = sim.header;
  const slug = slugOf(ctx, i);
  const name = nameOf(ctx, i);
  const { pools, catalog } = ctx;
  const home = catalog.scenes[h.scene]!;
  const record = artistRecord(ctx, i);
  const series = (values: Float64Array): (number | null)[] => Array.from(values.subarray(sim.first));

  const memberships: DatedMembership[] = [
    {
      sceneSlug: home.slug,
      confidence: Math.round((0.72 + 0.24 * h.quality) * 1000) / 1000,
      microgenres: [...sim.plan.microgenres],
      since: record.firstSeen.slice(0, 10),
    },
  ];
  if (h.secondScene >= 0) {
    const second = catalog.scenes[h.secondScene]!;
    const confidence = 0.2 + 0.3 * ((hashSeed(ctx.seed, 'second-confidence', i) % 1000) / 1000);
    memberships.push({
      sceneSlug: second.slug,
      confidence: Math.round(confidence * 1000) / 1000,
      microgenres: [...sim.plan.secondMicrogenres],
      since: dayAt(ctx, Math.max(h.debut, sim.plan.secondSince)),
    });
  }

  return {
    record,
    tastemakers: sim.links.map((l) => {
      const tm = pools.tastemakers[l.tastemaker]!;
      return { tastemaker: tm.slug, kind: tm.kind, weight: l.weight, since: instantAt(ctx, l.day, l.sec) };
    }),
    collaborators: ctx
      .network()
      .neighbours(i)
      .map((c) => ({ artist: slugOf(ctx, c.partner), weight: c.weight, since: instantAt(ctx, c.day, 43_200) })),
    releases: sim.plan.releases.map((r, k) => ({
      releaseId: `${slug}-r${k + 1}`,
      releasedAt: dayAt(ctx, r.day),
      vector: [...r.vector],
      microgenres: [...r.microgenres],
    })),
    campaigns: sim.campaigns.map((c, k) => {
      // Spend is the budget set at launch (audience then x planned paid multiple x length), so a
      // campaign seen mid-flight does not reveal what it will deliver.
      const budget = Math.exp(sim.logAudience[c.start] ?? 0) * h.rate * c.paidMultiple * (c.end - c.start + 1) * 0.02;
      return {
        id: `${slug}-c${k + 1}`,
        channel: c.channel,
        start: dayAt(ctx, c.start),
        end: dayAt(ctx, c.end),
        spend: c.spendUnknown ? null : Math.round(budget),
      };
    }),
    engagement: { start: dayAt(ctx, sim.first), organic: series(sim.organic), paid: series(sim.paid) },
    articles: sim.articles.map((a, k) => {
      const outlet = pools.outlets[a.outlet]!;
      return {
        id: `${slug}-a${k + 1}`,
        publishedAt: instantAt(ctx, a.day, a.sec),
        outlet: outlet.slug,
        outletQuality: outlet.quality,
        title: headline(a, name, home.name, a.day + k),
      };
    }),
    events: sim.events.map((e, k) => ({
      id: `${slug}-e${k + 1}`,
      type: e.type,
      at: instantAt(ctx, e.day, e.sec),
      weight: e.weight,
      region: e.region,
    })),
    coherence: { start: dayAt(ctx, sim.first), values: series(sim.coherence) },
    memberships,
  };
}
