/**
 * @module adapters/node/request
 * `toWebRequest`: a web `Request` from a Node `IncomingMessage`. The URL's origin comes from the
 * host's configuration, never from the client's `Host` header, so nothing downstream can be
 * talked into building links or cache keys for another site.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Options of {@link toWebRequest}.
 * @example
 * ```ts
 * // Behind a proxy you control, which sets x-forwarded-host to one of your own hosts:
 * const options: NodeRequestOptions = {
 *   origin: (req) => (req.headers['x-forwarded-host'] === 'radar.example.com' ? 'https://radar.example.com' : 'http://localhost'),
 * };
 * ```
 */
export interface NodeRequestOptions {
  /**
   * The origin of the request URL (`https://api.example.com`), or a function that picks it per
   * request (for a host behind a proxy it trusts, reading `x-forwarded-host` itself). Only the
   * origin is kept: a path in it is ignored. @default 'http://localhost'
   */
  readonly origin?: string | ((req: IncomingMessage) => string);
  /**
   * The request target (`/api/x?y`) to use instead of `req.url` (the Express glue passes
   * `req.originalUrl`, which a mount point has not shortened). @default req.url
   */
  readonly url?: string;
  /** Aborts the request's `signal` (the listeners pass one that fires when the client goes away). */
  readonly signal?: AbortSignal;
  /**
   * Whether the request gets its body (false: none, and Node discards it after the answer, which
   * keeps a keep-alive connection usable; the listeners pass false for the SDK's own handler,
   * which reads no body). @default true
   */
  readonly body?: boolean;
}

/**
 * The origin used when none is configured.
 * @example
 * ```ts
 * toWebRequest(req).url.startsWith(DEFAULT_ORIGIN); // true: 'http://localhost/...'
 * ```
 */
export const DEFAULT_ORIGIN = 'http://localhost';

/**
 * The origin of `value` (`scheme://host[:port]`), or a `TypeError` naming it.
 * @internal
 */
export function originOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`origin must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`origin must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  return url.origin;
}

/**
 * The path and query of a request target. Origin-form (`/a?b`) is kept as it is; absolute-form
 * (`http://host/a?b`, sent to proxies) keeps only its path and query; anything else (`*`) is `/`.
 */
function targetOf(rawUrl: string | undefined): string {
  if (rawUrl === undefined || rawUrl === '') return '/';
  if (rawUrl.startsWith('/')) return rawUrl;
  try {
    const url = new URL(rawUrl);
    return `${url.pathname}${url.search}`;
  } catch {
    return '/';
  }
}

/**
 * True when an HTTP/1.1 request announces a body (a length above 0, or a transfer coding) that
 * nobody has read yet (a body parser mounted before the glue reads it: it is gone).
 */
function announcesBody(req: IncomingMessage): boolean {
  if (req.readableDidRead || req.readableEnded) return false;
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * A web `Request` for a Node request: its method, `origin + req.url` as the URL (the `Host`
 * header is copied as a header but never used for the URL), every header (a repeated header as
 * Node joined it, `set-cookie` values appended one by one), and for methods other than GET and
 * HEAD that announce a body, the request stream as the body (read lazily, `duplex: 'half'`). A
 * body something else has started reading (a body parser mounted first) is left out: `body` is null.
 *
 * Throws a `TypeError` for what a `Request` cannot hold (the methods `CONNECT`, `TRACE`, `TRACK`;
 * an invalid origin). The glue in this module turns that into a 500 envelope.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { toWebRequest, sendWebResponse } from 'scene-radar/adapters/node';
 *
 * createServer(async (req, res) => {
 *   const request = toWebRequest(req, { origin: 'https://radar.example.com' });
 *   await sendWebResponse(res, await handler(request));
 * });
 * ```
 */
export function toWebRequest(req: IncomingMessage, options: NodeRequestOptions = {}): Request {
  const configured = typeof options.origin === 'function' ? options.origin(req) : (options.origin ?? DEFAULT_ORIGIN);
  const url = `${originOf(configured)}${targetOf(options.url ?? req.url)}`;
  const method = (req.method ?? 'GET').toUpperCase();
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers (`:path`, `:authority`) are not headers of a `Request`.
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (options.signal) init.signal = options.signal;
  if (options.body !== false && method !== 'GET' && method !== 'HEAD' && announcesBody(req)) {
    init.body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  return new Request(url, init);
}
