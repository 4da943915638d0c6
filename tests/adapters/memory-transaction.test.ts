/**
 * The in-memory stores' transaction, beyond the conformance cases: calls made inside one run in
 * the order they were made (as statements on a database connection do), and a `deleteWhere`
 * filter is the caller's value at the time of the call.
 */
import { describe, expect, it } from 'vitest';
import { memoryScenesStores, type SceneRelationshipRow } from 'scene-radar/stores';

const link = (related: string, weight: number): SceneRelationshipRow => ({
  scene_slug: 'indie-uk-brighton',
  related_slug: related,
  type: 'shared_members',
  weight,
  evidence: 1,
  updated_at: '2026-11-20T00:00:00.000Z',
});

const keysOf = (rows: readonly SceneRelationshipRow[]): string[] =>
  rows.map((r) => `${r.related_slug}:${r.weight}`).sort();

describe('memory transaction', () => {
  it('a delete and an upsert of the same key made together land in call order', async () => {
    const stores = memoryScenesStores();
    await stores.scene_relationships.upsert([link('a', 0.1)]);
    await stores.transaction!(async (tx) => {
      await Promise.all([
        tx.scene_relationships.delete([{ scene_slug: 'indie-uk-brighton', related_slug: 'a', type: 'shared_members' }]),
        tx.scene_relationships.upsert([link('a', 0.9)]),
      ]);
    });
    expect(keysOf(await stores.scene_relationships.scan())).toEqual(['a:0.9']);
  });

  it('a deleteWhere and an upsert it would match, made together, keep the upsert', async () => {
    const stores = memoryScenesStores();
    await stores.scene_relationships.upsert([link('a', 0.1)]);
    await stores.transaction!(async (tx) => {
      await Promise.all([
        tx.scene_relationships.deleteWhere({ scene_slug: 'indie-uk-brighton' }),
        tx.scene_relationships.upsert([link('b', 0.5)]),
      ]);
    });
    expect(keysOf(await stores.scene_relationships.scan())).toEqual(['b:0.5']);
  });

  it('a deleteWhere filter changed by the caller afterwards changes nothing', async () => {
    const stores = memoryScenesStores();
    await stores.scene_relationships.upsert([link('a', 0.1), { ...link('b', 0.2), scene_slug: 'rock-us-austin' }]);
    await stores.transaction!(async (tx) => {
      const where: { scene_slug: string } = { scene_slug: 'indie-uk-brighton' };
      await tx.scene_relationships.deleteWhere(where);
      where.scene_slug = 'rock-us-austin';
      expect(keysOf(await tx.scene_relationships.scan())).toEqual(['b:0.2']);
    });
    expect(keysOf(await stores.scene_relationships.scan())).toEqual(['b:0.2']);
  });
});
