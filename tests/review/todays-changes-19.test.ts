/**
 * Review of the day's changes (19): the breakout-model term for an unregistered host feature
 * (`withUnregisteredTerms`, `hostFeatureCounts`) across refresh(), the sharded refresh (plan,
 * shards on one instance, finish on another), scoreArtists, calibrationExamples and profiles; the
 * failed-read counts of the `last-refresh` state (`failedUnscored` / `failedScored`) and the meta
 * note built on them (first refresh, kept records, a state row of an older release, PostgreSQL);
 * trend rows on a host without Fusion (refresh and backfill) against a failing source; profile
 * opportunities banded on the unrounded score against the trajectory.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the finish decides the host outcomes it scores with, whoever staged them; own keys only in the counts; the failed-read counts counted where they happen), for the reason their name states; the others pin behaviour found correct.
 *
 * The PostgreSQL test works in a schema of its own (`review_tc19_<random>`), dropped after the file.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createPostgresStores } from '../../adapters/postgres/index.js';
import { createOperations } from '../../src/api/index.js';
import {
  type BreakoutModel,
  createSceneRadar,
  fixedClock,
  type HostFeature,
  type SceneRadarSources,
} from '../../src/index.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores/memory-table.js';
import type { SceneRadarStores } from '../../src/stores.js';
import { BREAKOUT_INPUTS, DEFAULT_BREAKOUT_MODEL } from '../../src/talent/breakout-model.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';

const T1 = new Date('2026-11-25T00:00:00.000Z');
const T2 = new Date('2026-11-26T00:00:00.000Z');
const DAY = 86_400_000;
const world = createDemoWorld({ seed: 19, artists: 36, scenes: 3, end: '2026-11-24' });
const SLUGS = world.dataset.artistSlugs();

const PHANTOM = /has a term in the breakout model but is not registered on this radar/;

/** The `follows` host feature (a value per artist). */
const follows: HostFeature = {
  name: 'follows',
  source: 'review tc19',
  read: (slugs) => Object.fromEntries(slugs.map((s, i) => [s, (i * 37) % 101])),
  scale: 'raw',
};

/** The default model with these host terms. */
function modelWith(hostInputs: BreakoutModel['hostInputs']): BreakoutModel {
  return { ...structuredClone(DEFAULT_BREAKOUT_MODEL), hostInputs };
}

function sharedMemory(): SceneRadarStores {
  return { scenes: memoryScenesStores(), talent: memoryTalentStores() };
}

type Fault = 'garbage' | 'missing';
/** The demo world's sources with per-key faults by `source.method` (garbage answers, or the key left out). */
function faulty(sources: SceneRadarSources): { sources: SceneRadarSources; plan: Map<string, Map<string, Fault>> } {
  const plan = new Map<string, Map<string, Fault>>();
  const out: Record<string, unknown> = {};
  for (const [name, adapter] of Object.entries(sources as Record<string, unknown>)) {
    if (adapter === null || typeof adapter !== 'object') {
      out[name] = adapter;
      continue;
    }
    const wrapped: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(adapter)) {
      if (typeof v !== 'function') {
        wrapped[k] = v;
        continue;
      }
      const method = `${name}.${k}`;
      wrapped[k] = async (keys: unknown, options: unknown): Promise<unknown> => {
        const got = (await Reflect.apply(v as (...a: unknown[]) => unknown, adapter, [keys, options])) as unknown;
        const rules = plan.get(method);
        if (!rules || !(got instanceof Map)) return got;
        const m = new Map(got as Map<string, unknown>);
        for (const [slug, fault] of rules) {
          if (!m.has(slug)) continue;
          if (fault === 'garbage') m.set(slug, { junk: true });
          else m.delete(slug);
        }
        return m;
      };
    }
    out[name] = wrapped;
  }
  return { sources: out as SceneRadarSources, plan };
}

const noteOf = (notes: readonly string[]): string => notes.find((n) => /artists with a failed read/.test(n)) ?? '';

describe('a breakout-model term for a host feature the radar does not register', () => {
  it('refresh(), scoreArtists and the profile of a radar without the feature all report the term as that feature`s error; records are rescored, none kept, no failed read; a term of weight 0 is no term', async () => {
    const stores = sharedMemory();
    const clock = fixedClock(T1);
    const radar = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      await radar.talent.setBreakoutModel(
        modelWith({ follows: { weight: 0.4, center: 50 }, reposts: { weight: 0, center: 0 } }),
      );
      clock.set(T2);
      const report = await radar.talent.refresh();
      expect(report.hostFeatures).toEqual({ follows: { ok: 0, missing: 0, timeout: 0, error: report.artists } });
      expect(report.failedReads).toEqual({});
      expect(report.kept).toBe(0);
      expect(report.scored).toBeGreaterThan(0);
      expect(radar.talent.lastRefreshFailedHostFeatures).toEqual({ follows: report.artists });
      const { artists } = await radar.talent.aggregator.getArtistScores(SLUGS);
      expect(new Set(artists.map((a) => a.as_of))).toEqual(new Set([T2.toISOString()]));
      const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
      expect(pulse.meta.degraded.join('\n')).toMatch(
        /host feature follows: failed for \d+ artists in the last refresh/,
      );
      expect(pulse.meta.degraded.join('\n')).not.toMatch(/reposts/);

      const scored = await radar.talent.scoreArtists([SLUGS[3]!]);
      const one = scored.artists[0]!;
      expect(one.status).toBe('ok');
      expect(one.problems).toEqual([expect.stringMatching(/^host feature follows: error \(.*not registered/)]);
      expect(Object.keys(scored.features[0]!.host)).toEqual(['follows']);

      const profile = await radar.talent.aggregator.buildArtistProfile(SLUGS[3]!);
      expect(profile.explanation.hostFeatures).toEqual({
        follows: { status: 'error', reason: expect.stringMatching(PHANTOM) },
      });
      // The explanation's breakout signals list the built-in inputs only (the table has no column for it).
      expect(profile.explanation.breakout.signals.map((s) => s.signal)).toEqual([...BREAKOUT_INPUTS]);
    } finally {
      await radar.close();
    }
  });

  it('calibrationExamples on a radar without the feature: no phantom input in the vectors, no outcome skipped for it', async () => {
    const clock = fixedClock(T1);
    const radar = createSceneRadar({ sources: world.sources, clock });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.talent.setBreakoutModel(modelWith({ follows: { weight: 0.4, center: 50 } }));
      const outcomes = SLUGS.slice(0, 6).map((artistSlug, i) => ({
        artistSlug,
        asOf: new Date('2026-08-01T00:00:00.000Z'),
        label: i % 2 === 0,
      }));
      const { examples, skipped } = await radar.talent.calibrationExamples(outcomes);
      expect(examples.length + skipped.length).toBe(outcomes.length);
      for (const s of skipped) expect(s.reason).not.toMatch(/follows/);
      expect(examples.length).toBeGreaterThan(0);
      const builtIn = new Set<string>(BREAKOUT_INPUTS);
      for (const e of examples) expect(Object.keys(e.inputs).filter((k) => !builtIn.has(k))).toEqual([]);
    } finally {
      await radar.close();
    }
  });

  it('FAULT: a sharded refresh finished by a radar without the feature, on shards staged by one with it, reports the term as read ok for every artist and stores no failure (refresh() on the same radar reports it failed for every one)', async () => {
    const stores = sharedMemory();
    const clock = fixedClock(T1);
    const withIt = createSceneRadar({ sources: world.sources, stores, clock, hostFeatures: [follows] });
    const without = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await withIt.scenes.importCatalog(world.catalog);
      await withIt.refresh();
      await withIt.talent.setBreakoutModel(modelWith({ follows: { weight: 0.4, center: 50 } }));
      clock.set(T2);
      const plan = await without.talent.planRefresh();
      expect(plan.universe).toBe('ok');
      await withIt.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists });
      const report = await without.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 });
      expect(report.scored).toBeGreaterThan(0);
      // The finisher scored without the term (its feature table has no `follows` column) under the
      // model_version of a model that weighs it: what refresh() on it reports, as the fix intends.
      expect(report.hostFeatures.follows).toEqual({ ok: 0, missing: 0, timeout: 0, error: report.artists });
      expect(without.talent.lastRefreshFailedHostFeatures).toEqual({ follows: report.artists });
    } finally {
      await withIt.close();
      await without.close();
    }
  });

  it('a sharded refresh finished by a radar with the feature refuses shards staged by one without it (no term in the model)', async () => {
    const stores = sharedMemory();
    const clock = fixedClock(T1);
    const withIt = createSceneRadar({ sources: world.sources, stores, clock, hostFeatures: [follows] });
    const without = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await withIt.scenes.importCatalog(world.catalog);
      await withIt.refresh();
      clock.set(T2);
      const plan = await withIt.talent.planRefresh();
      await without.talent.refreshShard({
        refreshId: plan.refreshId,
        asOf: plan.asOf,
        index: 0,
        artists: plan.artists,
      });
      await expect(
        withIt.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 }),
      ).rejects.toMatchObject({
        code: 'TALENT_INVALID_PARAMS',
        message: expect.stringMatching(/without host feature follows/),
      });
    } finally {
      await withIt.close();
      await without.close();
    }
  });

  it('FAULT: when the applied model has a term for the feature, the finish accepts shards staged by a radar without it (the phantom error passes the "staged without host feature" check) and scores every artist without the term', async () => {
    const stores = sharedMemory();
    const clock = fixedClock(T1);
    const withIt = createSceneRadar({ sources: world.sources, stores, clock, hostFeatures: [follows] });
    const without = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await withIt.scenes.importCatalog(world.catalog);
      await withIt.refresh();
      await withIt.talent.setBreakoutModel(modelWith({ follows: { weight: 0.4, center: 50 } }));
      clock.set(T2);
      const plan = await withIt.talent.planRefresh();
      await without.talent.refreshShard({
        refreshId: plan.refreshId,
        asOf: plan.asOf,
        index: 0,
        artists: plan.artists,
      });
      // finishRefresh's contract: TALENT_INVALID_PARAMS when "a shard lacks one of this radar's
      // host features" (a rolling deploy). It commits instead.
      const finished = withIt.talent
        .finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 })
        .then((r) => ({ ok: true as const, r }))
        .catch((e: unknown) => ({ ok: false as const, e }));
      const got = await finished;
      if (got.ok) expect.fail(`committed: hostFeatures ${JSON.stringify(got.r.hostFeatures)}`);
      expect(got.e).toMatchObject({ code: 'TALENT_INVALID_PARAMS' });
    } finally {
      await withIt.close();
      await without.close();
    }
  });

  it('FAULT: a term named "constructor" (a valid host feature name) is missing from the refresh report and stored failures, and its count is written on the global Object constructor', async () => {
    const clock = fixedClock(T1);
    const radar = createSceneRadar({ sources: world.sources, clock });
    const g = Object as unknown as Record<string, unknown>;
    const before = Object.getOwnPropertyNames(Object).sort();
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.talent.setBreakoutModel(modelWith({ constructor: { weight: 0.4, center: 0 } }));
      const report = await radar.talent.refresh();
      // refresh() on a radar without the feature, for any other name: { follows: { error: artists } }.
      expect.soft(Object.hasOwn(report.hostFeatures, 'constructor')).toBe(true);
      expect.soft(Object.hasOwn(radar.talent.lastRefreshFailedHostFeatures, 'constructor')).toBe(true);
      // hostFeatureCounts' `counts[name] ??= ...` finds Object.prototype.constructor (the Object
      // function) and increments `Object.error`.
      expect.soft(Object.getOwnPropertyNames(Object).filter((n) => !before.includes(n))).toEqual([]);
    } finally {
      for (const n of Object.getOwnPropertyNames(Object)) if (!before.includes(n)) delete g[n];
      await radar.close();
    }
  });
});

describe('the failed-read counts of the last refresh', () => {
  it('a first refresh: one artist unscored (activity reads failed), one scored (press failed); the counts add up and the note says each', async () => {
    const { sources, plan } = faulty(world.sources);
    const radar = createSceneRadar({ sources, clock: fixedClock(T1) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      const [x, y] = [SLUGS[4]!, SLUGS[9]!];
      plan.set('fusion.getEngagement', new Map([[x, 'garbage']]));
      plan.set('rcf.getEvents', new Map([[x, 'garbage']]));
      plan.set('coverage.getArticles', new Map([[y, 'garbage']]));
      const report = await radar.talent.refresh();
      expect(report.unscored).toEqual([expect.objectContaining({ artistSlug: x, status: 'failed' })]);
      expect(radar.talent.lastRefreshFailedKept).toBe(0);
      expect(radar.talent.lastRefreshFailedUnscored).toBe(1);
      expect(radar.talent.lastRefreshFailedScored).toBe(1);
      const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
      expect(noteOf(pulse.meta.degraded)).toBe(
        'of the 2 artists with a failed read, 0 kept their record from an earlier refresh, 1 had none and could not be scored (no record: not counted in these results), and 1 were scored with the failed signals unknown (lower confidence)',
      );
      expect(pulse.summary.totalArtistsTracked).toBe(SLUGS.length - 1);
    } finally {
      await radar.close();
    }
  });

  it('FAULT: an artist with a failed press read and no activity evidence (no record before, not scored: insufficient) is counted among those "scored with the failed signals unknown"', async () => {
    const { sources, plan } = faulty(world.sources);
    const radar = createSceneRadar({ sources, clock: fixedClock(T1) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      const x = SLUGS[6]!;
      plan.set('fusion.getEngagement', new Map([[x, 'missing']]));
      plan.set('rcf.getEvents', new Map([[x, 'missing']]));
      plan.set('coverage.getArticles', new Map([[x, 'garbage']]));
      const report = await radar.talent.refresh();
      expect(report.failedReads).toEqual({ coverage: 1 });
      expect(report.unscored).toEqual([expect.objectContaining({ artistSlug: x, status: 'insufficient' })]);
      expect(report.scored).toBe(SLUGS.length - 1);
      const { artists } = await radar.talent.aggregator.getArtistScores([x]);
      expect(artists).toEqual([]);
      // Nobody with a failed read was scored: x has no record.
      expect(radar.talent.lastRefreshFailedScored).toBe(0);
      const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
      expect(noteOf(pulse.meta.degraded)).not.toMatch(/and 1 were scored with the failed signals unknown/);
    } finally {
      await radar.close();
    }
  });

  it('a refresh after a good one: the failing artist keeps its record (kept 1, none unscored or scored); a radar restarted on the stores reads the same counts; a row of an older release (no counts) gives the older note and null getters', async () => {
    const stores = sharedMemory();
    const { sources, plan } = faulty(world.sources);
    const clock = fixedClock(T1);
    const radar = createSceneRadar({ sources, stores, clock });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      clock.set(T2);
      const x = SLUGS[2]!;
      plan.set('fusion.getEngagement', new Map([[x, 'garbage']]));
      await radar.talent.refresh();
      expect(radar.talent.lastRefreshFailedKept).toBe(1);
      expect(radar.talent.lastRefreshFailedUnscored).toBe(0);
      expect(radar.talent.lastRefreshFailedScored).toBe(0);
      const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
      expect(noteOf(pulse.meta.degraded)).toMatch(/^of the 1 artists with a failed read, 1 kept their record/);
    } finally {
      await radar.close();
    }
    const again = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await again.talent.loadState();
      expect([
        again.talent.lastRefreshFailedKept,
        again.talent.lastRefreshFailedUnscored,
        again.talent.lastRefreshFailedScored,
      ]).toEqual([1, 0, 0]);
    } finally {
      await again.close();
    }
    // The same row as an older release wrote it.
    const row = (await stores.talent.talent_radar_state.get({ name: 'last-refresh' }))!;
    const { failedUnscored: _u, failedScored: _s, ...older } = row.value as Record<string, unknown>;
    await stores.talent.talent_radar_state.upsert([{ ...row, value: older as never }]);
    const old = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await old.talent.loadState();
      expect(old.talent.lastRefreshFailedUnscored).toBeNull();
      expect(old.talent.lastRefreshFailedScored).toBeNull();
      const pulse = await old.talent.aggregator.buildGlobalPulse({ limit: 5 });
      expect(noteOf(pulse.meta.degraded)).toBe(
        'of the artists with a failed read, 1 kept their record from an earlier refresh; any others were scored with the failed signals unknown (lower confidence)',
      );
    } finally {
      await old.close();
    }
  });
});

describe('PostgreSQL', () => {
  const schema = `review_tc19_${randomBytes(4).toString('hex')}`;
  let pool: pg.Pool | undefined;
  afterAll(async () => {
    if (!pool) return;
    try {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await pool.end();
    }
  });

  it('the new counts round-trip through the jsonb state row (a radar restarted on the schema reads them)', async () => {
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000, max: 2 });
    pool.on('error', () => undefined);
    const stores = createPostgresStores({ pool }, { schema, migrate: true });
    await stores.ready();
    const { sources, plan } = faulty(world.sources);
    const radar = createSceneRadar({ sources, stores, clock: fixedClock(T1) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      plan.set('fusion.getEngagement', new Map([[SLUGS[1]!, 'garbage']]));
      plan.set('rcf.getEvents', new Map([[SLUGS[1]!, 'garbage']]));
      plan.set('coverage.getArticles', new Map([[SLUGS[5]!, 'garbage']]));
      await radar.talent.refresh();
    } finally {
      await radar.close();
    }
    const again = createSceneRadar({
      sources: world.sources,
      stores: createPostgresStores({ pool }, { schema }),
      clock: fixedClock(T1),
    });
    try {
      await again.talent.loadState();
      expect([
        again.talent.lastRefreshFailedKept,
        again.talent.lastRefreshFailedUnscored,
        again.talent.lastRefreshFailedScored,
      ]).toEqual([0, 1, 1]);
      const pulse = await again.talent.aggregator.buildGlobalPulse({ limit: 5 });
      expect(noteOf(pulse.meta.degraded)).toMatch(
        /^of the 2 artists with a failed read, 0 kept .*, 1 had none .*, and 1 were scored/,
      );
    } finally {
      await again.close();
    }
  });
});

describe('trend rows on a host without Fusion', () => {
  const { fusion: _fusion, ...withoutFusion } = world.sources;

  it('a refresh writes a row for every scene (pulses ok since the absent source no longer marks them degraded, Fusion counted absent); a backfill fills days too; a failing MIG read for one member still holds its scene back', async () => {
    const { sources, plan } = faulty(withoutFusion);
    const clock = fixedClock(T1);
    const radar = createSceneRadar({ sources, clock });
    const api = createOperations(radar);
    try {
      await radar.scenes.importCatalog(world.catalog);
      const report = await radar.refresh();
      expect(report.scenes.warnings.join('\n')).not.toMatch(/wrote no trend snapshot/);
      const scenes = world.catalog.scenes.map((s) => s.slug);
      for (const slug of scenes) {
        const p = await radar.scenes.pulse.getScenePulse(slug).catch(() => null);
        if (p === null) continue;
        expect(p.status).toBe('ok');
        expect(p.sources.fusion?.absent).toBeGreaterThan(0);
      }
      const rows = async (slug: string): Promise<number> =>
        (
          (await api.getSceneTrends({ params: { slug }, query: { days: '30' } })).body as {
            data: { series: unknown[] };
          }
        ).data.series.length;
      let withRow = 0;
      for (const slug of scenes) withRow += (await rows(slug)) > 0 ? 1 : 0;
      expect(withRow).toBeGreaterThan(0);

      const back = await radar.scenes.backfillTrends({
        from: new Date(T1.getTime() - 3 * DAY),
        to: new Date(T1.getTime() - 2 * DAY),
      });
      expect(back).toMatchObject({ days: 2 });
      expect((back as { snapshots: number }).snapshots).toBeGreaterThan(0);

      // A member's MIG network failing in the next refresh: its scene gets no row that day.
      const member = (await radar.scenes.listMemberships({ limit: 1 })).items[0]!;
      plan.set('mig.getNetworks', new Map([[member.artist_slug, 'garbage']]));
      clock.set(T2);
      const r2 = await radar.refresh();
      expect(r2.scenes.warnings.join('\n')).toMatch(/1 of \d+ scenes wrote no trend snapshot/);
      const day2 = (await api.getSceneTrends({ params: { slug: member.scene_slug }, query: { days: '30' } })).body as {
        data: { series: { day: string }[] };
      };
      expect(day2.data.series.map((r) => r.day)).not.toContain('2026-11-25');
    } finally {
      await radar.close();
    }
  });
});

describe('profile opportunities', () => {
  it('the breakout and momentum items carry the record`s unrounded score and agree with the trajectory`s band', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(T1) });
    const t = radar.config.talent.thresholds;
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      for (const slug of SLUGS.slice(0, 10)) {
        const p = await radar.talent.aggregator.buildArtistProfile(slug);
        const b = p.opportunities.find((o) => o.type === 'breakout');
        const m = p.opportunities.find((o) => o.type === 'momentum');
        if (p.artist.breakout_score >= t.breakout.medium) {
          expect(b?.score).toBe(p.artist.breakout_score);
          expect(b?.description.startsWith('Strong')).toBe(p.trajectory.breakoutPotential === 'high');
        } else expect(b).toBeUndefined();
        if (p.trajectory.momentum === 'rising') expect(m?.score).toBe(p.artist.momentum / 100);
        else expect(m).toBeUndefined();
      }
    } finally {
      await radar.close();
    }
  });
});
