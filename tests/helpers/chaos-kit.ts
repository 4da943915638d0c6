/**
 * A chaos injector for sources, after bentocache's ChaosInjector: wraps every method of every
 * source of a world; each call asks the current `rule` what to do (pass through, reject with a
 * value, throw synchronously, hang, or rewrite the answer). Rules can be swapped between calls, so
 * a test can make a source flap.
 */
import type { SceneRadarSources } from 'scene-radar';

/** What one call does. */
export type ChaosAction =
  | { readonly kind: 'pass' }
  | { readonly kind: 'reject'; readonly value: unknown }
  | { readonly kind: 'throw'; readonly value: unknown }
  | { readonly kind: 'hang' }
  | { readonly kind: 'rewrite'; readonly fn: (answer: unknown, args: readonly unknown[]) => unknown };

/** Decides what a call of `method` (`source.method`) does. */
export type ChaosRule = (method: string, args: readonly unknown[]) => ChaosAction;

/** Values a hostile adapter can reject with, none of them printable the ordinary way. */
export function hostileValues(): Array<{ name: string; value: unknown }> {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const badError = new Error('x');
  Object.defineProperty(badError, 'message', {
    get() {
      throw new Error('message getter');
    },
  });
  const errorProxy = new Proxy(new Error('proxied'), {
    get() {
      throw new Error('trap');
    },
    getPrototypeOf() {
      throw new Error('trap');
    },
  });
  return [
    { name: 'Object.create(null)', value: Object.create(null) as unknown },
    {
      name: 'toString throws',
      value: {
        toString: () => {
          throw new Error('no');
        },
      },
    },
    { name: 'revoked Proxy', value: revoked.proxy },
    { name: 'Proxy whose every trap throws', value: errorProxy },
    { name: 'Error whose message getter throws', value: badError },
    { name: 'Symbol', value: Symbol('s') },
    { name: 'undefined', value: undefined },
    { name: 'null', value: null },
    { name: 'bigint', value: 10n },
    { name: 'function', value: () => 1 },
    { name: 'huge string', value: 'x'.repeat(1_000_000) },
  ];
}

/** A chaos wrapper over `sources`; `set(rule)` changes what later calls do. */
export function chaosSources(
  sources: SceneRadarSources,
  rule: ChaosRule = () => ({ kind: 'pass' }),
): { sources: SceneRadarSources; set(rule: ChaosRule): void; calls: Map<string, number> } {
  let current = rule;
  const calls = new Map<string, number>();
  const wrap = (name: string, adapter: object): object => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(adapter)) {
      if (typeof v !== 'function') {
        out[k] = v;
        continue;
      }
      const method = `${name}.${k}`;
      out[k] = (...args: unknown[]): unknown => {
        calls.set(method, (calls.get(method) ?? 0) + 1);
        const action = current(method, args);
        switch (action.kind) {
          case 'pass':
            return Reflect.apply(v as (...a: unknown[]) => unknown, adapter, args);
          case 'reject':
            return Promise.reject(action.value);
          case 'throw':
            throw action.value;
          case 'hang':
            return new Promise(() => undefined);
          case 'rewrite':
            return (Reflect.apply(v as (...a: unknown[]) => unknown, adapter, args) as Promise<unknown>).then(
              (answer) => action.fn(answer, args),
            );
        }
      };
    }
    return out;
  };
  const wrapped = Object.fromEntries(
    Object.entries(sources).map(([name, adapter]) => [
      name,
      adapter === undefined ? undefined : wrap(name, adapter as object),
    ]),
  );
  return { sources: wrapped as SceneRadarSources, set: (r) => (current = r), calls };
}

/** Rewrites each value of a batch answer (a Map). */
export function mapValues(fn: (value: unknown, key: string) => unknown): (answer: unknown) => unknown {
  return (answer) => new Map([...(answer as Map<string, unknown>)].map(([k, v]) => [k, fn(v, k)]));
}

/** Collects unhandled rejections while `run` runs (and for a tick after). */
export async function withoutUnhandled<T>(run: () => Promise<T>): Promise<{ value: T; unhandled: unknown[] }> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const value = await run();
    await new Promise((r) => setTimeout(r, 20));
    return { value, unhandled };
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}
