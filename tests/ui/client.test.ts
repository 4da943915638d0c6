/**
 * The dashboard's client and words, without a browser: the envelope unwrapped against the real
 * API handler (a failure keeps its code, status and request id), and the wording helpers.
 */
import { createSceneRadar } from 'scene-radar';
import { createFetchHandler } from 'scene-radar/api';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ApiFailure, apiPath, getData } from '../../ui/client.js';
import { effectWords, sceneTitle, signalLabel, signedPct, sourceLabel } from '../../ui/words.js';

const radar = createSceneRadar({ sources: {} });
const handler = createFetchHandler(radar, { onError: () => {} });
const signal = new AbortController().signal;

/** Routes the client's fetch to the API handler. */
function serveWith(h: (request: Request) => Promise<Response>): void {
  vi.stubGlobal('fetch', (url: string) => h(new Request(`http://127.0.0.1${url}`)));
}

afterEach(() => {
  vi.unstubAllGlobals();
});
afterAll(() => radar.close());

describe('client', () => {
  it('builds query strings, leaving out undefined values', () => {
    expect(apiPath('/scenes', { region: undefined, limit: 20, offset: 0 })).toBe('/scenes?limit=20&offset=0');
    expect(apiPath('/scene-pulse')).toBe('/scene-pulse');
  });

  it('returns the data of a success envelope', async () => {
    serveWith(handler);
    const page = await getData<{ total: number }>('/api/', '/scenes', { limit: 5 }, signal);
    expect(page.total).toBe(0);
  });

  it('keeps the code, status and request id of a failure', async () => {
    serveWith((request) => {
      const withId = new Request(request, { headers: { 'x-request-id': 'req-42' } });
      return handler(withId);
    });
    const failure = await getData('/api', '/scenes/no-such-scene', {}, signal).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure).toMatchObject({ code: 'SCENES_NOT_FOUND', status: 404, requestId: 'req-42', notFound: true });
    const route = await getData('/api', '/nothing-here', {}, signal).catch((e: unknown) => e);
    expect(route).toMatchObject({ code: 'ROUTE_NOT_FOUND', notFound: false });
  });

  it('reads the request id of a 500 from the envelope when the header is missing', async () => {
    serveWith(async () =>
      Response.json(
        {
          ok: false,
          error: { code: 'TALENT_INTERNAL_ERROR', message: 'Internal error', details: { requestId: 'abc' } },
        },
        { status: 500 },
      ),
    );
    await expect(getData('/api', '/talent/pulse', {}, signal)).rejects.toMatchObject({
      code: 'TALENT_INTERNAL_ERROR',
      status: 500,
      requestId: 'abc',
    });
  });

  it('names a network failure and an answer that is not an envelope', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch failed')));
    await expect(getData('/api', '/scenes', {}, signal)).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
    serveWith(async () => new Response('<html>proxy error</html>', { status: 502 }));
    await expect(getData('/api', '/scenes', {}, signal)).rejects.toMatchObject({ code: 'BAD_RESPONSE', status: 502 });
  });

  it('rethrows an abort unchanged (a superseded load stays silent)', async () => {
    const abort = new AbortController();
    vi.stubGlobal('fetch', () => {
      abort.abort();
      return Promise.reject(new DOMException('aborted', 'AbortError'));
    });
    await expect(getData('/api', '/scenes', {}, abort.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('words', () => {
  it('reads scene slugs as a sound, a city and a region', () => {
    expect(sceneTitle('hip-hop-us-baltimore')).toBe('Hip Hop · Baltimore, US');
    expect(sceneTitle('indie-uk-brighton')).toBe('Indie · Brighton, UK');
    expect(sceneTitle('dream-pop')).toBe('Dream Pop');
  });

  it('says which way a signal pushed its score, relative to the strongest', () => {
    expect(effectWords(1, 1, 'up')).toBe('strongly pushes it up');
    expect(effectWords(-0.3, 1, 'up')).toBe('clearly holds it back');
    expect(effectWords(0.1, 1, 'risk')).toBe('slightly adds to the risk');
    expect(effectWords(0.01, 1, 'risk')).toBe('barely matters');
  });

  it('names signals and sources in words, with a fallback for a host signal', () => {
    expect(signalLabel('engagement_growth')).toBe('Audience growth');
    expect(signalLabel('tiktok_saves')).toBe('Tiktok saves');
    expect(sourceLabel('fusion+rcf')).toBe('Fusion + RCF');
    expect(sourceLabel('articles')).toBe('press articles (Coverage)');
    expect(signedPct(0.654)).toBe('+65%');
    expect(signedPct(-0.1)).toBe('−10%');
  });
});
