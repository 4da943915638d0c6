/**
 * Hostile review 78: host features as a host really writes them (src/talent/host-features.ts, the
 * host-feature paths of signals-engine, feature-table, population, scoring, talent-radar refresh /
 * scoreArtists / finishRefresh, and profiles). Driven through the public API over the in-memory
 * demo world. Every test here fails on the code it was written against, for a real fault.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type HostFeature } from '../../src/index.js';
import { createMemoryStores } from '../../src/stores.js';

const AS_OF = new Date('2025-10-01T00:00:00.000Z');
const DAY = 86_400_000;
const world = (n = 20): ReturnType<typeof createDemoWorld> =>
  createDemoWorld({ seed: 7, artists: n, end: '2025-12-31', days: 365 });
const slugsOf = (w: ReturnType<typeof createDemoWorld>): string[] => [...w.truth.artists()].map((a) => a.slug);

describe('hostile review 78: host features as a host really writes them', () => {
  // Fault: an answer that is a Map from another realm (vm context, jsdom, a test environment) is read as a
  // plain object and every artist is silently `missing`. src/talent/host-features.ts:174 (`values instanceof Map`).
  it('a Map from another realm is read as a Map: its values are used, not dropped as missing', async () => {
    const w = world(5);
    const slugs = slugsOf(w);
    const realm: HostFeature = {
      name: 'buzz',
      source: 'warehouse',
      read: (asked) =>
        runInNewContext('new Map(entries)', { entries: asked.map((s, i) => [s, i + 1]) }) as Map<string, number>,
    };
    const radar = createSceneRadar({ sources: w.sources, clock: fixedClock(AS_OF), hostFeatures: [realm] });
    try {
      const scored = await radar.talent.scoreArtists(slugs, { asOf: AS_OF });
      expect(scored.features.map((f) => f.host.buzz)).toEqual(slugs.map((_, i) => ({ status: 'ok', value: i + 1 })));
    } finally {
      await radar.close();
    }
  });

  // Fault: an answer that is neither a Map nor a plain object (a Set of slugs, a Date, a class instance with a
  // get()) is read as a record and reported `missing` for every artist, while docs/scoring.md section 1 says it
  // is the feature's `error` for the batch. src/talent/host-features.ts:175 (any non-array object is accepted).
  it('an answer that is a Set, a Date or a class instance is an error for the batch, not a silent missing', async () => {
    const w = world(5);
    const slugs = slugsOf(w);
    class Lookup {
      readonly #m: Map<string, number>;
      constructor(m: Map<string, number>) {
        this.#m = m;
      }
      get(s: string): number | undefined {
        return this.#m.get(s);
      }
    }
    const features: HostFeature[] = [
      { name: 'set', source: 'x', read: (asked) => new Set(asked) as unknown as Map<string, number> },
      { name: 'date', source: 'x', read: () => new Date(0) as unknown as Map<string, number> },
      {
        name: 'lookup',
        source: 'x',
        read: (asked) => new Lookup(new Map(asked.map((s) => [s, 1]))) as unknown as Map<string, number>,
      },
    ];
    const radar = createSceneRadar({ sources: w.sources, clock: fixedClock(AS_OF), hostFeatures: features });
    try {
      const scored = await radar.talent.scoreArtists(slugs, { asOf: AS_OF });
      for (const f of scored.features)
        expect([f.host.set!.status, f.host.date!.status, f.host.lookup!.status]).toEqual(['error', 'error', 'error']);
      expect(scored.artists[0]!.problems.join('\n')).toMatch(/host feature set: error/);
    } finally {
      await radar.close();
    }
  });

  // Fault: a feature registered after the last refresh (a redeploy over the same stores) has no distribution
  // in the kept peers, so scoreArtists at that instant silently drops its weighted term for every artist
  // (status ok, normalized null, contribution 0). src/talent/talent-radar.ts:636 (samePeers ignores the
  // peers' host features) with src/talent/breakout-inputs.ts:149 (`population.host.get(name) ?? null`).
  it('scoreArtists after a feature was added is not scored against kept peers that never saw the feature', async () => {
    const w = world(20);
    const slugs = slugsOf(w);
    const stores = createMemoryStores();
    const buzz: HostFeature = {
      name: 'buzz',
      source: 'warehouse',
      read: (asked) => new Map(asked.map((s) => [s, slugs.indexOf(s)])),
    };
    const config = { talent: { model: { breakout: { hostInputs: { buzz: { weight: 2, center: 0.5 } } } } } };
    const before = createSceneRadar({ sources: w.sources, stores, clock: fixedClock(AS_OF), config });
    await before.talent.refresh(AS_OF);
    await before.close();
    const after = createSceneRadar({
      sources: w.sources,
      stores,
      clock: fixedClock(AS_OF),
      hostFeatures: [buzz],
      config,
    });
    const fresh = createSceneRadar({ sources: w.sources, clock: fixedClock(AS_OF), hostFeatures: [buzz], config });
    try {
      const got = await after.talent.scoreArtists(slugs, { asOf: AS_OF });
      const want = await fresh.talent.scoreArtists(slugs, { asOf: AS_OF });
      // Same sources, features, model, instant and population: the same scores.
      expect(got.artists.map((a) => a.breakout)).toEqual(want.artists.map((a) => a.breakout));
    } finally {
      await after.close();
      await fresh.close();
    }
  });

  // Fault: a refresh in which a host feature failed for most artists fits that feature's distribution on the
  // few survivors and keeps it; profiles read afterwards rank every artist against it (top 0.1%: +12 log-odds).
  // Source reads are protected from this (previous peers kept past half failing); host features are not.
  // src/talent/talent-radar.ts:1444 and :1563 (keepPeers/newPeers count only source reads), population.ts:330.
  it('a refresh where a host feature failed for 19 of 20 artists does not re-rank later profiles against the one survivor', async () => {
    const w = world(20);
    const slugs = slugsOf(w);
    let outage = false;
    const buzz: HostFeature = {
      name: 'buzz',
      source: 'warehouse',
      // During the outage the warehouse answers NaN (a per-artist error) for all but one artist.
      read: (asked) => new Map(asked.map((s) => [s, outage && slugs.indexOf(s) !== 0 ? Number.NaN : slugs.indexOf(s)])),
    };
    const radar = createSceneRadar({
      sources: w.sources,
      clock: fixedClock(AS_OF),
      hostFeatures: [buzz],
      config: { talent: { model: { breakout: { hostInputs: { buzz: { weight: 2, center: 0.7 } } } } } },
    });
    try {
      await radar.talent.refresh(new Date(AS_OF.getTime() - DAY));
      const term = async (): Promise<unknown> =>
        (
          await radar.talent.aggregator.buildArtistProfile(slugs[10]!, { skipCache: true })
        ).explanation.breakout.signals.find((s) => s.signal === 'buzz');
      const healthy = await term();
      outage = true;
      const report = await radar.talent.refresh(AS_OF);
      expect(report.hostFeatures.buzz).toEqual({ ok: 1, missing: 0, timeout: 0, error: 19 });
      outage = false;
      // The same value, read fine again: the same standing as against the healthy population.
      expect(await term()).toEqual(healthy);
    } finally {
      await radar.close();
    }
  });

  // Fault: a finishRefresh run again after it committed (a retried job) reports `hostFeatures: {}` and logs no
  // degradation, although the stored state says the feature failed for every artist (failedReads, by contrast,
  // are reported from the state). src/talent/talent-radar.ts:1347 (#appliedReport hard-codes `hostFeatures: {}`).
  it('a retried finishRefresh still reports the host features that failed in the refresh it committed', async () => {
    const w = world(20);
    const down: HostFeature = {
      name: 'buzz',
      source: 'warehouse',
      read: () => {
        throw new Error('warehouse down');
      },
    };
    const radar = createSceneRadar({ sources: w.sources, clock: fixedClock(AS_OF), hostFeatures: [down] });
    try {
      const plan = await radar.talent.planRefresh(AS_OF);
      await radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists });
      const finish = { refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 };
      const first = await radar.talent.finishRefresh(finish);
      expect(first.hostFeatures.buzz).toEqual({ ok: 0, missing: 0, timeout: 0, error: 20 });
      const again = await radar.talent.finishRefresh(finish);
      expect(radar.talent.lastRefreshFailedHostFeatures).toEqual({ buzz: 20 });
      const b = again.hostFeatures.buzz;
      expect(b === undefined ? 0 : b.error + b.timeout).toBe(20);
    } finally {
      await radar.close();
    }
  });
});
