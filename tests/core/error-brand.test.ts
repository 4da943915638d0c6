/**
 * The SDK tells errors of its own apart by their brand (`isSceneRadarError`), never by
 * `instanceof SceneRadarError`: an error may come from a radar, stores or sources of the other
 * build of the package (a CommonJS host's worker running an ESM radar), where `instanceof` lies.
 * Hostile review 181 found the BullMQ worker running a refused finish job three times for that
 * reason; this scan keeps the pattern out of src/, adapters/ and ui/ (src/core/errors.ts defines
 * the class and its brand).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

describe('errors are told apart by their brand', () => {
  it('no `instanceof SceneRadarError` outside src/core/errors.ts', () => {
    const files = ['src', 'adapters', 'ui'].flatMap((d) => sources(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of files) {
      const name = relative(ROOT, file);
      if (name === join('src', 'core', 'errors.ts')) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/instanceof\s+SceneRadarError\b/.test(line)) found.push(`${name}:${i + 1}`);
        });
    }
    expect(found).toEqual([]);
  });
});
