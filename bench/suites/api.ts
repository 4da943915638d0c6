/**
 * HTTP API figures: the rejection path of `createFetchHandler` (a bad slug, an out-of-range limit,
 * an unknown parameter, an unknown path, a wrong method), each per request including
 * `new Request(...)` and `await res.text()`, with the source calls it made (none allowed); a warm
 * cache hit of the Talent pulse for comparison; and the handler's light form (what the Node glue
 * calls for a GET) on the warm Talent pulse and a page of scenes. The load figures over real
 * sockets, against a bare `node:http` server, are in `http.ts`.
 */
import { createSceneRadar, fixedClock, type SceneRadarSources } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createFetchHandler } from 'scene-radar/api';
// Internal (not a package export): the handler's light form, as the Node glue calls it.
import { type ApiRequestLike, LIGHT_HANDLER, type LightHandler } from '../../src/api/light.js';
import { medianNs, round, type Figure } from '../harness.js';

const END = '2026-11-24';
const NOW = new Date('2026-11-25T00:00:00.000Z');
const INNER = 100; // requests per sample, so one sample is well above the timer's resolution

/** `sources` with every method wrapped to count calls. */
function counted(sources: Required<SceneRadarSources>): { sources: Required<SceneRadarSources>; calls: () => number } {
  let calls = 0;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, source] of Object.entries(sources) as unknown as [string, Record<string, unknown>][]) {
    out[name] = Object.fromEntries(
      Object.entries(source).map(([key, value]) => [
        key,
        typeof value === 'function'
          ? (...args: unknown[]): unknown => {
              calls++;
              return (value as (...a: unknown[]) => unknown).apply(source, args);
            }
          : value,
      ]),
    );
  }
  return { sources: out as unknown as Required<SceneRadarSources>, calls: () => calls };
}

const REJECTIONS = [
  { figure: 'invalid_slug', method: 'GET', path: '/api/scenes/invalid-slug-!!!', status: 400 },
  { figure: 'limit_out_of_range', method: 'GET', path: '/api/talent/pulse?limit=500', status: 400 },
  { figure: 'unknown_parameter', method: 'GET', path: '/api/talent/pulse?foo=1', status: 400 },
  { figure: 'unknown_path', method: 'GET', path: '/api/nothing/here', status: 404 },
  { figure: 'wrong_method', method: 'POST', path: '/api/talent/pulse', status: 405 },
] as const;

export async function apiSuite(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const world = createDemoWorld({ artists: 150, end: END });
  const { sources, calls } = counted(world.sources);
  const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  const handler = createFetchHandler(radar);
  const url = (path: string): string => `http://localhost${path}`;

  const before = calls();
  for (const r of REJECTIONS) {
    const res = await handler(new Request(url(r.path), { method: r.method }));
    await res.text();
    if (res.status !== r.status) throw new Error(`${r.method} ${r.path}: expected ${r.status}, got ${res.status}`);
    const us =
      (await medianNs(
        `reject ${r.figure}`,
        async () => {
          for (let i = 0; i < INNER; i++) await (await handler(new Request(url(r.path), { method: r.method }))).text();
        },
        { inner: INNER },
      )) / 1000;
    figures.push({ name: `api.reject_${r.figure}_median_us`, value: round(us, 2), target: '< 50 us', pass: us < 50 });
  }
  const touched = calls() - before;
  figures.push({ name: 'api.reject_source_calls', value: touched, target: '= 0', pass: touched === 0 });

  // A warm hit: the pulse is computed once, then served from the cache and serialised each time.
  const warm = url('/api/talent/pulse');
  await (await handler(new Request(warm))).text();
  const hitUs =
    (await medianNs(
      'warm GET /api/talent/pulse',
      async () => {
        for (let i = 0; i < INNER; i++) await (await handler(new Request(warm))).text();
      },
      { inner: INNER },
    )) / 1000;
  figures.push({ name: 'api.warm_talent_pulse_median_us', value: round(hitUs, 1) });

  // The same through the handler's light form, as the Node glue calls it for a GET: no Request,
  // no Response; and a page of scenes (built anew per call, rows written from their remembered JSON).
  const light = (handler as unknown as Record<symbol, LightHandler>)[LIGHT_HANDLER]!;
  const lightUs = async (path: string): Promise<number> => {
    const request: ApiRequestLike = {
      method: 'GET',
      url: url(path),
      header: () => null,
      request: () => new Request(url(path)),
    };
    const context = { clientAddress: '127.0.0.1', rawUrl: path };
    if ((await light(request, context)).status !== 200) throw new Error(`GET ${path}: not a 200`);
    return (
      (await medianNs(
        `light GET ${path}`,
        async () => {
          for (let i = 0; i < INNER; i++) await light(request, context);
        },
        { inner: INNER },
      )) / 1000
    );
  };
  figures.push({
    name: 'api.warm_talent_pulse_light_median_us',
    value: round(await lightUs('/api/talent/pulse?limit=20'), 2),
  });
  figures.push({ name: 'api.scenes_list_light_median_us', value: round(await lightUs('/api/scenes?limit=20'), 2) });
  await radar.close();
  return figures;
}
