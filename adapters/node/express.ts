/**
 * @module adapters/node/express
 * `expressMiddleware`: the API as an Express (4 or 5) middleware. Express is not a dependency:
 * the types below are the few members the middleware reads, which Express's own objects have.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isUnder, normaliseBasePath } from './base-path.js';
import { checkOrigin, serveNodeRequest, type NodeListenerOptions, type WebHandler } from './listener.js';

/**
 * The part of an Express request the middleware reads: a Node request with `originalUrl` (the URL
 * as the client sent it, before a mount point was stripped from `url`). Express's `Request` is one.
 * @example
 * ```ts
 * const req: ExpressLikeRequest = expressReq; // an express.Request
 * ```
 */
export type ExpressLikeRequest = IncomingMessage & {
  /** The URL as the client sent it (Express sets it; `url` is then relative to the mount point). */
  readonly originalUrl?: string;
};

/**
 * Express's `next`: passes the request on to the next middleware.
 * @example
 * ```ts
 * const next: ExpressLikeNext = (error) => { if (error) console.error(error); };
 * ```
 */
export type ExpressLikeNext = (error?: unknown) => void;

/**
 * An Express middleware, as `app.use` takes it.
 * @example
 * ```ts
 * const middleware: ExpressLikeMiddleware = expressMiddleware(handler);
 * app.use(middleware);
 * ```
 */
export type ExpressLikeMiddleware = (req: ExpressLikeRequest, res: ServerResponse, next: ExpressLikeNext) => void;

/**
 * Options of {@link expressMiddleware}.
 * @example
 * ```ts
 * const options: ExpressMiddlewareOptions = { basePath: '/v1/api', origin: 'https://radar.example.com' };
 * app.use('/v1', expressMiddleware(createFetchHandler(radar, { basePath: '/v1/api' }), options));
 * ```
 */
export interface ExpressMiddlewareOptions extends NodeListenerOptions {
  /**
   * The path prefix this middleware answers, from the root of the app (it is compared with
   * `req.originalUrl`, so a mount point is part of it). Give the handler the same `basePath`.
   * @default '/api'
   */
  readonly basePath?: string;
}

/**
 * The API as an Express middleware. Requests whose path (from `req.originalUrl`, so mounting the
 * middleware under a prefix or inside a router changes nothing) is `basePath` or below it go to
 * the handler, which answers every one of them (a 404 or 405 envelope included); any other request
 * goes on with `next()`. A handler that rejects is answered with the 500 envelope (and reported to
 * `onError`), not passed to Express's error handler, so the API answers in one format.
 *
 * Mount it before a body parser, or the parser will have read the request body already.
 * @example
 * ```ts
 * import express from 'express';
 * import { createFetchHandler } from 'scene-radar/api';
 * import { expressMiddleware } from 'scene-radar/adapters/node';
 *
 * const app = express();
 * app.use(expressMiddleware(createFetchHandler(radar)));          // serves /api/...
 * // Under a prefix: the base path is the full path from the app's root, for both.
 * app.use('/v1', expressMiddleware(createFetchHandler(radar, { basePath: '/v1/api' }), { basePath: '/v1/api' }));
 * app.listen(8787);
 * ```
 */
export function expressMiddleware(handler: WebHandler, options: ExpressMiddlewareOptions = {}): ExpressLikeMiddleware {
  const base = normaliseBasePath(options.basePath ?? '/api');
  checkOrigin(options);
  return (req, res, next) => {
    const url = req.originalUrl ?? req.url ?? '/';
    if (!isUnder(url, base)) {
      next();
      return;
    }
    // The handler sees the URL as the client sent it, not Express's mount-relative `req.url`.
    void serveNodeRequest(handler, req, res, options, url);
  };
}
