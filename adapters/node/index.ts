/**
 * @module scene-radar/adapters/node
 * Node glue for the API kit's web-standard handler: `node:http` (`toNodeListener`), Express
 * (`expressMiddleware`) and Fastify (`fastifyPlugin`), and the two conversions they are built on
 * (`toWebRequest`, `sendWebResponse`), and `handleClientErrors` for a server's malformed requests. Express and Fastify are not dependencies: the glue relies
 * only on the few members of their objects it uses. Hono, Next.js, Bun and Deno need no glue: they
 * take the handler as it is.
 */
export { DEFAULT_ORIGIN, toWebRequest, type NodeRequestOptions } from './request.js';
export { sendWebResponse } from './response.js';
export { handleClientErrors } from './client-error.js';
export {
  toNodeListener,
  type NodeErrorContext,
  type NodeListener,
  type NodeListenerOptions,
  type WebHandler,
} from './listener.js';
export {
  expressMiddleware,
  type ExpressLikeMiddleware,
  type ExpressLikeNext,
  type ExpressLikeRequest,
  type ExpressMiddlewareOptions,
} from './express.js';
export {
  fastifyPlugin,
  type FastifyLikeBodyParser,
  type FastifyLikeHandler,
  type FastifyLikeInstance,
  type FastifyLikePlugin,
  type FastifyLikeReply,
  type FastifyLikeRequest,
  type FastifyPluginOptions,
} from './fastify.js';
