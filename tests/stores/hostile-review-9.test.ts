/**
 * Hostile review 9 of the in-memory store layer (src/stores/): rows read back as written, scans
 * against a plain reference model on seeded random operations (across the columnar core's growth
 * boundaries), and staged / transaction semantics. The first describe block holds the faults
 * (each test fails on the code it was written against); the rest are guards.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  memoryScenesStores,
  memoryTable,
  memoryTalentStores,
  SCENES_TABLES,
  type ScanQuery,
  TALENT_TABLES,
  type TableSpec,
} from 'scene-radar/stores';
import { mulberry32 } from '../../src/core/random.js';
import { compactStats } from '../../src/stores/compact-core.js';
import { coreOf } from '../../src/stores/memory-core.js';
import { stageStores } from '../../src/stores/staged.js';

const at = '2026-01-01T00:00:00.000Z';
const later = '2026-02-01T00:00:00.000Z';
const latest = '2026-03-01T00:00:00.000Z';

/** A row as text with its keys in order, `-0` and undefined kept apart. */
const exact = (row: unknown): string =>
  JSON.stringify(row, (_k, v) => (Object.is(v, -0) ? '-0' : v === undefined ? '<undefined>' : v));

/** Seeded PRNG: the package's own. */
const rng = mulberry32;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

type Rec = Record<string, unknown>;

/** The in-memory order: null (and absent) below every value. */
function refCompare(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an && bn) return 0;
  if (an) return -1;
  if (bn) return 1;
  if (a === b) return 0;
  return (a as string) < (b as string) ? -1 : 1;
}

/** A plain reference table: a map of deep copies, scanned by filter, sort and slice. */
class RefTable {
  readonly rows = new Map<string, Rec>();
  constructor(readonly key: readonly string[]) {}
  id(row: Rec): string {
    return JSON.stringify(this.key.map((k) => row[k]));
  }
  upsert(rows: readonly Rec[]): void {
    for (const row of rows) this.rows.set(this.id(row), structuredClone(row));
  }
  delete(keys: readonly Rec[]): number {
    let n = 0;
    for (const k of keys) if (this.rows.delete(this.id(k))) n++;
    return n;
  }
  matches(row: Rec, where: Rec | undefined): boolean {
    return Object.entries(where ?? {}).every(([c, v]) => v === undefined || row[c] === v);
  }
  deleteWhere(where: Rec | undefined): number {
    let n = 0;
    for (const [id, row] of [...this.rows]) if (this.matches(row, where)) n += this.rows.delete(id) ? 1 : 0;
    return n;
  }
  count(where?: Rec): number {
    return [...this.rows.values()].filter((r) => this.matches(r, where)).length;
  }
  byKey(a: Rec, b: Rec): number {
    for (const k of this.key) {
      const c = refCompare(a[k], b[k]);
      if (c !== 0) return c;
    }
    return 0;
  }
  scan(q: ScanQuery<Rec> = {}): Rec[] {
    let out = [...this.rows.values()].filter((r) => this.matches(r, q.where as Rec));
    const range = q.range;
    if (range) {
      out = out.filter((r) => {
        const v = r[range.column];
        if (range.gte !== undefined && refCompare(v, range.gte) < 0) return false;
        if (range.lte !== undefined && refCompare(v, range.lte) > 0) return false;
        return true;
      });
    }
    const ob = q.orderBy;
    const dir = ob?.direction === 'desc' ? -1 : 1;
    out.sort((a, b) => (ob ? dir * refCompare(a[ob.column], b[ob.column]) : 0) || this.byKey(a, b));
    const start = q.offset ?? 0;
    return out.slice(start, q.limit === undefined ? undefined : start + q.limit);
  }
}

const membership = (scene: string, artist: string, over: Rec = {}): Rec => ({
  scene_slug: scene,
  artist_slug: artist,
  confidence: 0.5,
  sound: 0.1,
  place: 0.2,
  people: 0.3,
  microgenres: ['indie-pop'],
  reasons: ['shared tastemakers'],
  joined_at: at,
  as_of: at,
  updated_at: at,
  ...over,
});

const recommendation = (subject: string, scene: string, rank = 1): Rec => ({
  subject,
  scene_slug: scene,
  rank,
  score: 0.5,
  fit: 0.5,
  heat: 10,
  reasons: [],
  computed_at: at,
  expires_at: at,
});

const trend = (scene: string, day: string, heat = 10): Rec => ({
  scene_slug: scene,
  day,
  heat,
  growth: 0,
  stage: 'emerging',
  active_members: 1,
  new_members: 0,
  rising_members: 0,
  as_of: at,
});

const scene = (slug: string, name = 'Scene'): Rec => ({
  slug,
  name,
  region: 'uk',
  city: null,
  microgenres: ['indie-pop'],
  updated_at: at,
});

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

describe('faults', () => {
  it('default scan order (and orderBy ties) follow the primary key values, not the JSON text of the id', async () => {
    // The table contract: "ties (and the default order) go by primary key". The suite's own
    // compareKeys (src/testing/table-kit.ts) and PostgreSQL (COLLATE "C") order 'a' before 'a b'
    // and 'a"' before 'a#'; the id text `["a b"]` sorts before `["a"]` (space < quote) and `["a\""]`
    // after `["a#"]` (backslash > '#').
    const t = memoryTable(SCENES_TABLES.scene_recommendations_cache);
    const subjects = ['a#', 'a b', 'a"', 'a', 'a\tb', 'a!'];
    await t.upsert(subjects.map((s) => recommendation(s, 'x') as never));
    const expected = [...subjects].sort(); // ASCII: UTF-16 order = code point order = "C" collation
    expect(expected).toEqual(['a', 'a\tb', 'a b', 'a!', 'a"', 'a#']);
    expect((await t.scan()).map((r) => r.subject)).toEqual(expected);
    expect((await t.scan({ orderBy: { column: 'rank' } })).map((r) => r.subject)).toEqual(expected);
    expect((await t.scan({ where: { scene_slug: 'x' } })).map((r) => r.subject)).toEqual(expected);
  });

  it('orders a null and an absent (optional) value as equal (both NULL), so pages agree with the full scan', async () => {
    // compare(null, undefined) and compare(undefined, null) are both -1: not a total order, so the
    // full sort, the heap of a small page and the insertion sort each give another order.
    const schema = z.object({ id: z.string(), v: z.number().nullable().optional() });
    type R = z.infer<typeof schema>;
    const spec: TableSpec<R, 'id'> = { name: 'opt', schema, key: ['id'], indexes: [] };
    const t = memoryTable(spec);
    const ids = Array.from({ length: 40 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    await t.upsert(ids.map((id, i) => (i % 2 ? { id, v: null } : { id })));
    const full = (await t.scan({ orderBy: { column: 'v' as never } })).map((r) => r.id);
    const paged: string[] = [];
    for (let offset = 0; offset < 40; offset += 4)
      paged.push(...(await t.scan({ orderBy: { column: 'v' as never }, offset, limit: 4 })).map((r) => r.id));
    // Every row's v is NULL (null or absent): ties, so the primary key decides, on every page.
    expect({ full, paged }).toEqual({ full: ids, paged: ids });
  });

  it('a staged (transaction) upsert takes its rows when called, as the live table does', async () => {
    // The live table validates and copies synchronously; the stage only when its queued call runs,
    // so a batch array the caller reuses (or a row it edits) before awaiting is what gets written.
    const stores = memoryScenesStores();
    await stores.transaction!(async (tx) => {
      const batch: Rec[] = [scene('kept-a'), scene('kept-b')];
      const first = tx.scenes.upsert(batch as never);
      batch.length = 0;
      const row = scene('edited', 'Before');
      const second = tx.scenes.upsert([row] as never);
      row.name = 'After';
      await Promise.all([first, second]);
    });
    const rows = await stores.scenes.scan();
    expect(rows.map((r) => [r.slug, r.name])).toEqual([
      ['edited', 'Before'],
      ['kept-a', 'Scene'],
      ['kept-b', 'Scene'],
    ]);
  });

  it('a talent_radar_state JSON value with an own "__proto__" key is kept as given or refused, never silently stripped', async () => {
    // JsonObjectSchema promises "the row keeps it as given"; Zod's record drops "__proto__" keys
    // and the upsert resolves as if the row were stored whole.
    const t = memoryTable(TALENT_TABLES.talent_radar_state);
    const value = JSON.parse('{"__proto__":{"x":1},"a":{"__proto__":[2]},"b":3}') as Record<string, unknown>;
    const outcome = await t.upsert([{ name: 'proto', value: value as never, updated_at: at }]).then(
      async () => {
        const got = (await t.get({ name: 'proto' }))!.value as Record<string, unknown>;
        return exact(got) === exact(value) && Object.hasOwn(got, '__proto__') ? 'kept' : `reshaped: ${exact(got)}`;
      },
      (e: unknown) => (e instanceof TypeError ? 'refused' : `threw ${String(e)}`),
    );
    expect(['kept', 'refused']).toContain(outcome);
  });

  // KNOWN, LEFT OPEN (`it.fails`: it passes while the difference is there): fixing it needs a
  // write sequence per row in both cores, so a commit deletes only rows written before the
  // deleteWhere. The engines' own outside writes to a table they deleteWhere in a refresh (the
  // recommendations cache) are meant to go with it; docs/persistence.md says so.
  it.fails('KNOWN, LEFT OPEN: a write acknowledged outside a transaction is not destroyed by an earlier deleteWhere of that transaction', async () => {
    // The stage keeps deleteWhere as a filter and replays it at commit: a row upserted (and
    // acknowledged) by another writer after the deleteWhere ran is deleted too, though the
    // deleteWhere counted 1. No serial order gives that: transaction first keeps the row (what
    // PostgreSQL does), outside writer first makes the deleteWhere count 2.
    const stores = memoryScenesStores();
    await stores.scene_trends.upsert([trend('s-a', '2026-01-01')] as never);
    let deleted!: () => void;
    const deletedRan = new Promise<void>((res) => {
      deleted = res;
    });
    let release!: () => void;
    const gate = new Promise<void>((res) => {
      release = res;
    });
    const tx = stores.transaction!(async (t) => {
      const n = await t.scene_trends.deleteWhere({ scene_slug: 's-a' });
      deleted();
      await gate;
      return n;
    });
    await deletedRan;
    await stores.scene_trends.upsert([trend('s-a', '2026-01-02')] as never);
    release();
    const n = await tx;
    const days = (await stores.scene_trends.scan()).map((r) => r.day);
    expect({ n, days }).toEqual({ n: 1, days: ['2026-01-02'] });
  });

  it('scan refuses an orderBy or range PostgreSQL refuses (list column, bound of another type) instead of answering with a made-up order', async () => {
    // PostgreSQL: RangeError "... holds a list or an object and cannot be used in orderBy" and
    // "range gte on day must be storable text". In memory the list column sorts by a comparison
    // that is not an order (every pair of distinct equal arrays is "greater" both ways), and the
    // number bound filters strings by `'2026-01-01' < 5`.
    const stores = memoryScenesStores();
    await stores.scenes.upsert(['s-a', 's-b', 's-c'].map((s) => scene(s)) as never);
    await stores.scene_trends.upsert([trend('s-a', '2026-01-01')] as never);
    await expect(stores.scenes.scan({ orderBy: { column: 'microgenres' as never } })).rejects.toThrow(RangeError);
    await expect(stores.scene_trends.scan({ range: { column: 'day', gte: 5 } })).rejects.toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Guards
// ---------------------------------------------------------------------------------------------

const SCENES = ['s-a', 's-b', 's-c', 's-d'];
const INSTANTS = [at, later, latest];
const NUMS = [0, -0, 0.25, 0.5, 1, Number.MIN_VALUE, 0.1 + 0.2];

function randomMembership(r: () => number, artists: number): Rec {
  return membership(pick(r, SCENES), `artist-${Math.floor(r() * artists)}`, {
    confidence: pick(r, NUMS),
    sound: pick(r, NUMS),
    microgenres: pick(r, [[], ['indie-pop'], ['indie-pop', 'shoegaze'], ['shoegaze']]),
    reasons: pick(r, [[], ['x'], ['a "quoted" reason', '']]),
    as_of: pick(r, INSTANTS),
  });
}

function randomQuery(r: () => number): ScanQuery<Rec> {
  const where = pick(r, [
    undefined,
    {},
    { scene_slug: pick(r, SCENES) },
    { artist_slug: `artist-${Math.floor(r() * 40)}` },
    { scene_slug: pick(r, SCENES), as_of: pick(r, INSTANTS) },
    { confidence: pick(r, NUMS) },
    { scene_slug: 'no-such-scene' },
  ]) as Rec | undefined;
  const q: Record<string, unknown> = {};
  if (where) q.where = where;
  if (r() < 0.25)
    q.range = pick(r, [
      { column: 'confidence', gte: 0.25 },
      { column: 'as_of', lte: later },
      { column: 'artist_slug', gte: 'artist-1', lte: 'artist-5' },
    ]);
  if (r() < 0.7)
    q.orderBy = {
      column: pick(r, ['confidence', 'as_of', 'artist_slug', 'scene_slug', 'sound']),
      direction: pick(r, ['asc', 'desc', undefined]),
    };
  if (r() < 0.6) q.limit = pick(r, [1, 2, 3, 10, 100]);
  if (r() < 0.4) q.offset = pick(r, [0, 1, 5, 40, 5000]);
  return q as ScanQuery<Rec>;
}

describe('guards: scans against a reference model', () => {
  it('scene_memberships (columnar) agrees with the reference on seeded random writes, across growth to 1600+ rows', async () => {
    const r = rng(9);
    const t = memoryTable(SCENES_TABLES.scene_memberships as unknown as TableSpec<Rec, never>);
    const ref = new RefTable(['scene_slug', 'artist_slug']);
    const check = async (q: ScanQuery<Rec>) => {
      expect((await t.scan(q)).map(exact), JSON.stringify(q)).toEqual(ref.scan(q).map(exact));
    };
    // Grow past 1024 -> 1280 -> 1600 with deletes and re-inserts in between (free-row reuse).
    for (let batch = 0; batch < 20; batch++) {
      const rows = Array.from({ length: 100 }, () => randomMembership(r, 600));
      await t.upsert(rows as never);
      ref.upsert(rows);
      if (batch % 4 === 3) {
        const keys = [...ref.rows.values()].filter(() => r() < 0.1).map((x) => ({ ...x }));
        expect(await t.delete(keys as never)).toBe(ref.delete(keys));
      }
      expect(await t.count()).toBe(ref.count());
      await check(randomQuery(r));
    }
    expect(compactStats(coreOf(t)!)!.capacity).toBeGreaterThan(1024);
    for (let step = 0; step < 600; step++) {
      const op = r();
      if (op < 0.4) {
        const rows = Array.from({ length: 1 + Math.floor(r() * 4) }, () => randomMembership(r, 600));
        await t.upsert(rows as never);
        ref.upsert(rows);
      } else if (op < 0.55) {
        const keys = Array.from({ length: 3 }, () => ({
          scene_slug: pick(r, SCENES),
          artist_slug: `artist-${Math.floor(r() * 600)}`,
        }));
        expect(await t.delete(keys as never)).toBe(ref.delete(keys));
      } else if (op < 0.58) {
        const where = pick(r, [
          { scene_slug: pick(r, SCENES), as_of: pick(r, INSTANTS) },
          { confidence: pick(r, NUMS) },
        ]);
        expect(await t.deleteWhere(where as never)).toBe(ref.deleteWhere(where));
      } else if (op < 0.7) {
        const where = randomQuery(r).where as Rec | undefined;
        expect(await t.count(where as never)).toBe(ref.count(where));
      } else if (op < 0.8) {
        const k = { scene_slug: pick(r, SCENES), artist_slug: `artist-${Math.floor(r() * 600)}` };
        const want = ref.rows.get(ref.id(k));
        const got = await t.get(k as never);
        expect(got === undefined ? undefined : exact(got)).toBe(want === undefined ? undefined : exact(want));
      } else {
        await check(randomQuery(r));
      }
    }
    await check({});
    expect(await t.count()).toBe(ref.count());
  });

  it('talent_radar_artists (columnar, nullable index, flat record) reads back exactly, null filters included', async () => {
    const r = rng(99);
    const t = memoryTable(TALENT_TABLES.talent_radar_artists as unknown as TableSpec<Rec, never>);
    const ref = new RefTable(['artist_slug']);
    const artist = (i: number): Rec => ({
      artist_slug: `a-${i}`,
      scene_slug: pick(r, [null, 's-a', 's-b']),
      microgenres: pick(r, [[], ['x'], ['x', 'y']]),
      momentum: pick(r, [0, -0, 50, 100, 99.99999999999999]),
      creative_shift: pick(r, NUMS),
      coverage_velocity: pick(r, [0, 1e308, Number.MAX_VALUE, 5e-324]),
      press_quality: 0.5,
      mig_connectivity: 0.5,
      breakout_score: pick(r, NUMS),
      risk_score: 0.5,
      metadata: {
        migCentrality: pick(r, NUMS),
        tastemakerConnections: pick(r, [0, 3, Number.MAX_SAFE_INTEGER]),
        sceneConfidence: 1,
        campaignCount: 0,
      },
      confidence: 0.5,
      as_of: pick(r, INSTANTS),
      model_version: pick(r, ['v1', 'x'.repeat(64)]),
      updated_at: at,
    });
    for (let round = 0; round < 12; round++) {
      const rows = Array.from({ length: 120 }, () => artist(Math.floor(r() * 1400)));
      await t.upsert(rows as never);
      ref.upsert(rows);
      const gone = Array.from({ length: 30 }, () => ({ artist_slug: `a-${Math.floor(r() * 1400)}` }));
      expect(await t.delete(gone as never)).toBe(ref.delete(gone));
      for (const where of [{ scene_slug: null }, { scene_slug: 's-a' }, { as_of: later }, {}])
        expect(await t.count(where as never)).toBe(ref.count(where));
      for (const q of [
        { where: { scene_slug: null }, orderBy: { column: 'momentum', direction: 'desc' }, limit: 5 },
        { orderBy: { column: 'scene_slug' }, limit: 7, offset: 3 },
        { orderBy: { column: 'breakout_score', direction: 'desc' }, limit: 1 },
        { where: { scene_slug: 's-b' } },
      ] as ScanQuery<Rec>[])
        expect((await t.scan(q)).map(exact)).toEqual(ref.scan(q).map(exact));
    }
    expect((await t.scan()).map(exact)).toEqual(ref.scan().map(exact));
  });

  it('object-core scene_trends agrees with the reference on seeded random writes (range on day, desc, paging)', async () => {
    const r = rng(7);
    const t = memoryTable(SCENES_TABLES.scene_trends as unknown as TableSpec<Rec, never>);
    const ref = new RefTable(['scene_slug', 'day']);
    const days = Array.from({ length: 30 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`);
    for (let step = 0; step < 500; step++) {
      const op = r();
      if (op < 0.5) {
        const rows = [trend(pick(r, SCENES), pick(r, days), pick(r, [0, -0, 50, 100]))];
        await t.upsert(rows as never);
        ref.upsert(rows);
      } else if (op < 0.6) {
        const k = [{ scene_slug: pick(r, SCENES), day: pick(r, days) }];
        expect(await t.delete(k as never)).toBe(ref.delete(k));
      } else if (op < 0.63) {
        const w = { day: pick(r, days) };
        expect(await t.deleteWhere(w as never)).toBe(ref.deleteWhere(w));
      } else {
        const q = {
          ...(r() < 0.5 ? { where: { scene_slug: pick(r, SCENES) } } : {}),
          ...(r() < 0.5 ? { range: { column: 'day', gte: pick(r, days), lte: pick(r, days) } } : {}),
          ...(r() < 0.6 ? { orderBy: { column: pick(r, ['day', 'heat']), direction: pick(r, ['asc', 'desc']) } } : {}),
          ...(r() < 0.5 ? { limit: pick(r, [1, 3, 20]) } : {}),
          ...(r() < 0.3 ? { offset: pick(r, [1, 10]) } : {}),
        } as ScanQuery<Rec>;
        expect((await t.scan(q)).map(exact), JSON.stringify(q)).toEqual(ref.scan(q).map(exact));
        expect(await t.count(q.where as never)).toBe(ref.count(q.where as Rec));
      }
    }
  });
});

describe('guards: rows read back as written, and nobody can change what is stored', () => {
  it('numbers (-0, MIN_VALUE, 1e308), long text and frozen inputs round-trip in both cores; reads are frozen', async () => {
    const stores = memoryScenesStores();
    const m = membership('s-a', 'a-1', {
      confidence: -0,
      sound: Number.MIN_VALUE,
      reasons: ['x'.repeat(512), '', 'emoji \u{1F600}'],
    });
    const frozenInput = Object.freeze({ ...membership('s-a', 'a-2'), microgenres: Object.freeze(['indie-pop']) });
    await stores.scene_memberships.upsert([m, frozenInput] as never);
    const got = await stores.scene_memberships.get({ scene_slug: 's-a', artist_slug: 'a-1' });
    expect(exact(got)).toBe(exact(m));
    expect(Object.is(got!.confidence, -0)).toBe(true);
    expect(Object.isFrozen(got) && Object.isFrozen(got!.microgenres) && Object.isFrozen(got!.reasons)).toBe(true);
    expect(exact(await stores.scene_memberships.get({ scene_slug: 's-a', artist_slug: 'a-2' }))).toBe(
      exact(frozenInput),
    );

    const mg = memoryTable(SCENES_TABLES.microgenres);
    const row = { slug: 'far', name: 'n'.repeat(256), x: 1e308, y: -0, updated_at: at };
    await mg.upsert([row]);
    const back = await mg.get({ slug: 'far' });
    expect(exact(back)).toBe(exact(row));
    expect(Object.isFrozen(back)).toBe(true);
  });

  it('editing an input after upsert, or trying to edit a read row, changes nothing stored', async () => {
    const stores = memoryScenesStores();
    const input = membership('s-a', 'a-1') as Record<string, unknown> & { microgenres: string[] };
    const pending = stores.scene_memberships.upsert([input] as never);
    input.confidence = 0.9;
    input.microgenres.push('shoegaze');
    await pending;
    const sc = scene('s-a');
    await stores.scenes.upsert([sc] as never);
    (sc.microgenres as string[]).push('x');
    sc.name = 'changed';
    const read = await stores.scene_memberships.get({ scene_slug: 's-a', artist_slug: 'a-1' });
    expect(read!.confidence).toBe(0.5);
    expect(read!.microgenres).toEqual(['indie-pop']);
    expect(() => {
      (read as unknown as { microgenres: string[] }).microgenres.push('y');
    }).toThrow(TypeError);
    const s = await stores.scenes.get({ slug: 's-a' });
    expect([s!.name, s!.microgenres]).toEqual(['Scene', ['indie-pop']]);
    expect(() => {
      (s as unknown as { name: string }).name = 'x';
    }).toThrow(TypeError);
    // Another row with an equal pooled array is not affected by anything either.
    await stores.scene_memberships.upsert([membership('s-b', 'a-2')] as never);
    expect((await stores.scene_memberships.scan()).map((x) => x.microgenres)).toEqual([['indie-pop'], ['indie-pop']]);
  });

  it('pooled values and list indexes stay right after every row is deleted and slots are reused for other values', async () => {
    const t = memoryScenesStores().scene_memberships;
    await t.upsert(SCENES.flatMap((s) => [1, 2, 3].map((i) => membership(s, `a-${i}`))) as never);
    expect(await t.deleteWhere({})).toBe(12);
    await t.upsert([membership('s-z', 'a-9', { microgenres: ['shoegaze'] }), membership('s-y', 'a-1')] as never);
    expect(await t.count({ scene_slug: 's-a' })).toBe(0);
    expect(await t.count({ scene_slug: 's-z' })).toBe(1);
    expect((await t.scan({ where: { artist_slug: 'a-1' } })).map((x) => x.scene_slug)).toEqual(['s-y']);
    expect((await t.scan()).map((x) => [x.scene_slug, x.artist_slug, x.microgenres])).toEqual([
      ['s-y', 'a-1', ['indie-pop']],
      ['s-z', 'a-9', ['shoegaze']],
    ]);
  });

  it('arrays whose pool hashes collide (FNV-1a) stay apart through deletes, replacements and re-inserts', async () => {
    // ['g2rnw'] and ['gjpba'] share a 32-bit hash, as do ['g2rnt'] and ['gjpbb'].
    const t = memoryScenesStores().scene_memberships;
    const m = (artist: string, microgenres: string[]) => membership('s-a', artist, { microgenres });
    await t.upsert([m('a-1', ['g2rnw']), m('a-2', ['gjpba']), m('a-3', ['g2rnt']), m('a-4', ['gjpbb'])] as never);
    const genres = async () => (await t.scan()).map((x) => `${x.artist_slug}:${x.microgenres.join('+')}`);
    expect(await genres()).toEqual(['a-1:g2rnw', 'a-2:gjpba', 'a-3:g2rnt', 'a-4:gjpbb']);
    expect(await t.delete([{ scene_slug: 's-a', artist_slug: 'a-1' }] as never)).toBe(1);
    await t.upsert([m('a-3', ['gjpbb']), m('a-5', ['g2rnw']), m('a-6', ['gjpba'])] as never);
    expect(await genres()).toEqual(['a-2:gjpba', 'a-3:gjpbb', 'a-4:gjpbb', 'a-5:g2rnw', 'a-6:gjpba']);
    const [a2, a6] = await t.getMany([
      { scene_slug: 's-a', artist_slug: 'a-2' },
      { scene_slug: 's-a', artist_slug: 'a-6' },
    ] as never);
    expect(a2!.microgenres).toBe(a6!.microgenres); // one pooled array for equal arrays
    expect(compactStats(coreOf(t)!)!.pooled.microgenres).toBe(3);
  });
});

describe('guards: transactions and staged writes', () => {
  it('rollback leaves nothing; an invalid row rejects the whole commit; outside readers see nothing before the commit', async () => {
    const stores = memoryScenesStores();
    await stores.scene_trends.upsert([trend('s-a', '2026-01-01')] as never);
    const before = (await stores.scene_trends.scan()).map(exact);
    await expect(
      stores.transaction!(async (tx) => {
        await tx.scene_trends.deleteWhere({});
        await tx.scene_trends.upsert([trend('s-b', '2026-01-02')] as never);
        await tx.scenes.upsert([scene('s-b')] as never);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await stores.scene_trends.scan()).map(exact)).toEqual(before);
    expect(await stores.scenes.count()).toBe(0);

    await expect(
      stores.transaction!(async (tx) => {
        await tx.scenes.upsert([scene('s-c')] as never);
        await tx.scene_trends.upsert([
          trend('s-c', '2026-01-03'),
          { ...trend('s-c', '2026-01-04'), heat: 101 },
        ] as never);
      }),
    ).rejects.toThrow(TypeError);
    expect((await stores.scene_trends.scan()).map(exact)).toEqual(before);
    expect(await stores.scenes.count()).toBe(0);

    let seenInside = -1;
    const tx = stores.transaction!(async (s) => {
      await s.scenes.upsert([scene('s-d')] as never);
      seenInside = await stores.scenes.count();
      return s.scenes.count();
    });
    expect(await tx).toBe(1);
    expect(seenInside).toBe(0);
    expect(await stores.scenes.count()).toBe(1);
  });

  it('concurrent transactions run one at a time: each sees the previous one committed, no update is lost', async () => {
    const stores = memoryTalentStores();
    const bump = () =>
      stores.transaction!(async (tx) => {
        const cur = await tx.talent_radar_scenes.get({ scene_slug: 's-a' });
        await new Promise((res) => setTimeout(res, 1));
        await tx.talent_radar_scenes.upsert([
          {
            scene_slug: 's-a',
            artist_count: (cur?.artist_count ?? 0) + 1,
            avg_momentum: 0,
            avg_breakout: 0,
            heat: null,
            updated_at: at,
          },
        ]);
      });
    await Promise.all(Array.from({ length: 8 }, bump));
    expect((await stores.talent_radar_scenes.get({ scene_slug: 's-a' }))!.artist_count).toBe(8);
  });

  it('random staged writes read like the reference inside, and apply exactly on commit (columnar and object tables)', async () => {
    const r = rng(2026);
    const stores = memoryScenesStores();
    const refM = new RefTable(['scene_slug', 'artist_slug']);
    const refT = new RefTable(['scene_slug', 'day']);
    const seedM = Array.from({ length: 150 }, () => randomMembership(r, 60));
    await stores.scene_memberships.upsert(seedM as never);
    refM.upsert(seedM);
    const days = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'];
    for (let round = 0; round < 6; round++) {
      const commit = round % 3 !== 2;
      const workM = new RefTable(refM.key);
      workM.upsert([...refM.rows.values()]);
      const workT = new RefTable(refT.key);
      workT.upsert([...refT.rows.values()]);
      const outcome = stores.transaction!(async (tx) => {
        for (let step = 0; step < 60; step++) {
          const op = r();
          if (op < 0.3) {
            const rows = [randomMembership(r, 60)];
            await tx.scene_memberships.upsert(rows as never);
            workM.upsert(rows);
          } else if (op < 0.4) {
            const k = [{ scene_slug: pick(r, SCENES), artist_slug: `artist-${Math.floor(r() * 60)}` }];
            expect(await tx.scene_memberships.delete(k as never)).toBe(workM.delete(k));
          } else if (op < 0.45) {
            const w = { scene_slug: pick(r, SCENES), as_of: pick(r, INSTANTS) };
            expect(await tx.scene_memberships.deleteWhere(w as never)).toBe(workM.deleteWhere(w));
          } else if (op < 0.6) {
            const rows = [trend(pick(r, SCENES), pick(r, days), pick(r, [1, 2, 3]))];
            await tx.scene_trends.upsert(rows as never);
            workT.upsert(rows);
          } else if (op < 0.65) {
            const w = { day: pick(r, days) };
            expect(await tx.scene_trends.deleteWhere(w as never)).toBe(workT.deleteWhere(w));
          } else if (op < 0.72) {
            const keys = Array.from({ length: 4 }, () => ({
              scene_slug: pick(r, SCENES),
              artist_slug: `artist-${Math.floor(r() * 60)}`,
            }));
            const want = keys.map((k) => workM.rows.get(workM.id(k))).filter((x) => x !== undefined);
            expect((await tx.scene_memberships.getMany(keys as never)).map(exact)).toEqual(want.map(exact));
            const one = await tx.scene_memberships.get(keys[0] as never);
            const wantOne = workM.rows.get(workM.id(keys[0]!));
            expect(one === undefined ? undefined : exact(one)).toBe(wantOne === undefined ? undefined : exact(wantOne));
          } else if (op < 0.85) {
            const q = randomQuery(r);
            expect((await tx.scene_memberships.scan(q)).map(exact), JSON.stringify(q)).toEqual(
              workM.scan(q).map(exact),
            );
            expect(await tx.scene_memberships.count(q.where as never)).toBe(workM.count(q.where as Rec));
          } else {
            const q = { orderBy: { column: 'heat', direction: 'desc' }, limit: 2 } as ScanQuery<Rec>;
            expect((await tx.scene_trends.scan(q)).map(exact)).toEqual(workT.scan(q).map(exact));
          }
        }
        if (!commit) throw new Error('rollback');
        return 'done';
      });
      if (commit) {
        await expect(outcome).resolves.toBe('done');
        refM.rows.clear();
        refM.upsert([...workM.rows.values()]);
        refT.rows.clear();
        refT.upsert([...workT.rows.values()]);
      } else await expect(outcome).rejects.toThrow('rollback');
      expect((await stores.scene_memberships.scan()).map(exact)).toEqual(refM.scan().map(exact));
      expect((await stores.scene_trends.scan()).map(exact)).toEqual(refT.scan().map(exact));
    }
  });

  it('a stage written to another stage (absorbed whole) leaves what its calls would have, in order', async () => {
    const stores = memoryScenesStores();
    await stores.scene_memberships.upsert([membership('s-a', 'a-1'), membership('s-a', 'a-2')] as never);
    const engine = stageStores(stores);
    await engine.stores.scene_memberships.deleteWhere({ scene_slug: 's-a' });
    await engine.stores.scene_memberships.upsert([membership('s-a', 'a-3')] as never);
    await stores.transaction!(async (tx) => {
      await tx.scene_memberships.upsert([membership('s-a', 'a-4'), membership('s-b', 'a-5')] as never);
      await engine.writeTo(tx);
      expect((await tx.scene_memberships.scan()).map((x) => x.artist_slug)).toEqual(['a-3', 'a-5']);
    });
    expect((await stores.scene_memberships.scan()).map((x) => x.artist_slug)).toEqual(['a-3', 'a-5']);
  });

  it('a stage over a table that is not an in-memory core (scan wrapped) reads like the reference', async () => {
    const r = rng(31);
    const live = memoryScenesStores();
    const inner = live.scene_memberships;
    const wrapped = { ...inner, scan: (q?: ScanQuery<never>) => inner.scan(q) } as typeof inner;
    expect(coreOf(wrapped)).toBeUndefined();
    const seed = Array.from({ length: 120 }, () => randomMembership(r, 50));
    await inner.upsert(seed as never);
    const stage = stageStores({ scene_memberships: wrapped });
    const t = stage.stores.scene_memberships;
    const ref = new RefTable(['scene_slug', 'artist_slug']);
    ref.upsert(seed);
    for (let step = 0; step < 250; step++) {
      const op = r();
      if (op < 0.3) {
        const rows = [randomMembership(r, 50)];
        await t.upsert(rows as never);
        ref.upsert(rows);
      } else if (op < 0.4) {
        const k = [{ scene_slug: pick(r, SCENES), artist_slug: `artist-${Math.floor(r() * 50)}` }];
        expect(await t.delete(k as never)).toBe(ref.delete(k));
      } else if (op < 0.43) {
        const w = { scene_slug: pick(r, SCENES), as_of: pick(r, INSTANTS) };
        expect(await t.deleteWhere(w as never)).toBe(ref.deleteWhere(w));
      } else {
        const q = randomQuery(r);
        expect((await t.scan(q)).map(exact), JSON.stringify(q)).toEqual(ref.scan(q).map(exact));
        expect(await t.count(q.where as never)).toBe(ref.count(q.where as Rec));
      }
    }
    await stage.writeTo({ scene_memberships: inner });
    expect((await inner.scan()).map(exact)).toEqual(ref.scan().map(exact));
  });

  it('the stage of a transaction refuses every call once the transaction settled', async () => {
    const stores = memoryScenesStores();
    let leaked: typeof stores | undefined;
    await stores.transaction!(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.scenes.upsert([scene('late')] as never)).rejects.toThrow(/after it ended/);
    await expect(leaked!.scenes.scan()).rejects.toThrow(/after it ended/);
    expect(await stores.scenes.count()).toBe(0);
  });
});
