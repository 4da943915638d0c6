/**
 * Hostile review 70: the dashboard's non-visual code, exercised in Node (no browser): the page and
 * bundle server (ui/server.ts), the HTTP client (ui/client.ts), the load controller
 * (ui/resource.ts) as the page elements drive it, and the number words (ui/words.ts), against
 * docs/ui.md, docs/http-api.md and the seed's envelope contract.
 *
 * Every test here fails on the code as reviewed, because of the fault its name states. The
 * elements run on Lit's Node build (its DOM shim); their fetch is the real API handler, reached
 * the way a browser reaches it (a relative URL resolved against the page, dot segments and all).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createFetchHandler } from '../../src/api/index.js';
import { createSceneRadar } from '../../src/index.js';
import { routeOf } from '../../ui/app.js';
import { ArtistPageElement } from '../../ui/artist-page.js';
import { ScenePageElement } from '../../ui/scene-page.js';
import { dashboardHandler, dashboardPage } from '../../ui/server.js';
import { TopArtistsElement } from '../../ui/top-artists.js';
import { num } from '../../ui/words.js';

const radar = createSceneRadar({ sources: {} });
const handler = createFetchHandler(radar, { basePath: '/api', onError: () => {} });

afterEach(() => {
  vi.unstubAllGlobals();
});
afterAll(() => radar.close());

/** Routes the elements' fetch to the API handler as a browser would (relative URL against the page); returns the URLs asked for. */
function serveLikeABrowser(): string[] {
  const seen: string[] = [];
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    const request = new Request(new URL(url, 'http://127.0.0.1/'), init);
    seen.push(request.url);
    return handler(request);
  });
  return seen;
}

/** The text of a Lit template result (strings and primitive values, nested templates included). */
function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(textOf).join('');
  if (typeof value === 'object' && 'strings' in value && 'values' in value) {
    const t = value as { strings: readonly string[]; values: readonly unknown[] };
    return t.strings.map((s, i) => s + (i < t.values.length ? textOf(t.values[i]) : '')).join('');
  }
  if (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol') return '';
  return String(value);
}

/** Runs an element's willUpdate for `changed` (what Lit does on a property change), then lets its loads settle. */
async function update(element: object, changed: readonly string[]): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: willUpdate is protected; the test plays Lit's update cycle.
  (element as any).willUpdate(new Map(changed.map((key) => [key, undefined])));
  await new Promise((resolve) => setTimeout(resolve, 30));
}

/** The element's rendered text. */
function rendered(element: object): string {
  // biome-ignore lint/suspicious/noExplicitAny: render is protected; the test reads what it would draw.
  return textOf((element as any).render());
}

describe('hostile review 70: the dashboard in Node', () => {
  // Fault: ui/server.ts:112 serves the gzipped bundle to a client that refuses gzip (`gzip;q=0`, RFC 9110 12.5.3): /\bgzip\b/ ignores q=0.
  it('does not send a gzip body to a client whose Accept-Encoding says gzip;q=0', async () => {
    const serve = dashboardHandler({ code: 'export{};', bytes: 9, gzipBytes: 29 });
    const server: Server = createServer((req, res) => {
      if (!serve(req, res)) {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/ui/scene-radar-ui.js`, {
        method: 'HEAD',
        headers: { 'accept-encoding': 'gzip;q=0, identity' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-encoding')).toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  // Fault: ui/server.ts:76 builds the <noscript> API link as `${apiBase}/openapi.json`: a trailing slash gives `/api//openapi.json` (a 404), a query (docs/ui.md allows one in `base`) lands before the path.
  it("links the page's <noscript> to the API's real openapi.json for a base with a trailing slash or a query", async () => {
    const href = (apiBase: string): string => /<noscript>.*href="([^"]*)"/s.exec(dashboardPage({ apiBase }))?.[1] ?? '';
    expect(href('/api/')).toBe('/api/openapi.json');
    const response = await handler(new Request(`http://127.0.0.1${href('/api/')}`));
    expect(response.status).toBe(200);
    expect(new URL(href('/radar/api?tenant=a').replaceAll('&#38;', '&'), 'http://h').pathname).toBe(
      '/radar/api/openapi.json',
    );
  });

  // Fault: a dot-segment slug (`#/artists/..`, `#/scenes/..`) is sent as `/api/talent/artists/..`, which URL resolution turns into another path (`/api/talent/`, `/api/`): ROUTE_NOT_FOUND, so slugNotFound (ui/client.ts:189, which needs a 400) says no and the page shows an error panel whose Retry can never succeed instead of "No artist called ..." (artist-page.ts:63, scene-page.ts:71 use encodeURIComponent, which leaves `.` alone).
  it('shows "not found" for a dot-segment slug in the address, not an error with a hopeless Retry', async () => {
    serveLikeABrowser();
    const artistRoute = routeOf('#/artists/..');
    expect(artistRoute).toEqual({ page: 'artist', slug: '..' });
    const artist = new ArtistPageElement();
    artist.slug = '..';
    await update(artist, ['slug']);
    expect(rendered(artist)).toContain('data-state="not-found"');

    const scene = new ScenePageElement();
    scene.slug = '..';
    await update(scene, ['slug']);
    expect(rendered(scene)).toContain('data-state="not-found"');
  });

  // Fault: ui/resource.ts:319 calls load() outside any guard: a load that throws before returning its promise (artist-page.ts:63, encodeURIComponent of a slug with a lone surrogate throws URIError) escapes willUpdate and leaves the state `loading` for ever (a skeleton, no error, no Retry, no sr-failed).
  it('settles a load that throws synchronously as failed instead of loading for ever', async () => {
    serveLikeABrowser();
    const artist = new ArtistPageElement();
    artist.slug = 'bad-\uD800';
    expect(() =>
      // biome-ignore lint/suspicious/noExplicitAny: willUpdate is protected; the test plays Lit's update cycle.
      (artist as any).willUpdate(new Map([['slug', undefined]])),
    ).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(rendered(artist)).toMatch(/data-state="(error|not-found)"/);
  });

  // Fault: ui/words.ts:110 num() rounds a small negative value to "-0" (toLocaleString keeps the sign of negative zero): an artist signal's `value -0`, a scene's `-0 pts`.
  it('never shows "-0" for a value that rounds to zero', () => {
    expect(num(-0.001, 2)).toBe('0');
    expect(num(-0.04, 1)).toBe('0');
    expect(num(-0)).toBe('0');
  });

  // Fault: ui/top-artists.ts:55 sends limit = page * size unclamped: a host's page="0" (or a non-number, NaN) asks for limit=0 / limit=NaN, a 400 TALENT_VALIDATION_ERROR panel whose Retry can never succeed; page-size gets clamped (line 47), page does not.
  it('does not turn a page attribute of 0 or a non-number into a request the API must refuse', async () => {
    for (const page of [0, Number.NaN]) {
      const seen = serveLikeABrowser();
      const top = new TopArtistsElement();
      top.page = page;
      await update(top, ['page']);
      const limit = Number(new URL(seen[0]!).searchParams.get('limit'));
      expect(limit).toBeGreaterThanOrEqual(1);
      expect(rendered(top)).not.toContain('data-state="error"');
    }
  });
});
