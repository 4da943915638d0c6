/**
 * Chaos: every source call, by a seeded hash of (method, keys), hangs (honouring its signal or
 * not), throws (asynchronously or synchronously), returns garbage per key, returns the wrong type,
 * is delayed, or works. Signal gathering never rejects, says per artist and read what happened,
 * lets good reads through untouched; a refresh under chaos completes, writes only valid rows, and
 * reports artists whose activity reads all failed as insufficient.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  type SceneRadar,
  type SceneRadarConfigInput,
  type SceneRadarSources,
} from 'scene-radar';
import type { ArtistSignals, SignalRead } from 'scene-radar/schemas';
import {
  TalentArtistRowSchema,
  TalentMicrogenreRowSchema,
  TalentSceneRowSchema,
  createMemoryStores,
  type ScenesStores,
  type TalentArtistRow,
  type TalentStores,
} from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const STATUSES = ['ok', 'missing', 'timeout', 'error', 'absent'];
/** The reads served by the host's sources (the scene reads go through the radar's own Scenes Engine). */
const HOST_READS: Partial<Record<SignalRead, string>> = {
  record: 'mig.getArtists',
  network: 'mig.getNetworks',
  releases: 'cmg.getReleases',
  campaigns: 'fusion.getCampaigns',
  engagement: 'fusion.getEngagement',
  articles: 'coverage.getArticles',
  events: 'rcf.getEvents',
  coherence: 'identityKernel.getCoherence',
};
const FAST: SceneRadarConfigInput = {
  sources: Object.fromEntries(
    ['mig', 'cmg', 'fusion', 'coverage', 'rcf', 'identityKernel', 'scenes', 'workspaces'].map((s) => [
      s,
      { timeoutMs: 1000 },
    ]),
  ),
  // 200 artists in one batchAggregateSignals call (the default allows 100 per query).
  talent: { maxArtistsPerQuery: 200 },
};

type Fault = 'ok' | 'delay' | 'hang' | 'hangHard' | 'throw' | 'syncThrow' | 'garbage' | 'wrongType';
const FAULTS: Fault[] = [
  'ok',
  'ok',
  'ok',
  'ok',
  'ok',
  'ok',
  'ok',
  'ok',
  'delay',
  'delay',
  'delay',
  'hang',
  'hang',
  'hangHard',
  'throw',
  'throw',
  'syncThrow',
  'garbage',
  'garbage',
  'wrongType',
];
const JUNK: unknown[] = [{ garbage: true }, 42, null, 'nope', [1, 2], { start: 'yesterday' }, Number.NaN];
const WRONG: unknown[] = [[], 'a string', null, undefined, {}, 7, { get: () => undefined }];

/** FNV-1a. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
const faultOf = (seed: number, method: string, keys: readonly string[]): Fault =>
  FAULTS[hash(`${seed}|${method}|${keys.join(',')}`) % FAULTS.length]!;

/** What the gateway must make of a fault. */
function expected(fault: Fault): { status: string; reason?: RegExp } {
  if (fault === 'ok' || fault === 'delay') return { status: 'ok' };
  if (fault === 'hang' || fault === 'hangHard') return { status: 'timeout', reason: /^timeout$/ };
  if (fault === 'throw' || fault === 'syncThrow') return { status: 'error', reason: /^threw: .*chaos/ };
  return { status: 'error', reason: /^invalid_payload/ };
}

/** Wraps every method of every source in the chaos (except `exempt`, `source.method`). */
function chaotic(
  sources: SceneRadarSources,
  seed: number,
  exempt: readonly string[] = [],
): { sources: SceneRadarSources; faults: Map<Fault, number> } {
  const faults = new Map<Fault, number>();
  const wrap = (name: string, adapter: object): object => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(adapter)) {
      if (typeof v !== 'function') {
        out[k] = v;
        continue;
      }
      const method = `${name}.${k}`;
      const call = (...args: unknown[]): unknown => Reflect.apply(v as (...a: unknown[]) => unknown, adapter, args);
      if (exempt.includes(method)) {
        out[k] = call;
        continue;
      }
      // Not async: a synchronous throw must really be synchronous.
      out[k] = (keys: unknown, o: { signal: AbortSignal }): unknown => {
        const list = Array.isArray(keys) ? (keys as string[]) : [];
        const fault = faultOf(seed, method, list);
        faults.set(fault, (faults.get(fault) ?? 0) + 1);
        const h = hash(`${seed}|${method}|${list.join(',')}|detail`);
        switch (fault) {
          case 'ok':
            return call(keys, o);
          case 'delay':
            return new Promise((resolve) => setTimeout(resolve, 1 + (h % 20))).then(() => call(keys, o));
          case 'hang':
            return new Promise((_, reject) =>
              o.signal.addEventListener('abort', () => reject(o.signal.reason), { once: true }),
            );
          case 'hangHard':
            return new Promise(() => undefined);
          case 'throw':
            return Promise.reject(new Error(`chaos: ${method} rejected`));
          case 'syncThrow':
            throw new Error(`chaos: ${method} threw synchronously`);
          case 'garbage':
            return Promise.resolve(new Map(list.map((key, i) => [key, JUNK[(h + i) % JUNK.length]])));
          case 'wrongType':
            return Promise.resolve(WRONG[h % WRONG.length]);
        }
      };
    }
    return out;
  };
  return {
    sources: Object.fromEntries(
      Object.entries(sources).map(([name, adapter]) => [name, wrap(name, adapter as object)]),
    ) as SceneRadarSources,
    faults,
  };
}

let scenesStores: ScenesStores;
let universe: string[];
beforeAll(async () => {
  scenesStores = createMemoryStores().scenes;
  const r = createSceneRadar({ sources: world.sources, stores: { scenes: scenesStores }, clock: fixedClock(NOW) });
  await r.scenes.importCatalog(world.catalog);
  await r.scenes.refresh(NOW);
  await r.close();
  const page = await world.sources.mig.listArtists(
    { cursor: null, limit: 10_000 },
    { asOf: NOW, signal: new AbortController().signal },
  );
  universe = page.items.map((a) => a.slug);
}, 60_000);

function radarOver(sources: SceneRadarSources, talent?: TalentStores): SceneRadar {
  return createSceneRadar({
    sources,
    stores: { scenes: scenesStores, ...(talent ? { talent } : {}) },
    clock: fixedClock(NOW),
    config: FAST,
  });
}

/** The chunk of `signalBatchSize` artists `slug` is read in. */
function chunkOf(slugs: readonly string[], slug: string, size = 20): string[] {
  const i = slugs.indexOf(slug);
  const start = i - (i % size);
  return slugs.slice(start, start + size);
}

describe('batchAggregateSignals under chaos', () => {
  const SEED = 1;
  let slugs: string[];
  let got: Map<string, ArtistSignals>;
  let clean: Map<string, ArtistSignals>;
  let faults: Map<Fault, number>;
  beforeAll(async () => {
    slugs = universe.slice(0, 200);
    const chaos = chaotic(world.sources, SEED);
    faults = chaos.faults;
    const radar = radarOver(chaos.sources);
    got = await radar.talent.signals.batchAggregateSignals(slugs, { asOf: NOW });
    await radar.close();
    const healthy = radarOver(world.sources);
    clean = await healthy.talent.signals.batchAggregateSignals(slugs, { asOf: NOW });
    await healthy.close();
  }, 60_000);

  it('every kind of fault happened', () => {
    for (const f of ['ok', 'delay', 'hang', 'hangHard', 'throw', 'syncThrow', 'garbage', 'wrongType'] as const)
      expect(faults.get(f) ?? 0, f).toBeGreaterThan(0);
  });

  it('never rejects: every artist, in order, every read with a status', () => {
    expect([...got.keys()]).toEqual(slugs);
    for (const [slug, s] of got) {
      expect(s.artistSlug).toBe(slug);
      expect(s.asOf).toBe(NOW.toISOString());
      expect(Object.keys(s.reads).sort()).toEqual(Object.keys(clean.get(slug)!.reads).sort());
      for (const [read, o] of Object.entries(s.reads)) {
        expect(STATUSES, `${slug}.${read}`).toContain(o.status);
        // A value only for an ok read.
        expect(s[read as SignalRead] !== null, `${slug}.${read}`).toBe(o.status === 'ok');
      }
    }
  });

  it('each read failed exactly the way its source call did; garbage is invalid_payload, never a crash', () => {
    const seen = new Map<string, number>();
    for (const slug of slugs) {
      const s = got.get(slug)!;
      for (const [read, method] of Object.entries(HOST_READS)) {
        const fault = faultOf(SEED, method!, chunkOf(slugs, slug));
        const want = expected(fault);
        const o = s.reads[read as SignalRead];
        expect(o.status, `${slug}.${read} (${fault})`).toBe(want.status);
        if (want.reason) expect(o.reason, `${slug}.${read} (${fault})`).toMatch(want.reason);
        seen.set(o.status, (seen.get(o.status) ?? 0) + 1);
      }
    }
    expect(seen.get('ok')).toBeGreaterThan(200);
    expect(seen.get('error')).toBeGreaterThan(20);
    expect(seen.get('timeout')).toBeGreaterThan(10);
  });

  it('good reads come through untouched', () => {
    let compared = 0;
    for (const slug of slugs) {
      const s = got.get(slug)!;
      for (const read of Object.keys(HOST_READS) as SignalRead[]) {
        if (s.reads[read].status !== 'ok') continue;
        expect(s[read], `${slug}.${read}`).toEqual(clean.get(slug)![read]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('the same seed gives the same outcomes (deterministic chaos)', async () => {
    const radar = radarOver(chaotic(world.sources, SEED).sources);
    const again = await radar.talent.signals.batchAggregateSignals(slugs.slice(0, 60), { asOf: NOW });
    await radar.close();
    for (const slug of slugs.slice(0, 60)) {
      for (const read of Object.keys(HOST_READS) as SignalRead[])
        expect(again.get(slug)!.reads[read].status).toBe(got.get(slug)!.reads[read].status);
    }
  });
});

describe('refresh under chaos', () => {
  const SEED = 7;
  let stores: ReturnType<typeof createMemoryStores>;
  let report: Awaited<ReturnType<SceneRadar['talent']['refresh']>>;
  let rows: TalentArtistRow[];
  beforeAll(async () => {
    stores = createMemoryStores();
    // The universe walk itself is left alone here (its failure is tested below).
    const radar = radarOver(chaotic(world.sources, SEED, ['mig.listArtists']).sources, stores.talent);
    report = await radar.talent.refresh(NOW);
    rows = await stores.talent.talent_radar_artists.scan();
    await radar.close();
  }, 60_000);

  it('completes over the whole universe and counts every read', () => {
    expect(report).toMatchObject({ universe: 'ok', artists: universe.length });
    expect(Object.values(report.reads).reduce((a, b) => a + b, 0)).toBe(universe.length * 10);
    expect(report.reads.timeout).toBeGreaterThan(0);
    expect(report.reads.error).toBeGreaterThan(0);
    expect(report.reads.ok).toBeGreaterThan(0);
    expect(report.scored).toBe(rows.length);
    expect(report.scored + report.insufficient + report.kept).toBe(universe.length);
    expect(report.scored).toBeGreaterThan(0);
    // Failed activity reads keep a previous row (none here: fresh tables) rather than erase it.
    expect(report.kept).toBeGreaterThan(0);
  });

  it('never writes an invalid row', async () => {
    for (const r of rows) expect(TalentArtistRowSchema.safeParse(r).error, r.artist_slug).toBeUndefined();
    for (const r of await stores.talent.talent_radar_scenes.scan())
      expect(TalentSceneRowSchema.safeParse(r).error).toBeUndefined();
    for (const r of await stores.talent.talent_radar_microgenres.scan())
      expect(TalentMicrogenreRowSchema.safeParse(r).error).toBeUndefined();
  });

  it('artists whose activity reads (Fusion engagement, RCF events) all failed get no new row (kept, not scored)', () => {
    const ok = (method: string, slug: string): boolean =>
      expected(faultOf(SEED, method, chunkOf(universe, slug))).status === 'ok';
    const blind = universe.filter((s) => !ok('fusion.getEngagement', s) && !ok('rcf.getEvents', s));
    expect(blind.length).toBeGreaterThan(0);
    const written = new Set(rows.map((r) => r.artist_slug));
    for (const s of blind) expect(written.has(s), s).toBe(false);
    expect(report.kept).toBeGreaterThanOrEqual(blind.length);
    // And every written artist had at least one activity read.
    for (const s of written) expect(ok('fusion.getEngagement', s) || ok('rcf.getEvents', s), s).toBe(true);
    // Lower confidence where more sources failed. Under this much chaos hardly any artist has every
    // read: compare those with at most one failed read against those with three or more (both
    // groups asserted non-empty, so the comparison can never be skipped).
    const METHODS = [
      'mig.getArtists',
      'mig.getNetworks',
      'cmg.getReleases',
      'fusion.getCampaigns',
      'fusion.getEngagement',
      'coverage.getArticles',
      'rcf.getEvents',
      'identityKernel.getCoherence',
    ] as const;
    const failures = (slug: string): number => METHODS.filter((m) => !ok(m, slug)).length;
    const mean = (xs: readonly TalentArtistRow[]): number => xs.reduce((a, r) => a + r.confidence, 0) / xs.length;
    const few = rows.filter((r) => failures(r.artist_slug) <= 1);
    const many = rows.filter((r) => failures(r.artist_slug) >= 3);
    expect(few.length).toBeGreaterThan(0);
    expect(many.length).toBeGreaterThan(0);
    expect(mean(many)).toBeLessThan(mean(few));
  });

  it('the pulse and top lists over a chaotic refresh are consistent with its rows', async () => {
    const radar = radarOver(world.sources, stores.talent);
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
    expect(pulse.summary.totalArtistsTracked).toBe(rows.length);
    await radar.close();
  });
});

describe('a failing universe walk changes nothing', () => {
  it.each(['throw', 'hang', 'garbage'] as const)(
    'MIG listArtists that %s: universe not ok, tables untouched',
    async (fault) => {
      const stores = createMemoryStores();
      const good = radarOver(world.sources, stores.talent);
      await good.talent.refresh(NOW);
      const before = await stores.talent.talent_radar_artists.scan();
      expect(before.length).toBeGreaterThan(0);
      const listArtists =
        fault === 'throw'
          ? () => Promise.reject(new Error('down'))
          : fault === 'hang'
            ? () => new Promise<never>(() => undefined)
            : async () => ({ items: 'garbage', nextCursor: 3 });
      const bad = radarOver({ ...world.sources, mig: { ...world.sources.mig, listArtists } as never }, stores.talent);
      // A minute after the first refresh (within the clock skew a refresh may be ahead of the clock).
      const report = await bad.talent.refresh(new Date(NOW.getTime() + 60_000));
      expect(report.universe).toBe(fault === 'hang' ? 'timeout' : 'error');
      expect(report).toMatchObject({ artists: 0, scored: 0, insufficient: 0 });
      expect(await stores.talent.talent_radar_artists.scan()).toEqual(before);
      await Promise.all([good.close(), bad.close()]);
    },
  );
});

describe('sources that break the contract', () => {
  it('a method that throws synchronously, one that is not a function, and one returning a Promise of garbage: errors, never a crash', async () => {
    const sources: SceneRadarSources = {
      ...world.sources,
      coverage: {
        getArticles: (() => {
          throw new Error('sync boom');
        }) as never,
      },
      rcf: { getEvents: 42 as never },
      identityKernel: {
        getCoherence: (() => Promise.resolve(new Map([[universe[0]!, { start: 'x', values: 'y' }]]))) as never,
      },
    };
    const radar = radarOver(sources);
    const got = await radar.talent.signals.batchAggregateSignals(universe.slice(0, 3), { asOf: NOW });
    const first = got.get(universe[0]!)!;
    expect(first.reads.articles).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/^threw: .*sync boom/),
    });
    expect(first.reads.events).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/^threw: .*not a function/),
    });
    expect(first.reads.coherence).toMatchObject({ status: 'error', reason: expect.stringMatching(/^invalid_payload/) });
    expect(got.get(universe[1]!)!.reads.coherence.status).toBe('missing');
    expect(first.reads.engagement.status).toBe('ok');
    // The profile still comes back, with lower confidence and the failures named.
    const profile = await radar.talent.aggregator.buildArtistProfile(universe[0]!);
    expect(profile.explanation.sources.articles.status).toBe('error');
    expect(profile.explanation.confidence).toBeLessThan(1);
    await radar.close();
  });

  it('a hook that throws on every source call breaks nothing', async () => {
    const radar = createSceneRadar({
      sources: world.sources,
      stores: { scenes: scenesStores },
      clock: fixedClock(NOW),
      onSourceCall: () => {
        throw new Error('bad hook');
      },
    });
    const got = await radar.talent.signals.batchAggregateSignals(universe.slice(0, 5), { asOf: NOW });
    expect([...got.values()].every((s) => s.reads.engagement.status === 'ok')).toBe(true);
    await radar.close();
  });

  it('malformed slugs are refused before any source is read', async () => {
    let calls = 0;
    const counting = {
      ...world.sources,
      fusion: {
        ...world.sources.fusion,
        getEngagement: (...a: Parameters<typeof world.sources.fusion.getEngagement>) => {
          calls++;
          return world.sources.fusion.getEngagement(...a);
        },
      },
    };
    const radar = radarOver(counting);
    await expect(
      radar.talent.signals.batchAggregateSignals([universe[0]!, 'Not A Slug'], { asOf: NOW }),
    ).rejects.toMatchObject({ code: 'TALENT_VALIDATION_ERROR' });
    await expect(radar.talent.signals.batchAggregateSignals('artist-a' as never)).rejects.toMatchObject({
      code: 'TALENT_VALIDATION_ERROR',
    });
    await expect(
      radar.talent.signals.batchAggregateSignals([universe[0]!], { asOf: new Date(Number.NaN) }),
    ).rejects.toMatchObject({ code: 'TALENT_VALIDATION_ERROR' });
    expect(calls).toBe(0);
    await radar.close();
  });
});

describe('an aborted refresh', () => {
  // Regression (fixed; found by this test): (src/talent/talent-radar.ts refresh / #featuresOf): the caller's signal is only checked
  // between chunks of 1,000 artists. Aborted while a chunk's reads are in flight, every read of
  // that chunk ends `error: aborted`, the artists look like they have no evidence, and refresh
  // goes on to delete their rows (and rebuild the roll-ups from nothing) and returns normally.
  it('leaves the tables as they were', async () => {
    const stores = createMemoryStores();
    const good = radarOver(world.sources, stores.talent);
    await good.talent.refresh(NOW);
    const before = await stores.talent.talent_radar_artists.scan();
    expect(before.length).toBeGreaterThan(0);
    const controller = new AbortController();
    const stall = (o: { signal: AbortSignal }): Promise<never> => {
      controller.abort(new Error('caller gave up'));
      return new Promise((_, reject) =>
        o.signal.addEventListener('abort', () => reject(o.signal.reason), { once: true }),
      );
    };
    const sources = {
      ...world.sources,
      fusion: { ...world.sources.fusion, getEngagement: (_k: unknown, o: { signal: AbortSignal }) => stall(o) },
      rcf: { getEvents: (_k: unknown, o: { signal: AbortSignal }) => stall(o) },
    } as SceneRadarSources;
    const radar = createSceneRadar({
      sources,
      stores: { scenes: scenesStores, talent: stores.talent },
      clock: fixedClock(NOW),
    });
    await radar.talent.refresh(new Date(NOW.getTime() + 60_000), { signal: controller.signal }).catch(() => undefined);
    expect(await stores.talent.talent_radar_artists.scan()).toEqual(before);
    await Promise.all([good.close(), radar.close()]);
  });
});
