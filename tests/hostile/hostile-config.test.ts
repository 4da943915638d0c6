/**
 * A configuration that cannot be read must still fail at construction with `CONFIG_INVALID`
 * naming the problem: a getter that throws (any value), a revoked proxy, or an object that
 * contains itself (which overflowed the stack with a RangeError).
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, isSceneRadarError, resolveConfig, type SceneRadarConfigInput } from 'scene-radar';

function configError(make: () => unknown): { code: string | undefined; message: string } {
  try {
    make();
  } catch (e) {
    return { code: isSceneRadarError(e) ? e.code : undefined, message: String((e as Error)?.message ?? e) };
  }
  throw new Error('expected the configuration to be refused');
}

const cyclic = (): SceneRadarConfigInput => {
  const config: Record<string, unknown> = { scenes: { scenePulseTtlMs: 1000 } };
  (config.scenes as Record<string, unknown>).again = config;
  return config as SceneRadarConfigInput;
};

describe('configuration that cannot be read', () => {
  it.each([
    [
      'a getter that throws an Error',
      () =>
        ({
          get talent(): never {
            throw new Error('vault sealed');
          },
        }) as SceneRadarConfigInput,
      /cannot be read \(vault sealed\)/,
    ],
    [
      'a revoked proxy',
      () => {
        const r = Proxy.revocable({}, {});
        r.revoke();
        return r.proxy as SceneRadarConfigInput;
      },
      /cannot be read/,
    ],
    ['an object that contains itself', cyclic, /scenes\.again: the object contains itself/],
  ])('refuses %s with CONFIG_INVALID', (_, make, message) => {
    const direct = configError(() => resolveConfig(make()));
    expect(direct.code).toBe('CONFIG_INVALID');
    expect(direct.message).toMatch(message);
    const radar = configError(() => createSceneRadar({ sources: {}, config: make() }));
    expect(radar.code).toBe('CONFIG_INVALID');
  });
});
