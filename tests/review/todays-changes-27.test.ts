/**
 * Review of the day's changes 27: 79c18c7 (sharded refresh over BullMQ), 2bf904d (fitting the
 * breakout model), 16260fc (momentum sizes an events-only artist by `PopulationStats.eventLevel`,
 * kept in the stored peer state) and 5088717 (OpenTelemetry bridge: metrics before span
 * annotation, a throwing startSpan contained; health: a listed source without adapter is `down`).
 * Read: each diff, the CHANGELOG / docs text it changed (docs/scale-out.md, docs/scoring.md,
 * docs/observability.md, docs/cli.md), and the tests it touched.
 *
 * Findings. Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit:
 * `refreshShard` looks at the plan again after staging and takes its row back if it went; the
 * finish checks the plan inside its transaction; a stored refresh whose peers cannot be read is
 * replaced, not a conflict, and `eventLevel` may be absent (rows written before it are read);
 * health reports `mig` without an adapter as `down` whoever refreshed):
 *
 * 1. FAULT (two tests): `refreshShard`'s new plan check is not atomic with its staging. It reads
 *    the plan record (src/talent/talent-radar.ts:1237-1245), then gathers the shard's signals (the
 *    long part), then upserts the staged row (:1260) without looking again. A plan discarded (the
 *    coordinator giving up, the worker's new `failed` handler) or finished while the shard reads
 *    its sources still gets the row: observed `resolved` and 1 stray `talent_radar_refresh_shards`
 *    row that no finish reads or deletes; expected TALENT_INVALID_PARAMS and nothing staged (its
 *    TSDoc: "discarded or finished: nothing is staged"; CHANGELOG: "no longer leave stray staged
 *    rows"). The BullMQ worker compensates after the fact (finishSettled / refreshOver, then
 *    discardRefresh, worker.ts:214-216); a host driving the steps itself does not.
 * 2. FAULT: a finish in flight commits a refresh whose plan was discarded meanwhile. The worker's
 *    new `failed` handler (adapters/bullmq/worker.ts:143-153, :238-241) discards the plan and the
 *    staged rows as soon as a job is `failed` for good; a finish job can be failed for good while an
 *    attempt of it still runs (BullMQ 6.7: a job whose lock expired past `maxStalledCount` gets a
 *    deferred failure and the next worker that takes it fails it, while the first still runs).
 *    `finishRefresh` checks the plan once, before reading the staged rows (:1358-1365), and its
 *    transaction (:1815-1835) never checks it again: observed `resolved`, 24 records written;
 *    expected TALENT_INVALID_PARAMS, nothing written (a live coordinator reports that refresh as
 *    failed, "nothing was written").
 * 3. FAULT (severe): a `last-refresh` row written before 16260fc (peers without
 *    `relative.eventLevel`, which PeerStatsJsonSchema now requires, src/talent/peer-state.ts:54)
 *    makes a radar started on those stores unable to refresh, ever, not just unable to read until
 *    the next refresh as docs/persistence.md promises. The refresh's tolerant state read drops the
 *    row as unreadable (talent-radar.ts:611-617: its basis becomes null), while the commit re-reads
 *    it with RefreshStateSchema alone (:1825, `peers: z.unknown()`: readable), sees another id
 *    than its basis and throws refreshConflict (:1834-1835), three times: "another instance
 *    committed a refresh ... refresh again", at the same instant and a day later alike. (Any row
 *    whose peers do not parse did this before; today every row written before the change does.)
 *    Fix: treat a row whose peers cannot be read as unreadable in the commit too (or keep its id as
 *    the basis), and read a missing `eventLevel` as null, as `failedUnscored` is read from older rows.
 * 4. FAULT: the health route reports `mig` as `ok` on a radar that has no MIG adapter whenever the
 *    last refresh is not this instance's own attempt (an API instance, a restart, another instance
 *    refreshed): src/api/health.ts:241 exempts `mig` from the new adapter check and relies on
 *    `attempt.universe` (:244), which only this instance's own attempt carries. docs/cli.md (changed
 *    today): "a source listed in `health.sources` that the radar has no adapter for is `down`".
 *
 * Held (normal tests): `refreshShard` refuses a plan discarded before it starts and one already
 * finished (nothing staged), and a second run before the finish replaces its row; a new radar on
 * stores whose `last-refresh` predates `eventLevel` refuses reads with STORE_SCHEMA_MISMATCH naming
 * the row (the CHANGELOG entry does not mention the stored-state change); fold blocks: n instants
 * give min(n, folds + 1) blocks, in time order, none empty, with a huge instant first, last or in
 * the middle and with `folds` above the number of instants; `signs` as a Map is
 * TALENT_VALIDATION_ERROR, an overflowing input TALENT_INSUFFICIENT_DATA, a Date as validation
 * report refused with the stores left readable; the otel bridge with a tracer whose startSpan
 * throws AND a counter that throws still records the histograms, the answers stand and close()
 * releases the channels; health lists a missing `rcf` as `down` and `scenes` (the radar's own
 * Scenes Engine) as `ok`.
 * Read, not tested: the BullMQ 6.7 worker emits `failed` after `moveToFailed`, so `getState()` is
 * `delayed` for an attempt that will run again (no discard on a retry) and `failed` only for good;
 * a job stalled past `maxStalledCount` is failed by the next worker that takes it, which emits
 * `failed` (covered by the handler). Cosmetic: the TSDoc "Releases cached results." now sits on
 * `hasSource` (talent-radar.ts:2009), and `guarded`'s TSDoc on `contained` (src/otel/index.ts:102-107).
 */
import diagnostics from 'node:diagnostics_channel';
import type { Meter, MeterProvider, Tracer, TracerProvider } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld, createMemoryStores } from '../../adapters/memory/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { type CalibrationExample, fitBreakoutModel } from '../../src/backtest/index.js';
import {
  createSceneRadar,
  fixedClock,
  isSceneRadarError,
  type SceneRadar,
  type SceneRadarSources,
} from '../../src/index.js';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const END = '2026-11-24';
const DAY = 86_400_000;
const world = createDemoWorld({ seed: 7, artists: 24, scenes: 3, end: END });

type Stores = ReturnType<typeof createMemoryStores>;
const radars: SceneRadar[] = [];
let bridge: OpenTelemetryBridge | undefined;
afterEach(async () => {
  bridge?.close();
  bridge = undefined;
  for (const r of radars.splice(0)) await r.close().catch(() => undefined);
});

async function radarOn(sources: SceneRadarSources = world.sources, stores: Stores = createMemoryStores()) {
  const radar = createSceneRadar({ sources, stores, clock: fixedClock(NOW) });
  radars.push(radar);
  await radar.scenes.importCatalog(world.catalog);
  return { radar, stores };
}

/** How a call ended: `resolved`, or `<code>: <message>`. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (isSceneRadarError(e) ? `${e.code}: ${e.message}` : `raw ${String(e)}`),
  );

/** Sources whose Fusion engagement reads first run `hook` (awaited). */
function gatedSources(hook: { run: (() => Promise<void>) | null }): SceneRadarSources {
  const fusion = world.sources.fusion!;
  return {
    ...world.sources,
    fusion: {
      ...fusion,
      getEngagement: async (slugs: readonly string[], o: Parameters<typeof fusion.getEngagement>[1]) => {
        const h = hook.run;
        if (h) {
          hook.run = null;
          await h();
        }
        return fusion.getEngagement(slugs, o);
      },
    },
  } as SceneRadarSources;
}

const planRow = async (stores: Stores, id: string) =>
  (await stores.talent.talent_radar_state.scan()).filter((r) => r.name === `refresh-plan-${id}`).length;

describe('sharded refresh: the plan check and the discard of a failed refresh', () => {
  it('FAULT: a plan discarded while refreshShard reads its sources still gets a staged row (talent-radar.ts:1237-1260)', async () => {
    const hook: { run: (() => Promise<void>) | null } = { run: null };
    const { radar, stores } = await radarOn(gatedSources(hook));
    const plan = await radar.talent.planRefresh(NOW);
    // What the coordinator (timeout, close) or the worker's `failed` handler does meanwhile.
    hook.run = async () => {
      await radar.talent.discardRefresh(plan.refreshId);
    };
    const shard = { refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists };
    const ended = await outcome(radar.talent.refreshShard(shard));
    expect(await planRow(stores, plan.refreshId)).toBe(0);
    // Correct: refused for want of its plan, nothing staged. Today: 'resolved' and 1 stray row.
    expect({ ended: ended.split(':')[0], staged: await stores.talent.talent_radar_refresh_shards.count() }).toEqual({
      ended: 'TALENT_INVALID_PARAMS',
      staged: 0,
    });
  });

  it('FAULT: a plan finished while a second run of its shard reads its sources leaves that run a stray row', async () => {
    const hook: { run: (() => Promise<void>) | null } = { run: null };
    const { radar, stores } = await radarOn(gatedSources(hook));
    const plan = await radar.talent.planRefresh(NOW);
    const shard = { refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists };
    await radar.talent.refreshShard(shard);
    // A stalled worker's run of the same shard, still reading while the finish commits.
    let finished = '';
    hook.run = async () => {
      finished = await outcome(radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 }));
    };
    const late = await outcome(radar.talent.refreshShard(shard));
    expect(finished).toBe('resolved');
    expect(await planRow(stores, plan.refreshId)).toBe(0);
    expect({ late: late.split(':')[0], staged: await stores.talent.talent_radar_refresh_shards.count() }).toEqual({
      late: 'TALENT_INVALID_PARAMS',
      staged: 0,
    });
  });

  it('FAULT: a finish in flight commits a refresh whose plan was discarded meanwhile (the worker discards a finish job failed for good while an attempt runs)', async () => {
    const { radar, stores } = await radarOn();
    const plan = await radar.talent.planRefresh(NOW);
    await radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists });
    // The finish has read the staged rows; then the discard lands (worker.ts discardIfOver).
    const table = stores.talent.talent_radar_refresh_shards as { scan: (...a: unknown[]) => Promise<unknown[]> };
    const scan = table.scan.bind(table);
    let discarded = -1;
    table.scan = async (...args: unknown[]) => {
      const rows = await scan(...args);
      const q = args[0] as { where?: { refresh_id?: string } } | undefined;
      if (q?.where?.refresh_id === plan.refreshId && discarded < 0)
        discarded = await radar.talent.discardRefresh(plan.refreshId);
      return rows;
    };
    const finished = await outcome(
      radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 }),
    );
    table.scan = scan;
    expect(discarded).toBe(1);
    // Correct: the discarded refresh is refused and nothing is written (as finishRefresh refuses a
    // plan "discarded or finished"). Today: resolved, scores written.
    expect({
      finished: finished.split(':')[0],
      scored: await stores.talent.talent_radar_artists.count(),
      refreshedAsOf: radar.talent.refreshedAsOf,
    }).toEqual({ finished: 'TALENT_INVALID_PARAMS', scored: 0, refreshedAsOf: null });
  });

  it('refreshShard refuses a plan discarded before it starts, and one already finished: nothing staged', async () => {
    const { radar, stores } = await radarOn();
    const plan = await radar.talent.planRefresh(NOW);
    const shard = { refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists };
    await radar.talent.discardRefresh(plan.refreshId);
    expect(await outcome(radar.talent.refreshShard(shard))).toMatch(/^TALENT_INVALID_PARAMS: .*no such plan/);
    expect(await stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    const again = await radar.talent.planRefresh(NOW);
    const s2 = { refreshId: again.refreshId, asOf: again.asOf, index: 0, artists: again.artists };
    await radar.talent.refreshShard(s2);
    // A retried (second) run of a shard before the finish replaces its row: harmless.
    await radar.talent.refreshShard(s2);
    expect(await stores.talent.talent_radar_refresh_shards.count()).toBe(1);
    await radar.talent.finishRefresh({ refreshId: again.refreshId, asOf: again.asOf, shards: 1 });
    expect(await outcome(radar.talent.refreshShard(s2))).toMatch(/^TALENT_INVALID_PARAMS/);
    expect(await stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    expect(await planRow(stores, again.refreshId)).toBe(0);
  });
});

describe('eventLevel in the stored peer state', () => {
  /** Stores refreshed as of NOW, their last-refresh row then made as the code before 16260fc wrote it (no eventLevel). */
  async function oldRow() {
    const stores = createMemoryStores();
    const { radar } = await radarOn(world.sources, stores);
    await radar.talent.refresh(NOW);
    const plan = await radar.talent.planRefresh(NOW);
    await radar.talent.discardRefresh(plan.refreshId);
    const slug = plan.artists[0]!;
    const before = await radar.talent.scoreArtists([slug], { asOf: NOW });
    const [row] = (await stores.talent.talent_radar_state.scan()).filter((r) => r.name === 'last-refresh');
    const value = structuredClone(row!.value) as { peers: { relative: Record<string, unknown> } };
    expect(Object.hasOwn(value.peers.relative, 'eventLevel')).toBe(true);
    delete value.peers.relative.eventLevel;
    await stores.talent.talent_radar_state.upsert([{ ...row!, value: value as never }]);
    return { stores, slug, before };
  }

  it('a last-refresh row written before eventLevel existed is read by a new radar (no eventLevel: read as none), and a row whose peers cannot be read is refused on reads (STORE_SCHEMA_MISMATCH, "the next refresh replaces it")', async () => {
    const { stores, slug, before } = await oldRow();
    const { radar: later } = await radarOn(world.sources, stores);
    const read = await later.talent.scoreArtists([slug], { asOf: NOW });
    // The demo world has no events-only artist: eventLevel changes no score here.
    expect(read.artists[0]).toEqual(before.artists[0]);
    const row = await stores.talent.talent_radar_state.get({ name: 'last-refresh' });
    const value = JSON.parse(JSON.stringify(row!.value));
    value.peers.relative.eventLevel = 'not a distribution';
    await stores.talent.talent_radar_state.upsert([{ ...row!, value }]);
    const { radar: third } = await radarOn(world.sources, stores);
    const refused = await outcome(third.talent.scoreArtists([slug], { asOf: NOW }));
    expect(refused).toMatch(/^STORE_SCHEMA_MISMATCH: .*last-refresh.*the next refresh replaces it/);
    expect(await outcome(third.talent.refresh(NOW))).toBe('resolved');
  });

  it('FAULT: a radar started on such stores can never refresh: every refresh is a "conflict" with the row it cannot read (talent-radar.ts:611-617 vs :1825-1835)', async () => {
    const { stores, slug, before } = await oldRow();
    const { radar: later } = await radarOn(world.sources, stores);
    // The same instant, then a day later (another radar, its clock a day on): refused alike today,
    // "another instance committed a refresh ... while it was computed, 3 times; refresh again".
    const same = await outcome(later.talent.refresh(NOW));
    expect(same).toBe('resolved');
    // Scored against the peers of its own refresh as of NOW: what the first radar scored.
    const after = await later.talent.scoreArtists([slug], { asOf: NOW });
    expect(after.artists[0]).toEqual(before.artists[0]);
    const nextDay = new Date(NOW.getTime() + DAY);
    const dayLater = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(nextDay) });
    radars.push(dayLater);
    expect(await outcome(dayLater.talent.refresh(nextDay))).toBe('resolved');
  });
});

describe('fitting: fold blocks', () => {
  /** `sizes[k]` examples at instant k, labels alternating (both outcomes in every instant). */
  const examples = (sizes: readonly number[]): CalibrationExample[] =>
    sizes.flatMap((n, k) =>
      Array.from({ length: n }, (_, i) => ({
        inputs: { level_now: ((i * 7919 + k * 104729) % 1000) / 1000, growth_month: ((i * 31 + k) % 97) / 97 },
        label: (i + k) % 2 === 0,
        time: Date.UTC(2024, 0, 1) + k * 30 * DAY,
      })),
    );
  const folds = (sizes: readonly number[], f: number) =>
    fitBreakoutModel(examples(sizes), { folds: f, l2: [1], maxIterations: 25 } as never).validation.folds;

  it('n instants give min(n, folds + 1) blocks: a huge instant first, last or in the middle; folds above the instants', () => {
    const cases: Array<[number[], number]> = [
      [[1000, 10, 10, 10, 10], 4],
      [[10, 10, 10, 10, 1000], 2],
      [[10, 10, 1000, 10, 10], 2],
      [[10, 10, 10, 10, 10, 10, 10, 10, 10, 2000], 3],
      [[2000, 10, 10, 10, 10, 10, 10, 10, 10, 10], 3],
      [[100, 101], 4],
      [[20, 20, 20], 10],
    ];
    for (const [sizes, f] of cases) {
      const got = folds(sizes, f);
      expect(got.length, `${sizes.join(',')} folds ${f}`).toBe(Math.min(sizes.length, f + 1) - 1);
      // Every validation period after its training, and the periods in order, none empty.
      for (const fold of got) {
        expect(Date.parse(fold.trainUntil)).toBeLessThan(Date.parse(fold.validate[0]));
        expect(fold.examples).toBeGreaterThan(0);
      }
      for (let i = 1; i < got.length; i++)
        expect(Date.parse(got[i]!.validate[0])).toBeGreaterThan(Date.parse(got[i - 1]!.validate[1]));
    }
  });

  it('signs as a Map and an overflowing input are refused with their documented codes', () => {
    const ex = examples([20, 20, 20]);
    const codeOf = (f: () => unknown): string => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return isSceneRadarError(e) ? e.code : `raw ${String(e)}`;
      }
    };
    expect(codeOf(() => fitBreakoutModel(ex, { signs: new Map([['level_now', 1]]) } as never))).toBe(
      'TALENT_VALIDATION_ERROR',
    );
    const huge = ex.map((e, i) => ({ ...e, inputs: { ...e.inputs, big: (i % 2 ? 1 : -1) * 1e300 } }));
    expect(codeOf(() => fitBreakoutModel(huge))).toBe('TALENT_INSUFFICIENT_DATA');
  });

  it('setBreakoutModel refuses a Date as the validation report, and keeps the stores readable', async () => {
    const { radar } = await radarOn();
    const fit = fitBreakoutModel(examples([20, 20, 20]), { maxIterations: 25 } as never);
    expect(await outcome(radar.talent.setBreakoutModel(fit.model, { validation: new Date() as never }))).toMatch(
      /^TALENT_VALIDATION_ERROR/,
    );
    expect(await radar.talent.appliedBreakoutModel()).toBeNull();
  });
});

describe('health: sources without an adapter', () => {
  type Health = { data: { sources: Array<{ name: string; state: string; reason?: string }> } };
  const health = async (radar: SceneRadar, sources?: string[]) =>
    (
      (await (
        await createFetchHandler(
          radar,
          sources ? { health: { sources: sources as never } } : {},
        )(new Request('http://x/api/health'))
      ).json()) as Health
    ).data.sources;

  it('FAULT: a radar without a MIG adapter lists `mig` as ok when another instance refreshed the stores (src/api/health.ts:241)', async () => {
    const stores = createMemoryStores();
    const { radar: refresher } = await radarOn(world.sources, stores);
    await refresher.refresh(NOW);
    // An instance over the same stores whose host gave it no MIG adapter.
    const { mig: _mig, ...noMig } = world.sources;
    const { radar: api } = await radarOn(noMig as SceneRadarSources, stores);
    await api.talent.loadState({ force: true });
    expect(api.talent.refreshedAsOf).toBe(NOW.toISOString());
    const listed = await health(api, ['mig', 'rcf']);
    expect(listed.find((s) => s.name === 'mig')?.state).toBe('down');
  });

  it("a missing rcf is down; `scenes` (served by the radar's own Scenes Engine) is not", async () => {
    const { rcf: _rcf, scenes: _scenes, ...rest } = world.sources;
    const { radar } = await radarOn(rest as SceneRadarSources);
    await radar.refresh(NOW);
    const listed = await health(radar, ['mig', 'rcf', 'scenes']);
    expect(listed).toEqual([
      { name: 'mig', state: 'ok' },
      { name: 'rcf', state: 'down', reason: 'no adapter for this source is configured' },
      { name: 'scenes', state: 'ok' },
    ]);
  });
});

describe('otel bridge: a tracer and a counter that both throw', () => {
  it('the histogram is still recorded, the answer stands, close() releases the channels', async () => {
    const points: Array<{ name: string; value: number }> = [];
    const instrument = (name: string) => ({
      add: () => {
        throw new Error('counter broken');
      },
      record: (value: number) => points.push({ name, value }),
    });
    const meter = { createCounter: instrument, createHistogram: instrument } as unknown as Meter;
    const meterProvider: MeterProvider = { getMeter: () => meter };
    const tracer = {
      startSpan: () => {
        throw new Error('tracer shut down');
      },
    } as unknown as Tracer;
    const tracerProvider: TracerProvider = { getTracer: () => tracer };
    bridge = instrumentOpenTelemetry({ tracerProvider, meterProvider });
    const got = await diagnostics.tracingChannel(CHANNEL_NAMES.sourceCall).tracePromise(async () => 'answer', {
      source: 'rcf',
      method: 'getEvents',
      keys: 3,
      outcome: 'ok',
      durationMs: 4,
    });
    expect(got).toBe('answer');
    expect(points).toEqual([{ name: 'scene_radar.source.duration', value: 4 }]);
    const { radar } = await radarOn();
    const res = await createFetchHandler(radar)(new Request('http://x/api/talent/pulse'));
    expect(res.status).toBe(200);
    expect(points.some((p) => p.name === 'scene_radar.http.duration')).toBe(true);
    bridge.close();
    bridge = undefined;
    expect(diagnostics.tracingChannel(CHANNEL_NAMES.sourceCall).hasSubscribers).toBe(false);
  });
});
