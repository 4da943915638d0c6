/**
 * Issue 12, items 9, 11 and 12: a refresh holds the process open while it runs; every call after
 * `close()` rejects with `RADAR_CLOSED`; a refresh without a catalog says so.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, isSceneRadarError } from 'scene-radar';
import { httpStatusOf } from '../../src/core/errors.js';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 30, end: '2026-11-24' });

describe('a batch job is not cut short', () => {
  it('a refresh, a scoring and a profile whose source never settles keep the process alive until their timeouts end them, then report (exit 0, not 13)', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const { stdout } = await promisify(execFile)(tsx, ['tests/fixtures/batch-job.ts'], { cwd: root, timeout: 60_000 });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as {
      done: boolean;
      artists: number;
      fusionTimeouts: number;
      scored: number;
      profile: string;
      feature: string;
    };
    expect(report.feature).toBe('timeout');
    expect(report.done).toBe(true);
    expect(report.scored).toBe(5);
    expect(['timeout', 'TALENT_TIMEOUT']).toContain(report.profile);
    expect(report.artists).toBe(20);
    expect(report.fusionTimeouts).toBeGreaterThan(0);
  }, 90_000);
});

describe('use after close()', () => {
  it('every public call of every part rejects with RADAR_CLOSED (503)', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    const [slug] = (await radar.scenes.listScenes({ limit: 1 })).items.map((s) => s.slug);
    await radar.close();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['refresh', () => radar.refresh(NOW)],
      ['scenes.refresh', () => radar.scenes.refresh(NOW)],
      ['scenes.listScenes', () => radar.scenes.listScenes()],
      ['scenes.getScene', () => radar.scenes.getScene(slug!)],
      ['scenes.importCatalog', () => radar.scenes.importCatalog(world.catalog)],
      ['scenes.listMemberships', () => radar.scenes.listMemberships({ sceneSlug: slug! })],
      ['scenes.getSceneTrends', () => radar.scenes.getSceneTrends(slug!)],
      ['scenes.getRelatedScenes', () => radar.scenes.getRelatedScenes(slug!)],
      ['scenes.recommendScenes', () => radar.scenes.recommendScenes()],
      ['scenes.backfillTrends', () => radar.scenes.backfillTrends({ from: '2026-11-01' })],
      ['pulse.getScenePulse', () => radar.scenes.pulse.getScenePulse(slug!)],
      ['pulse.getGlobalPulse', () => radar.scenes.pulse.getGlobalPulse()],
      ['pulse.getRegionalPulse', () => radar.scenes.pulse.getRegionalPulse('gb')],
      ['talent.refresh', () => radar.talent.refresh(NOW)],
      ['talent.scoreArtists', () => radar.talent.scoreArtists(['a'])],
      ['talent.setBreakoutModel', async () => radar.talent.setBreakoutModel(radar.talent.breakoutModel())],
      ['aggregator.buildArtistProfile', () => radar.talent.aggregator.buildArtistProfile('a')],
      ['aggregator.buildGlobalPulse', () => radar.talent.aggregator.buildGlobalPulse()],
      ['aggregator.getTopArtists', () => radar.talent.aggregator.getTopArtists({ category: 'breakout' })],
      ['signals.aggregateArtistSignals', () => radar.talent.signals.aggregateArtistSignals('a')],
      ['readOnly.getGlobalPulse', () => radar.readOnly.getGlobalPulse()],
      [
        'scenesAdapter.listHottestScenes',
        () => radar.scenesAdapter.listHottestScenes({ limit: 5 }, { asOf: NOW, signal: new AbortController().signal }),
      ],
    ];
    for (const [name, call] of calls) {
      const got = await call().then(
        () => 'answered',
        (e: unknown) => (isSceneRadarError(e) ? e.code : `threw ${String(e)}`),
      );
      expect(got, name).toBe('RADAR_CLOSED');
    }
    expect(httpStatusOf('RADAR_CLOSED')).toBe(503);
    // close() itself stays idempotent.
    await expect(radar.close()).resolves.toBeUndefined();
  });
});

describe('no catalog', () => {
  it('a refresh without importCatalog() warns in its report', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const report = await radar.refresh(NOW);
    expect(report.scenes.warnings).toEqual([
      expect.stringMatching(/scene catalog is empty: call importCatalog\(\) first/),
    ]);
    // The API's answers say so too, instead of empty lists that pass for "nothing is hot".
    const scenes = await radar.scenes.pulse.getGlobalPulse();
    expect(scenes.summary.scenes).toBe(0);
    expect(scenes.notes).toEqual([expect.stringMatching(/scene catalog is empty/)]);
    const talent = await radar.talent.aggregator.buildGlobalPulse();
    expect(talent.meta.degraded).toContainEqual(
      expect.stringMatching(/no scene has a pulse \(is the scene catalog empty\? call importCatalog\(\)\)/),
    );
    await radar.scenes.importCatalog(world.catalog);
    expect((await radar.refresh(NOW)).scenes.warnings).toEqual([]);
    expect((await radar.scenes.pulse.getGlobalPulse({ skipCache: true })).notes).toEqual([]);
    await radar.close();
  });
});
