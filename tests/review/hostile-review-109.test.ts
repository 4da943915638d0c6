/**
 * Hostile review 109: results must not depend on how a host delivers the same data. One small demo
 * world (150 artists, 12 scenes) is refreshed once as the baseline, then again with ONE delivery
 * change at a time (lists reversed or shuffled, batch sizes, listArtists page sizes and order,
 * talent and scenes batching, sharded refreshes, the catalog's order, windows, instant offsets,
 * region case, series padding, jittered answers, API request order), and everything a user reads
 * is compared byte for byte: every row of every scenes and talent table (sorted by key), the global
 * scene pulse, and the HTTP answers (scene and talent pulses, top lists, profiles, memberships,
 * trends, related scenes, recommendations). The FAULT tests use a hand-made world of a few artists.
 *
 * Tests named "FAULT:" failed on the code as reviewed (all four fixed in the same commit), for the reason their name states; the others
 * pin behaviour found correct.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadarSources } from '../../src/index.js';
import {
  createDemoWorld,
  createEagerDataset,
  createMemorySources,
  type ArtistHistory,
  type MemoryDataset,
} from '../../adapters/memory/index.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores.js';
import { createFetchHandler } from '../../src/api/index.js';

const AS_OF = new Date('2026-07-01T06:00:00.000Z');
const WORLD = createDemoWorld({ artists: 150, end: '2026-06-30', scenes: 12 });
type Catalog = typeof WORLD.catalog;
type Sources = Required<SceneRadarSources>;
type ListName = 'tastemakers' | 'collaborators' | 'releases' | 'campaigns' | 'articles' | 'events';
type ListFn = (xs: readonly Record<string, unknown>[]) => Record<string, unknown>[];

/** One way of delivering the world (everything left out is the baseline's). */
interface Delivery {
  lists?: Partial<Record<ListName, ListFn>>;
  slugs?: (s: readonly string[]) => string[];
  maxBatchSize?: number;
  page?: number;
  wrap?: (s: Sources) => SceneRadarSources;
  jitter?: boolean;
  config?: Record<string, unknown>;
  catalog?: (c: Catalog) => Catalog;
  shards?: number;
  prewarm?: readonly string[];
  reversePaths?: boolean;
}

let seed = 7;
const rnd = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const rev = <T>(xs: readonly T[]): T[] => [...xs].reverse();
const shuffle = <T>(xs: readonly T[]): T[] => {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
const eachList = (f: ListFn): Delivery['lists'] => ({
  tastemakers: f,
  collaborators: f,
  releases: f,
  campaigns: f,
  articles: f,
  events: f,
});
/** An instant `...Z` written with a +02:00 offset (the same instant). */
const offset = (iso: string): string =>
  /T.*Z$/.test(iso) ? `${new Date(Date.parse(iso) + 7_200_000).toISOString().slice(0, 19)}+02:00` : iso;
const field =
  (k: string, f: (v: unknown) => unknown): ListFn =>
  (xs) =>
    xs.map((x) => ({ ...x, [k]: f(x[k]) }));

/** The world's dataset with its lists delivered by `d`. */
function dataset(d: Delivery): MemoryDataset {
  const base = WORLD.dataset;
  const cache = new Map<string, ArtistHistory>();
  return {
    ...base,
    artistSlugs: () => (d.slugs ? d.slugs(base.artistSlugs()) : base.artistSlugs()),
    artistRecord: (s) => base.artistRecord(s),
    artistHistory(s) {
      const h = base.artistHistory(s);
      if (!h || !d.lists) return h;
      let out = cache.get(s);
      if (!out) {
        const copy = { ...h } as unknown as Record<string, unknown>;
        for (const [k, f] of Object.entries(d.lists)) copy[k] = f!(copy[k] as Record<string, unknown>[]);
        out = copy as unknown as ArtistHistory;
        cache.set(s, out);
      }
      return out;
    },
  };
}

/** Every method of every source answering after a random 0-3 ms: batches come back in another order. */
function jitter(src: SceneRadarSources): SceneRadarSources {
  const out: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(src)) {
    const w: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source as object))
      w[k] =
        typeof v === 'function'
          ? async (...args: unknown[]) => {
              await new Promise((r) => setTimeout(r, Math.floor(rnd() * 4)));
              return (v as (...a: unknown[]) => unknown)(...args);
            }
          : v;
    out[name] = w;
  }
  return out as SceneRadarSources;
}

/** Engagement and coherence ending `n` days early, or padded with `n` nulls instead (the same facts). */
function tails(s: Sources, n: number, pad: boolean): SceneRadarSources {
  const cut = <T>(xs: readonly T[]): (T | null)[] =>
    pad ? [...xs.slice(0, -n), ...xs.slice(-n).map(() => null)] : xs.slice(0, -n);
  return {
    ...s,
    fusion: {
      ...s.fusion,
      getEngagement: async (k, o) =>
        new Map(
          [...(await s.fusion.getEngagement(k, o))].map(([a, e]) => [
            a,
            { ...e, organic: cut(e.organic), paid: cut(e.paid) },
          ]),
        ),
    },
    identityKernel: {
      ...s.identityKernel,
      getCoherence: async (k, o) =>
        new Map([...(await s.identityKernel.getCoherence(k, o))].map(([a, e]) => [a, { ...e, values: cut(e.values) }])),
    },
  };
}

/** Every windowed read answered from 2020 on, whatever `from` asked. */
function noWindow(s: Sources): SceneRadarSources {
  const early = <O extends { from: Date }>(o: O): O => ({ ...o, from: new Date('2020-01-01T00:00:00Z') });
  return {
    ...s,
    cmg: { ...s.cmg, getReleases: (k, o) => s.cmg.getReleases(k, early(o)) },
    rcf: { ...s.rcf, getEvents: (k, o) => s.rcf.getEvents(k, early(o)) },
    coverage: { ...s.coverage, getArticles: (k, o) => s.coverage.getArticles(k, early(o)) },
    fusion: {
      ...s.fusion,
      getCampaigns: (k, o) => s.fusion.getCampaigns(k, early(o)),
      getEngagement: (k, o) => s.fusion.getEngagement(k, early(o)),
    },
    identityKernel: { ...s.identityKernel, getCoherence: (k, o) => s.identityKernel.getCoherence(k, early(o)) },
  };
}

const API_PATHS = (() => {
  const scenes = WORLD.catalog.scenes.map((s) => s.slug);
  const artists = WORLD.dataset.artistSlugs().filter((_, i) => i % 10 === 0);
  return [
    '/api/scene-pulse?limit=100',
    '/api/scenes?limit=100',
    '/api/talent/pulse?limit=100',
    '/api/talent/top?category=rising&limit=100',
    '/api/talent/top?category=breakout&limit=100',
    '/api/talent/top?category=risk&limit=100',
    `/api/talent/recommendations?workspaceId=${WORLD.workspaces[0]!.id}&limit=100`,
    '/api/scene-recommendations?limit=50',
    ...scenes.flatMap((s) => [
      `/api/scenes/${s}/pulse`,
      `/api/scenes/${s}/memberships?limit=10000`,
      `/api/scenes/${s}/related`,
      `/api/scenes/${s}/trends`,
    ]),
    ...artists.flatMap((s) => [`/api/talent/artists/${s}`, `/api/scene-recommendations?artistSlug=${s}`]),
  ];
})();

interface Snapshot {
  tables: Record<string, string[]>;
  api: Record<string, string>;
  global: string;
}

/** Refreshes the world delivered by `d` and reads everything a user reads. */
async function snapshot(d: Delivery = {}): Promise<Snapshot> {
  let sources: SceneRadarSources = createMemorySources(dataset(d), { maxBatchSize: d.maxBatchSize ?? 1000 });
  if (d.page) {
    const mig = sources.mig!;
    const page = d.page;
    sources = {
      ...sources,
      mig: { ...mig, listArtists: (q, o) => mig.listArtists({ ...q, limit: Math.min(q.limit, page) }, o) },
    };
  }
  if (d.wrap) sources = d.wrap(sources as Sources);
  if (d.jitter) sources = jitter(sources);
  const stores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
  const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF), stores, config: (d.config ?? {}) as never });
  try {
    await radar.scenes.importCatalog(d.catalog ? d.catalog(WORLD.catalog) : WORLD.catalog);
    if (d.shards) {
      await radar.scenes.refresh(AS_OF);
      const plan = await radar.talent.planRefresh(AS_OF);
      const n = Math.ceil(plan.artists.length / d.shards);
      for (let i = n - 1; i >= 0; i--)
        await radar.talent.refreshShard({
          refreshId: plan.refreshId,
          asOf: plan.asOf,
          index: i,
          artists: plan.artists.slice(i * d.shards, (i + 1) * d.shards),
        });
      await radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: n });
    } else await radar.refresh(AS_OF);
    const tables: Record<string, string[]> = {};
    for (const [name, t] of [...Object.entries(stores.scenes), ...Object.entries(stores.talent)]) {
      if (typeof (t as { scan?: unknown }).scan !== 'function') continue;
      const rows = await (t as { scan(): Promise<unknown[]> }).scan();
      // The refresh id is a random UUID: the one thing two refreshes never share.
      tables[name] = rows.map((r) => JSON.stringify(r).replace(/"id":"[0-9a-f-]{36}"/g, '"id":"<uuid>"')).sort();
    }
    const handler = createFetchHandler(radar);
    for (const p of d.prewarm ?? []) await (await handler(new Request(`http://x${p}`))).text();
    const api: Record<string, string> = {};
    for (const p of d.reversePaths ? rev(API_PATHS) : API_PATHS) {
      const res = await handler(new Request(`http://x${p}`));
      api[p] = `${res.status} ${await res.text()}`;
    }
    return { tables, api, global: JSON.stringify(await radar.scenes.pulse.getGlobalPulse()) };
  } finally {
    await radar.close();
  }
}

/** Where two snapshots differ: `table[i]` or an API path (empty when they are the same bytes). */
function differences(a: Snapshot, b: Snapshot): string[] {
  const out: string[] = [];
  for (const t of Object.keys(a.tables)) {
    const x = a.tables[t]!;
    const y = b.tables[t] ?? [];
    if (x.length !== y.length) out.push(`${t}: ${x.length} vs ${y.length} rows`);
    else for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) out.push(`${t}[${i}]`);
  }
  for (const p of Object.keys(a.api)) if (a.api[p] !== b.api[p]) out.push(p);
  if (a.global !== b.global) out.push('getGlobalPulse');
  return out;
}

let baselinePromise: Promise<Snapshot> | undefined;
const baseline = (): Promise<Snapshot> => (baselinePromise ??= snapshot());

async function expectSame(...deliveries: Delivery[]): Promise<void> {
  const base = await baseline();
  for (const d of deliveries) expect(differences(base, await snapshot(d))).toEqual([]);
}

describe('hostile review 109: the demo world delivered differently, compared byte for byte', () => {
  it('the baseline is complete and reproducible: every table filled, every API answer 200, a second refresh the same bytes', async () => {
    const base = await baseline();
    expect(base.tables.scene_memberships!.length).toBeGreaterThan(100);
    expect(base.tables.talent_radar_artists).toHaveLength(150);
    expect(base.tables.scene_trends).toHaveLength(12);
    expect(base.tables.scene_relationships!.length).toBeGreaterThan(10);
    expect(base.tables.talent_radar_scenes).toHaveLength(12);
    expect(Object.values(base.api).every((a) => a.startsWith('200 '))).toBe(true);
    expect(Object.keys(base.api)).toHaveLength(API_PATHS.length);
    expect(differences(base, await snapshot())).toEqual([]);
  }, 30_000);

  it('every list of every artist (events, releases, articles, campaigns, tastemakers, collaborators) reversed, or shuffled: the same bytes', async () => {
    await expectSame({ lists: eachList(rev) }, { lists: eachList(shuffle) });
  }, 30_000);

  it('maxBatchSize 1, 7 and 10,000 on every source: the same bytes (no last-bit drift in any stored or shown number)', async () => {
    await expectSame({ maxBatchSize: 1 }, { maxBatchSize: 7 }, { maxBatchSize: 10_000 });
  }, 30_000);

  it('listArtists in pages of 1, 3 and 1,000, and the universe listed in reverse order: the same bytes', async () => {
    await expectSame({ page: 1 }, { page: 3 }, { page: 1000 }, { slugs: rev });
  }, 30_000);

  it('talent.signalBatchSize 1 and 500, talent.batchConcurrency 1 and scenes.batchConcurrency 1: the same bytes', async () => {
    await expectSame(
      { config: { talent: { signalBatchSize: 1 } } },
      { config: { talent: { signalBatchSize: 500 } } },
      { config: { talent: { batchConcurrency: 1 }, scenes: { batchConcurrency: 1 } } },
    );
  }, 30_000);

  it('every source answering after a random delay (batches of 7 and signal batches of 3 coming back out of order): the same bytes', async () => {
    await expectSame({ jitter: true, maxBatchSize: 7, config: { talent: { signalBatchSize: 3 } } });
  }, 30_000);

  it('a sharded talent refresh (shards of 7 run last to first, or one shard of 200) writes what radar.refresh() writes', async () => {
    await expectSame({ shards: 7 }, { shards: 200 });
  }, 30_000);

  it('the catalog imported in reverse order (scenes and microgenres): the same bytes', async () => {
    await expectSame({ catalog: (c) => ({ scenes: rev(c.scenes), microgenres: rev(c.microgenres) }) });
  }, 30_000);

  it("a scene's own microgenre list reversed in the catalog changes only that list where it is echoed (the scenes table, GET /scenes)", async () => {
    const base = await baseline();
    const other = await snapshot({
      catalog: (c) => ({
        scenes: c.scenes.map((s) => ({ ...s, microgenres: rev(s.microgenres) })),
        microgenres: c.microgenres,
      }),
    });
    expect(differences(base, other).map((d) => d.replace(/\[\d+\]$/, ''))).toEqual([
      ...base.tables.scenes!.map(() => 'scenes'),
      '/api/scenes?limit=100',
    ]);
  }, 30_000);

  it('windowed reads answered with all history since 2020 (the source ignoring `from`): trimmed to the same bytes', async () => {
    await expectSame({ wrap: noWindow });
  }, 30_000);

  it('instants written with a +02:00 offset, and event regions in upper case: the same bytes', async () => {
    await expectSame(
      {
        lists: {
          events: field('at', (v) => offset(v as string)),
          articles: field('publishedAt', (v) => offset(v as string)),
          tastemakers: field('since', (v) => offset(v as string)),
          collaborators: field('since', (v) => offset(v as string)),
        },
      },
      { lists: { events: field('region', (v) => (typeof v === 'string' ? v.toUpperCase() : v)) } },
    );
  }, 30_000);

  it('engagement and coherence that end 5 days early read the same as the same series padded with 5 nulls', async () => {
    const cut = await snapshot({ wrap: (s) => tails(s, 5, false) });
    const padded = await snapshot({ wrap: (s) => tails(s, 5, true) });
    expect(differences(cut, padded)).toEqual([]);
    // The cut is a different world (a check that the wrap bites).
    expect(differences(await baseline(), cut).length).toBeGreaterThan(0);
  }, 30_000);

  it('a campaign delivered twice (a copy with another spend, or another channel), in either order: the same bytes both ways', async () => {
    const copy =
      (k: string, v: unknown, copyFirst: boolean): ListFn =>
      (xs) =>
        xs.flatMap((c) => (copyFirst ? [{ ...c, [k]: v }, c] : [c, { ...c, [k]: v }]));
    for (const [k, v] of [
      ['spend', 1],
      ['channel', 'radio'],
    ] as const) {
      const a = await snapshot({ lists: { campaigns: copy(k, v, false) } });
      const b = await snapshot({ lists: { campaigns: copy(k, v, true) } });
      expect(differences(a, b)).toEqual([]);
    }
  }, 30_000);

  it('a workspace answered with its id in upper case, its lists reversed and its regions in upper case: the same recommendations', async () => {
    await expectSame({
      wrap: (s) => ({
        ...s,
        workspaces: {
          ...s.workspaces,
          getWorkspaces: async (ids, o) =>
            new Map(
              [...(await s.workspaces.getWorkspaces(ids, o))].map(([k, w]) => [
                k,
                {
                  ...w,
                  id: w.id.toUpperCase(),
                  scenes: rev(w.scenes),
                  microgenres: rev(w.microgenres),
                  regions: rev(w.regions).map((r) => r.toUpperCase()),
                  roster: rev(w.roster),
                },
              ]),
            ),
        },
      }),
    });
  }, 30_000);

  it('API requests in reverse order after small-limit requests warmed the caches: the same bytes, but the watch list says it was stored', async () => {
    const base = await baseline();
    const other = await snapshot({
      reversePaths: true,
      prewarm: [
        '/api/scene-pulse?limit=1',
        '/api/talent/pulse?limit=1',
        '/api/talent/top?category=rising&limit=1',
        '/api/talent/top?category=breakout&limit=1',
        '/api/talent/top?category=risk&limit=1',
        '/api/scenes?limit=1',
        '/api/scene-recommendations?limit=1',
      ],
    });
    const watch = '/api/scene-recommendations?limit=50';
    expect(differences(base, other)).toEqual([watch]);
    // Only the `stored` flag differs: the same items, ranks, scores and reasons.
    expect(other.api[watch]!.replace('"stored":true', '"stored":false')).toBe(base.api[watch]);
  }, 30_000);
});

// ------------------------------------------------------------------ a hand-made world for the faults

const DAY = 86_400_000;
const END = '2026-06-30';
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const SOUND_A = ['ma-one', 'ma-two', 'ma-three', 'ma-four', 'ma-five', 'ma-six'];
const SOUND_B = ['mb-one', 'mb-two', 'mb-three'];
const CATALOG = {
  scenes: [
    { slug: 'indie-uk-brighton', name: 'Brighton Indie', region: 'uk', city: 'brighton', microgenres: SOUND_A },
    {
      slug: 'electronic-uk-brighton',
      name: 'Brighton Electronic',
      region: 'uk',
      city: 'brighton',
      microgenres: SOUND_B,
    },
  ],
  microgenres: [...SOUND_A, ...SOUND_B].map((slug, i) => ({ slug, name: slug, x: 100 * i, y: 50 * (i % 3) })),
};
const WS_ID = '6f1c2a8e-1b2c-4d5e-8f90-0a1b2c3d4e5f';

type Release = ArtistHistory['releases'][number];
function artist(slug: string, releases: Release[], homeCity = 'brighton'): ArtistHistory {
  const organic = Array.from({ length: 200 }, (_, d) => 300 + (d % 7) * 10);
  return {
    record: { slug, name: slug, homeRegion: 'uk', homeCity, firstSeen: '2024-01-01T00:00:00.000Z' },
    tastemakers: [],
    collaborators: [],
    releases,
    campaigns: [],
    articles: [],
    events: [],
    memberships: [],
    engagement: { start: addDays(END, -199), organic, paid: organic.map(() => 0) },
    coherence: { start: END, values: [] },
  } as unknown as ArtistHistory;
}
const release = (id: string, day: string, microgenres: string[]): Release =>
  ({ releaseId: id, releasedAt: day, vector: [0.1, 0.2, 0.3], microgenres }) as Release;

/** A radar over `histories` (sources wrapped by `wrap`), refreshed once; its stores and handler. */
async function miniRadar(histories: ArtistHistory[], wrap: (s: Sources) => SceneRadarSources = (s) => s) {
  const data = createEagerDataset({
    histories,
    workspaces: [
      { id: WS_ID, name: 'Label', scenes: ['indie-uk-brighton'], microgenres: SOUND_A, regions: ['uk'], roster: [] },
    ],
  });
  const stores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
  const radar = createSceneRadar({ sources: wrap(createMemorySources(data)), clock: fixedClock(AS_OF), stores });
  await radar.scenes.importCatalog(CATALOG);
  await radar.refresh(AS_OF);
  return { radar, stores, handler: createFetchHandler(radar) };
}

/** Each membership as a user reads it (sorted by scene and artist). */
async function memberships(histories: ArtistHistory[], wrap?: (s: Sources) => SceneRadarSources) {
  const { radar, stores } = await miniRadar(histories, wrap);
  try {
    const rows = await stores.scenes.scene_memberships.scan();
    return rows
      .map((r) => ({
        scene: r.scene_slug,
        artist: r.artist_slug,
        confidence: r.confidence,
        place: r.place,
        sound: r.sound,
        microgenres: r.microgenres,
        reasons: r.reasons,
      }))
      .sort((a, b) => `${a.scene}/${a.artist}`.localeCompare(`${b.scene}/${b.artist}`));
  } finally {
    await radar.close();
  }
}

/** The sources with the releases of every answer delivered by `f` (CMG's contract fixes no tag order). */
const releasesBy =
  (f: (rs: readonly Release[]) => Release[]) =>
  (s: Sources): SceneRadarSources => ({
    ...s,
    cmg: {
      ...s.cmg,
      getReleases: async (k, o) => new Map([...(await s.cmg.getReleases(k, o))].map(([a, rs]) => [a, f(rs)])),
    },
  });

describe('hostile review 109: faults', () => {
  const peers = [artist('peer-one', [release('p1', addDays(END, -30), ['ma-one', 'ma-two'])])];

  it('FAULT: the order of a release\'s microgenre tags changes which microgenres a membership names and its "sound: shares ..." reason', async () => {
    // ReleaseFingerprint.microgenres: "Microgenre slugs the release is tagged with" (no order). One
    // release tagged with all six of the scene's microgenres: delivered as tagged, the membership
    // names "ma-one, ma-two, ma-three, ma-four and 2 more"; with the tags reversed, "ma-six,
    // ma-five, ma-four, ma-three and 2 more" (and its microgenres list, the talent row's
    // microgenres, a similar artist's "shared microgenres" reason follow the tags' order).
    const subject = (tags: string[]) => artist('tag-order', [release('r1', addDays(END, -20), tags)]);
    const asTagged = await memberships([subject(SOUND_A), ...peers]);
    const reversed = await memberships([subject(rev(SOUND_A)), ...peers]);
    const mine = (rows: typeof asTagged) =>
      rows.find((r) => r.artist === 'tag-order' && r.scene === 'indie-uk-brighton')!;
    expect(mine(asTagged).sound).toBe(mine(reversed).sound);
    expect(mine(reversed).reasons).toEqual(mine(asTagged).reasons);
    expect(mine(reversed).microgenres).toEqual(mine(asTagged).microgenres);
  }, 30_000);

  it('FAULT: a release id delivered twice with the same date and different tags is read as whichever copy came first (no error, no order-free rule)', async () => {
    // payloads.ts: "Release id, unique per artist". Two copies of r1 on one day, one tagged with
    // Brighton Indie's sound and one with Brighton Electronic's: the gateway sorts by date then id
    // (a tie) and keeps the first delivered, so the artist's scene flips with the order of delivery.
    const day = addDays(END, -20);
    const indie = release('r1', day, ['ma-one', 'ma-two']);
    const electronic = release('r1', day, ['mb-one', 'mb-two']);
    const subject = artist('twice-released', [release('r0', addDays(END, -90), ['ma-three'])]);
    const deliver = (first: Release, second: Release) =>
      releasesBy((rs) => (rs.length ? [...rs, first, second] : [...rs]));
    const a = await memberships([subject, ...peers], deliver(indie, electronic));
    const b = await memberships([subject, ...peers], deliver(electronic, indie));
    expect(b.filter((r) => r.artist === 'twice-released')).toEqual(a.filter((r) => r.artist === 'twice-released'));
  }, 30_000);

  it('FAULT: an artist listed twice by listArtists with two different records is scored with whichever record was listed first', async () => {
    // universe.ts walks "an artist listed twice (in one page or across pages) once": the first
    // record listed. Home city brighton first: place 1 in the Brighton scenes; london first: 0.5.
    const subject = artist('listed-twice', [release('r1', addDays(END, -20), ['ma-one', 'ma-two'])]);
    const twice =
      (firstCity: string, secondCity: string) =>
      (s: Sources): SceneRadarSources => ({
        ...s,
        mig: {
          ...s.mig,
          listArtists: async (q, o) => {
            const page = await s.mig.listArtists(q, o);
            return {
              ...page,
              items: page.items.flatMap((r) =>
                r.slug === 'listed-twice'
                  ? [
                      { ...r, homeCity: firstCity },
                      { ...r, homeCity: secondCity },
                    ]
                  : [r],
              ),
            };
          },
        },
      });
    const a = await memberships([subject, ...peers], twice('brighton', 'london'));
    const b = await memberships([subject, ...peers], twice('london', 'brighton'));
    expect(b.filter((r) => r.artist === 'listed-twice')).toEqual(a.filter((r) => r.artist === 'listed-twice'));
  }, 30_000);

  it('FAULT: a workspace source that keys its answer by the UUID in upper case gets "Workspace not found" for a workspace it answered', async () => {
    // WorkspaceSource: "The SDK asks in lowercase, the UUID's canonical form, whatever case a
    // request used; an answer's `id` may be in either case." A source keyed by its stored
    // (upper-case) UUID answers the workspace, and the API says it does not exist (400).
    const histories = [artist('ws-artist', [release('r1', addDays(END, -20), ['ma-one'])]), ...peers];
    const read = async (wrap?: (s: Sources) => SceneRadarSources) => {
      const { radar, handler } = await miniRadar(histories, wrap);
      try {
        const res = await handler(new Request(`http://x/api/talent/recommendations?workspaceId=${WS_ID}`));
        return `${res.status} ${await res.text()}`;
      } finally {
        await radar.close();
      }
    };
    const lower = await read();
    const upper = await read((s) => ({
      ...s,
      workspaces: {
        ...s.workspaces,
        getWorkspaces: async (ids, o) =>
          new Map(
            [...(await s.workspaces.getWorkspaces(ids, o))].map(([k, w]) => [
              k.toUpperCase(),
              { ...w, id: w.id.toUpperCase() },
            ]),
          ),
      },
    }));
    expect(lower.startsWith('200 ')).toBe(true);
    expect(upper).toBe(lower);
  }, 30_000);
});
