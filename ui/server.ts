/**
 * @module ui/server
 * Serving the dashboard from Node beside the API: the browser bundle built from `ui/index.ts`
 * with esbuild (Lit and uPlot inlined, minified; the same settings as the `scene-radar/ui` entry
 * in tsup.config.ts), and a page that mounts `<scene-radar-app>` on the API's base path.
 * `withDashboard(listener)` wraps a Node request listener (the API's): it answers the page's path
 * and the bundle's (GET and HEAD, with an `ETag`; a 405 for another method), and hands every other
 * request to the listener unchanged.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { fail } from '../src/api/envelope.js';
import { UPLOT_NOTICE } from './notice.js';

/** Where the bundle is served. */
export const UI_BUNDLE_PATH = '/ui/scene-radar-ui.js';

/** esbuild settings of the browser bundle (tsup.config.ts builds `dist/ui/index.js` with the same). */
export const UI_BUILD_SETTINGS = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2021',
  minify: true,
  loader: { '.css': 'text' },
  // uPlot's notice is a plain comment the minifier drops (Lit's are `@license` comments, kept):
  // its MIT license asks for the notice in every copy.
  banner: { js: UPLOT_NOTICE },
} as const;

/** The built bundle. */
export interface UiBundle {
  /** The JavaScript, one ES module. */
  readonly code: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** Its size gzipped (level 9), in bytes. */
  readonly gzipBytes: number;
}

/** Builds the browser bundle from the sources in memory (esbuild is a development dependency). */
export async function buildUiBundle(): Promise<UiBundle> {
  const { build } = await import('esbuild');
  const result = await build({
    ...UI_BUILD_SETTINGS,
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const bytes = Buffer.byteLength(code);
  return { code, bytes, gzipBytes: gzipSync(code, { level: 9 }).length };
}

/** Options of {@link dashboardPage} and {@link withDashboard}. */
export interface DashboardOptions {
  /** Where the API kit's routes are mounted. @default '/api' */
  readonly apiBase?: string;
  /** The path of the dashboard page. @default '/' */
  readonly pagePath?: string;
  /** The page's title. @default 'scene-radar' */
  readonly title?: string;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The HTML page that loads the bundle and mounts `<scene-radar-app>` on `apiBase`. */
export function dashboardPage(options: DashboardOptions = {}): string {
  const base = escapeHtml(options.apiBase ?? '/api');
  // The API's document under the same base: `/api/` or `/radar/api?tenant=a` as given to the app.
  const openApi = escapeHtml(openApiHref(options.apiBase ?? '/api'));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title ?? 'scene-radar')}</title>
<style>body{margin:0 auto;max-width:1200px;padding:0 1rem 2rem;background:#fff}</style>
<script type="module" src="${UI_BUNDLE_PATH}"></script>
</head>
<body>
<scene-radar-app base="${base}"></scene-radar-app>
<noscript>The scene-radar dashboard needs JavaScript. The API is at <a href="${openApi}">${openApi}</a>.</noscript>
</body>
</html>
`;
}

/**
 * Whether an `Accept-Encoding` header takes gzip: listed (or `*`) with a weight above 0 (RFC 9110
 * section 12.5.3: `gzip;q=0` means "not gzip"). An explicit `gzip` entry wins over `*`.
 */
function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  let star: boolean | undefined;
  for (const entry of text.split(',')) {
    const [coding = '', ...params] = entry.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    const accepted = Number.isFinite(weight) && weight > 0;
    if (coding === 'gzip' || coding === 'x-gzip') return accepted;
    if (coding === '*') star = accepted;
  }
  return star === true;
}

/** `base` (which may end in `/` or carry a query) with `/openapi.json` after its path. */
function openApiHref(base: string): string {
  const at = base.search(/[?#]/);
  const path = at < 0 ? base : base.slice(0, at);
  const rest = at < 0 ? '' : base.slice(at);
  return `${path.replace(/\/+$/, '')}/openapi.json${rest}`;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  // Everything comes from this origin: no CDN, no inline script.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
  'cache-control': 'no-cache',
} as const;

/** A request handler for the page and the bundle; it returns false for any other request. */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A strong validator of `bytes` (one per representation: the gzipped bundle has its own). */
const etagOf = (bytes: Buffer): string => `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;

/**
 * Whether an `If-None-Match` header matches `etag` (RFC 9110 section 13.1.2: `*`, or a list of
 * tags compared weakly, so `W/"x"` matches `"x"`).
 */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  for (const entry of header.split(',')) {
    const tag = entry.trim();
    if (tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true;
  }
  return false;
}

/**
 * The path of a request target: origin form (`/ui/x.js?y`) or absolute form
 * (`http://host/ui/x.js`, which a server must accept), as sent: not resolved, so a dot segment
 * never reaches the page (the API refuses it).
 */
function pathOfTarget(target: string): string {
  const path = target.startsWith('/') ? target : target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const end = path.search(/[?#]/);
  const bare = end < 0 ? path : path.slice(0, end);
  return bare === '' ? '/' : bare;
}

/** The 405 of a method other than GET and HEAD on the page or the bundle, in the API's envelope. */
const METHOD_NOT_ALLOWED = (method: string): string =>
  JSON.stringify(fail('METHOD_NOT_ALLOWED', `Method ${method.slice(0, 16)} not allowed`));

/**
 * The page and bundle handler over a built bundle: GET and HEAD, each answer with a strong `ETag`
 * (a `304 Not Modified` when `If-None-Match` matches: `cache-control: no-cache` revalidates, it
 * does not download again); another method on either path is a 405 with `Allow: GET, HEAD`.
 */
export function dashboardHandler(bundle: UiBundle, options: DashboardOptions = {}): DashboardHandler {
  const pagePath = options.pagePath ?? '/';
  const page = Buffer.from(dashboardPage(options));
  const code = Buffer.from(bundle.code);
  const gzipped = gzipSync(code, { level: 9 });
  const tags = new Map<Buffer, string>([page, code, gzipped].map((b) => [b, etagOf(b)]));
  const answer = (req: IncomingMessage, res: ServerResponse, body: Buffer, headers: Record<string, string>): void => {
    const etag = tags.get(body)!;
    if (noneMatch(req.headers['if-none-match'], etag)) {
      res.writeHead(304, { etag, ...headers, ...SECURITY_HEADERS });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-length': String(body.length), etag, ...headers, ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  return (req, res) => {
    const path = pathOfTarget(req.url ?? '/');
    const isPage = path === pagePath || (pagePath === '/' && path === '/index.html');
    if (!isPage && path !== UI_BUNDLE_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const body = METHOD_NOT_ALLOWED(req.method ?? '');
      res.writeHead(405, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        allow: 'GET, HEAD',
      });
      res.end(body);
      return true;
    }
    if (isPage) {
      answer(req, res, page, { 'content-type': 'text/html; charset=utf-8' });
      return true;
    }
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    answer(req, res, gzip ? gzipped : code, {
      'content-type': 'text/javascript; charset=utf-8',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    return true;
  };
}

/**
 * Wraps `listener` (the API's Node listener) so that the same server also serves the dashboard at
 * `/` (see the module note). Builds the bundle once, before returning.
 * @example
 * ```ts
 * const server = createServer(await withDashboard(toNodeListener(createFetchHandler(radar))));
 * ```
 */
export async function withDashboard(
  listener: RequestListener,
  options: DashboardOptions = {},
): Promise<RequestListener> {
  const serve = dashboardHandler(await buildUiBundle(), options);
  return (req, res) => {
    if (!serve(req, res)) listener(req, res);
  };
}
