/**
 * An artist whose MIG read fails backs the scenes' circles with the tastemakers of its last MIG
 * read that answered (docs/scenes.md: a failing source never erases data), so the other members'
 * people scores do not change with a read that failed for someone else. Through a radar with a
 * transaction (memory stores: the staged refresh) and through stores without one (written table by
 * table).
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, type CMGAdapter, type MIGAdapter, type SceneRadar } from '../../src/index.js';
import type { ArtistNetwork, ArtistRecord, ReleaseFingerprint, TastemakerLink } from '../../src/contracts/payloads.js';
import { memoryScenesStores } from '../../src/stores.js';

const LONG_AGO = '2025-01-01T00:00:00.000Z';
const DAY = 86_400_000;
const CATALOG = {
  scenes: [
    { slug: 'indie-uk-brighton', name: 'Brighton indie', region: 'uk', city: 'brighton', microgenres: ['g-indie'] },
  ],
  microgenres: [{ slug: 'g-indie', name: 'Indie', x: null, y: null }],
};

const record = (slug: string): ArtistRecord => ({
  slug,
  name: slug,
  homeRegion: 'uk',
  homeCity: 'brighton',
  firstSeen: LONG_AGO,
});
const link = (tastemaker: string): TastemakerLink => ({ tastemaker, kind: 'blog', weight: 1, since: LONG_AGO });
const releases = (slug: string): ReleaseFingerprint[] => [
  { releaseId: `${slug}-r`, releasedAt: '2026-09-01', vector: [0.1, 0.2], microgenres: ['g-indie'] },
];

/** A world whose tastemakers, universe and failing MIG reads the test changes between refreshes. */
function world() {
  const state = {
    slugs: ['a', 'b'],
    tastemakers: new Map<string, string[]>([
      ['a', ['tm-t']],
      ['b', ['tm-t']],
    ]),
    failing: new Set<string>(),
  };
  const mig: MIGAdapter = {
    maxBatchSize: 1,
    listArtists: async () => ({ items: state.slugs.map(record), nextCursor: null }),
    getArtists: async (slugs) => new Map(slugs.filter((s) => state.slugs.includes(s)).map((s) => [s, record(s)])),
    getNetworks: async (slugs) => {
      if (slugs.some((s) => state.failing.has(s))) throw new Error(`MIG down for ${slugs.join(',')}`);
      const out = new Map<string, ArtistNetwork>();
      for (const s of slugs)
        if (state.slugs.includes(s))
          out.set(s, { tastemakers: (state.tastemakers.get(s) ?? []).map(link), collaborators: [], centrality: null });
      return out;
    },
  };
  const cmg: CMGAdapter = {
    getReleases: async (slugs) => new Map(slugs.filter((s) => state.slugs.includes(s)).map((s) => [s, releases(s)])),
  };
  return { state, sources: { mig, cmg } };
}

type Rows = Awaited<ReturnType<SceneRadar['scenes']['listMemberships']>>['items'];
const rowOf = (rows: Rows, slug: string) => rows.find((r) => r.artist_slug === slug);

for (const staged of [true, false]) {
  describe(`a failed MIG read keeps the artist's tastemakers in the circles (${staged ? 'staged, with a transaction' : 'stores without a transaction'})`, () => {
    async function setup() {
      const w = world();
      let now = Date.parse('2026-11-20T12:00:00.000Z');
      const scenes = memoryScenesStores();
      if (!staged) delete (scenes as { transaction?: unknown }).transaction;
      const radar = createSceneRadar({
        sources: w.sources,
        stores: { scenes },
        clock: { now: () => now } as never,
      });
      await radar.scenes.importCatalog(CATALOG as never);
      const refresh = async () => {
        now += DAY;
        const report = await radar.refresh(new Date(now));
        return { report, rows: (await radar.scenes.listMemberships({ limit: 100 })).items };
      };
      return { w, radar, refresh };
    }

    it("another member's people score, confidence and reasons stay as they were", async () => {
      const { w, radar, refresh } = await setup();
      try {
        const first = await refresh();
        const before = rowOf(first.rows, 'a')!;
        expect(before.people).toBeGreaterThan(0);
        w.state.failing.add('b');
        const second = await refresh();
        expect(second.report.scenes.memberships.kept).toBe(1);
        expect(second.report.scenes.memberships.sources.mig.error).toBe(1);
        const after = rowOf(second.rows, 'a')!;
        expect({ people: after.people, confidence: after.confidence, reasons: after.reasons }).toEqual({
          people: before.people,
          confidence: before.confidence,
          reasons: before.reasons,
        });
        // b's own row is kept as it was.
        expect(rowOf(second.rows, 'b')).toMatchObject({
          people: rowOf(first.rows, 'b')!.people,
          confidence: rowOf(first.rows, 'b')!.confidence,
        });
      } finally {
        await radar.close();
      }
    });

    it('what a later read that answers says replaces them: a tastemaker b no longer has stops counting for a', async () => {
      const { w, radar, refresh } = await setup();
      try {
        await refresh();
        // b's read answers with no tastemaker: tm-t backs only a now.
        w.state.tastemakers.set('b', []);
        const dropped = await refresh();
        expect(rowOf(dropped.rows, 'a')!.people).toBe(0);
        // Then b's read fails: nothing is kept from the read before (it had none), so a stays at 0.
        w.state.failing.add('b');
        const failed = await refresh();
        expect(failed.report.scenes.memberships.sources.mig.error).toBe(1);
        expect(rowOf(failed.rows, 'a')!.people).toBe(0);
      } finally {
        await radar.close();
      }
    });

    it('with no read of b that ever answered, a failed one leaves b out of the circle (nothing to keep)', async () => {
      const { w, radar, refresh } = await setup();
      try {
        w.state.failing.add('b');
        const first = await refresh();
        expect(first.report.scenes.memberships.sources.mig.error).toBe(1);
        expect(rowOf(first.rows, 'a')!.people).toBe(0);
        // Once b's read answers, its tastemaker backs the scene with a.
        w.state.failing.clear();
        const second = await refresh();
        expect(rowOf(second.rows, 'a')!.people).toBeGreaterThan(0);
      } finally {
        await radar.close();
      }
    });

    it('an artist gone from the universe and back with a failed read brings none of its old tastemakers', async () => {
      const { w, radar, refresh } = await setup();
      try {
        const first = await refresh();
        expect(rowOf(first.rows, 'a')!.people).toBeGreaterThan(0);
        w.state.slugs = ['a'];
        await refresh();
        w.state.slugs = ['a', 'b'];
        w.state.failing.add('b');
        const back = await refresh();
        expect(back.report.scenes.memberships.sources.mig.error).toBe(1);
        expect(rowOf(back.rows, 'a')!.people).toBe(0);
      } finally {
        await radar.close();
      }
    });
  });
}
