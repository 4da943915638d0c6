/**
 * "A&R Radar": another product that embeds the Talent Radar read-only. It is handed
 * `radar.readOnly` (a frozen facade with reads only: no refresh, no cache control, no calibration,
 * no writes) and the config, never the radar itself, and serves
 *
 * - the API kit's routes (`/api/...`) over `readOnlyApiBackend`: the Talent routes through the
 *   facade and the Scenes routes through `readOnlyScenes` (reads only), where `skipCache=true` is
 *   accepted but has no effect;
 * - one route of its own, `GET /ar/shortlist?artists=a,b,c`, built from the kit's pieces:
 *   `ArtistSlugSchema` validates each slug, `getArtistProfile` reads, `ok` / `fail` envelopes.
 *
 * Any other path gets its own 404 `ROUTE_NOT_FOUND` envelope.
 *
 *   npx tsx examples/ar-radar-readonly.ts --port 8787 [--artists 60]
 *   curl -s 'http://127.0.0.1:8787/ar/shortlist?artists=<slug>,<slug>'
 */
import { createServer } from 'node:http';
import { isSceneRadarError, type ArtistProfile, type ReadOnlyTalentRadar, type SceneRadarConfig } from 'scene-radar';
import {
  ArtistSlugSchema,
  createFetchHandler,
  fail,
  ok,
  readOnlyApiBackend,
  readOnlyScenes,
  requestIdFrom,
  type ScenesApiBackend,
  type ValidationIssue,
} from 'scene-radar/api';
import { toNodeListener, type WebHandler } from 'scene-radar/adapters/node';
import {
  closeServer,
  isMain,
  listen,
  radarFor,
  runExample,
  type ExampleOptions,
  type RunningExample,
} from './demo-radar.js';

/** Most artists on one shortlist. */
export const MAX_SHORTLIST = 20;

/** One artist on the shortlist. */
export interface ShortlistItem {
  readonly artist_slug: string;
  readonly momentum: number;
  readonly breakout_score: number;
  readonly risk_score: number;
  readonly trajectory: ArtistProfile['trajectory'];
  /** The strongest opportunity and risk, by score (null when there is none). */
  readonly topOpportunity: ArtistProfile['opportunities'][number] | null;
  readonly topRisk: ArtistProfile['risks'][number] | null;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function json(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...JSON_HEADERS, 'x-request-id': requestId, ...headers },
  });
}

const strongest = <T extends { readonly score: number }>(items: readonly T[]): T | null =>
  items.reduce<T | null>((best, x) => (best === null || x.score > best.score ? x : best), null);

/** Validates `?artists=a,b,c`: 1 to 20 distinct slugs, each by `ArtistSlugSchema`; the issues name `['artists', i]`. */
export function parseShortlist(
  search: URLSearchParams,
): { ok: true; slugs: string[] } | { ok: false; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  for (const key of new Set(search.keys())) {
    if (key !== 'artists')
      issues.push({
        code: 'unrecognized_keys',
        path: [key.slice(0, 64)],
        message: `Unknown parameter: ${key.slice(0, 64)}`,
      });
  }
  const values = search.getAll('artists');
  if (values.length !== 1) {
    issues.push({
      code: values.length ? 'custom' : 'invalid_type',
      path: ['artists'],
      message: values.length ? 'Parameter given more than once' : 'Expected a comma-separated list of artist slugs',
    });
    return { ok: false, issues };
  }
  const slugs = [...new Set(values[0]!.split(',').map((s) => s.trim()))];
  if (slugs.length > MAX_SHORTLIST)
    issues.push({ code: 'too_big', path: ['artists'], message: `At most ${MAX_SHORTLIST} artists` });
  slugs.slice(0, MAX_SHORTLIST).forEach((slug, i) => {
    const parsed = ArtistSlugSchema.safeParse({ slug });
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        issues.push({ code: issue.code, path: ['artists', i], message: issue.message });
  });
  return issues.length ? { ok: false, issues } : { ok: true, slugs };
}

/**
 * A&R Radar's HTTP handler over the read-only facade. It cannot refresh, skip or clear caches:
 * nothing but `facade` (reads), the Scenes Engine's reads (`scenes`, wrapped read-only) and
 * `config` (deadlines) reaches it.
 */
export function createArRadarHandler(
  facade: ReadOnlyTalentRadar,
  config?: SceneRadarConfig,
  scenes?: ScenesApiBackend,
): WebHandler {
  const talentApi = createFetchHandler(readOnlyApiBackend(facade, config, scenes), {
    onError: (error, { requestId }) => console.error(requestId, error),
  });

  async function shortlist(request: Request, search: URLSearchParams, requestId: string): Promise<Response> {
    if (request.method !== 'GET')
      return json(
        405,
        fail('METHOD_NOT_ALLOWED', `Method ${request.method.slice(0, 16)} not allowed on /ar/shortlist`),
        requestId,
        { allow: 'GET' },
      );
    const parsed = parseShortlist(search);
    if (!parsed.ok)
      return json(400, fail('TALENT_VALIDATION_ERROR', 'Invalid request parameters', parsed.issues), requestId);
    const items: ShortlistItem[] = [];
    const notFound: string[] = [];
    try {
      const profiles = await Promise.all(
        parsed.slugs.map((slug) =>
          facade.getArtistProfile(slug).catch((error: unknown) => {
            if (isSceneRadarError(error) && error.code === 'TALENT_ARTIST_NOT_FOUND') return slug;
            throw error;
          }),
        ),
      );
      for (const p of profiles) {
        if (typeof p === 'string') notFound.push(p);
        else
          items.push({
            artist_slug: p.artist.artist_slug,
            momentum: p.artist.momentum,
            breakout_score: p.artist.breakout_score,
            risk_score: p.artist.risk_score,
            trajectory: p.trajectory,
            topOpportunity: strongest(p.opportunities),
            topRisk: strongest(p.risks),
          });
      }
    } catch (error) {
      console.error(requestId, error);
      return json(500, fail('TALENT_INTERNAL_ERROR', 'Internal error', { requestId }), requestId);
    }
    // Best prospects first: breakout potential, then momentum.
    items.sort((a, b) => b.breakout_score - a.breakout_score || b.momentum - a.momentum);
    return json(200, ok({ items, notFound }), requestId);
  }

  return async (request, context) => {
    const requestId = requestIdFrom(request.headers.get('x-request-id'));
    const url = new URL(request.url);
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return talentApi(request, context);
    if (url.pathname === '/ar/shortlist') return shortlist(request, url.searchParams, requestId);
    return json(404, fail('ROUTE_NOT_FOUND', `No route: ${url.pathname.slice(0, 128)}`), requestId);
  };
}

/** Starts A&R Radar on `node:http`; `close()` stops it (and closes the radar it built). */
export async function start(options: ExampleOptions = {}): Promise<RunningExample> {
  const { radar, release } = await radarFor(options);
  // The boundary: A&R Radar gets the read-only facade, the Scenes Engine's reads and the config, not
  // `radar`, and not the Scenes Engine itself (its close() would close the whole radar).
  const server = createServer(
    toNodeListener(createArRadarHandler(radar.readOnly, radar.config, readOnlyScenes(radar.scenes))),
  );
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1').catch(async (error: unknown) => {
    await release();
    throw error;
  });
  return {
    url,
    async close() {
      await closeServer(server);
      await release();
    },
  };
}

if (isMain(import.meta.url))
  await runExample('A&R Radar (read-only Talent Radar)', start, '/api/talent/top?category=rising&limit=5');
