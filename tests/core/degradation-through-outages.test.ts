/**
 * Issue 12, items 2, 3 and 10: a source that fails or answers empty for one refresh must not
 * reshape results as if it had said "nothing".
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { chaosSources, mapValues } from '../helpers/chaos-kit.js';

const DAY = 86_400_000;
const END = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 150, end: '2026-11-24' });
const FAST = {
  sources: Object.fromEntries(
    ['mig', 'cmg', 'fusion', 'coverage', 'rcf', 'identityKernel', 'scenes', 'workspaces'].map((s) => [
      s,
      { timeoutMs: 2_000 },
    ]),
  ),
};

async function radarOver(
  sources: SceneRadarSources,
  at: Date,
): Promise<{ radar: SceneRadar; clock: ReturnType<typeof fixedClock> }> {
  const clock = fixedClock(at);
  const radar = createSceneRadar({ sources, clock, config: FAST });
  await radar.scenes.importCatalog(world.catalog);
  return { radar, clock };
}

async function membersByScene(radar: SceneRadar): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const s of (await radar.scenes.listScenes({ limit: 100 })).items) {
    const page = await radar.scenes.listMemberships({ sceneSlug: s.slug, limit: 10_000 });
    out.set(s.slug, new Set(page.items.map((m) => m.artist_slug)));
  }
  return out;
}

describe('membership stability', () => {
  it('CMG answering [] for one refresh drops no member; after it recovers, heat and new members match a control that never glitched', async () => {
    const t = [new Date(END.getTime() - 14 * DAY), new Date(END.getTime() - 7 * DAY), END];
    const glitch = chaosSources(world.sources);
    const control = await radarOver(world.sources, t[0]!);
    const glitchy = await radarOver(glitch.sources, t[0]!);
    for (const r of [control, glitchy]) await r.radar.scenes.refresh(t[0]);
    const before = await membersByScene(glitchy.radar);

    // One refresh in which CMG answers every artist with no releases (status ok).
    glitch.set((m) => (m === 'cmg.getReleases' ? { kind: 'rewrite', fn: mapValues(() => []) } : { kind: 'pass' }));
    for (const r of [control, glitchy]) r.clock.set(t[1]!);
    await control.radar.scenes.refresh(t[1]);
    const report = await glitchy.radar.scenes.refresh(t[1]);
    expect(report.memberships.held).toBeGreaterThan(0);
    expect(report.memberships.left).toBe(0);
    const during = await membersByScene(glitchy.radar);
    for (const [scene, members] of before)
      for (const a of members) expect(during.get(scene)!.has(a), `${a} in ${scene}`).toBe(true);

    // CMG recovers.
    glitch.set(() => ({ kind: 'pass' }));
    for (const r of [control, glitchy]) r.clock.set(t[2]!);
    await control.radar.scenes.refresh(t[2]);
    await glitchy.radar.scenes.refresh(t[2]);
    const a = await control.radar.scenes.pulse.getGlobalPulse({ limit: 100 });
    const b = await glitchy.radar.scenes.pulse.getGlobalPulse({ limit: 100 });
    const view = (g: typeof a) => g.hottest.map((p) => [p.scene_slug, p.heat, p.new_members, p.total_members]);
    expect(view(b)).toEqual(view(a));
    expect(a.hottest.length).toBeGreaterThan(3);
    for (const r of [control, glitchy]) await r.radar.close();
  });

  it('a member without evidence leaves after leaveAfterRefreshes consecutive refreshes, not before', async () => {
    const glitch = chaosSources(world.sources);
    const clock = fixedClock(END);
    const radar = createSceneRadar({
      sources: glitch.sources,
      clock,
      config: { ...FAST, scenes: { membership: { leaveAfterRefreshes: 2 } } },
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(END);
    const total = async () => [...(await membersByScene(radar)).values()].reduce((n, s) => n + s.size, 0);
    const start = await total();
    glitch.set((m) => (m === 'cmg.getReleases' ? { kind: 'rewrite', fn: mapValues(() => []) } : { kind: 'pass' }));
    const first = await radar.scenes.refresh(END);
    expect(first.memberships.left).toBe(0);
    expect(await total()).toBe(start);
    const second = await radar.scenes.refresh(END);
    expect(second.memberships.left).toBeGreaterThan(0);
    expect(await total()).toBeLessThan(start);
    await radar.close();
  });
});

describe('leaving the universe', () => {
  it('an artist no longer listed by MIG leaves its scenes after leaveAfterRefreshes refreshes (held until then), never staying for ever', async () => {
    let gone: string | undefined;
    const chaos = chaosSources(world.sources, (m) =>
      m === 'mig.listArtists' && gone
        ? {
            kind: 'rewrite',
            fn: (page) => ({
              ...(page as object),
              items: (page as { items: Array<{ slug: string }> }).items.filter((a) => a.slug !== gone),
            }),
          }
        : { kind: 'pass' },
    );
    const { radar } = await radarOver(chaos.sources, END);
    await radar.scenes.refresh(END);
    const [member] = (
      await radar.scenes.listMemberships({
        sceneSlug: (await radar.scenes.listScenes({ limit: 1 })).items[0]!.slug,
        limit: 1,
      })
    ).items;
    gone = member!.artist_slug;
    const held = (await radar.scenes.listMemberships({ artistSlug: gone })).total;
    for (let i = 1; i < radar.config.scenes.membership.leaveAfterRefreshes; i++) {
      const report = await radar.scenes.refresh(END);
      expect(report.memberships.left).toBe(0);
      expect((await radar.scenes.listMemberships({ artistSlug: gone })).total).toBe(held);
    }
    const report = await radar.scenes.refresh(END);
    expect(report.memberships.left).toBeGreaterThan(0);
    expect((await radar.scenes.listMemberships({ artistSlug: gone })).total).toBe(0);
    await radar.close();
  });
});

describe('talent lists through an outage', () => {
  it('Fusion rejecting every call for one refresh keeps the lists as they were, and every list says so with counts', async () => {
    const big = createDemoWorld({ artists: 300, end: '2026-11-24' });
    const at = [new Date(END.getTime() - 7 * DAY), END];
    const chaos = chaosSources(big.sources);
    const clock = fixedClock(at[0]!);
    const radar = createSceneRadar({ sources: chaos.sources, clock, config: FAST });
    await radar.scenes.importCatalog(big.catalog);
    await radar.refresh(at[0]);
    const before = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
    expect(before.meta.stale).toEqual({ records: 0, oldestAsOf: null });

    chaos.set((m) =>
      m.startsWith('fusion.') ? { kind: 'reject', value: new Error('Fusion is down') } : { kind: 'pass' },
    );
    clock.set(at[1]!);
    const report = await radar.refresh(at[1]);
    expect(report.talent.failedReads.fusion).toBe(report.talent.artists);
    const during = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
    // The numbers shown are the last good ones, not a recomputation as if Fusion had said "nothing".
    expect(during.summary.highBreakoutCount).toBe(before.summary.highBreakoutCount);
    expect(during.summary.highRiskCount).toBe(before.summary.highRiskCount);
    // Every list as it was (at least one is not empty, so the comparison says something).
    const lists = (p: typeof before) =>
      [p.topRisingArtists, p.topBreakoutCandidates, p.artistsAtRisk].map((l) =>
        l.map((a) => [a.artist_slug, a.momentum, a.breakout_score, a.risk_score]),
      );
    expect(lists(before).flat().length).toBeGreaterThan(0);
    expect(lists(during)).toEqual(lists(before));
    // And the lists say where their data came from: how many records are old, which source failed.
    expect(during.meta.stale.records).toBe(during.summary.totalArtistsTracked);
    expect(during.meta.stale.oldestAsOf).toBe(at[0]!.toISOString());
    expect(during.meta.failedReads.fusion).toBe(report.talent.artists);
    expect(during.meta.degraded.join('\n')).toMatch(
      /kept from an earlier refresh[\s\S]*fusion: reads failed for 300 artists/,
    );
    const top = await radar.readOnly.getTopArtists({ category: 'breakout', limit: 5 });
    expect(top.meta.stale.records).toBeGreaterThan(0);
    expect(top.meta.failedReads.fusion).toBe(300);
    // Scene recommendations say which scenes they left out (heat unknown) instead of ranking the rest as if complete.
    const recs = await radar.scenes.recommendScenes();
    expect(recs.stored).toBe(false);
    expect(recs.notes.join('\n')).toMatch(/scenes are left out: their pulse is unavailable/);
    // A refresh that cannot even walk the universe shows too: every record is older than it.
    chaos.set((m) =>
      m === 'mig.listArtists' ? { kind: 'reject', value: new Error('MIG is down') } : { kind: 'pass' },
    );
    const later = new Date(END.getTime() + DAY);
    clock.set(later);
    expect((await radar.refresh(later)).talent.universe).toBe('error');
    const after = await radar.talent.aggregator.getTopArtists({ category: 'breakout', limit: 5 });
    // The records behind the list (every tracked artist's, whether or not one qualifies for it).
    const tracked = (await radar.talent.aggregator.buildGlobalPulse({ limit: 5 })).summary.totalArtistsTracked;
    expect(tracked).toBeGreaterThan(0);
    expect(after.meta.stale.records).toBe(tracked);
    expect(after.meta.degraded.join('\n')).toMatch(
      /could not read the artist universe \(error: MIG listArtists failed/,
    );
    clock.set(at[1]!);
    chaos.set((m) =>
      m.startsWith('fusion.') ? { kind: 'reject', value: new Error('Fusion is down') } : { kind: 'pass' },
    );
    // A profile read while Fusion is down names the failure instead of passing for a measurement.
    const slug = [...before.topBreakoutCandidates, ...before.topRisingArtists, ...before.artistsAtRisk][0]!.artist_slug;
    const profile = await radar.talent.aggregator.buildArtistProfile(slug).then(
      (p) => p.explanation.sources.engagement.status,
      (e: unknown) => (e as { code?: string }).code,
    );
    // Its events may still carry a (degraded, Fusion named) profile; without them it is SOURCES_UNAVAILABLE.
    expect(['error', 'SOURCES_UNAVAILABLE']).toContain(profile);
    await radar.close();
  }, 60_000);
});

describe('a short universe', () => {
  it('MIG listing no artist for one refresh (status ok) drops no membership and no record; they come back intact', async () => {
    let empty = false;
    const chaos = chaosSources(world.sources, (m) =>
      m === 'mig.listArtists' && empty
        ? { kind: 'rewrite', fn: (page) => ({ ...(page as object), items: [], nextCursor: null }) }
        : { kind: 'pass' },
    );
    const { radar } = await radarOver(chaos.sources, END);
    await radar.refresh(END);
    const members = async () => [...(await membersByScene(radar)).values()].reduce((n, s) => n + s.size, 0);
    const before = {
      members: await members(),
      tracked: (await radar.talent.aggregator.buildGlobalPulse()).summary.totalArtistsTracked,
    };
    expect(before.tracked).toBeGreaterThan(0);
    empty = true;
    const report = await radar.refresh(END);
    expect(report.scenes.memberships.left).toBe(0);
    expect(report.talent.absent).toBe(before.tracked);
    expect(await members()).toBe(before.members);
    const during = await radar.talent.aggregator.buildGlobalPulse({ skipCache: true });
    expect(during.summary.totalArtistsTracked).toBe(before.tracked);
    empty = false;
    await radar.refresh(END);
    expect(await members()).toBe(before.members);
    await radar.close();
  });
});

describe('calibration through an outage', () => {
  it('calibrate() with its activity sources down says the sources failed (SOURCES_UNAVAILABLE), not "insufficient data"', async () => {
    const chaos = chaosSources(world.sources, (m) =>
      m === 'fusion.getEngagement' || m === 'rcf.getEvents'
        ? { kind: 'reject', value: new Error('down') }
        : { kind: 'pass' },
    );
    const { radar } = await radarOver(chaos.sources, END);
    const page = await world.sources.mig.listArtists(
      { cursor: null, limit: 40 },
      { asOf: END, signal: new AbortController().signal },
    );
    const outcomes = page.items.map((a, i) => ({
      artistSlug: a.slug,
      asOf: new Date(END.getTime() - 30 * DAY),
      label: i % 3 === 0,
    }));
    await expect(radar.talent.calibrate(outcomes)).rejects.toMatchObject({
      code: 'SOURCES_UNAVAILABLE',
      message: expect.stringMatching(/40 of the 40 outcomes were skipped because their activity sources failed/),
    });
    await radar.close();
  });
});
