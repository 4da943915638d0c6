/**
 * What the OpenTelemetry bridge's tests share: a context manager like the one a host's SDK
 * registers (AsyncLocalStorage-based), a demo radar with its catalog, and a span's parent.
 */
import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from '../../src/index.js';

export const NOW = '2026-11-25T00:00:00.000Z';
const END = '2026-11-24';

/** A context manager like a host's SDK registers: the active context kept in an AsyncLocalStorage. */
export class AlsContextManager implements ContextManager {
  protected readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

/** A radar over a demo world of `artists` (its sources passed through `edit`), catalog imported; kept in `radars` for closing. */
export async function radarOf(
  radars: SceneRadar[],
  artists: number,
  edit: (s: SceneRadarSources) => SceneRadarSources = (s) => s,
): Promise<SceneRadar> {
  const world = createDemoWorld({ artists, end: END });
  const radar = createSceneRadar({ sources: edit(world.sources), clock: fixedClock(NOW) });
  radars.push(radar);
  await radar.scenes.importCatalog(world.catalog);
  return radar;
}

/** The span among `all` that is `s`'s parent. */
export const parentOf = (s: ReadableSpan, all: readonly ReadableSpan[]): ReadableSpan | undefined =>
  all.find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
