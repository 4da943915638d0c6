/**
 * Hostile review 4, input faults: options that cannot be read or a cache store of the wrong shape
 * (raw TypeErrors from createSceneRadar), calibration switches of the wrong type, scoreArtists
 * without a size cap, and an artist's observations repeated under one id in an eager dataset.
 * Each bad input gets the seed's code and nothing is read, lost or counted twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createSceneRadar, SceneRadarError } from 'scene-radar';
import { lruCacheStore } from 'scene-radar/stores';
import { createDemoWorld, createEagerDataset, createMemorySources } from 'scene-radar/adapters/memory';
import { fitBreakoutModel, type CalibrationExample } from 'scene-radar/backtest';

// biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
const untyped = (v: unknown): any => v;

/** What `f` threw (sync or async), or a failure when it threw nothing. */
async function thrown(f: () => unknown): Promise<SceneRadarError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(SceneRadarError);
    return e as SceneRadarError;
  }
  throw new Error('expected a throw');
}

describe('createSceneRadar options', () => {
  it('refuses options that are not an object, or cannot be read, with CONFIG_INVALID', async () => {
    for (const v of [null, 42, 'x', [], undefined]) {
      const e = await thrown(() => createSceneRadar(untyped(v)));
      expect(e.code, JSON.stringify(v)).toBe('CONFIG_INVALID');
      expect(e.message).toMatch(/options must be an object/);
    }
    // A revoked proxy and a getter that throws crashed with the raw error of the read.
    const { proxy, revoke } = Proxy.revocable({ sources: {} }, {});
    revoke();
    const throwing = (key: string): object =>
      Object.defineProperty({ sources: {} }, key, {
        enumerable: true,
        get() {
          throw new TypeError(`no ${key}`);
        },
      });
    for (const v of [proxy, throwing('sources'), throwing('config'), throwing('hostFeatures')]) {
      const e = await thrown(() => createSceneRadar(untyped(v)));
      expect(e.code).toBe('CONFIG_INVALID');
      expect(e.message).toMatch(/^createSceneRadar: options cannot be read/);
      expect(e.cause).toBeInstanceOf(TypeError);
    }
  });

  it('refuses a cache.store that is not a CacheStore, naming what it lacks, and keeps accepting one that is', async () => {
    for (const store of [5, 'redis', {}, { get: () => undefined, set: () => undefined }]) {
      const e = await thrown(() => createSceneRadar(untyped({ sources: {}, cache: { store } })));
      expect(e.code, JSON.stringify(store)).toBe('CONFIG_INVALID');
      expect(e.message).toMatch(/cache\.store must be a CacheStore/);
      expect(e.details).toEqual([{ path: ['cache', 'store'], message: expect.stringMatching(/get, set, delete/) }]);
    }
    const e = await thrown(() =>
      createSceneRadar(untyped({ sources: {}, cache: { store: { get: () => undefined, set: () => undefined } } })),
    );
    expect(e.message).toMatch(/missing delete, clear, size, close/);
    const radar = createSceneRadar({ sources: {}, cache: { store: lruCacheStore<unknown>() } });
    expect(radar.stats().cache).toBeDefined();
    await radar.close();
  });
});

describe('fitBreakoutModel options', () => {
  const examples: CalibrationExample[] = Array.from({ length: 40 }, (_, i) => ({
    inputs: { level_now: (i % 10) / 3 },
    label: i % 10 >= 7,
    time: Date.UTC(2020, 0, 1) + i * 86_400_000,
  }));

  it('refuses options or signs given as an array (their indexes read as names) and a non-boolean recalibrate', async () => {
    for (const [options, field] of [
      [{ recalibrate: 'no' }, 'recalibrate'],
      [[], 'options'],
      [{ signs: [] }, 'signs'],
      [{ signs: [1, -1] }, 'signs'],
    ] as const) {
      const e = await thrown(() => fitBreakoutModel(examples, untyped(options)));
      expect(e.code, JSON.stringify(options)).toBe('TALENT_VALIDATION_ERROR');
      expect(e.message).toMatch(new RegExp(`^${field}:`));
    }
    expect(
      fitBreakoutModel(examples, { signs: { level_now: 1 }, folds: 1 }).model.inputs.level_now.weight,
    ).toBeGreaterThan(0);
  });
});

describe('scoreArtists size cap', () => {
  let calls = 0;
  const world = createDemoWorld({ artists: 30, end: '2026-03-01' });
  const radar = createSceneRadar({ sources: world.sources, onSourceCall: () => void calls++ });
  afterAll(() => radar.close());
  const asOf = new Date('2026-03-01T00:00:00Z');
  const slugs = (n: number, prefix = 'artist'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

  it('refuses more than 1,000,000 artists with too_big before reading any source', async () => {
    const cases: [() => unknown, string][] = [
      [() => radar.talent.scoreArtists(slugs(1_000_001), { asOf }), 'artistSlugs'],
      [() => radar.talent.scoreArtists(['artist-0'], { asOf, population: slugs(1_000_001) }), 'population'],
      // Each list within the cap, together past it.
      [() => radar.talent.scoreArtists(slugs(600_000, 'a'), { asOf, population: slugs(600_000, 'p') }), 'population'],
      // A huge sparse array is refused by its length, not walked.
      [
        () => radar.talent.scoreArtists(['artist-0'], { asOf, population: untyped(new Array(50_000_000)) }),
        'population',
      ],
    ];
    for (const [call, path] of cases) {
      const e = await thrown(call);
      expect(e.code).toBe('TALENT_VALIDATION_ERROR');
      expect(e.message).toMatch(/At most 1000000 artists per scoreArtists call/);
      expect(e.details).toEqual([{ code: 'too_big', path: [path], message: 'Expected at most 1000000 artists' }]);
    }
    expect(calls).toBe(0);
  });

  it('still scores within the cap, a population with repeats included', async () => {
    const population = world.dataset.artistSlugs();
    const scored = await radar.talent.scoreArtists(population.slice(0, 5), {
      asOf,
      population: [...population, ...population],
    });
    expect(scored.artists).toHaveLength(5);
    expect(scored.artists.every((a) => a.status === 'ok')).toBe(true);
  });
});

describe('createEagerDataset: an artist observation repeated under one id', () => {
  const history = (slug: string, events: readonly { id: string; at: string; weight: number }[]) => ({
    record: { slug, name: slug, homeRegion: 'uk', homeCity: 'brighton', firstSeen: '2025-01-01T00:00:00Z' },
    tastemakers: [],
    collaborators: [],
    releases: [],
    campaigns: [],
    articles: [
      { id: 'a1', publishedAt: '2025-03-01T00:00:00Z', outlet: 'the-wire', outletQuality: 0.8, title: null },
      { id: 'a1', publishedAt: '2025-03-01T00:00:00Z', outlet: 'the-wire', outletQuality: 0.8, title: null },
    ],
    events: events.map((e) => ({ ...e, type: 'chart_entry' as const, region: null })),
    memberships: [],
    engagement: { start: '2025-01-01', organic: Array(120).fill(100), paid: Array(120).fill(0) },
    coherence: { start: '2025-01-01', values: Array(120).fill(0.9) },
  });

  it('is served once per artist (its earliest copy in the window, as the gateway keeps it), so no reader counts it twice; the same id on two artists stays two events', async () => {
    const repeated = [
      { id: 'e1', at: '2025-03-02T00:00:00Z', weight: 5 },
      { id: 'e2', at: '2025-03-03T00:00:00Z', weight: 5 },
      { id: 'e1', at: '2025-03-02T00:00:00Z', weight: 5 },
      // A conflicting repeat: the earliest copy is kept, as the gateway does (oldest first, then
      // each id once); before 2026-12-07 the first delivery was.
      { id: 'e2', at: '2025-03-01T00:00:00Z', weight: 50 },
    ];
    const dataset = createEagerDataset({
      histories: untyped([history('artist-a', repeated), history('artist-b', [repeated[0]!])]),
    });
    const sources = createMemorySources(dataset);
    const options = {
      asOf: new Date('2025-04-01T00:00:00Z'),
      from: new Date('2025-01-01T00:00:00Z'),
      signal: new AbortController().signal,
    };
    const events = await sources.rcf!.getEvents(['artist-a', 'artist-b'], options);
    const of = (slug: string) => events.get(slug)?.map((e) => [e.id, e.at, e.weight]);
    expect(of('artist-a')).toEqual([
      ['e2', '2025-03-01T00:00:00Z', 50],
      ['e1', '2025-03-02T00:00:00Z', 5],
    ]);
    expect(of('artist-b')).toEqual([['e1', '2025-03-02T00:00:00Z', 5]]);
    const articles = await sources.coverage!.getArticles(['artist-a'], options);
    expect(articles.get('artist-a')?.map((x) => x.id)).toEqual(['a1']);
  });
});
