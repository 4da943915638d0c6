/**
 * Hostile probes of the radar's lifecycle and of hostile sources: close() in the middle of a
 * refresh or a request, a source that never answers, sources that throw odd values or answer
 * with proxies, cycles and keys nobody asked for, and a malformed breakout model.
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld, memoryScenesStores, memoryTalentStores } from '../../adapters/memory/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { createSceneRadar, fixedClock, type SceneRadarSources } from '../../src/index.js';

const NOW = '2026-11-25T00:00:00.000Z';
const AT = new Date(NOW);

type AnyFn = (...args: unknown[]) => Promise<unknown>;

/** `sources` with one method of one source replaced. */
function patch(sources: SceneRadarSources, source: string, method: string, fn: (orig: AnyFn) => AnyFn) {
  const s = (sources as unknown as Record<string, Record<string, unknown>>)[source]!;
  const orig = (s[method] as AnyFn).bind(s);
  return { ...sources, [source]: { ...s, [method]: fn(orig) } } as SceneRadarSources;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e?.code ?? 'no code',
  );

describe('hostile: lifecycle', () => {
  it('close() during a refresh: RADAR_CLOSED, and the tables keep the previous refresh whole', async () => {
    const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
    const stores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
    const first = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    await first.scenes.importCatalog(world.catalog);
    await first.refresh(AT);
    const before = await stores.talent.talent_radar_artists.scan();
    await first.close();
    expect(before.length).toBeGreaterThan(0);

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const inFlight = new Promise<void>((r) => (reached = r));
    const slow = patch(world.sources, 'fusion', 'getEngagement', (orig) => async (...args) => {
      reached();
      await gate;
      return orig(...args);
    });
    const radar = createSceneRadar({ sources: slow, stores, clock: fixedClock(NOW) });
    // A later instant than the first refresh's (an earlier one is refused: tests/core/refresh-order.test.ts),
    // so a refresh that did land would change the rows.
    const refreshing = codeOf(radar.talent.refresh(new Date('2026-11-25T00:01:00.000Z')));
    await inFlight;
    await radar.close();
    release();
    expect(await refreshing).toBe('RADAR_CLOSED');
    expect(await stores.talent.talent_radar_artists.scan()).toEqual(before);
  });

  it('a source that never answers times out per config; the refresh completes and says so', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const hung = patch(world.sources, 'coverage', 'getArticles', () => () => new Promise(() => undefined));
    const radar = createSceneRadar({
      sources: hung,
      clock: fixedClock(NOW),
      config: { sources: { coverage: { timeoutMs: 200, concurrency: 10 } } },
    });
    await radar.scenes.importCatalog(world.catalog);
    const t0 = Date.now();
    const report = await radar.refresh(AT);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(report.talent.reads.timeout).toBeGreaterThan(0);
    expect(radar.stats().sources['coverage.getArticles']?.results.timeout).toBeGreaterThan(0);
    await radar.close();
  });

  it('sources that throw unprintable values or answer with traps, cycles and unasked keys degrade, never crash', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const trap = new Proxy(
      {},
      {
        get() {
          throw Object.create(null);
        },
        has() {
          throw new Error('has trap');
        },
        ownKeys() {
          throw Symbol('keys');
        },
      },
    );
    let s = patch(world.sources, 'coverage', 'getArticles', () => async () => {
      throw Object.create(null);
    });
    s = patch(s, 'rcf', 'getEvents', () => async () => trap);
    s = patch(s, 'identityKernel', 'getCoherence', (orig) => async (...args) => {
      const real = (await orig(...args)) as Map<string, unknown>;
      const out = new Map(real);
      out.set('not-asked-for', real.values().next().value);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      out.set('cyclic', cyclic);
      Object.defineProperty(out, 'get', {
        value: (k: string) => {
          if (k === 'boom') throw new Error('getter');
          return Map.prototype.get.call(out, k);
        },
      });
      return out;
    });
    s = patch(s, 'cmg', 'getReleases', () => async () => {
      throw 42n;
    });
    const radar = createSceneRadar({ sources: s, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh(AT);
    expect(report.talent.universe).toBe('ok');
    expect(report.talent.reads.error).toBeGreaterThan(0);
    // Nobody asked for 'not-asked-for' or 'cyclic': they are not artists of the radar.
    const res = await createFetchHandler(radar)(new Request('http://x/api/talent/artists/not-asked-for'));
    expect(res.status).toBe(404);
    const pulse = await createFetchHandler(radar)(new Request('http://x/api/talent/pulse?limit=5'));
    expect(pulse.status).toBe(200);
    const body = (await pulse.json()) as { data: { meta?: { failedReads?: unknown } } };
    expect(JSON.stringify(body)).toMatch(/failedReads|degraded|stale/);
    await radar.close();
  });

  // The aborted reads were reported as SOURCES_UNAVAILABLE (a false "sources down" page at every shutdown).
  it('close() while an HTTP request waits on a source: a 503 RADAR_CLOSED envelope, never a 500', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    let reached!: () => void;
    const inFlight = new Promise<void>((r) => (reached = r));
    const hung = patch(world.sources, 'fusion', 'getEngagement', () => (...args) => {
      reached();
      const { signal } = args[1] as { signal: AbortSignal };
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    });
    const radar = createSceneRadar({ sources: hung, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    const slug = (
      await world.sources.mig!.listArtists({ limit: 1 }, { asOf: AT, signal: new AbortController().signal })
    ).items[0]!.slug;
    const answer = createFetchHandler(radar)(new Request(`http://x/api/talent/artists/${slug}`));
    await inFlight;
    await radar.close();
    const res = await answer;
    const body = (await res.json()) as { ok: boolean; error: { code: string } };
    expect(res.status).toBe(503);
    expect(body.error.code).toBe('RADAR_CLOSED');
  });

  // setBreakoutModel's safeParse let a getter's exception through as a raw Error.
  it('setBreakoutModel with a model whose getters throw: TALENT_VALIDATION_ERROR, and the model in use is unchanged', async () => {
    const world = createDemoWorld({ artists: 10, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const version = radar.talent.modelVersion;
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('getter');
        },
        ownKeys() {
          throw new Error('keys');
        },
        getOwnPropertyDescriptor() {
          throw new Error('descriptor');
        },
      },
    );
    expect(await codeOf(radar.talent.setBreakoutModel(hostile as never))).toBe('TALENT_VALIDATION_ERROR');
    expect(await codeOf(radar.talent.setBreakoutModel({ weights: { momentum: Number.NaN } } as never))).toBe(
      'TALENT_VALIDATION_ERROR',
    );
    expect(radar.talent.modelVersion).toBe(version);
    await radar.close();
  });
});
