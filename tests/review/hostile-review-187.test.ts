/**
 * Hostile review 187: commit 618c3d8 (the Scenes Engine keeps each artist's tastemakers from its
 * last MIG read that answered, `KnownTastemakers`, and backs the cores' circles with them when
 * that artist's MIG read fails). docs/scenes.md: "If an artist's MIG or CMG read fails or times
 * out, its previous memberships are kept unchanged: a failing source never erases data. [...] an
 * artist whose MIG read failed backs the cores' circles with the tastemakers its last MIG read that
 * answered gave", and memberships see nothing known only after the refresh instant.
 *
 * The two tests marked FIXED were faults of 618c3d8 (expected failures, 3 runs of 3): a refresh
 * without a transaction that failed left its reads in the engine, and a radar kept tastemakers
 * older than the reads behind memberships another radar had stored since. Fixed in the next commit.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, type CMGAdapter, type MIGAdapter, type SceneRadar } from '../../src/index.js';
import type { ArtistNetwork, ArtistRecord, ReleaseFingerprint, TastemakerLink } from '../../src/contracts/payloads.js';
import { memoryScenesStores } from '../../src/stores.js';

const LONG_AGO = '2025-01-01T00:00:00.000Z';
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
const link = (tastemaker: string, since = LONG_AGO): TastemakerLink => ({ tastemaker, kind: 'blog', weight: 1, since });
const releases = (slug: string): ReleaseFingerprint[] => [
  { releaseId: `${slug}-r`, releasedAt: '2026-09-01', vector: [0.1, 0.2], microgenres: ['g-indie'] },
];

/** Sources whose links, universe and failing MIG reads a test changes between refreshes. */
function world() {
  const state = {
    slugs: ['a', 'b'],
    links: new Map<string, TastemakerLink[]>([
      ['a', [link('tm-t')]],
      ['b', [link('tm-t')]],
    ]),
    failing: new Set<string>(),
    /** Called when a network read of these slugs answers. */
    onNetworks: (_slugs: readonly string[]) => {},
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
          out.set(s, { tastemakers: [...(state.links.get(s) ?? [])], collaborators: [], centrality: null });
      state.onNetworks(slugs);
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

function radarOn(
  sources: ReturnType<typeof world>['sources'],
  scenes: ReturnType<typeof memoryScenesStores>,
  clock: { ms: number },
): SceneRadar {
  return createSceneRadar({ sources, stores: { scenes }, clock: { now: () => clock.ms } as never });
}

async function refreshAt(radar: SceneRadar, clock: { ms: number }, iso: string) {
  clock.ms = Math.max(clock.ms, Date.parse(iso));
  const report = await radar.refresh(new Date(iso));
  return { report, rows: (await radar.scenes.listMemberships({ limit: 100 })).items };
}

describe('kept tastemakers and the refresh instant (stores without a transaction)', () => {
  /**
   * T1: b has no tastemaker. T2: b's read answers with tm-t (a link since 2026-11-23T00:00Z) but
   * the refresh fails before it writes anything (the memberships table cannot be read). The
   * tables, and the state row, still say T1, so a refresh as of T1.5 (2026-11-22T12:00Z, before
   * the link) is allowed; in it b's MIG read fails.
   */
  async function scenario(withFailedT2: boolean) {
    const w = world();
    w.state.links.set('b', []);
    const clock = { ms: Date.parse('2026-11-21T12:00:00.000Z') };
    const scenes = memoryScenesStores();
    delete (scenes as { transaction?: unknown }).transaction;
    const memberships = scenes.scene_memberships;
    const scan = memberships.scan.bind(memberships);
    let broken = false;
    (memberships as { scan: unknown }).scan = (...args: Parameters<typeof scan>) => {
      if (broken) return Promise.reject(new Error('memberships table unreadable'));
      return scan(...args);
    };
    const radar = radarOn(w.sources, scenes, clock);
    await radar.scenes.importCatalog(CATALOG as never);
    try {
      const first = await refreshAt(radar, clock, '2026-11-21T12:00:00.000Z');
      expect(rowOf(first.rows, 'a')!.people).toBe(0);
      if (withFailedT2) {
        w.state.links.set('b', [link('tm-t', '2026-11-23T00:00:00.000Z')]);
        // Once b's network read has answered, the table breaks (before anything is written).
        w.state.onNetworks = (slugs) => {
          if (slugs.includes('b')) broken = true;
        };
        await expect(refreshAt(radar, clock, '2026-11-23T12:00:00.000Z')).rejects.toThrow();
        broken = false;
        w.state.onNetworks = () => {};
      }
      // As of T1.5 the link of b to tm-t is not known yet; b's read fails anyway.
      w.state.failing.add('b');
      const mid = await refreshAt(radar, clock, '2026-11-22T12:00:00.000Z');
      expect(mid.report.scenes.memberships.sources.mig.error).toBe(1);
      return rowOf(mid.rows, 'a')!;
    } finally {
      await radar.close();
    }
  }

  it('without the failed refresh in between, a is backed by nobody as of T1.5 (control)', async () => {
    // b's only answered read (T1) gave no tastemaker: nothing backs a with b.
    const a = await scenario(false);
    expect(a.people).toBe(0);
  });

  // Fixed in the commit after 618c3d8: the engine keeps a refresh's tastemakers only once its state row is written.
  it('FIXED: a refresh that failed before writing no longer leaks a link known only after a later refresh instant into its circles', async () => {
    // Expected: memberships as of T1.5 see no link dated after T1.5 (knownLinks; "links known only
    // after the refresh instant do not count yet"), and the refresh at T2 failed before writing
    // anything, so the tables are as of T1: a's people score is 0, as in the control above.
    // What happens: the refresh at T2 updated the engine's kept tastemakers in place (the
    // transaction-less path passes `this.#tastemakers` itself), so b's failed read at T1.5 backs
    // the circle with tm-t, a link since 2026-11-23: a's people score rises above 0.
    const a = await scenario(true);
    expect(a.people).toBe(0);
  });
});

describe('two radars over the same stores (staged, with a transaction)', () => {
  // Fixed in the commit after 618c3d8: kept tastemakers are used only over the memberships they were kept with.
  it("FIXED: a radar's kept tastemakers no longer go stale when another radar's refresh read the artist since", async () => {
    // Expected: the other members' people scores do not change with b's failed read: they stay as
    // the last refresh that read b (radar 2's, at T2, in which b had no tastemaker) left them: a's
    // people 0. What happens: radar 1 backs the circle with what its own read at T1 gave (tm-t),
    // older than the read the tables hold, so a's people score jumps back above 0 because b's
    // read failed.
    const w = world();
    const clock = { ms: Date.parse('2026-11-21T12:00:00.000Z') };
    const scenes = memoryScenesStores();
    const one = radarOn(w.sources, scenes, clock);
    const two = radarOn(w.sources, scenes, clock);
    await one.scenes.importCatalog(CATALOG as never);
    try {
      const t1 = await refreshAt(one, clock, '2026-11-21T12:00:00.000Z');
      expect(rowOf(t1.rows, 'a')!.people).toBeGreaterThan(0);
      // b drops tm-t; radar 2 reads it.
      w.state.links.set('b', []);
      const t2 = await refreshAt(two, clock, '2026-11-22T12:00:00.000Z');
      expect(rowOf(t2.rows, 'a')!.people).toBe(0);
      // Radar 1 refreshes with b's read failing.
      w.state.failing.add('b');
      const t3 = await refreshAt(one, clock, '2026-11-23T12:00:00.000Z');
      expect(t3.report.scenes.memberships.sources.mig.error).toBe(1);
      expect(rowOf(t3.rows, 'a')!.people).toBe(0);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

for (const staged of [true, false]) {
  describe(`behaviour kept right (${staged ? 'staged' : 'without a transaction'})`, () => {
    async function setup() {
      const w = world();
      const clock = { ms: Date.parse('2026-11-21T12:00:00.000Z') };
      const scenes = memoryScenesStores();
      if (!staged) delete (scenes as { transaction?: unknown }).transaction;
      const radar = radarOn(w.sources, scenes, clock);
      await radar.scenes.importCatalog(CATALOG as never);
      return { w, radar, clock };
    }

    it("b's read answering missing drops its kept tastemakers: a later failed read brings none back", async () => {
      // A read that answered "missing" is a read that answered: b has no tastemaker then, so a
      // later failed read keeps none (a's people 0, as after the missing read).
      const { w, radar, clock } = await setup();
      try {
        const t1 = await refreshAt(radar, clock, '2026-11-21T12:00:00.000Z');
        expect(rowOf(t1.rows, 'a')!.people).toBeGreaterThan(0);
        // b's network is missing (MIG answers without it), b still in the universe.
        const getNetworks = w.sources.mig.getNetworks;
        (w.sources.mig as { getNetworks: unknown }).getNetworks = async (
          slugs: readonly string[],
          o: Parameters<typeof getNetworks>[1],
        ) => {
          const out = new Map(await getNetworks(slugs, o));
          out.delete('b');
          return out;
        };
        const t2 = await refreshAt(radar, clock, '2026-11-22T12:00:00.000Z');
        expect(rowOf(t2.rows, 'a')!.people).toBe(0);
        (w.sources.mig as { getNetworks: unknown }).getNetworks = getNetworks;
        w.state.failing.add('b');
        const t3 = await refreshAt(radar, clock, '2026-11-23T12:00:00.000Z');
        expect(t3.report.scenes.memberships.sources.mig.error).toBe(1);
        expect(rowOf(t3.rows, 'a')!.people).toBe(0);
      } finally {
        await radar.close();
      }
    });

    it('a refresh whose universe failed keeps the tastemakers for the next failed read', async () => {
      // The universe failing changes nothing: b's read at T1 is still its last that answered.
      const { w, radar, clock } = await setup();
      try {
        const t1 = await refreshAt(radar, clock, '2026-11-21T12:00:00.000Z');
        const before = rowOf(t1.rows, 'a')!.people;
        expect(before).toBeGreaterThan(0);
        const listArtists = w.sources.mig.listArtists;
        (w.sources.mig as { listArtists: unknown }).listArtists = async () => {
          throw new Error('universe down');
        };
        await refreshAt(radar, clock, '2026-11-22T12:00:00.000Z');
        (w.sources.mig as { listArtists: unknown }).listArtists = listArtists;
        w.state.failing.add('b');
        const t3 = await refreshAt(radar, clock, '2026-11-23T12:00:00.000Z');
        expect(t3.report.scenes.memberships.sources.mig.error).toBe(1);
        expect(rowOf(t3.rows, 'a')!.people).toBe(before);
      } finally {
        await radar.close();
      }
    });
  });
}

describe('more behaviour kept right', () => {
  it("a staged refresh whose commit fails leaves none of its reads' tastemakers in the engine", async () => {
    const w = world();
    const clock = { ms: Date.parse('2026-11-21T12:00:00.000Z') };
    const scenes = memoryScenesStores();
    const radar = radarOn(w.sources, scenes, clock);
    await radar.scenes.importCatalog(CATALOG as never);
    try {
      const t1 = await refreshAt(radar, clock, '2026-11-21T12:00:00.000Z');
      const before = rowOf(t1.rows, 'a')!.people;
      expect(before).toBeGreaterThan(0);
      // b answers with no tastemaker, but the commit fails: nothing of that refresh stands.
      w.state.links.set('b', []);
      type Tx = (fn: (tx: unknown) => Promise<unknown>) => Promise<unknown>;
      const s = scenes as unknown as { transaction: Tx };
      const transaction = s.transaction.bind(scenes);
      let failNext = true;
      s.transaction = async (fn) => {
        if (!failNext) return transaction(fn);
        failNext = false;
        throw new Error('commit down');
      };
      await expect(refreshAt(radar, clock, '2026-11-22T12:00:00.000Z')).rejects.toThrow();
      w.state.failing.add('b');
      const t3 = await refreshAt(radar, clock, '2026-11-23T12:00:00.000Z');
      expect(t3.report.scenes.memberships.sources.mig.error).toBe(1);
      expect(rowOf(t3.rows, 'a')!.people).toBe(before);
    } finally {
      await radar.close();
    }
  });

  for (const staged of [true, false]) {
    it(`links dated after the refresh instant are not kept for a later failed read (${staged ? 'staged' : 'no transaction'})`, async () => {
      const w = world();
      w.state.links.set('b', [link('tm-t', '2027-12-01T00:00:00.000Z')]);
      const clock = { ms: Date.parse('2026-11-21T12:00:00.000Z') };
      const scenes = memoryScenesStores();
      if (!staged) delete (scenes as { transaction?: unknown }).transaction;
      const radar = radarOn(w.sources, scenes, clock);
      await radar.scenes.importCatalog(CATALOG as never);
      try {
        const t1 = await refreshAt(radar, clock, '2026-11-21T12:00:00.000Z');
        expect(rowOf(t1.rows, 'a')!.people).toBe(0);
        w.state.failing.add('b');
        const t2 = await refreshAt(radar, clock, '2026-11-22T12:00:00.000Z');
        expect(t2.report.scenes.memberships.sources.mig.error).toBe(1);
        expect(rowOf(t2.rows, 'a')!.people).toBe(0);
      } finally {
        await radar.close();
      }
    });

    it(`a trend backfill or a refused refresh between refreshes changes nothing kept (${staged ? 'staged' : 'no transaction'})`, async () => {
      const w = world();
      const clock = { ms: Date.parse('2026-11-21T12:00:00.000Z') };
      const scenes = memoryScenesStores();
      if (!staged) delete (scenes as { transaction?: unknown }).transaction;
      const radar = radarOn(w.sources, scenes, clock);
      await radar.scenes.importCatalog(CATALOG as never);
      try {
        const t1 = await refreshAt(radar, clock, '2026-11-21T12:00:00.000Z');
        const before = rowOf(t1.rows, 'a')!.people;
        expect(before).toBeGreaterThan(0);
        // The backfill's replays (and a refused refresh) read b with no tastemaker.
        w.state.links.set('b', []);
        await radar.scenes.backfillTrends({ from: '2026-11-15', membershipEveryDays: 1 });
        await expect(radar.refresh(new Date('2026-10-01T00:00:00.000Z'))).rejects.toThrow();
        w.state.links.set('b', [link('tm-t')]);
        w.state.failing.add('b');
        const t2 = await refreshAt(radar, clock, '2026-11-22T12:00:00.000Z');
        expect(t2.report.scenes.memberships.sources.mig.error).toBe(1);
        expect(rowOf(t2.rows, 'a')!.people).toBe(before);
      } finally {
        await radar.close();
      }
    });
  }
});
