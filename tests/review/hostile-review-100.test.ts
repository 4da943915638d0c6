/**
 * Hostile review 100: reading lists page by page, as a host's UI or an A&R product does, while
 * refreshes happen. `listScenes`, `listMicrogenres`, `listMemberships` (offset paging), the Talent
 * top lists and workspace recommendations (a prefix read by a growing `limit`: the dashboard's
 * top list asks `limit = page x size`), the global scene pulse (the dashboard's "Scenes by heat"
 * pages it the same way), and the HTTP routes that serve them.
 *
 * Held to: docs/http-api.md (routes, ranges, "Query strings are coerced the way people write
 * them", "Envelopes and codes"), docs/scenes.md ("pages by slug", "strongest first"), docs/scoring.md
 * section 7 ("ties keep the earlier record", `total`), section 9 ("Equal scores are ordered by
 * slug"), the `ResultMeta.asOf` TSDoc ("The instant the underlying records are as of (the last
 * refresh)"), the memory stores' TSDoc (a transaction is applied "in one synchronous step, so a
 * reader sees all of it or none"), and the seed's limits (scenes 1-100, memberships 10,000,
 * artists 1-100) and error codes.
 *
 * No fault was found in this area: every test here passes and pins behaviour found correct.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createFetchHandler } from 'scene-radar/api';
import { createDemoWorld, type DemoWorld } from 'scene-radar/adapters/memory';

const T1 = '2026-06-10T12:00:00.000Z';
const T2 = '2026-06-20T12:00:00.000Z';
const T3 = '2026-06-25T12:00:00.000Z';

interface Envelope {
  readonly ok: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: JSON read back from the handler
  readonly data?: any;
  readonly error?: { readonly code: string; readonly details?: readonly { readonly path: readonly unknown[] }[] };
}

type Get = (path: string) => Promise<{ status: number; body: Envelope }>;

function getter(radar: SceneRadar): Get {
  const handler = createFetchHandler(radar);
  return async (path) => {
    const response = await handler(new Request(`http://x/api${path}`));
    return { status: response.status, body: (await response.json()) as Envelope };
  };
}

/** Every item of an offset-paged route, walked `limit` at a time, `between` run before each page. */
async function walk(
  get: Get,
  path: string,
  limit: number,
  key: (item: Record<string, unknown>) => string,
  between: (page: number) => Promise<void> = async () => undefined,
): Promise<{ keys: string[]; totals: number[] }> {
  const keys: string[] = [];
  const totals: number[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let offset = 0, page = 0; page < 1000; page++) {
    await between(page);
    const { status, body } = await get(`${path}${sep}limit=${limit}&offset=${offset}`);
    expect(status).toBe(200);
    expect(body.data.limit).toBe(limit);
    expect(body.data.offset).toBe(offset);
    totals.push(body.data.total);
    keys.push(...body.data.items.map(key));
    offset += limit;
    if (offset >= body.data.total) break;
  }
  return { keys, totals };
}

describe('a demo world read page by page', () => {
  let world: DemoWorld;
  let radar: SceneRadar;
  let clock: ReturnType<typeof fixedClock>;
  let get: Get;

  beforeAll(async () => {
    world = createDemoWorld({ seed: 7, artists: 60, end: '2026-06-30' });
    clock = fixedClock(T1);
    radar = createSceneRadar({ sources: world.sources, clock });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(T1));
    get = getter(radar);
  });

  it('scenes and microgenres page by slug: every row once, totals steady, even with refreshes between pages', async () => {
    const slugs = world.catalog.scenes.map((s) => s.slug).sort();
    let at = Date.parse(T1);
    const refreshBetween = async (page: number): Promise<void> => {
      if (page === 0 || page > 2) return;
      at += 86_400_000;
      clock.set(at);
      await radar.refresh(new Date(at));
    };
    const scenes = await walk(get, '/scenes', 7, (s) => String(s.slug), refreshBetween);
    expect(scenes.keys).toEqual(slugs);
    expect(new Set(scenes.totals)).toEqual(new Set([slugs.length]));
    const genres = world.catalog.microgenres.map((m) => m.slug).sort();
    const micro = await walk(get, '/microgenres', 30, (m) => String(m.slug));
    expect(micro.keys).toEqual(genres);
    expect(new Set(micro.totals)).toEqual(new Set([genres.length]));
    // A region filter pages the region's scenes only, its total the region's count.
    const us = slugs.filter((s) => world.catalog.scenes.find((c) => c.slug === s)?.region === 'us');
    const region = await walk(get, '/scenes?region=us', 4, (s) => String(s.slug));
    expect(region.keys).toEqual(us);
    expect(new Set(region.totals)).toEqual(new Set([us.length]));
  });

  it("a scene's memberships page strongest first, ties by artist slug, the pages making up the whole list", async () => {
    const all = await radar.scenes.listMemberships({ limit: 10_000 });
    const counts = new Map<string, number>();
    for (const m of all.items) counts.set(m.scene_slug, (counts.get(m.scene_slug) ?? 0) + 1);
    const [scene] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    const whole = await radar.scenes.listMemberships({ sceneSlug: scene, limit: 10_000 });
    for (let i = 1; i < whole.items.length; i++) {
      const [a, b] = [whole.items[i - 1]!, whole.items[i]!];
      expect(a.confidence > b.confidence || (a.confidence === b.confidence && a.artist_slug < b.artist_slug)).toBe(
        true,
      );
    }
    const paged = await walk(get, `/scenes/${scene}/memberships`, 2, (m) => String(m.artist_slug));
    expect(paged.keys).toEqual(whole.items.map((m) => m.artist_slug));
    expect(new Set(paged.totals)).toEqual(new Set([whole.total]));
    // Past the end: a well-formed empty page that still says the total.
    const past = await get(`/scenes/${scene}/memberships?offset=${whole.total + 50}`);
    expect(past.status).toBe(200);
    expect(past.body.data).toEqual({ items: [], total: whole.total, limit: 100, offset: whole.total + 50 });
    const unknown = await get('/scenes/no-such-scene/memberships?offset=5');
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'SCENES_NOT_FOUND']);
  });

  it('top lists and workspace recommendations: a smaller limit is a prefix of a larger one (the dashboard pages this way)', async () => {
    for (const category of ['rising', 'risk', 'breakout'] as const) {
      const full = (await get(`/talent/top?category=${category}&limit=100`)).body.data;
      for (let k = 1; k <= full.artists.length; k++) {
        const part = (await get(`/talent/top?category=${category}&limit=${k}`)).body.data;
        expect(part.total).toBe(full.total);
        expect(part.meta.asOf).toBe(full.meta.asOf);
        expect(part.artists).toEqual(full.artists.slice(0, k));
      }
    }
    for (const ws of world.workspaces) {
      const full = (await get(`/talent/recommendations?workspaceId=${ws.id}&limit=100`)).body.data;
      for (let i = 1; i < full.recommendations.length; i++) {
        const [a, b] = [full.recommendations[i - 1], full.recommendations[i]];
        expect(a.score > b.score || (a.score === b.score && a.artist_slug < b.artist_slug)).toBe(true);
      }
      for (let k = 1; k <= full.recommendations.length; k++) {
        const part = (await get(`/talent/recommendations?workspaceId=${ws.id}&limit=${k}`)).body.data;
        expect(part.recommendations.map((r: { artist_slug: string }) => r.artist_slug)).toEqual(
          full.recommendations.slice(0, k).map((r: { artist_slug: string }) => r.artist_slug),
        );
      }
    }
  });

  it('the heat ranking pages without overlap although many scenes tie (heat 0): ties keep catalog order', async () => {
    const full = (await get('/scene-pulse?limit=100')).body.data;
    const heats: number[] = full.hottest.map((p: { heat: number }) => p.heat);
    expect(new Set(heats).size).toBeLessThan(heats.length);
    for (const k of [1, 11, 21, 41, 61, heats.length]) {
      const part = (await get(`/scene-pulse?limit=${k}`)).body.data;
      expect(part.hottest.map((p: { scene_slug: string }) => p.scene_slug)).toEqual(
        full.hottest.slice(0, k).map((p: { scene_slug: string }) => p.scene_slug),
      );
    }
    for (let i = 1; i < full.hottest.length; i++) {
      const [a, b] = [full.hottest[i - 1], full.hottest[i]];
      if (a.heat === b.heat) expect(a.scene_slug < b.scene_slug).toBe(true);
    }
  });

  it("a refresh between two pages of a top list shows in meta.asOf, and no page is served from the previous refresh's cache", async () => {
    const before = (await get('/talent/top?category=risk&limit=5')).body.data;
    clock.set(Date.parse(T3));
    await radar.refresh(new Date(T3));
    const page2 = (await get('/talent/top?category=risk&limit=10')).body.data;
    const page1Again = (await get('/talent/top?category=risk&limit=5')).body.data;
    expect(before.meta.asOf).not.toBe(page2.meta.asOf);
    expect(page2.meta.asOf).toBe(T3);
    expect(page1Again.meta.asOf).toBe(T3);
    expect(page1Again.artists).toEqual(page2.artists.slice(0, 5));
  });
});

describe('reads during a refresh see the tables before it or after it, never half of it', () => {
  it('memberships pages and top lists polled while a refresh runs', async () => {
    const world = createDemoWorld({ seed: 11, artists: 50, end: '2026-06-30' });
    const clock = fixedClock(T1);
    const radar = createSceneRadar({ sources: world.sources, clock });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(T1));
    const get = getter(radar);
    const snap = async (): Promise<string> => {
      const m = await radar.scenes.listMemberships({ limit: 10_000 });
      expect(m.items.length).toBe(m.total);
      return JSON.stringify(m.items.map((r) => [r.scene_slug, r.artist_slug, r.confidence, r.as_of]));
    };
    const before = await snap();
    clock.set(Date.parse(T2));
    const refresh = radar.refresh(new Date(T2));
    let done = false;
    void refresh.then(() => {
      done = true;
    });
    const seen = new Set<string>();
    const asOfs = new Set<string>();
    while (!done) {
      seen.add(await snap());
      const top = (await get('/talent/top?category=risk&limit=100')).body.data;
      expect(top.artists.length).toBe(Math.min(100, top.total));
      asOfs.add(top.meta.asOf);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await refresh;
    const after = await snap();
    for (const s of seen) expect([before, after]).toContain(s);
    for (const a of asOfs) expect([T1, T2]).toContain(a);
  });
});

describe('bad paging parameters: the seed code and status, or a well-formed page', () => {
  let get: Get;
  let capped: Get;
  let scene: string;
  let workspace: string;

  beforeAll(async () => {
    const world = createDemoWorld({ seed: 3, artists: 40, end: '2026-06-30' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(T1) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(T1));
    get = getter(radar);
    scene = (await radar.scenes.listMemberships({ limit: 1 })).items[0]!.scene_slug;
    workspace = world.workspaces[0]!.id;
    const small = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(T1),
      config: { scenes: { maxScenesPerQuery: 7, maxMembershipsPerQuery: 3 }, talent: { maxArtistsPerQuery: 2 } },
    });
    await small.scenes.importCatalog(world.catalog);
    await small.refresh(new Date(T1));
    capped = getter(small);
  });

  it.each([
    ['/scenes?limit=0', 'SCENES_VALIDATION_ERROR', 'limit'],
    ['/scenes?limit=101', 'SCENES_VALIDATION_ERROR', 'limit'],
    ['/scenes?limit=1.5', 'SCENES_VALIDATION_ERROR', 'limit'],
    ['/scenes?limit=-1', 'SCENES_VALIDATION_ERROR', 'limit'],
    ['/scenes?offset=-1', 'SCENES_VALIDATION_ERROR', 'offset'],
    ['/scenes?offset=-0', 'SCENES_VALIDATION_ERROR', 'offset'],
    ['/scenes?offset=2.5', 'SCENES_VALIDATION_ERROR', 'offset'],
    ['/scenes?offset=1e3', 'SCENES_VALIDATION_ERROR', 'offset'],
    ['/scenes?offset=99999999999999999999999', 'SCENES_VALIDATION_ERROR', 'offset'],
    ['/scenes?limit=1&limit=2', 'SCENES_VALIDATION_ERROR', 'limit'],
    ['/scenes?offset=0&offset=0', 'SCENES_VALIDATION_ERROR', 'offset'],
    ['/scenes?cursor=abc', 'SCENES_VALIDATION_ERROR', 'cursor'],
    ['/microgenres?limit=101', 'SCENES_VALIDATION_ERROR', 'limit'],
    ['/scene-pulse?limit=101', 'SCENES_VALIDATION_ERROR', 'limit'],
    ['/talent/top?limit=101', 'TALENT_VALIDATION_ERROR', 'limit'],
    ['/talent/top?offset=20', 'TALENT_VALIDATION_ERROR', 'offset'],
    ['/talent/top?category=rising&category=risk', 'TALENT_VALIDATION_ERROR', 'category'],
  ])('%s is a 400 %s naming %s', async (path, code, field) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error?.code).toBe(code);
    expect(body.error?.details?.some((d) => d.path[0] === field)).toBe(true);
  });

  it('limits at the seed caps are served; one above is refused; workspace and memberships too', async () => {
    expect((await get('/scenes?limit=100')).status).toBe(200);
    expect((await get(`/scenes/${scene}/memberships?limit=10000`)).status).toBe(200);
    const over = await get(`/scenes/${scene}/memberships?limit=10001`);
    expect([over.status, over.body.error?.code]).toEqual([400, 'SCENES_VALIDATION_ERROR']);
    expect((await get(`/talent/recommendations?workspaceId=${workspace}&limit=100`)).status).toBe(200);
    const ws = await get(`/talent/recommendations?workspaceId=${workspace}&limit=101`);
    expect([ws.status, ws.body.error?.code]).toEqual([400, 'TALENT_VALIDATION_ERROR']);
    const huge = await get('/scenes?offset=9007199254740991');
    expect(huge.status).toBe(200);
    expect(huge.body.data.items).toEqual([]);
  });

  it("a host's lower caps: the default is lowered to the cap (and said in `limit`), a limit above it is INVALID_PARAMS", async () => {
    const scenes = await capped('/scenes');
    expect([scenes.body.data.limit, scenes.body.data.items.length]).toEqual([7, 7]);
    const members = await capped(`/scenes/${scene}/memberships`);
    expect(members.body.data.limit).toBe(3);
    const top = await capped('/talent/top');
    expect(top.body.data.artists.length).toBeLessThanOrEqual(2);
    for (const [path, code] of [
      ['/scenes?limit=8', 'SCENES_INVALID_PARAMS'],
      [`/scenes/${scene}/memberships?limit=4`, 'SCENES_INVALID_PARAMS'],
      ['/talent/top?limit=3', 'TALENT_INVALID_PARAMS'],
      [`/talent/recommendations?workspaceId=${workspace}&limit=3`, 'TALENT_INVALID_PARAMS'],
    ] as const) {
      const { status, body } = await capped(path);
      expect([path, status, body.error?.code]).toEqual([path, 400, code]);
    }
  });
});
