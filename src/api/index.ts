/**
 * @module scene-radar/api
 * The HTTP API kit: request and response schemas (Zod), `{ ok, data, error }` envelopes, the
 * error-code table, one operation per route, a web-standard fetch handler, a rate limiter and the
 * OpenAPI 3.1 document. Framework glue for Node, Express and Fastify is in
 * `scene-radar/adapters/node`.
 */
export * from './schemas.js';
export * from './responses.js';
export * from './envelope.js';
export * from './routes.js';
export * from './operations.js';
export * from './rate-limit.js';
export * from './handler.js';
export type { CorsOptions } from './cors.js';
export { isAmbiguousPath } from './paths.js';
export * from './openapi.js';
export {
  checkHealth,
  ComponentHealthSchema,
  HealthReportSchema,
  safeReason,
  type ComponentHealth,
  type ComponentState,
  type HealthOptions,
  type HealthReport,
  type HealthReporter,
} from './health.js';
export {
  ERROR_CODES,
  SceneRadarError,
  httpStatusOf,
  isErrorCode,
  isSceneRadarError,
  type ErrorCode,
} from '../core/errors.js';
