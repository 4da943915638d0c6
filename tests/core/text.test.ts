/**
 * The one rule for free text (src/core/text.ts): a NUL or a lone surrogate is refused where text
 * enters (a source payload, a catalog, a stored row), on every store alike, because PostgreSQL
 * cannot store the first and rewrites the second.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, resolveConfig, type SceneRadarSources } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { sampleRowsFor } from 'scene-radar/testing';
import { createMemoryStores } from 'scene-radar/stores';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { isStorableText, text } from '../../src/core/text.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');

describe('storable text', () => {
  it('refuses a NUL and a lone surrogate of either half, keeps paired surrogates and other text', () => {
    for (const bad of ['a\u0000b', '\u0000', 'x\uD800', '\uDC00y', 'a\uDBFFb', 'rev\uDE00\uD83D'])
      expect(isStorableText(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['', 'Brighton', 'Zürich – 東京', '😀 emoji', 'tab\tand\nnewline', '\uD83D\uDE00'])
      expect(isStorableText(good), JSON.stringify(good)).toBe(true);
    expect(text(8).safeParse('ok').success).toBe(true);
    expect(text(8).safeParse('n\u0000').error?.issues[0]?.message).toBe(
      'Expected well-formed Unicode text without NUL characters',
    );
    expect(text(2).safeParse('abc').success).toBe(false);
  });

  it('a source payload with unstorable text is a refused item at the gateway, never a value', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const [a, b] = world.dataset.artistSlugs();
    const mig = {
      ...world.sources.mig,
      async getArtists(slugs: readonly string[], options: Parameters<typeof world.sources.mig.getArtists>[1]) {
        const got = new Map(await world.sources.mig.getArtists(slugs, options));
        const record = got.get(a!);
        if (record) got.set(a!, { ...record, name: 'Bad\u0000Name' });
        return got;
      },
    };
    const gateway = createSourceGateway({
      sources: { ...world.sources, mig } as SceneRadarSources,
      config: resolveConfig({}),
    });
    const out = await gateway.batch('mig', 'getArtists', [a!, b!], { asOf: NOW });
    expect(out.get(a!)?.status).toBe('error');
    expect(out.get(b!)?.status).toBe('ok');
  });

  it('the in-memory stores refuse a row with unstorable text, as PostgreSQL must', async () => {
    const stores = createMemoryStores();
    const [scene] = sampleRowsFor('scenes', 1);
    await expect(stores.scenes.scenes.upsert([{ ...scene!, name: 'Odd\uD800' }])).rejects.toThrow(
      /invalid row 0: name Expected well-formed Unicode/,
    );
    expect(await stores.scenes.scenes.count()).toBe(0);
  });

  it('a catalog with unstorable text is SCENES_VALIDATION_ERROR and writes nothing', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const stores = createMemoryStores();
    const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    const [first, ...rest] = world.catalog.scenes;
    await expect(
      radar.scenes.importCatalog({ ...world.catalog, scenes: [{ ...first!, name: 'Odd\u0000' }, ...rest] }),
    ).rejects.toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
    expect(await stores.scenes.scenes.count()).toBe(0);
    expect(await stores.scenes.microgenres.count()).toBe(0);
    await radar.close();
  });
});
