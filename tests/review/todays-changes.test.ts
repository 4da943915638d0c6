/**
 * Review of the day's fixes (b3ee7da..HEAD): each test fails on a mistake one of the fixes made
 * or left, and passes once it is fixed.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type CMGAdapter, type MIGAdapter } from 'scene-radar';
import { createMemoryStores, memoryScenesStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const DAY = 86_400_000;
const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 60, end: '2026-11-24' });

function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('Talent Radar #writeModel (model applies converge on the last call)', () => {
  it('an apply whose write failed is not written by an earlier apply that lands after it: the stores and the radar agree', async () => {
    // A's write is slow; B (called later) fails to write: its caller is told it failed. When A's
    // write lands, #writeModel sees it is not the last call and writes #latestModelRow, B's row,
    // and applies nothing: the stores hold B (refused to its caller), the radar holds neither.
    const stores = createMemoryStores();
    const table = stores.talent.talent_radar_state as unknown as {
      upsert: (rows: readonly { name: string }[]) => Promise<void>;
    };
    const upsert = table.upsert.bind(table);
    const slow = gate();
    let call = 0;
    table.upsert = async (rows) => {
      if (rows.some((r) => r.name === 'breakout-model')) {
        call++;
        if (call === 1) await slow.wait;
        else if (call === 2) throw new Error('database went away');
      }
      return upsert(rows);
    };
    const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    const base = radar.talent.breakoutModel();
    const a = radar.talent.setBreakoutModel({ ...base, intercept: base.intercept + 1 });
    const b = radar.talent.setBreakoutModel({ ...base, intercept: base.intercept + 2 });
    await expect(b).rejects.toThrow();
    slow.open();
    await a;
    const stored = await radar.talent.appliedBreakoutModel();
    // Whatever the stores hold, the radar scores with it (and never with a model whose apply failed).
    expect(stored?.model.intercept).not.toBe(base.intercept + 2);
    expect(stored?.model.intercept ?? base.intercept).toBe(radar.talent.breakoutModel().intercept);
    await radar.close();
  });
});

describe('Scenes memberships: kept rows of artists whose CMG read failed', () => {
  it('are read with a bounded number of queries, not one scan of scene_memberships per failed artist', async () => {
    // refreshMemberships awaits `scene_memberships.scan({ where: { artist_slug } })` once per
    // artist whose sound read failed, one after another. A CMG outage over a 100k-artist universe
    // on PostgreSQL is then 100k sequential round trips (and pass 2 scans the whole table anyway).
    let failing = false;
    const cmg: CMGAdapter = {
      getReleases: async (slugs, o) => {
        if (failing) throw new Error('cmg down');
        return world.sources.cmg.getReleases(slugs, o);
      },
    };
    const stores = memoryScenesStores();
    const table = stores.scene_memberships;
    const scan = table.scan.bind(table);
    let byArtist = 0;
    (table as { scan: typeof table.scan }).scan = (query) => {
      if (query?.where?.artist_slug !== undefined) byArtist++;
      return scan(query);
    };
    const radar = createSceneRadar({
      sources: { ...world.sources, cmg },
      stores: { scenes: stores },
      clock: fixedClock(NOW),
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(new Date(NOW.getTime() - DAY));
    failing = true;
    byArtist = 0;
    const report = await radar.scenes.refresh(NOW);
    const artists = world.dataset.artistSlugs().length;
    expect(report.memberships.kept).toBe(artists);
    // A few batched reads at most (one per chunk of the walk), never one per artist.
    expect(byArtist).toBeLessThan(artists / 4);
    await radar.close();
  });
});

describe('PostgreSQL: a statement broken off by a deadlock', () => {
  it('runs again as many times as docs/persistence.md (and the CHANGELOG) say: "runs again up to 3 times"', async () => {
    // retryingBrokenByServer throws once `attempt >= 3`: three runs in all, two of them again
    // (after 10 and 20 ms, not the "10-40 ms" its comment says). The docs promise three more.
    const { readFileSync } = await import('node:fs');
    const { createPostgresStores, POSTGRES_SCHEMA_VERSION } = await import('scene-radar/adapters/postgres');
    const docs = readFileSync(new URL('../../docs/persistence.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const promised = Number(/runs again up to (\d+) times/.exec(docs)?.[1]);
    expect(promised).toBeGreaterThan(0);
    let runs = 0;
    const pool = {
      async query(text: string) {
        if (text.includes('to_regclass')) return { rows: [{ present: true }], command: 'SELECT', rowCount: 1 };
        if (text.includes('max(version)'))
          return { rows: [{ version: POSTGRES_SCHEMA_VERSION }], command: 'SELECT', rowCount: 1 };
        runs++;
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      },
      async connect() {
        throw new Error('no transactions here');
      },
      on() {},
      async end() {},
    };
    const stores = createPostgresStores({ pool } as never);
    await expect(stores.talent.talent_radar_state.getMany([{ name: 'x' }])).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    expect(runs).toBe(1 + promised);
  });
});

describe('Redis adapters: a host client made with lazyConnect', () => {
  it("is left for the host to connect: the host's own client.connect() does not reject with 'already connecting'", async () => {
    // openClient now calls option.connect() on a host client in status 'wait'. The usual host
    // code (make the client lazy, hand it to the adapters, then `await client.connect()` at
    // start-up) now rejects: ioredis refuses a second connect() ("Redis is already
    // connecting/connected"). Nothing listens on port 1: a fair connect() fails with ECONNREFUSED.
    const { Redis } = await import('ioredis');
    const { createRedisCacheTier } = await import('../../adapters/redis/index.js');
    const host = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    host.on('error', () => undefined);
    const tier = createRedisCacheTier({ redis: host });
    const outcome = await host.connect().then(
      () => null,
      (e: unknown) => e as Error,
    );
    await tier.close().catch(() => undefined);
    host.disconnect();
    expect(outcome?.message ?? '').not.toMatch(/already connecting/);
  });
});

describe('Backtest verdict: baselines paired with the scorer cutoff by cutoff', () => {
  it('a baseline whose AUCs fall only on cutoffs the scorer left unscored is not dropped as if it had no result', async () => {
    // paired() answers null when no cutoff has both AUCs, and judge() then leaves the baseline
    // out: the scorer (0.75 at one cutoff) is "met" against an oracle (1.0 at another), and the
    // text says "no baseline has a result". Before the change the means were compared: not met.
    const { runBacktest } = await import('scene-radar/backtest');
    const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
    const SLUGS = ['ana', 'ben', 'cy', 'dee'];
    const POSITIVE = new Set(['ana', 'dee']);
    const only = (day: string, rank: Record<string, number>) => ({
      name: `only-${day}`,
      score: ({ asOf }: { asOf: Date }) =>
        asOf.getTime() === at(day).getTime() ? new Map(Object.entries(rank)) : new Map<string, number>(),
    });
    const r = await runBacktest({
      name: 'pairing',
      sources: {},
      cutoffs: [
        { asOf: at('2020-01-01'), split: 'train' },
        { asOf: at('2020-03-01'), split: 'test' },
        { asOf: at('2020-05-01'), split: 'test' },
      ],
      horizonDays: 30,
      candidates: () => SLUGS,
      labels: ({ candidates }) => new Map(candidates.map((s) => [s, POSITIVE.has(s)])),
      // AUC 0.75 at 2020-03-01 only.
      scorer: only('2020-03-01', { ana: 4, ben: 3, dee: 2, cy: 1 }),
      // AUC 1 at 2020-05-01 only.
      baselines: [only('2020-05-01', { ana: 4, dee: 3, ben: 2, cy: 1 })],
      resamples: 20,
      target: { split: 'test', minMeanAuc: 0.5 },
    });
    expect(r.scorer!.splits!.test.meanAuc).toBe(0.75);
    expect(r.baselines[0]!.splits!.test.meanAuc).toBe(1);
    expect(r.verdict!.text).not.toContain('no baseline has a result');
    expect(r.verdict!.met).toBe(false);
  });
});

describe('ScenesAdapter memo dropped when the tables change', () => {
  it('a pulse computed over the old memberships while a refresh as of the same instant commits is not remembered over the new ones', async () => {
    // onTablesChange clears the memo and `inflight`, but a computation already running goes on
    // and then `memo.set`s its pulses under the same stamp (same refreshedAsOf, same instant):
    // the clear is undone, and every later reader is served the old memberships' pulses.
    const world120 = createDemoWorld({ artists: 120, end: '2026-11-24' });
    const slugs = world120.catalog.scenes.map((s) => s.slug);
    let failing = true;
    const half = new Set(world120.dataset.artistSlugs().filter((_, i) => i % 2 === 0));
    const cmg: CMGAdapter = {
      maxBatchSize: 1,
      getReleases: async (s, o) => {
        if (failing && s.some((x) => half.has(x))) throw new Error('cmg down');
        return world120.sources.cmg.getReleases(s, o);
      },
    };
    const stores = memoryScenesStores();
    const table = stores.scene_memberships;
    const scan = table.scan.bind(table);
    let armed = false;
    const reached = gate();
    const hold = gate();
    (table as { scan: typeof table.scan }).scan = (query) => {
      const rows = scan(query);
      if (armed && query?.where?.scene_slug !== undefined) {
        armed = false;
        reached.open();
        return hold.wait.then(() => rows);
      }
      return rows;
    };
    const radar = createSceneRadar({
      sources: { ...world120.sources, cmg },
      stores: { scenes: stores },
      clock: fixedClock(NOW),
    });
    await radar.scenes.importCatalog(world120.catalog);
    await radar.scenes.refresh(NOW);
    const later = new Date(NOW.getTime() + 3_600_000);
    const heat = async (r: typeof radar) =>
      new Map(
        [...(await r.scenesAdapter.getScenePulses(slugs, { asOf: later, signal: new AbortController().signal }))].map(
          ([k, v]) => [k, v.heat],
        ),
      );
    armed = true;
    const inFlight = heat(radar);
    await reached.wait;
    failing = false;
    const second = await radar.scenes.refresh(NOW);
    expect(second.memberships.kept).toBe(0);
    hold.open();
    await inFlight;
    const served = await heat(radar);
    const other = createSceneRadar({ sources: world120.sources, stores: { scenes: stores }, clock: fixedClock(NOW) });
    const fresh = await heat(other);
    await other.close();
    await radar.close();
    expect(slugs.filter((s) => served.get(s) !== fresh.get(s))).toEqual([]);
  });
});

describe('ScenesAdapter memo and a Scenes Engine refresh that starts during a Talent refresh', () => {
  it('a Talent refresh at another instant still computes each scene once when a Scenes refresh merely starts meanwhile', async () => {
    // withdrawRefreshPulses (a Scenes refresh starting) now also clears the adapter's memo and its
    // in-flight map, though the tables have not changed yet (they change at the commit, which
    // clears again). Talent batches that ask after the start compute every pulse again.
    const big = createDemoWorld({ artists: 400, end: '2026-11-24', scenes: 24 });
    let gateOn = false;
    const hold = gate();
    let scenesRefresh: Promise<unknown> | undefined;
    let eventsCalls = 0;
    let radarRef: ReturnType<typeof createSceneRadar> | undefined;
    const mig: MIGAdapter = {
      ...big.sources.mig,
      listArtists: async (q, o) => {
        if (gateOn) await hold.wait;
        return big.sources.mig.listArtists(q, o);
      },
    };
    const rcf = {
      ...big.sources.rcf!,
      getEvents: async (...args: Parameters<NonNullable<typeof big.sources.rcf>['getEvents']>) => {
        eventsCalls++;
        if (eventsCalls === 8 && scenesRefresh === undefined) {
          gateOn = true;
          scenesRefresh = radarRef!.scenes.refresh(new Date(NOW.getTime() + 120_000)).catch(() => undefined);
        }
        return big.sources.rcf!.getEvents(...args);
      },
    };
    const stores = memoryScenesStores();
    const computed = new Map<string, number>();
    const table = stores.scene_memberships;
    const scan = table.scan.bind(table);
    (table as { scan: typeof table.scan }).scan = (query) => {
      const slug = query?.where?.scene_slug;
      if (slug !== undefined) computed.set(slug, (computed.get(slug) ?? 0) + 1);
      return scan(query);
    };
    const radar = createSceneRadar({
      sources: { ...big.sources, mig, rcf },
      stores: { scenes: stores, talent: createMemoryStores().talent },
      clock: fixedClock(new Date(NOW.getTime() + 300_000)),
      config: { talent: { signalBatchSize: 20 } },
    });
    radarRef = radar;
    await radar.scenes.importCatalog(big.catalog);
    await radar.scenes.refresh(NOW);
    computed.clear();
    const report = await radar.talent.refresh(new Date(NOW.getTime() + 60_000));
    expect(report.universe).toBe('ok');
    expect(scenesRefresh).toBeDefined();
    const twice = [...computed].filter(([, n]) => n > 1);
    hold.open();
    await scenesRefresh;
    await radar.close();
    expect(computed.size).toBeGreaterThan(0);
    expect(twice).toEqual([]);
  }, 30_000);
});
