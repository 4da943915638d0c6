/**
 * @module scene-radar/adapters/redis
 * Many instances of one radar over one Redis: `createRedisCacheTier` is a `CacheStore` with the
 * in-process LRU as L1 and Redis as L2, an invalidation bus on Redis pub/sub (a `clearCache` or a
 * refresh on one instance drops the keys from every instance's L1) and a lock so a missing key is
 * computed by one instance while the others wait for it; `createRedisRateLimiter` is the HTTP
 * kit's rate limiter counted in Redis (rate-limiter-flexible). Redis down is degraded, not down:
 * each instance serves from its own memory and computes alone, and the tier says so in
 * `health()` and `radar.stats().cache.store`. `ioredis` (and, for the limiter,
 * `rate-limiter-flexible`) are optional peer dependencies: install them to use this entry.
 * See docs/scale-out.md.
 * @example
 * ```ts
 * import { createSceneRadar } from 'scene-radar';
 * import { createRedisCacheTier } from 'scene-radar/adapters/redis';
 *
 * const tier = createRedisCacheTier({ redis: 'redis://127.0.0.1:6379', keyPrefix: 'label-a:radar:' });
 * const radar = createSceneRadar({ sources, cache: { store: tier } });
 * ```
 */
export { createRedisCacheTier } from './cache-tier.js';
export type { RedisCacheTier, RedisCacheTierEvent, RedisCacheTierOptions } from './tier-options.js';
export type { RedisLockOptions } from './lock.js';
export type { RedisConnectionOption } from './connection.js';
export type { CodecRefusal } from './codec.js';
export {
  createRedisRateLimiter,
  type RedisDownPolicy,
  type RedisRateLimiter,
  type RedisRateLimiterOptions,
} from './rate-limiter.js';
export type {
  CacheInvalidation,
  CacheStoreHealth,
  CoordinatedResult,
  CoordinateOptions,
} from '../../src/core/cache/cache-store.js';
