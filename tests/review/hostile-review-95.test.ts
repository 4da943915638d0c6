/**
 * Hostile review (95) of the HTTP API kit below the routes: CORS (src/api/cors.ts and its use in
 * src/api/answer.ts), request targets (src/core/request-target.ts, src/api/paths.ts), over a small
 * demo world, driving the fetch handler in-process. Every test here fails on the code it was
 * written against.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchHandler, isAmbiguousPath } from '../../src/api/index.js';
import type { SceneRadar } from '../../src/index.js';
import { buildDemoRadar } from '../../examples/demo-radar.js';

let radar: SceneRadar;
beforeAll(async () => {
  radar = await buildDemoRadar(20);
}, 60_000);
afterAll(async () => {
  await radar?.close();
});

const APP = 'https://app.example.com';

describe('hostile review 95: request targets with `\\` in an absolute-form authority', () => {
  // The target a client sent, and what a WHATWG URL parser (a `Request`, the Node glue's
  // `targetOf`) makes of it: for http(s), `\` ends the authority as `/` does, and the `..`
  // segments that follow are resolved.
  const RAW = 'http://radar.example\\scenes\\x\\..\\..\\api\\talent\\pulse';

  it('control: a URL parser reads the `\\` after the host as a path separator and resolves the `..` segments', () => {
    expect(new URL(RAW).pathname).toBe('/api/talent/pulse');
  });

  // FAULT: src/core/request-target.ts:16-22 (pathOf, the check at line 19) ends the authority of an absolute-form target
  // only at `/`, `?` or `#`; the URL standard also ends it at `\` for the special schemes. So the
  // whole `\scenes\x\..\..\api\talent\pulse` is taken for the host, pathOf returns '' and
  // isAmbiguousPath says false for a target whose path has two `..` segments.
  // isAmbiguousPath's TSDoc (src/api/paths.ts:18-22): true for "a path, a request target ... or an
  // absolute URL" holding a `..` segment, "with segments split at `/` and at `\` (which URL parsers
  // read as `/`)".
  it('FAULT: isAmbiguousPath misses `..` segments after a `\\` that ends the host of an absolute URL', () => {
    expect(isAmbiguousPath(RAW)).toBe(true);
    expect(isAmbiguousPath('http://radar.example\\scenes\\x\\..\\..\\api/talent/pulse')).toBe(true);
  });

  // Same fault seen through the handler: docs/reliability.md, "Dot segments and encoded slashes":
  // "the handler refuses the request when either the raw target or the URL has such a segment";
  // handler-options.ts (HandlerContext.rawUrl): "The handler refuses a path with such segments with
  // a 404 ROUTE_NOT_FOUND". The table in docs/reliability.md: `/` or `\` as the separator -> 404,
  // "the path is never resolved".
  it('FAULT: the fetch handler serves the resolved route for a raw target with `\\..\\..` after the host', async () => {
    const handler = createFetchHandler(radar);
    const res = await handler(new Request(`http://localhost${new URL(RAW).pathname}`), { rawUrl: RAW });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } | null }).error?.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('hostile review 95: CORS headers on every answer', () => {
  // FAULT: src/api/answer.ts:298-300 (handle) computes the request id before the CORS headers
  // (answer.ts:304); a `requestId` hook that throws goes to the catch (answer.ts:432-455, `...corsHeaders` at line 445), which
  // spreads `corsHeaders` while it is still undefined. The 500 then has no
  // Access-Control-Allow-Origin (the page's script cannot read it, it sees a network error
  // instead of the documented 500 with the request id) and no `Vary: Origin`.
  // docs/reliability.md, "CORS: cors": "Every answer, errors included, carries
  // Access-Control-Allow-Origin for an allowed origin, and Vary: Origin whenever the answer depends
  // on the origin"; docs/reliability.md, host hooks: "a requestId hook that throws is a host bug,
  // answered 500".
  it('FAULT: the 500 for a requestId hook that throws carries no Access-Control-Allow-Origin nor Vary: Origin', async () => {
    const handler = createFetchHandler(radar, {
      cors: { origin: [APP] },
      requestId: () => {
        throw new Error('host bug');
      },
      onError: () => {},
    });
    const res = await handler(new Request('http://localhost/api/scenes?limit=1', { headers: { origin: APP } }));
    expect(res.status).toBe(500);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
  });

  // Control: the same hook failure without an Origin is the documented 500, so the fault above is
  // only the missing CORS headers.
  it('control: without an Origin the throwing requestId hook is the documented 500', async () => {
    const handler = createFetchHandler(radar, {
      cors: { origin: [APP] },
      requestId: () => {
        throw new Error('host bug');
      },
      onError: () => {},
    });
    const res = await handler(new Request('http://localhost/api/scenes?limit=1'));
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('hostile review 95: wildcards with credentials', () => {
  // FAULT: src/api/cors.ts:59 and 75-85 (HEADER_NAME, headerList) accepts `'*'` as a header name (it is a token
  // character) and createCorsPolicy (cors.ts:104) refuses only `origin: '*'` with credentials.
  // Fetch standard, CORS protocol (HTTP responses): in `Access-Control-Expose-Headers` and
  // `Access-Control-Allow-Headers`, "`*` counts as a wildcard for requests without credentials"; on
  // a credentialed request it is a header literally named `*`. So `credentials: true` with
  // `exposeHeaders: ['*']` exposes nothing (the page cannot read x-request-id or RateLimit-*), and
  // with `allowHeaders: ['*']` every credentialed preflight asking for a header fails, silently.
  // cors.ts TSDoc: `credentials` is "Not allowed with origin '*' (browsers refuse it): a TypeError
  // when the handler is created"; createCorsPolicy: "checked once (a TypeError names a bad option)".
  // Expected: the same TypeError for a wildcard header list with credentials (or, at the least,
  // never a `*` sent next to Access-Control-Allow-Credentials: true).
  it.each([
    ['exposeHeaders', { exposeHeaders: ['*'] }],
    ['allowHeaders', { allowHeaders: ['*'] }],
  ] as const)('FAULT: credentials with %s ["*"] is neither refused nor kept from sending `*`', async (_name, extra) => {
    let handler: ReturnType<typeof createFetchHandler>;
    try {
      handler = createFetchHandler(radar, { cors: { origin: [APP], credentials: true, ...extra } });
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      return;
    }
    const answers = [
      await handler(new Request('http://localhost/api/scenes?limit=1', { headers: { origin: APP } })),
      await handler(
        new Request('http://localhost/api/scenes', {
          method: 'OPTIONS',
          headers: {
            origin: APP,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'x-operator-key',
          },
        }),
      ),
    ];
    for (const res of answers) {
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      for (const name of ['access-control-expose-headers', 'access-control-allow-headers'])
        expect((res.headers.get(name) ?? '').split(/\s*,\s*/)).not.toContain('*');
    }
  });
});
