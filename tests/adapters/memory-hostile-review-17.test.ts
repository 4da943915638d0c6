/**
 * Hostile review 17: the in-memory adapters (createMemorySources, createEagerDataset) and the demo
 * world (createDemoWorld). Each "fault" test asserts the documented behaviour and fails on the code
 * it was written against; the "guard" tests pin behaviour that is correct now.
 */
import { describe, expect, it } from 'vitest';
import { isSceneRadarError, type Workspace } from 'scene-radar';
import { lastCompleteDay, observedAtMs, dayStart } from '../../src/core/time.js';
import {
  createDemoWorld,
  createEagerDataset,
  createMemorySources,
  type ArtistHistory,
  type DemoWorld,
} from '../../adapters/memory/index.js';

const signal = new AbortController().signal;
const at = (iso: string): Date => new Date(iso);
const DAY = 86_400_000;

/** Every artist a listArtists walk returns, page by page. */
async function walk(w: { sources: DemoWorld['sources'] }, asOf: Date, limit: number): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await w.sources.mig.listArtists({ limit, cursor }, { asOf, signal });
    out.push(...page.items.map((a) => a.slug));
    cursor = page.nextCursor;
    if (cursor === null) return out;
  }
  throw new Error('listArtists never ended');
}

/** Everything the artist sources answer for some keys, as plain data. */
async function snapshot(sources: DemoWorld['sources'], keys: readonly string[], asOf: Date, from: Date) {
  const o = { asOf, signal, from };
  const plain = <T>(m: ReadonlyMap<string, T>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    artists: plain(await sources.mig.getArtists(keys, o)),
    networks: plain(await sources.mig.getNetworks(keys, o)),
    releases: plain(await sources.cmg.getReleases(keys, o)),
    campaigns: plain(await sources.fusion.getCampaigns(keys, o)),
    engagement: plain(await sources.fusion.getEngagement(keys, o)),
    articles: plain(await sources.coverage.getArticles(keys, o)),
    events: plain(await sources.rcf.getEvents(keys, o)),
    coherence: plain(await sources.identityKernel.getCoherence(keys, o)),
    memberships: plain(await sources.scenes.getMemberships(keys, o)),
  };
}

const END = '2025-06-30';
const ASOF = at('2025-06-30T00:00:00.000Z');

describe('hostile review 17: faults', () => {
  it('demo world: a caller editing a source answer (link, fingerprint, membership microgenres) does not change later answers', async () => {
    const w = createDemoWorld({ seed: 7, artists: 40, end: END });
    const from = at(`${w.info.start}T00:00:00.000Z`);
    const slug = w.dataset.artistSlugs().find((s) => {
      const h = w.dataset.artistHistory(s)!;
      return h.tastemakers.length > 0 && h.releases.length > 0 && h.memberships.length > 0;
    })!;
    expect(slug).toBeDefined();
    const o = { asOf: ASOF, signal, from };
    const before = structuredClone(await snapshot(w.sources, [slug], ASOF, from));

    const networks = await w.sources.mig.getNetworks([slug], o);
    const releases = await w.sources.cmg.getReleases([slug], o);
    const memberships = await w.sources.scenes.getMemberships([slug], o);
    // A caller (a host feature, a UI) edits what it was given; frozen answers would throw here.
    try {
      (networks.get(slug)!.tastemakers[0] as { weight: number }).weight = 999;
    } catch {}
    try {
      (releases.get(slug)![0]!.vector as number[])[0] = 123;
    } catch {}
    try {
      (memberships.get(slug)![0]!.microgenres as string[]).push('injected');
    } catch {}

    const after = await snapshot(w.sources, [slug], ASOF, from);
    expect(after.networks).toEqual(before.networks);
    expect(after.releases).toEqual(before.releases);
    expect(after.memberships).toEqual(before.memberships);
  });

  it('demo world: editing a getWorkspaces answer does not change the next answer (nor world.workspaces)', async () => {
    const w = createDemoWorld({ seed: 7, artists: 40, end: END });
    const id = w.workspaces[0]!.id;
    const first = await w.sources.workspaces.getWorkspaces([id], { asOf: ASOF, signal });
    const before = structuredClone(first.get(id)!);
    try {
      (first.get(id)!.roster as string[]).push('injected-artist');
    } catch {}
    try {
      (first.get(id) as { name: string }).name = 'Hijacked';
    } catch {}
    const second = await w.sources.workspaces.getWorkspaces([id], { asOf: ASOF, signal });
    expect(second.get(id)).toEqual(before);
    expect(w.workspaces[0]).toEqual(before);
  });

  it('demo world: editing the array dataset.artistSlugs() returns does not reorder or reshape listArtists', async () => {
    const w = createDemoWorld({ seed: 7, artists: 30, end: END });
    const before = await walk(w, ASOF, 10);
    try {
      (w.dataset.artistSlugs() as string[]).reverse();
    } catch {}
    try {
      (w.dataset.artistSlugs() as string[]).splice(0, 5);
    } catch {}
    expect(await walk(w, ASOF, 10)).toEqual(before);
    expect(w.dataset.artistSlugs()).toHaveLength(30);
  });

  it('demo world: editing a ground-truth answer (truth.artist, truth.summary) does not change later answers', () => {
    const w = createDemoWorld({ seed: 7, artists: 30, end: END });
    const slug = w.dataset.artistSlugs()[0]!;
    const truth = structuredClone(w.truth.artist(slug)!);
    const summary = structuredClone(w.truth.summary());
    try {
      (w.truth.artist(slug) as { career: string }).career = 'breakout-faked';
    } catch {}
    try {
      (w.truth.summary().outcomes as { brokeOut: number }).brokeOut = 1_000;
    } catch {}
    expect(w.truth.artist(slug)).toEqual(truth);
    expect(w.truth.summary()).toEqual(summary);
  });

  it('createDemoWorld: an `end` whose window starts before year 1 (0001-01-01) is refused with CONFIG_INVALID naming end', () => {
    let thrown: unknown;
    let start: string | undefined;
    try {
      start = createDemoWorld({ artists: 1, end: '0001-01-01' }).info.start;
    } catch (error) {
      thrown = error;
    }
    // Built, its start is `-000001-11`: not a YYYY-MM-DD, so every dated answer is malformed.
    expect(start ?? null).toBeNull();
    expect(isSceneRadarError(thrown) && thrown.code === 'CONFIG_INVALID').toBe(true);
    expect(String((thrown as Error | undefined)?.message)).toMatch(/end/);
  });

  it('listArtists: a cursor it never issued ("1e2", "0x1", "2abc") is refused, not read as another position', async () => {
    const w = createDemoWorld({ seed: 7, artists: 120, end: END });
    const opts = { asOf: ASOF, signal };
    // Sanity: the cursors it issues are plain indices.
    const page = await w.sources.mig.listArtists({ limit: 100 }, opts);
    expect(page.nextCursor).toBe('100');
    // parseInt reads '1e2' as 1: the "next page" would repeat artists 1-99 of the first page.
    for (const cursor of ['1e2', '0x1', '2abc'])
      await expect(w.sources.mig.listArtists({ limit: 5, cursor }, opts)).rejects.toThrow();
  });

  it('createEagerDataset: two workspaces whose ids differ only in case are refused as a duplicate id', () => {
    const ws = (id: string, name: string): Workspace => ({
      id,
      name,
      scenes: [],
      microgenres: [],
      regions: [],
      roster: [],
    });
    let thrown: unknown;
    let kept: string | undefined;
    try {
      const d = createEagerDataset({
        histories: [],
        workspaces: [
          ws('0f8fad5b-d9cb-469f-a165-70867728950e', 'Lower Label'),
          ws('0F8FAD5B-D9CB-469F-A165-70867728950E', 'Upper Label'),
        ],
      });
      kept = d.workspace('0f8fad5b-d9cb-469f-a165-70867728950e')?.name;
    } catch (error) {
      thrown = error;
    }
    // Lookups ignore case, so one of the two was silently dropped.
    expect(kept ?? null).toBeNull();
    expect(isSceneRadarError(thrown) && thrown.code === 'CONFIG_INVALID').toBe(true);
    expect(String((thrown as Error | undefined)?.message)).toMatch(/duplicate workspace id/);
  });

  it("createEagerDataset copies its input: the host's own daily-series arrays are not frozen", () => {
    const organic = [1, 2, 3];
    const paid = [0, 0, 0];
    const values = [0.9, 0.9, 0.9];
    const history: ArtistHistory = {
      record: { slug: 'artist-a', name: 'A', homeRegion: 'uk', homeCity: null, firstSeen: '2025-01-01T00:00:00Z' },
      tastemakers: [],
      collaborators: [],
      releases: [],
      campaigns: [],
      articles: [],
      events: [],
      memberships: [],
      engagement: { start: '2025-01-01', organic, paid },
      coherence: { start: '2025-01-01', values },
    };
    createEagerDataset({ histories: [history] });
    expect(Object.isFrozen(organic)).toBe(false);
    expect(Object.isFrozen(paid)).toBe(false);
    expect(Object.isFrozen(values)).toBe(false);
    expect(() => organic.push(4)).not.toThrow();
  });

  it('demo world: a workspace roster as of T names only artists known at T (no artist before its debut)', async () => {
    // Seed 10: "Concrete Bloc Music" rosters the-hazy-rooms (debut 2024-12-07) and cedar-keys (2024-11-18).
    const w = createDemoWorld({ seed: 10, artists: 60, end: END });
    const asOf = at('2024-07-01T00:00:00.000Z');
    const ids = w.workspaces.map((x) => x.id);
    const answers = await w.sources.workspaces.getWorkspaces(ids, { asOf, signal });
    const roster = [...answers.values()].flatMap((x) => x.roster);
    expect(roster.length).toBeGreaterThan(0);
    const known = await w.sources.mig.getArtists(roster, { asOf, signal });
    expect(roster.filter((s) => !known.has(s))).toEqual([]);
  });

  // KNOWN, LEFT OPEN (`it.fails`: it passes while the difference is there): giving the demo
  // artists their debut changes every demo score (career age gets a value), the golden outputs
  // and the demo backtests; left for a change that regenerates them together.
  it.fails("KNOWN, LEFT OPEN: demo world: the MIG record carries the artist's debut day the world knows (career age is not left unknown)", async () => {
    const w = createDemoWorld({ seed: 7, artists: 30, end: END });
    const slugs = w.dataset.artistSlugs();
    const records = await w.sources.mig.getArtists(slugs, { asOf: ASOF, signal });
    // The world puts firstSeen at the midnight that starts the debut day ("known from midnight of the debut day").
    const withDebut = slugs.filter((s) => records.get(s)?.debut === records.get(s)?.firstSeen.slice(0, 10));
    expect(withDebut).toEqual([...slugs]);
    const newcomer = [...w.truth.artists()].find((t) => t.debutOn !== null);
    if (newcomer) expect(records.get(newcomer.slug)?.debut).toBe(newcomer.debutOn);
  });
});

describe('hostile review 17: guards', () => {
  it('same options, same answers: two worlds, an LRU of one, and any batch composition or key order', async () => {
    const a = createDemoWorld({ seed: 11, artists: 40, end: END, historyCacheSize: 1 });
    const b = createDemoWorld({ seed: 11, artists: 40, end: END });
    const slugs = [...a.dataset.artistSlugs()];
    const asOf = at('2025-03-15T18:30:00.000Z');
    const from = new Date(asOf.getTime() - 120 * DAY);
    const full = await snapshot(a.sources, slugs, asOf, from);
    expect(await snapshot(b.sources, slugs, asOf, from)).toEqual(full);
    // Reversed order, duplicates, unknown and wrong-case keys, smaller batches: same per-key answers.
    const odd = [...slugs.slice(0, 15)].reverse();
    const partial = await snapshot(a.sources, [...odd, odd[0]!, 'no-such-artist', odd[1]!.toUpperCase()], asOf, from);
    for (const [k, v] of Object.entries(partial)) {
      expect(Object.keys(v).sort()).toEqual([...odd].sort());
      for (const [slug, answer] of Object.entries(v))
        expect(answer).toEqual((full as Record<string, Record<string, unknown>>)[k]![slug]);
    }
  });

  it('listArtists: limit 1, a page per step, and a limit beyond the total walk the same artists once, only those known at asOf', async () => {
    const w = createDemoWorld({ seed: 3, artists: 80, end: END });
    for (const asOf of [at('2024-06-10T07:00:00.000Z'), ASOF]) {
      const one = await walk(w, asOf, 1);
      const seven = await walk(w, asOf, 7);
      const all = await walk(w, asOf, 10_000);
      expect(one).toEqual(all);
      expect(seven).toEqual(all);
      expect(new Set(all).size).toBe(all.length);
      const known = await w.sources.mig.getArtists(w.dataset.artistSlugs(), { asOf, signal });
      expect(all).toEqual(w.dataset.artistSlugs().filter((s) => known.has(s)));
      for (const s of all) expect(Date.parse(known.get(s)!.firstSeen)).toBeLessThanOrEqual(asOf.getTime());
    }
    // The first as-of is inside the window: some artists debut later and are not in its universe.
    expect((await walk(w, at('2024-06-10T07:00:00.000Z'), 50)).length).toBeLessThan(80);
    const past = await w.sources.mig.listArtists({ limit: 5, cursor: '80' }, { asOf: ASOF, signal });
    expect(past).toEqual({ items: [], nextCursor: null });
    await expect(w.sources.mig.listArtists({ limit: 0 }, { asOf: ASOF, signal })).rejects.toThrow(RangeError);
    await expect(w.sources.mig.listArtists({ limit: 10_001 }, { asOf: ASOF, signal })).rejects.toThrow(RangeError);
  });

  it('as of and windows: nothing after asOf, windowed lists within [from, asOf] and oldest first, series end at the last complete day', async () => {
    const w = createDemoWorld({ seed: 5, artists: 60, end: END });
    const slugs = w.dataset.artistSlugs();
    for (const asOf of [at('2024-09-01T12:34:56.000Z'), at('2025-02-01T00:00:00.000Z')]) {
      const from = new Date(asOf.getTime() - 90 * DAY);
      const s = await snapshot(w.sources, slugs, asOf, from);
      const t = asOf.getTime();
      const last = dayStart(lastCompleteDay(t));
      for (const n of Object.values(s.networks))
        for (const l of [...n.tastemakers, ...n.collaborators]) expect(observedAtMs(l.since)).toBeLessThanOrEqual(t);
      for (const list of [...Object.values(s.events)]) {
        const times = list.map((e) => observedAtMs(e.at));
        expect(times).toEqual([...times].sort((x, y) => x - y));
        for (const x of times) expect(x >= from.getTime() && x <= t).toBe(true);
      }
      for (const list of Object.values(s.articles))
        for (const x of list) expect(observedAtMs(x.publishedAt)).toBeLessThanOrEqual(t);
      for (const list of Object.values(s.campaigns))
        for (const c of list) if (c.end !== null) expect(dayStart(c.end) + DAY).toBeLessThanOrEqual(t);
      for (const e of Object.values(s.engagement))
        if (e.organic.length > 0) expect(dayStart(e.start) + (e.organic.length - 1) * DAY).toBeLessThanOrEqual(last);
      for (const c of Object.values(s.coherence))
        if (c.values.length > 0) expect(dayStart(c.start) + (c.values.length - 1) * DAY).toBeLessThanOrEqual(last);
    }
  });

  it('the eager dataset built from the demo histories answers exactly as the lazy generator', async () => {
    const w = createDemoWorld({ seed: 7, artists: 40, end: END });
    const slugs = [...w.dataset.artistSlugs()];
    const eager = createMemorySources(
      createEagerDataset({ histories: slugs.map((s) => structuredClone(w.dataset.artistHistory(s)!)) }),
    );
    for (const asOf of [at('2024-07-01T00:00:00.000Z'), at('2025-01-15T13:00:00.000Z')]) {
      const from = new Date(asOf.getTime() - 200 * DAY);
      expect(await snapshot(eager, slugs, asOf, from)).toEqual(await snapshot(w.sources, slugs, asOf, from));
      expect(await walk({ sources: eager }, asOf, 3)).toEqual(await walk(w, asOf, 3));
    }
  });

  it('createDemoWorld options at their bounds: 1 artist works; 0, 100,001, 2.5, an offset or impossible end are CONFIG_INVALID naming the field', async () => {
    const one = createDemoWorld({ artists: 1, end: END });
    expect(one.dataset.artistSlugs()).toHaveLength(1);
    expect(await walk(one, ASOF, 1)).toHaveLength(1);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ artists: 0 }, 'artists'],
      [{ artists: 100_001 }, 'artists'],
      [{ artists: 2.5 }, 'artists'],
      [{ seed: 2 ** 60 }, 'seed'],
      [{ end: '2026-11-24T00:00:00+05:00' }, 'end'],
      [{ end: '2026-02-30' }, 'end'],
      [{ days: 364 }, 'days'],
      [{ artists: 5, unknown: 1 }, 'unknown'],
    ];
    for (const [options, field] of bad) {
      let thrown: unknown;
      try {
        createDemoWorld(options as never);
      } catch (error) {
        thrown = error;
      }
      expect(isSceneRadarError(thrown) && thrown.code === 'CONFIG_INVALID').toBe(true);
      expect((thrown as Error).message).toContain(field);
    }
  });

  it('the eager dataset freezes its own copies: an edited answer never changes the next one', async () => {
    const w = createDemoWorld({ seed: 7, artists: 10, end: END });
    const slug = w.dataset.artistSlugs().find((s) => w.dataset.artistHistory(s)!.releases.length > 0)!;
    const sources = createMemorySources(
      createEagerDataset({ histories: [structuredClone(w.dataset.artistHistory(slug)!)] }),
    );
    const o = { asOf: ASOF, signal, from: at(`${w.info.start}T00:00:00.000Z`) };
    const before = structuredClone((await sources.cmg.getReleases([slug], o)).get(slug));
    const got = (await sources.cmg.getReleases([slug], o)).get(slug)!;
    expect(() => {
      (got[0]!.vector as number[])[0] = 123;
    }).toThrow(TypeError);
    expect((await sources.cmg.getReleases([slug], o)).get(slug)).toEqual(before);
  });
});
