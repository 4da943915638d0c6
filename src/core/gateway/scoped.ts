/**
 * @module core/gateway/scoped
 * A view of one gateway that sees only some sources: an engine reads exactly the sources it is
 * allowed to (seed section 3), while every engine shares the per-source concurrency limits of
 * the one gateway underneath.
 */
import type { SceneRadarConfig } from '../../config.js';
import type { SourceName } from '../../contracts/sources.js';
import { createSourceGateway, type SourceGateway } from './gateway.js';

/**
 * A gateway that forwards reads of `allowed` sources to `gateway` and answers every other read
 * `absent`, as if the host had not configured that source.
 * @example
 * ```ts
 * const scenesGateway = scopedGateway(gateway, ['mig', 'cmg', 'fusion']);
 * ```
 */
export function scopedGateway(
  gateway: SourceGateway,
  allowed: readonly SourceName[],
  config?: SceneRadarConfig,
): SourceGateway {
  const ok = new Set<SourceName>(allowed);
  // A gateway with no sources answers `absent`, with the provenance every caller expects.
  const none = createSourceGateway({ sources: {}, ...(config ? { config } : {}) });
  return {
    has: (source) => ok.has(source) && gateway.has(source),
    batch: (source, method, keys, options) => (ok.has(source) ? gateway : none).batch(source, method, keys, options),
    one: (source, method, key, options) => (ok.has(source) ? gateway : none).one(source, method, key, options),
    call: (source, method, schema, invoke, options) =>
      (ok.has(source) ? gateway : none).call(source, method, schema, invoke, options),
    close: () => {
      // The view owns nothing: closing it must not close the shared gateway.
      none.close();
    },
  };
}
