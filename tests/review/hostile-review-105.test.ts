/**
 * Hostile review 105: what a refresh reports, held against what it did. `radar.refresh()`'s report
 * (and each engine's), the `onProgress` messages, the health route and the logs, on small demo
 * worlds whose sources are made to fail for some artists (throw, time out, answer invalid payloads
 * for some keys, answer nothing), and on refreshes aborted in each phase.
 * Held to src/talent/types.ts (TalentRefreshReport), src/scenes/memberships.ts (MembershipReport),
 * src/radar.ts (SceneRadar.refresh), docs/scoring.md ("Insufficient data", "Per-artist status"),
 * docs/observability.md ("Refresh steps", "Progress", "Logs"), docs/operations.md (health) and the
 * house rules ("Failing sources degrade results and say so wherever a number is shown").
 *
 * Tests named "FAULT:" fail on the code as reviewed, for the reason their name states; the others
 * pin behaviour found correct.
 */
import { describe, expect, it } from 'vitest';
import {
  type CMGAdapter,
  createSceneRadar,
  fixedClock,
  type FusionAdapter,
  type MIGAdapter,
  type RCFAdapter,
  type SceneRadarSources,
} from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores.js';
import { createFetchHandler } from '../../src/api/index.js';

const DAY = 86_400_000;
const END = '2026-11-24';
const T0 = new Date('2026-11-25T06:00:00.000Z');
const T1 = new Date(T0.getTime() + DAY);
const PHASES = [
  'scenes.memberships',
  'scenes.relationships',
  'scenes.trends',
  'scenes.commit',
  'talent.universe',
  'talent.features',
  'talent.peers',
  'talent.scoring',
  'talent.heats',
  'talent.write',
] as const;

type Stores = { scenes: ReturnType<typeof memoryScenesStores>; talent: ReturnType<typeof memoryTalentStores> };
type Msg = { task: string; phase: string; done: number; total: number };
type LogRecord = { level: string; msg: string } & Record<string, unknown>;

/** Every row of every table of both engines. */
async function snapshot(stores: Stores): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [side, set] of Object.entries(stores))
    for (const [name, table] of Object.entries(set as unknown as Record<string, unknown>))
      if (table && typeof (table as { scan?: unknown }).scan === 'function')
        out[`${side}.${name}`] = await (table as { scan: () => Promise<unknown[]> }).scan();
  return out;
}

/** A report without its timings and the scenes' circles (a Map), to compare two refreshes. */
function comparable(r: Awaited<ReturnType<ReturnType<typeof createSceneRadar>['refresh']>>) {
  const { circles: _c, ...memberships } = r.scenes.memberships;
  const { durationMs: _d, ...talent } = r.talent;
  return { scenes: { ...r.scenes, memberships }, talent };
}

/**
 * A demo world and a radar over in-memory tables the test reads, a clock it moves, a logger it
 * reads; `wrap` replaces sources (to make them fail).
 */
function setup(
  artists: number,
  wrap: (s: SceneRadarSources, slugs: readonly string[]) => SceneRadarSources = (s) => s,
  extra: Partial<Parameters<typeof createSceneRadar>[0]> = {},
) {
  const world = createDemoWorld({ seed: 7, artists, end: END });
  const slugs = world.dataset.artistSlugs();
  const stores: Stores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
  const clock = fixedClock(T0);
  const logs: LogRecord[] = [];
  const log = (level: string) => (o: Record<string, unknown>, msg: string) => logs.push({ ...o, level, msg });
  const radar = createSceneRadar({
    sources: wrap(world.sources, slugs),
    clock,
    stores,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    ...extra,
  });
  return { world, slugs, stores, clock, logs, radar };
}

describe('hostile review 105: a refresh report adds up to what it wrote', () => {
  it('invalid payloads for some keys (CMG, RCF): counts add up, unscored and kept match the stored rows, health and logs say so', async () => {
    const state = { bad: false };
    const { world, slugs, stores, clock, logs, radar } = setup(120, (s, all) => {
      const bad = new Set(all.filter((_, i) => i % 7 === 0));
      const rcf: RCFAdapter = {
        ...s.rcf!,
        getEvents: async (k, o) => {
          const got = new Map(await s.rcf!.getEvents(k, o));
          if (state.bad) for (const x of k) if (bad.has(x)) got.set(x, [{ nonsense: true }] as never);
          return got;
        },
      };
      const cmg: CMGAdapter = {
        ...s.cmg!,
        getReleases: async (k, o) => {
          const got = new Map(await s.cmg!.getReleases(k, o));
          if (state.bad) for (const x of k) if (bad.has(x)) got.set(x, 'garbage' as never);
          return got;
        },
      };
      return { ...s, rcf, cmg };
    });
    try {
      const bad = slugs.filter((_, i) => i % 7 === 0);
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(T0);
      const membershipsBefore = await stores.scenes.scene_memberships.scan();
      state.bad = true;
      clock.set(T1);
      const r = await radar.refresh(T1);
      const t = r.talent;
      // Talent identity: walked = scored + insufficient + kept; every read counted once.
      expect(t.artists).toBe(slugs.length);
      expect(t.scored + t.insufficient + t.kept).toBe(t.artists);
      expect(t.kept).toBe(bad.length);
      expect(t.failedReads).toEqual({ cmg: bad.length, rcf: bad.length });
      expect(t.reads.error).toBe(2 * bad.length);
      const perArtist = (t.reads.ok + t.reads.missing + t.reads.timeout + t.reads.error + t.reads.absent) / t.artists;
      expect(perArtist).toBe(10);
      // unscored: exactly the kept artists, each failed and naming the invalid payloads.
      expect(t.unscored.map((u) => u.artistSlug).sort()).toEqual([...bad].sort());
      for (const u of t.unscored) {
        expect(u.status).toBe('failed');
        expect(u.reason).toMatch(/releases: error \(invalid_payload/);
        expect(u.reason).toMatch(/events: error \(invalid_payload/);
      }
      // Stored rows: the scored ones as of T1, the kept ones as of T0.
      const rows = await stores.talent.talent_radar_artists.scan();
      expect(rows).toHaveLength(t.scored + t.kept);
      const badSet = new Set(bad);
      expect(rows.filter((x) => x.as_of === T1.toISOString()).length).toBe(t.scored);
      expect(rows.filter((x) => badSet.has(x.artist_slug)).every((x) => x.as_of === T0.toISOString())).toBe(true);
      // Their numbers say they are stale wherever shown.
      const scores = await radar.talent.aggregator.getArtistScores(bad.slice(0, 3));
      expect(scores.meta.stale.records).toBe(3);
      expect(scores.meta.degraded.join(' ')).toMatch(/cmg: reads failed for \d+ artists/);
      // Scenes: MIG fine, CMG invalid for the same artists; rows written + kept artists' rows = stored.
      const m = r.scenes.memberships;
      expect(m.sources.cmg).toEqual({
        ok: slugs.length - bad.length,
        missing: 0,
        timeout: 0,
        error: bad.length,
        absent: 0,
      });
      expect(m.kept).toBe(bad.length);
      const stored = await stores.scenes.scene_memberships.scan();
      const keptRows = membershipsBefore.filter((x) => badSet.has(x.artist_slug));
      expect(stored).toHaveLength(m.memberships + keptRows.length + m.held);
      expect(stored.filter((x) => x.as_of === T1.toISOString())).toHaveLength(m.memberships);
      expect(r.scenes.warnings.join(' ')).toMatch(new RegExp(`${bad.length} artists kept their memberships`));
      // Health: refreshedAsOf is the report's, CMG and RCF degraded with the report's counts.
      const res = await createFetchHandler(radar)(new Request('http://radar.test/api/health'));
      const health = (await res.json()) as {
        data: { status: string; refreshedAsOf: string; sources: { name: string; state: string; reason?: string }[] };
      };
      expect(res.status).toBe(200);
      expect(health.data.status).toBe('degraded');
      expect(health.data.refreshedAsOf).toBe(t.asOf);
      for (const name of ['cmg', 'rcf'])
        expect(health.data.sources.find((x) => x.name === name)).toEqual({
          name,
          state: 'degraded',
          reason: `reads failed for ${bad.length} artists in the last refresh`,
        });
      // Logs: each engine's refresh of T1 warned as degraded, with the report's counts.
      const warned = logs.filter((l) => l.level === 'warn' && l.asOf === T1.toISOString());
      expect(warned.find((l) => l.engine === 'talent')).toMatchObject({ failedReads: t.failedReads, kept: t.kept });
      expect(warned.find((l) => l.engine === 'scenes')).toMatchObject({ kept: m.kept });
      const finished = logs.find((l) => l.msg === 'Talent Radar refresh finished' && l.asOf === T1.toISOString());
      expect(finished).toMatchObject({
        scored: t.scored,
        kept: t.kept,
        insufficient: t.insufficient,
        artists: t.artists,
      });
      // (Its durationMs is not compared: the log's clock starts after the state read, the report's before it.)
      expect(typeof finished?.durationMs).toBe('number');
    } finally {
      await radar.close();
    }
  }, 60_000);

  it('the MIG universe unreadable: nothing of the Talent Radar changes, the reports and health say so, the progress ends at its totals', async () => {
    const state = { down: false };
    const { world, stores, clock, radar } = setup(60, (s) => {
      const mig: MIGAdapter = {
        ...s.mig!,
        listArtists: async (q, o) => {
          if (state.down) throw new Error('MIG down');
          return s.mig!.listArtists(q, o);
        },
      };
      return { ...s, mig };
    });
    try {
      await radar.scenes.importCatalog(world.catalog);
      const r0 = await radar.refresh(T0);
      const before = await snapshot(stores);
      state.down = true;
      clock.set(T1);
      const msgs: Msg[] = [];
      const r = await radar.refresh(T1, { onProgress: (m) => msgs.push(m) });
      const after = await snapshot(stores);
      expect(r.talent).toMatchObject({ universe: 'error', artists: 0, scored: 0, kept: 0, insufficient: 0, absent: 0 });
      expect(r.talent.universeReason).toMatch(/MIG listArtists failed/);
      expect(r.scenes.memberships).toMatchObject({ universe: 'error', artists: 0, memberships: 0 });
      expect(r.scenes.warnings.join(' ')).toMatch(/universe could not be read/);
      // Nothing changes but the state row recording the failed walk (restarts and other instances say so too).
      const stateRows = after['talent.talent_radar_state'] as { name: string; value: unknown }[];
      expect(stateRows.find((x) => x.name === 'last-failed-walk')?.value).toMatchObject({
        asOf: T1.toISOString(),
        universe: 'error',
      });
      after['talent.talent_radar_state'] = stateRows.filter((x) => x.name !== 'last-failed-walk');
      for (const k of Object.keys(before).filter((k) => k.startsWith('talent.') || k === 'scenes.scene_memberships'))
        expect(after[k]).toEqual(before[k]);
      for (const m of msgs.filter((x, i, a) => a[i + 1]?.phase !== x.phase)) expect(m.done).toBe(m.total);
      const res = await createFetchHandler(radar)(new Request('http://radar.test/api/health'));
      const health = (await res.json()) as {
        data: { refreshedAsOf: string; sources: { name: string; state: string }[] };
      };
      // "as-of instant of the last completed Talent Radar refresh": T0's, and MIG down.
      expect(health.data.refreshedAsOf).toBe(r0.talent.asOf);
      expect(health.data.sources.find((x) => x.name === 'mig')?.state).toBe('down');
    } finally {
      await radar.close();
    }
  }, 60_000);

  it('absent and insufficient artists: walked = scored + insufficient + kept, stored = scored + absent, scenes stored = written + held', async () => {
    const state = { on: false };
    const { world, slugs, stores, clock, radar } = setup(60, (s, all) => {
      const gone = new Set(all.slice(0, 5));
      const quiet = new Set(all.slice(5, 10));
      const mig: MIGAdapter = {
        ...s.mig!,
        listArtists: async (q, o) => {
          const page = await s.mig!.listArtists(q, o);
          return state.on ? { ...page, items: page.items.filter((a) => !gone.has(a.slug)) } : page;
        },
      };
      const fusion: FusionAdapter = {
        ...s.fusion!,
        getEngagement: async (k, o) => {
          const got = new Map(await s.fusion!.getEngagement(k, o));
          if (state.on) for (const x of quiet) got.delete(x);
          return got;
        },
      };
      const rcf: RCFAdapter = {
        ...s.rcf!,
        getEvents: async (k, o) => {
          const got = new Map(await s.rcf!.getEvents(k, o));
          if (state.on) for (const x of k) if (quiet.has(x)) got.set(x, []);
          return got;
        },
      };
      return { ...s, mig, fusion, rcf };
    });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(T0);
      state.on = true;
      clock.set(T1);
      const r = await radar.refresh(T1);
      const t = r.talent;
      expect(t.artists).toBe(55);
      expect(t.scored + t.insufficient + t.kept).toBe(t.artists);
      expect(t).toMatchObject({ insufficient: 5, kept: 0, absent: 5, failedReads: {} });
      expect(t.reads.missing).toBe(5);
      expect(t.unscored.map((u) => u.artistSlug).sort()).toEqual(slugs.slice(5, 10).sort());
      expect(t.unscored.every((u) => u.status === 'insufficient' && /no activity evidence/.test(u.reason))).toBe(true);
      const rows = await stores.talent.talent_radar_artists.scan();
      expect(rows).toHaveLength(t.scored + t.absent);
      const have = new Set(rows.map((x) => x.artist_slug));
      expect(slugs.slice(5, 10).some((x) => have.has(x))).toBe(false);
      expect(slugs.slice(0, 5).every((x) => have.has(x))).toBe(true);
      const m = r.scenes.memberships;
      expect(m.artists).toBe(55);
      expect(await stores.scenes.scene_memberships.scan()).toHaveLength(m.memberships + m.held);
    } finally {
      await radar.close();
    }
  }, 60_000);

  it('a Fusion that times out for some batches: counted as timeouts, the artists scored with it unknown and said so', async () => {
    const { world, slugs, stores, radar, logs } = setup(
      80,
      (s, all) => {
        const slow = new Set(all.slice(0, 20));
        const fusion: FusionAdapter = {
          ...s.fusion!,
          getEngagement: async (k, o) => {
            if (k.some((x) => slow.has(x))) await new Promise((r) => setTimeout(r, 300));
            return s.fusion!.getEngagement(k, o);
          },
        };
        return { ...s, fusion };
      },
      { config: { sources: { fusion: { concurrency: 10, timeoutMs: 80 } } } },
    );
    try {
      await radar.scenes.importCatalog(world.catalog);
      const r = await radar.refresh(T0);
      const t = r.talent;
      const failed = t.failedReads.fusion ?? 0;
      expect(failed).toBeGreaterThanOrEqual(20);
      expect(t.reads.timeout).toBe(failed);
      expect(t.scored + t.insufficient + t.kept).toBe(t.artists);
      expect(await stores.talent.talent_radar_artists.scan()).toHaveLength(t.scored);
      const scores = await radar.talent.aggregator.getArtistScores(slugs.slice(0, 3));
      expect(scores.meta.failedReads).toEqual(t.failedReads);
      expect(scores.meta.degraded.join(' ')).toMatch(new RegExp(`fusion: reads failed for ${failed} artists`));
      expect(logs.some((l) => l.level === 'warn' && l.source === 'fusion' && l.result === 'timeout')).toBe(true);
    } finally {
      await radar.close();
    }
  }, 60_000);

  it('onProgress: documented phases in order, monotone, ends at its totals; throwing and slow callbacks change nothing', async () => {
    const plain = setup(60);
    const noisy = setup(60, undefined, {
      onProgress: () => {
        throw new Error('radar-wide hook');
      },
    });
    try {
      await plain.radar.scenes.importCatalog(plain.world.catalog);
      await noisy.radar.scenes.importCatalog(noisy.world.catalog);
      const expected = comparable(await plain.radar.refresh(T0));
      const msgs: Msg[] = [];
      const r = await noisy.radar.refresh(T0, {
        onProgress: (m) => {
          msgs.push({ ...m });
          const until = performance.now() + 15;
          while (performance.now() < until);
          throw new Error('per-call hook');
        },
      });
      expect(comparable(r)).toEqual(expected);
      expect(await snapshot(noisy.stores).then((x) => Object.keys(x).length)).toBeGreaterThan(0);
      expect(msgs.every((m) => m.task === 'refresh')).toBe(true);
      expect([...new Set(msgs.map((m) => m.phase))]).toEqual([...PHASES]);
      for (const phase of PHASES) {
        const mine = msgs.filter((m) => m.phase === phase);
        expect(mine[0]!.done).toBe(0);
        expect(mine.at(-1)!.done).toBe(mine.at(-1)!.total);
        for (let i = 1; i < mine.length; i++) expect(mine[i]!.done).toBeGreaterThanOrEqual(mine[i - 1]!.done);
      }
      expect(msgs.find((m) => m.phase === 'scenes.memberships')!.total).toBe(r.scenes.memberships.artists);
      expect(msgs.find((m) => m.phase === 'talent.features')!.total).toBe(r.talent.artists);
    } finally {
      await plain.radar.close();
      await noisy.radar.close();
    }
  }, 60_000);

  it('two refreshes as of one instant give the same report (but durations), on one radar and on two', async () => {
    const reports: unknown[] = [];
    for (let k = 0; k < 2; k++) {
      const { world, radar } = setup(80);
      try {
        await radar.scenes.importCatalog(world.catalog);
        reports.push(comparable(await radar.refresh(T0)));
        reports.push(comparable(await radar.refresh(T0)));
      } finally {
        await radar.close();
      }
    }
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[2]).toEqual(reports[0]);
    expect(reports[3]).toEqual(reports[0]);
  }, 60_000);

  describe('an AbortSignal fired in each phase of radar.refresh()', () => {
    // radar.ts SceneRadar.refresh TSDoc: TALENT_TIMEOUT; "a Scenes refresh, once started, runs to
    // its end" (so its tables move); TalentRadar.refresh TSDoc: "nothing is written".
    for (const phase of PHASES)
      it(`aborted at the start of ${phase}: TALENT_TIMEOUT, the Talent Radar's tables as before`, async () => {
        const { world, stores, clock, radar } = setup(40);
        try {
          await radar.scenes.importCatalog(world.catalog);
          await radar.refresh(T0);
          const before = await snapshot(stores);
          clock.set(T1);
          const ac = new AbortController();
          const code = await radar
            .refresh(T1, {
              signal: ac.signal,
              onProgress: (m) => {
                if (m.phase === phase && m.done === 0) ac.abort(new Error('operator stop'));
              },
            })
            .then(
              () => 'resolved',
              (e: unknown) => String((e as { code?: unknown }).code),
            );
          expect(code).toBe('TALENT_TIMEOUT');
          const after = await snapshot(stores);
          for (const k of Object.keys(before).filter((x) => x.startsWith('talent.')))
            expect(after[k]).toEqual(before[k]);
          expect(radar.talent.refreshedAsOf).toBe(T0.toISOString());
        } finally {
          await radar.close();
        }
      }, 60_000);
  });
});
