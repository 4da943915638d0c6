/**
 * Hostile review 15 of the Talent Radar's refresh flow and state: refresh, scoreArtists,
 * calibrationExamples / calibrate, setBreakoutModel, loadState, close and the state rows
 * (`last-refresh`, `breakout-model`), driven through the public API (createSceneRadar over the
 * demo world, with hand-wrapped sources and stores that fail, hang or change between calls),
 * against docs/scoring.md sections 1 and 6, docs/reliability.md and docs/persistence.md.
 * Tests under `faults` fail on the code as reviewed; the rest guard behaviour that is right now.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type MIGAdapter, type SceneRadar, type SceneRadarSources } from 'scene-radar';
import { createMemoryStores, type SceneRadarStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const DAY = 86_400_000;
const NOW = new Date('2026-11-25T00:00:00.000Z');
const EARLIER = new Date(NOW.getTime() - 7 * DAY);
const world = createDemoWorld({ artists: 200, end: '2026-11-24' });

/** Every artist of the demo universe as of NOW. */
const allSlugs = async (): Promise<string[]> =>
  (
    await world.sources.mig.listArtists({ cursor: null, limit: 1000 }, {
      asOf: NOW,
      signal: new AbortController().signal,
    } as never)
  ).items.map((a) => a.slug);

/**
 * Fusion whose engagement answers an invalid series for the slugs `bad` picks: the gateway turns
 * it into an `error` (`invalid_payload`) for that artist only, the rest of the call kept.
 */
function failingEngagement(bad: (slug: string) => boolean): SceneRadarSources['fusion'] {
  const base = world.sources.fusion!;
  return {
    ...base,
    getEngagement: async (slugs, o) => {
      const got = await base.getEngagement(slugs, o);
      const out = new Map(got as Map<string, unknown>);
      for (const s of slugs) if (bad(s) && out.has(s)) out.set(s, { start: 'not-a-day', organic: 'x', paid: 1 });
      return out as typeof got;
    },
  };
}

/** RCF whose events answer garbage (an `invalid_payload` error) for the slugs `bad` picks. */
function failingEvents(bad: (slug: string) => boolean): SceneRadarSources['rcf'] {
  const base = world.sources.rcf!;
  return {
    ...base,
    getEvents: async (slugs, o) => {
      const got = await base.getEvents(slugs, o);
      const out = new Map(got as Map<string, unknown>);
      for (const s of slugs) if (bad(s)) out.set(s, 'garbage');
      return out as typeof got;
    },
  };
}

const sourcesWith = (over: Partial<SceneRadarSources>): SceneRadarSources => ({ ...world.sources, ...over });

/** Everything the Talent Radar owns, as stored (for "nothing was written"). */
async function talentTables(stores: SceneRadarStores): Promise<unknown> {
  const t = stores.talent;
  const sort = <T>(rows: readonly T[], key: (r: T) => string): T[] =>
    [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return {
    artists: sort(await t.talent_radar_artists.scan(), (r) => r.artist_slug),
    scenes: sort(await t.talent_radar_scenes.scan(), (r) => r.scene_slug),
    microgenres: sort(await t.talent_radar_microgenres.scan(), (r) => r.microgenre_slug),
    state: sort(await t.talent_radar_state.scan(), (r) => r.name),
  };
}

/** Stores whose `breakout-model` state upsert waits until `release()`: a slow database under setBreakoutModel. */
function slowModelStores(): { stores: SceneRadarStores; release: () => void; reached: Promise<void> } {
  const stores = createMemoryStores();
  const table = stores.talent.talent_radar_state as unknown as {
    upsert: (rows: readonly { name: string }[]) => Promise<void>;
  };
  const upsert = table.upsert.bind(table);
  let release: () => void = () => {};
  let reach: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (reach = r));
  table.upsert = async (rows) => {
    if (rows.some((r) => r.name === 'breakout-model')) {
      reach();
      await gate;
    }
    return upsert(rows);
  };
  return { stores, release, reached };
}

describe('faults', () => {
  it('a refresh in which most reads failed ranks the artists it rescores against the peers it keeps (reliability.md: peers refitted only when at most half failed)', async () => {
    // Refresh 1 healthy; refresh 2 with Fusion engagement failing for 70% of the artists: the
    // radar keeps the previous peers (the new ones "would describe the outage"), but writes the
    // healthy artists' rows scored against the outage's peers. A profile as of the same instant,
    // scored against the kept peers with the same signals, then contradicts the stored row.
    const slugs = await allSlugs();
    const failing = new Set(slugs.slice(0, Math.ceil(slugs.length * 0.7)));
    let down = false;
    const radar = createSceneRadar({
      sources: sourcesWith({ fusion: failingEngagement((s) => down && failing.has(s)) }),
      clock: fixedClock(NOW),
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(EARLIER);
    const keptPeers = radar.talent.peers;
    down = true;
    const report = await radar.talent.refresh(NOW);
    expect(report.failedReads.fusion).toBe(failing.size);
    expect(radar.talent.peers).toBe(keptPeers); // the outage's peers are not kept
    const healthy = slugs.filter((s) => !failing.has(s)).slice(0, 12);
    const stored = await radar.talent.aggregator.getArtistScores(healthy);
    const rescored = stored.artists.filter((a) => a.as_of === NOW.toISOString());
    expect(rescored.length).toBeGreaterThan(5);
    const fromStore = rescored.map((a) => [a.artist_slug, a.momentum, a.breakout_score]);
    const fromProfile: unknown[] = [];
    for (const a of rescored) {
      const p = await radar.talent.aggregator.buildArtistProfile(a.artist_slug, { skipCache: true });
      fromProfile.push([a.artist_slug, p.artist.momentum, p.artist.breakout_score]);
    }
    expect(fromStore).toEqual(fromProfile);
    await radar.close();
  });

  it('setBreakoutModel that resolves while a refresh commits leaves the applied model in use (not only in the stores)', async () => {
    // The refresh's commit bumps the generation setBreakoutModel compares against: the model is
    // stored, returned as applied, and appliedBreakoutModel() shows it, but the radar keeps
    // scoring (and stamping model_version) with the old one until some later refresh.
    const { stores, release, reached } = slowModelStores();
    const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    const current = radar.talent.breakoutModel();
    const model = { ...current, intercept: current.intercept + 1 };
    const applying = radar.talent.setBreakoutModel(model);
    await reached;
    await radar.talent.refresh(NOW);
    release();
    const applied = await applying;
    expect((await radar.talent.appliedBreakoutModel())?.modelVersion).toBe(applied.modelVersion);
    expect(radar.talent.breakoutModel().intercept).toBe(model.intercept);
    expect(radar.talent.modelVersion).toBe(applied.modelVersion);
    await radar.close();
  });

  it('a restarted radar keeps the stored refresh state when setBreakoutModel runs during its first scoring call', async () => {
    // loadState discards everything it read (peers, refreshedAsOf, absences) when the generation
    // moved, not only the model, and stays "loaded": the restarted radar scores against the wrong
    // peers until its next refresh (persistence.md: "a profile, scoreArtists and meta.asOf after a
    // restart are what they were before it").
    const stores = createMemoryStores();
    const first = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    await first.talent.refresh(NOW);
    const slugs = (await allSlugs()).slice(0, 20);
    const before = await first.talent.scoreArtists(slugs, { asOf: NOW });
    const restarted = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    const scoring = restarted.talent.scoreArtists(slugs, { asOf: NOW });
    // The same (default) model: scores do not change with it.
    await restarted.talent.setBreakoutModel(first.talent.breakoutModel());
    await scoring;
    expect(restarted.talent.refreshedAsOf).toBe(NOW.toISOString());
    expect(restarted.talent.peers).not.toBeNull();
    const after = await restarted.talent.scoreArtists(slugs, { asOf: NOW });
    expect(after.artists.map((a) => a.momentum)).toEqual(before.artists.map((a) => a.momentum));
    await first.close();
    await restarted.close();
  });

  it("the scene roll-ups keep their heat when the scenes' artists keep their records (talent_radar_scenes.heat is null only without a pulse)", async () => {
    // Heats are read only for the scenes of the artists rescored in this refresh, but the roll-ups
    // are rebuilt over every stored record (kept ones included): with RCF down every artist keeps
    // its record and every scene row loses its heat, though every scene pulse is there.
    let down = false;
    const base = world.sources.rcf!;
    const rcf: SceneRadarSources['rcf'] = {
      ...base,
      getEvents: async (slugs, o) => {
        if (down) throw new Error('RCF down');
        return base.getEvents(slugs, o);
      },
    };
    const stores = createMemoryStores();
    const radar = createSceneRadar({ sources: sourcesWith({ rcf }), stores, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(EARLIER);
    const heated = (rows: readonly { heat: number | null }[]): number => rows.filter((r) => r.heat !== null).length;
    const before = await stores.talent.talent_radar_scenes.scan();
    expect(before.length).toBeGreaterThan(10);
    expect(heated(before)).toBe(before.length);
    down = true;
    const { talent: report } = await radar.refresh(NOW);
    expect(report.kept).toBe(report.artists);
    const after = await stores.talent.talent_radar_scenes.scan();
    expect(after.length).toBe(before.length);
    expect(heated(after)).toBe(after.length);
    await radar.close();
  });

  it('a source that changes the `asOf` Date it is handed does not move the refresh (nor erase the records)', async () => {
    // The refresh's instant is the caller's Date object itself (requireDate returns it), and the
    // gateway hands that very object to every source call: one setTime() in an adapter moves the
    // rest of the refresh to 1970, every artist reads as inactive, every record is deleted and
    // the state says the radar refreshed as of 1970 (host features and population callbacks
    // already get their own copies).
    const base = world.sources.coverage!;
    let hostile = false;
    const coverage: SceneRadarSources['coverage'] = {
      ...base,
      getArticles: async (slugs, o) => {
        if (hostile) {
          hostile = false;
          o.asOf.setTime(0);
        }
        return base.getArticles(slugs, o);
      },
    };
    const stores = createMemoryStores();
    const radar = createSceneRadar({ sources: sourcesWith({ coverage }), stores, clock: fixedClock(NOW) });
    const first = await radar.talent.refresh(EARLIER);
    hostile = true;
    const asked = new Date(NOW);
    const report = await radar.talent.refresh(asked);
    expect(asked.toISOString()).toBe(NOW.toISOString());
    expect(report.asOf).toBe(NOW.toISOString());
    expect(radar.talent.refreshedAsOf).toBe(NOW.toISOString());
    expect(report.scored).toBe(first.scored);
    expect(await stores.talent.talent_radar_artists.count()).toBe(first.scored);
    await radar.close();
  });
});

describe('guards', () => {
  it('a healthy refresh: report counts add up, and a profile as of the same instant equals the stored row', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    const { talent: report } = await radar.refresh(NOW);
    const slugs = await allSlugs();
    expect(report.universe).toBe('ok');
    expect(report.artists).toBe(slugs.length);
    expect(report.scored + report.insufficient + report.kept).toBe(report.artists);
    expect(report.unscored.length).toBe(report.insufficient + report.kept);
    const reads = Object.values(report.reads).reduce((a, b) => a + b, 0);
    expect(reads).toBe(report.artists * 10);
    const stored = await radar.talent.aggregator.getArtistScores(slugs);
    expect(stored.artists.length).toBe(report.scored);
    for (const a of stored.artists.slice(0, 8)) {
      const p = await radar.talent.aggregator.buildArtistProfile(a.artist_slug);
      expect([p.artist.momentum, p.artist.breakout_score]).toEqual([a.momentum, a.breakout_score]);
    }
    await radar.close();
  });

  it('activity reads failing for some artists: a previous record survives every such refresh untouched, none is invented, counts match the rows', async () => {
    const slugs = await allSlugs();
    const bad = new Set(slugs.slice(0, 30));
    const newcomer = new Set(slugs.slice(30, 40)); // failing from the first refresh: never recorded
    let down = false;
    const broken = (s: string): boolean => newcomer.has(s) || (down && bad.has(s));
    const stores = createMemoryStores();
    const radar = createSceneRadar({
      sources: sourcesWith({ fusion: failingEngagement(broken), rcf: failingEvents(broken) }),
      stores,
      clock: fixedClock(NOW),
    });
    const first = await radar.talent.refresh(new Date(NOW.getTime() - 3 * DAY));
    expect(first.kept).toBe(newcomer.size);
    const keptBefore = await radar.talent.aggregator.getArtistScores([...bad]);
    down = true;
    for (let k = 2; k >= 0; k--) {
      const r = await radar.talent.refresh(new Date(NOW.getTime() - k * DAY));
      expect(r.kept).toBe(bad.size + newcomer.size);
      expect(r.scored + r.insufficient + r.kept).toBe(r.artists);
      expect(radar.talent.lastRefreshFailedKept).toBe(bad.size);
      expect(r.unscored.filter((u) => bad.has(u.artistSlug)).every((u) => u.status === 'failed')).toBe(true);
    }
    const kept = await radar.talent.aggregator.getArtistScores([...bad]);
    expect(kept.artists).toEqual(keptBefore.artists);
    expect(kept.meta.stale.records).toBe(bad.size);
    expect((await radar.talent.aggregator.getArtistScores([...newcomer])).artists).toEqual([]);
    await radar.close();
  });

  it('an artist missing from the universe is kept for 2 refreshes and dropped at the 3rd, across restarts; a page that repeats artists counts them once', async () => {
    const slugs = await allSlugs();
    const gone = new Set(slugs.slice(0, 5));
    let hide = false;
    const base = world.sources.mig;
    // Two overlapping pages (20 artists listed twice), and the hidden artists left out.
    const mig: MIGAdapter = {
      ...base,
      listArtists: async (q, o) => {
        const all = (await base.listArtists({ cursor: null, limit: 1000 }, o)).items.filter(
          (a) => !(hide && gone.has(a.slug)),
        );
        return q.cursor === null
          ? { items: all.slice(0, 120), nextCursor: 'p2' }
          : { items: all.slice(100), nextCursor: null };
      },
    };
    const stores = createMemoryStores();
    const make = (): SceneRadar => createSceneRadar({ sources: sourcesWith({ mig }), stores, clock: fixedClock(NOW) });
    let radar = make();
    const first = await radar.talent.refresh(new Date(NOW.getTime() - 4 * DAY));
    expect(first.artists).toBe(slugs.length);
    hide = true;
    const seen: [number, number][] = [];
    for (let k = 3; k >= 1; k--) {
      const r = await radar.talent.refresh(new Date(NOW.getTime() - k * DAY));
      const have = await stores.talent.talent_radar_artists.getMany([...gone].map((artist_slug) => ({ artist_slug })));
      seen.push([r.absent, have.length]);
      await radar.close();
      radar = make(); // a restart between every refresh: the counts live in talent_radar_state
    }
    expect(seen).toEqual([
      [5, 5],
      [5, 5],
      [0, 0],
    ]);
    await radar.close();
  });

  it('refresh instants: the future past the skew and the past before the last refresh are refused; within the skew it runs as of the last', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.talent.refresh(NOW);
    const future = await radar.talent.refresh(new Date(NOW.getTime() + 10 * 60_000)).catch((e: unknown) => e);
    expect((future as { code?: string }).code).toBe('TALENT_INVALID_PARAMS');
    const past = await radar.talent.refresh(new Date(NOW.getTime() - 10 * 60_000)).catch((e: unknown) => e);
    expect((past as { code?: string }).code).toBe('TALENT_INVALID_PARAMS');
    const skew = await radar.talent.refresh(new Date(NOW.getTime() - 60_000));
    expect(skew.asOf).toBe(NOW.toISOString());
    const same = await radar.talent.refresh(NOW);
    expect(same.scored).toBe(skew.scored);
    expect(radar.talent.refreshedAsOf).toBe(NOW.toISOString());
    await radar.close();
  });

  it('two refreshes at once run one after the other, each whole', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const [a, b] = await Promise.all([radar.talent.refresh(EARLIER), radar.talent.refresh(NOW)]);
    expect([a.asOf, b.asOf]).toEqual([EARLIER.toISOString(), NOW.toISOString()]);
    expect(a.scored).toBe(b.scored);
    expect(radar.talent.refreshedAsOf).toBe(NOW.toISOString());
    const rows = await radar.talent.aggregator.getArtistScores(await allSlugs());
    expect(rows.artists.every((r) => r.as_of === NOW.toISOString())).toBe(true);
    await radar.close();
  });

  it('a refresh aborted, or its radar closed, during the reads rejects and writes nothing', async () => {
    const ac = new AbortController();
    let mode: 'none' | 'abort' | 'close' = 'none';
    let radar: SceneRadar | null = null;
    const base = world.sources.fusion!;
    const fusion: SceneRadarSources['fusion'] = {
      ...base,
      getEngagement: async (slugs, o) => {
        if (mode === 'abort') ac.abort();
        if (mode === 'close') void radar!.close();
        return base.getEngagement(slugs, o);
      },
    };
    const stores = createMemoryStores();
    radar = createSceneRadar({ sources: sourcesWith({ fusion }), stores, clock: fixedClock(NOW) });
    await radar.talent.refresh(EARLIER);
    const before = await talentTables(stores);
    mode = 'abort';
    const aborted = await radar.talent.refresh(NOW, { signal: ac.signal }).catch((e: unknown) => e);
    expect((aborted as { code?: string }).code).toBe('TALENT_TIMEOUT');
    expect(await talentTables(stores)).toEqual(before);
    expect(radar.talent.refreshedAsOf).toBe(EARLIER.toISOString());
    mode = 'close';
    const closed = await radar.talent.refresh(NOW).catch((e: unknown) => e);
    expect((closed as { code?: string }).code).toBe('RADAR_CLOSED');
    expect(await talentTables(stores)).toEqual(before);
  });

  it('a source that hangs (ignoring its signal) ends as timeouts at the batch deadline: records and peers kept, the report says so', async () => {
    let hang = false;
    const base = world.sources.coverage!;
    const coverage: SceneRadarSources['coverage'] = {
      ...base,
      getArticles: (slugs, o) => (hang ? new Promise<never>(() => {}) : base.getArticles(slugs, o)),
    };
    const stores = createMemoryStores();
    const radar = createSceneRadar({
      sources: sourcesWith({ coverage }),
      stores,
      clock: fixedClock(NOW),
      config: { talent: { signalTimeoutMs: 300 } },
    });
    await radar.talent.refresh(EARLIER);
    const peers = radar.talent.peers;
    const before = (await talentTables(stores)) as { artists: unknown[] };
    hang = true;
    const r = await radar.talent.refresh(NOW);
    expect(r.failedReads.coverage).toBe(r.artists);
    expect(r.reads.timeout).toBe(r.artists);
    expect(r.kept).toBe(before.artists.length);
    expect(r.scored).toBe(0);
    expect(radar.talent.peers).toBe(peers);
    expect(((await talentTables(stores)) as { artists: unknown[] }).artists).toEqual(before.artists);
    await radar.close();
  });

  it('a universe that cannot be walked changes nothing but the state row that records it', async () => {
    let broken = false;
    const base = world.sources.mig;
    const mig: MIGAdapter = {
      ...base,
      listArtists: async (q, o) => {
        if (broken) throw new Error('MIG down');
        return base.listArtists(q, o);
      },
    };
    const stores = createMemoryStores();
    const radar = createSceneRadar({ sources: sourcesWith({ mig }), stores, clock: fixedClock(NOW) });
    await radar.talent.refresh(EARLIER);
    const before = await talentTables(stores);
    broken = true;
    const r = await radar.talent.refresh(NOW);
    expect([r.universe, r.artists, r.scored]).toEqual(['error', 0, 0]);
    expect(r.universeReason).toContain('MIG down');
    const after = (await talentTables(stores)) as { state: { name: string; value: unknown }[] };
    const walk = after.state.find((row) => row.name === 'last-failed-walk');
    expect(walk?.value).toEqual({ asOf: NOW.toISOString(), universe: 'error', reason: r.universeReason });
    expect({ ...after, state: after.state.filter((row) => row !== walk) }).toEqual(before);
    expect(radar.talent.refreshedAsOf).toBe(EARLIER.toISOString());
    await radar.close();
  });

  it('a new radar over the same stores scores, stores and explains as the one that refreshed', async () => {
    const stores = createMemoryStores();
    const first = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    await first.talent.refresh(NOW);
    const slugs = (await allSlugs()).slice(0, 30);
    const a = await first.talent.scoreArtists(slugs, { asOf: NOW });
    const second = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    const b = await second.talent.scoreArtists(slugs, { asOf: NOW });
    expect(b.artists).toEqual(a.artists);
    expect(second.talent.refreshedAsOf).toBe(NOW.toISOString());
    const stored = await second.talent.aggregator.getArtistScores(slugs);
    for (const row of stored.artists) {
      const s = b.artists.find((x) => x.artistSlug === row.artist_slug)!;
      expect([s.momentum, s.breakout, s.risk, s.confidence]).toEqual([
        row.momentum,
        row.breakout_score,
        row.risk_score,
        row.confidence,
      ]);
    }
    await first.close();
    await second.close();
  });

  it('calibrate() returns a model and changes neither the model in use nor the stored state', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.talent.refresh(NOW);
    const version = radar.talent.modelVersion;
    const model = radar.talent.breakoutModel();
    const slugs = (await allSlugs()).slice(0, 40);
    const outcomes = [60, 30].flatMap((d) =>
      slugs.map((artistSlug, i) => ({ artistSlug, asOf: new Date(NOW.getTime() - d * DAY), label: i % 4 === 0 })),
    );
    const fit = await radar.talent.calibrate(outcomes, { l2: 1, folds: 2 });
    expect(fit.model).toBeDefined();
    expect(radar.talent.modelVersion).toBe(version);
    expect(radar.talent.breakoutModel()).toEqual(model);
    expect(await radar.talent.appliedBreakoutModel()).toBeNull();
    await radar.close();
  });
});
