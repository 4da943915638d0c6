import { statSync } from 'node:fs';
import { hottestScenesOf } from 'scene-radar/schemas';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSceneRadarError, slugify } from 'scene-radar';
import { addDays, dayStart, daysBetween, lastCompleteDay } from '../../src/core/time.js';
import {
  ArticleListSchema,
  ArtistNetworkSchema,
  ArtistRecordSchema,
  CampaignListSchema,
  CoherenceSeriesSchema,
  EngagementSeriesSchema,
  RcfEventListSchema,
  ReleaseListSchema,
  SceneMembershipListSchema,
  ScenePulseSummarySchema,
  WorkspaceSchema,
} from 'scene-radar/schemas';
import { MicrogenreRowSchema, SceneRowSchema } from 'scene-radar/stores';
import {
  cmgContractSuite,
  coverageContractSuite,
  fusionContractSuite,
  identityKernelContractSuite,
  migContractSuite,
  rcfContractSuite,
  registerContractSuite,
  scenesAdapterContractSuite,
  workspaceSourceContractSuite,
} from 'scene-radar/testing';
import {
  CAREERS,
  NAME_CAPACITY,
  createDemoWorld,
  createNameGenerator,
  type DemoWorld,
} from '../../adapters/memory/demo/index.js';
import { NAME_WORD_LISTS } from '../../adapters/memory/demo/names.js';

const END = '2025-06-30';
const world = createDemoWorld({ seed: 42, end: END });
const signal = new AbortController().signal;
const at = (day: string, time = '00:00:00'): Date => new Date(`${day}T${time}.000Z`);
const mean = (xs: readonly (number | null)[]): number =>
  xs.reduce<number>((a, b) => a + (b ?? 0), 0) / Math.max(1, xs.length);

/** Everything every source returns for some artists, as of `asOf`, from the world's start. */
async function snapshot(w: DemoWorld, slugs: readonly string[], asOf: Date) {
  const opts = { asOf, signal, from: at(w.info.start) };
  const s = w.sources;
  return {
    artists: await s.mig.getArtists(slugs, opts),
    networks: await s.mig.getNetworks(slugs, opts),
    releases: await s.cmg.getReleases(slugs, opts),
    campaigns: await s.fusion.getCampaigns(slugs, opts),
    engagement: await s.fusion.getEngagement(slugs, opts),
    articles: await s.coverage.getArticles(slugs, opts),
    events: await s.rcf.getEvents(slugs, opts),
    coherence: await s.identityKernel.getCoherence(slugs, opts),
    memberships: await s.scenes.getMemberships(slugs, opts),
  };
}
const sample = world.dataset.artistSlugs().filter((_, i) => i % 7 === 0);

describe('demo world: options', () => {
  it('applies defaults and reports the window', () => {
    expect(world.info).toEqual({ seed: 42, artists: 300, start: addDays(END, -399), end: END, days: 400 });
    expect(world.dataset.artistSlugs()).toHaveLength(300);
  });
  it.each([
    [{ artists: 0 }, 'artists'],
    [{ artists: 100_001 }, 'artists'],
    [{ days: 100 }, 'days'],
    [{ end: '30/06/2025' }, 'end'],
    [{ seed: 1.5 }, 'seed'],
    [{ colour: 'red' }, 'colour'],
  ])('rejects %j with a clear CONFIG_INVALID error', (bad, field) => {
    try {
      createDemoWorld(bad as never);
      expect.unreachable();
    } catch (e) {
      expect(isSceneRadarError(e) && e.code).toBe('CONFIG_INVALID');
      expect((e as Error).message).toMatch(/^Invalid demo world options: /);
      expect((e as Error).message).toContain(field);
    }
  });
});

describe('demo world: determinism', () => {
  it('same options give byte-identical data; another seed does not', async () => {
    const again = createDemoWorld({ seed: 42, end: END });
    const other = createDemoWorld({ seed: 43, end: END });
    const asOf = at(END, '23:59:59');
    const dump = async (w: DemoWorld) =>
      JSON.stringify({
        catalog: w.catalog,
        workspaces: w.workspaces,
        info: w.info,
        slugs: w.dataset.artistSlugs(),
        data: Object.fromEntries(
          Object.entries(await snapshot(w, w.dataset.artistSlugs().slice(0, 40), asOf)).map(([k, v]) => [k, [...v]]),
        ),
        pulses: await w.sources.scenes.listHottestScenes({ limit: 100 }, { asOf, signal }),
        truth: w.truth.summary(),
      });
    const a = await dump(world);
    expect(await dump(again)).toBe(a);
    expect(await dump(other)).not.toBe(a);
  });
});

describe('demo world: catalog from Every Noise', () => {
  const file = fileURLToPath(new URL('../../adapters/memory/data/genres.ts', import.meta.url));
  it('is a small generated file', () => {
    expect(statSync(file).size).toBeLessThan(100_000);
  });
  it('has 40-80 city scenes, brighton indie included, each with 3-6 known microgenres', () => {
    const { scenes, microgenres } = world.catalog;
    expect(scenes.length).toBeGreaterThanOrEqual(40);
    expect(scenes.length).toBeLessThanOrEqual(80);
    expect(microgenres.length).toBeGreaterThanOrEqual(150);
    expect(microgenres.length).toBeLessThanOrEqual(300);
    const brighton = scenes.find((s) => s.slug === 'indie-uk-brighton');
    expect(brighton).toMatchObject({ name: 'Brighton Indie', region: 'uk', city: 'brighton' });
    const known = new Set(microgenres.map((m) => m.slug));
    for (const scene of scenes) {
      expect(SceneRowSchema.parse(scene)).toEqual(scene);
      expect(scene.slug.endsWith(`-${scene.region}-${scene.city}`)).toBe(true);
      expect(scene.microgenres.length).toBeGreaterThanOrEqual(3);
      expect(scene.microgenres.length).toBeLessThanOrEqual(6);
      for (const m of scene.microgenres) expect(known.has(m)).toBe(true);
      expect(scene.updated_at).toBe(at(world.info.start).toISOString());
    }
    for (const m of microgenres) {
      expect(MicrogenreRowSchema.parse(m)).toEqual(m);
      expect(m.slug).toBe(slugify(m.name));
      expect(m.name.toLowerCase()).not.toMatch(
        /\b(london|brighton|berlin|chicago|swedish|german|brazilian|japanese)\b/,
      );
    }
  });
  it('uses the first N scenes when asked', () => {
    const small = createDemoWorld({ seed: 42, end: END, scenes: 5, artists: 50 });
    expect(small.catalog.scenes.map((s) => s.slug)).toEqual(world.catalog.scenes.slice(0, 5).map((s) => s.slug));
    expect(new Set(small.dataset.sceneSlugs())).toEqual(new Set(small.catalog.scenes.map((s) => s.slug)));
  });
});

describe('demo world: payloads', () => {
  it('every source payload validates for a sample of artists', async () => {
    const snap = await snapshot(world, sample, at(END, '12:00:00'));
    expect(snap.artists.size).toBeGreaterThan(30);
    for (const slug of snap.artists.keys()) {
      ArtistRecordSchema.parse(snap.artists.get(slug));
      ArtistNetworkSchema.parse(snap.networks.get(slug));
      ReleaseListSchema.parse(snap.releases.get(slug));
      CampaignListSchema.parse(snap.campaigns.get(slug));
      EngagementSeriesSchema.parse(snap.engagement.get(slug));
      ArticleListSchema.parse(snap.articles.get(slug));
      RcfEventListSchema.parse(snap.events.get(slug));
      CoherenceSeriesSchema.parse(snap.coherence.get(slug));
      SceneMembershipListSchema.parse(snap.memberships.get(slug));
      for (const r of snap.releases.get(slug) ?? []) expect(r.vector).toHaveLength(8);
    }
    const pulses = hottestScenesOf(
      await world.sources.scenes.listHottestScenes({ limit: 100 }, { asOf: at(END), signal }),
    );
    expect(pulses.length).toBe(world.catalog.scenes.length);
    for (const p of pulses) ScenePulseSummarySchema.parse(p);
    const ws = await world.sources.workspaces.getWorkspaces(
      world.workspaces.map((w) => w.id),
      { asOf: at(END), signal },
    );
    expect(ws.size).toBe(3);
    for (const w of ws.values()) {
      WorkspaceSchema.parse(w);
      expect(w.scenes.length).toBeGreaterThan(0);
      expect(w.roster.length).toBeGreaterThan(0);
    }
  });
});

describe('demo world: as-of', () => {
  const asOf = at(addDays(world.info.start, 200), '15:30:00');
  const later = at(addDays(world.info.start, 320), '09:00:00');
  it('returns nothing dated after asOf, and daily series end at the last complete day', async () => {
    const snap = await snapshot(world, sample, asOf);
    const t = asOf.getTime();
    for (const a of snap.artists.values()) expect(Date.parse(a.firstSeen)).toBeLessThanOrEqual(t);
    for (const n of snap.networks.values())
      for (const l of [...n.tastemakers, ...n.collaborators]) expect(Date.parse(l.since)).toBeLessThanOrEqual(t);
    for (const rs of snap.releases.values()) for (const r of rs) expect(dayStart(r.releasedAt)).toBeLessThanOrEqual(t);
    for (const cs of snap.campaigns.values()) for (const c of cs) expect(dayStart(c.start)).toBeLessThanOrEqual(t);
    for (const as of snap.articles.values())
      for (const a of as) expect(Date.parse(a.publishedAt)).toBeLessThanOrEqual(t);
    for (const es of snap.events.values()) for (const e of es) expect(Date.parse(e.at)).toBeLessThanOrEqual(t);
    const last = lastCompleteDay(t);
    for (const e of snap.engagement.values()) expect(addDays(e.start, e.organic.length - 1)).toBe(last);
    for (const c of snap.coherence.values()) expect(addDays(c.start, c.values.length - 1)).toBe(last);
  });
  it('data as of an earlier date is a prefix or subset of later data', async () => {
    const early = await snapshot(world, sample, asOf);
    const late = await snapshot(world, sample, later);
    for (const [slug, e] of early.engagement) {
      const l = late.engagement.get(slug)!;
      expect(l.start).toBe(e.start);
      expect(l.organic.slice(0, e.organic.length)).toEqual(e.organic);
      expect(l.paid.slice(0, e.paid.length)).toEqual(e.paid);
    }
    for (const [slug, c] of early.coherence)
      expect(late.coherence.get(slug)!.values.slice(0, c.values.length)).toEqual(c.values);
    const ids = <T>(m: ReadonlyMap<string, readonly T[]>, key: (x: T) => string, slug: string) =>
      (m.get(slug) ?? []).map(key);
    for (const slug of early.artists.keys()) {
      expect(ids(late.articles, (a) => a.id, slug)).toEqual(
        expect.arrayContaining(ids(early.articles, (a) => a.id, slug)),
      );
      expect(ids(late.events, (e) => e.id, slug)).toEqual(expect.arrayContaining(ids(early.events, (e) => e.id, slug)));
      expect(ids(late.releases, (r) => r.releaseId, slug)).toEqual(
        expect.arrayContaining(ids(early.releases, (r) => r.releaseId, slug)),
      );
      const tm = (m: typeof early.networks) => (m.get(slug)?.tastemakers ?? []).map((l) => l.tastemaker);
      expect(tm(late.networks)).toEqual(expect.arrayContaining(tm(early.networks)));
    }
  });
  it('scene pulses exist from the first complete day and follow the latent heat', () => {
    const scene = world.catalog.scenes[0]!.slug;
    expect(world.dataset.scenePulse(scene, at(world.info.start))).toBeUndefined();
    const truth = world.truth.scene(scene)!;
    for (const k of [1, 100, 399]) {
      const p = world.dataset.scenePulse(scene, at(addDays(world.info.start, k)))!;
      expect(p.heat).toBeCloseTo(truth.heat[k - 1]!, 5);
      expect(p.stage).toBe(truth.stages[k - 1]);
      expect(p.heat).toBeGreaterThanOrEqual(0);
      expect(p.heat).toBeLessThanOrEqual(100);
    }
  });
});

describe('demo world: careers and ground truth', () => {
  const summary = world.truth.summary();
  const all = [...world.truth.artists()];
  it('the default world holds every career kind, with at least 3 of each outcome', () => {
    for (const career of CAREERS) expect(summary.careers[career]).toBeGreaterThan(0);
    expect(summary.byCareer.breakout.brokeOut).toBeGreaterThanOrEqual(3);
    expect(summary.byCareer.declining.declined).toBeGreaterThanOrEqual(3);
    expect(summary.byCareer['campaign-spike'].campaigned).toBeGreaterThanOrEqual(3);
    expect(summary.byCareer['bought-engagement'].boughtAnomalies).toBeGreaterThanOrEqual(3);
    expect(summary.artists).toBe(300);
    expect(Object.values(summary.careers).reduce((a, b) => a + b, 0)).toBe(300);
  });
  it('breakouts show real growth in the organic engagement series, after leading signals', async () => {
    const broke = all.filter((t) => t.career === 'breakout' && t.brokeOutOn && t.tippedOn);
    expect(broke.length).toBeGreaterThanOrEqual(3);
    const snap = await snapshot(
      world,
      broke.map((t) => t.slug),
      at(END, '23:59:59'),
    );
    let linksBefore = 0;
    for (const t of broke) {
      const e = snap.engagement.get(t.slug)!;
      const b = daysBetween(e.start, t.brokeOutOn!);
      const after = mean(e.organic.slice(b, b + 14));
      const before = mean(e.organic.slice(Math.max(0, b - 104), Math.max(14, b - 90)));
      expect(after / before).toBeGreaterThan(1.8);
      expect(t.buzzStartedOn! <= t.tippedOn!).toBe(true);
      const tip = dayStart(t.tippedOn!);
      linksBefore += snap.networks
        .get(t.slug)!
        .tastemakers.filter(
          (l) => Date.parse(l.since) <= tip && Date.parse(l.since) >= dayStart(t.buzzStartedOn!),
        ).length;
    }
    // Tastemakers arrive during the run-up: on average well over one new link per breakout.
    expect(linksBefore / broke.length).toBeGreaterThan(1);
  });
  it('bought-engagement windows are organic spikes with no press or tastemaker links around them', async () => {
    const bought = all.filter((t) => t.anomalies.length > 0);
    expect(bought.length).toBeGreaterThanOrEqual(3);
    const snap = await snapshot(
      world,
      bought.map((t) => t.slug),
      at(END, '23:59:59'),
    );
    for (const t of bought) {
      const e = snap.engagement.get(t.slug)!;
      for (const w of t.anomalies) {
        const lo = dayStart(w.start);
        const hi = dayStart(w.end) + 86_400_000;
        expect(
          snap.articles.get(t.slug)!.filter((a) => Date.parse(a.publishedAt) >= lo && Date.parse(a.publishedAt) < hi),
        ).toEqual([]);
        expect(
          snap.networks.get(t.slug)!.tastemakers.filter((l) => Date.parse(l.since) >= lo && Date.parse(l.since) < hi),
        ).toEqual([]);
        const i = daysBetween(e.start, w.start);
        const spike = mean(e.organic.slice(i, i + daysBetween(w.start, w.end) + 1));
        expect(spike / mean(e.organic.slice(Math.max(0, i - 28), i))).toBeGreaterThan(2);
        expect(mean(e.paid.slice(i, i + daysBetween(w.start, w.end) + 1))).toBe(0);
      }
    }
  });
  it('campaign-only spikes carry paid engagement but no lasting growth', async () => {
    const spikes = all.filter((t) => t.career === 'campaign-spike');
    const snap = await snapshot(
      world,
      spikes.map((t) => t.slug),
      at(END, '23:59:59'),
    );
    for (const t of spikes) {
      expect(t.brokeOutOn).toBeNull();
      const e = snap.engagement.get(t.slug)!;
      const campaigns = snap.campaigns.get(t.slug)!;
      expect(campaigns.length).toBeGreaterThanOrEqual(t.campaigns > 0 ? 1 : 0);
      for (const c of campaigns) {
        const i = daysBetween(e.start, c.start);
        expect(mean(e.paid.slice(i, i + 10))).toBeGreaterThan(0);
      }
      expect(t.audience.last / t.audience.first).toBeLessThan(2);
    }
  });
  it('declines fall below 60% of the peak, with coherence lower than steady artists', async () => {
    const declined = all.filter((t) => t.career === 'declining' && t.declinedOn);
    const steady = all.filter((t) => t.career === 'steady' && !t.declinedOn && !t.tippedOn).slice(0, declined.length);
    const snap = await snapshot(
      world,
      [...declined, ...steady].map((t) => t.slug),
      at(END, '23:59:59'),
    );
    const tailCoherence = (ts: typeof all) => mean(ts.map((t) => mean(snap.coherence.get(t.slug)!.values.slice(-30))));
    for (const t of declined) expect(t.audience.last).toBeLessThan(0.6 * t.audience.peak);
    expect(tailCoherence(declined)).toBeLessThan(tailCoherence(steady) - 0.05);
  });
  it('looks artists up by slug, cheaply by career', () => {
    const first = all[0]!;
    expect(world.truth.artist(first.slug)).toEqual(first);
    expect(world.truth.artist('no-such-artist')).toBeUndefined();
    expect(world.truth.careerOf(first.slug)).toBe(first.career);
    expect([...world.truth.slugsByCareer('breakout')].length).toBe(summary.careers.breakout);
    expect([...world.truth.scenes()].length).toBe(world.catalog.scenes.length);
  });
});

describe('demo world: graph and names', () => {
  it('collaborations are symmetric, dated and weighted the same on both sides', async () => {
    const slugs = world.dataset.artistSlugs();
    const nets = await world.sources.mig.getNetworks(slugs, { asOf: at(END, '23:59:59'), signal });
    let edges = 0;
    for (const [a, net] of nets) {
      for (const c of net.collaborators) {
        edges++;
        const back = nets.get(c.artist)!.collaborators.find((x) => x.artist === a);
        expect(back).toEqual({ artist: a, weight: c.weight, since: c.since });
      }
    }
    expect(edges).toBeGreaterThan(100);
  });
  it('names and slugs are unique and readable; word lists are disjoint', () => {
    const names = world.dataset.artistSlugs().map((s) => world.dataset.artistRecord(s)!.name);
    expect(new Set(names).size).toBe(300);
    for (const n of names) expect(n).toMatch(/^[A-Z][A-Za-z]*( (&|the|[A-Z][A-Za-z]*))+$/);
    const seen = new Map<string, string>();
    for (const [list, words] of Object.entries(NAME_WORD_LISTS)) {
      for (const w of words) {
        expect(seen.get(w.toLowerCase()), `${w} in ${list}`).toBeUndefined();
        seen.set(w.toLowerCase(), list);
      }
    }
    const gen = createNameGenerator(42);
    expect(NAME_CAPACITY).toBeGreaterThan(100_000);
    expect(() => gen.name(NAME_CAPACITY)).toThrow(/capacity/);
  });
});

describe('demo world: 100,000 artists, lazily', () => {
  it('builds with headers only, generates histories on demand, keeps names unique', async () => {
    const big = createDemoWorld({ seed: 7, artists: 100_000, end: END, historyCacheSize: 50 });
    const built = big.stats();
    expect(built.historiesGenerated).toBe(0);
    expect(built.simulations).toBe(0);
    expect(built.networkBuilt).toBe(false);
    expect(built.headersComputed).toBeLessThan(5_000);
    expect(built.headerBytes).toBeLessThanOrEqual(40 * 100_000);
    const slugs = big.dataset.artistSlugs();
    expect(new Set(slugs).size).toBe(100_000);
    const some = [slugs[0]!, slugs[12_345]!, slugs[99_999]!];
    const opts = { asOf: at(END, '23:59:59'), signal, from: at(addDays(END, -90)) };
    const first = await big.sources.fusion.getEngagement(some, opts);
    await big.sources.cmg.getReleases(some, opts);
    expect(first.size).toBe(3);
    const after = big.stats();
    expect(after.historiesGenerated).toBe(3);
    expect(after.historiesCached).toBe(3);
    expect(after.networkBuilt).toBe(true);
    for (let i = 0; i < 200; i++) big.dataset.artistHistory(slugs[i * 499]!);
    expect(big.stats().historiesCached).toBeLessThanOrEqual(100);
  });
});

describe('demo world: conformance suites', () => {
  const timing = {
    asOf: at(addDays(END, -10), '12:00:00'),
    earlierAsOf: at(addDays(END, -120), '08:00:00'),
    from: at(addDays(END, -200)),
  };
  const knownKeys = world.dataset
    .artistSlugs()
    .filter((s) => Date.parse(world.dataset.artistRecord(s)!.firstSeen) < timing.earlierAsOf.getTime())
    .slice(0, 6);
  const runner = { describe, it };
  const env = { ...timing, knownKeys };
  registerContractSuite('demo mig', migContractSuite({ ...env, create: () => world.sources.mig }), runner);
  registerContractSuite('demo cmg', cmgContractSuite({ ...env, create: () => world.sources.cmg }), runner);
  registerContractSuite('demo fusion', fusionContractSuite({ ...env, create: () => world.sources.fusion }), runner);
  registerContractSuite(
    'demo coverage',
    coverageContractSuite({ ...env, create: () => world.sources.coverage }),
    runner,
  );
  registerContractSuite('demo rcf', rcfContractSuite({ ...env, create: () => world.sources.rcf }), runner);
  registerContractSuite(
    'demo identityKernel',
    identityKernelContractSuite({ ...env, create: () => world.sources.identityKernel }),
    runner,
  );
  registerContractSuite(
    'demo scenes',
    scenesAdapterContractSuite({
      ...env,
      create: () => world.sources.scenes,
      knownSceneSlugs: world.catalog.scenes.slice(0, 5).map((s) => s.slug),
    }),
    runner,
  );
  registerContractSuite(
    'demo workspaces',
    workspaceSourceContractSuite({
      ...timing,
      knownKeys: world.workspaces.map((w) => w.id),
      create: () => world.sources.workspaces,
    }),
    runner,
  );
});
