/**
 * Hostile review 83: the table and store conformance suites a host runs against its own store
 * (src/testing/table-suite.ts, src/testing/stores-suite.ts, src/testing/table-kit.ts,
 * src/testing/sample-rows.ts). Each test breaks one documented rule of the table contract
 * (src/stores/table.ts, src/stores/specs.ts) in an otherwise correct store and shows that
 * `storesContractSuite` still passes it, although a case of the suite claims to check that rule.
 * Every test failed on the code as reviewed; the last three were expected failures until 2026-12-06,
 * when the suites were strengthened.
 */
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../src/core/freeze.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores/memory-table.js';
import {
  SCENES_TABLES,
  type SceneRadarStores,
  type ScenesStores,
  TALENT_TABLES,
  type TalentStores,
} from '../../src/stores/specs.js';
import type { ScalarColumns, ScanQuery, Table, TableSpec } from '../../src/stores/table.js';
import { sampleRowsFor } from '../../src/testing/sample-rows.js';
import { storesContractSuite } from '../../src/testing/stores-suite.js';
import type { ContractCase } from '../../src/testing/suite.js';
import { isContractViolation } from '../../src/testing/violation.js';

type R = Record<string, unknown>;
type AnyTable = Table<unknown, never>;
type Where = 'exact' | 'case-insensitive' | 'prefix';
interface Options {
  /** How `where` compares strings. */
  readonly where?: Where;
  /** Validates only that key columns hold scalars, not the row schema. */
  readonly lenient?: boolean;
}

/** Runs every case; returns the failures by case name. */
async function failures(cases: readonly ContractCase[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of cases)
    await c.run().catch((e: unknown) => {
      out[c.name] = isContractViolation(e) ? e.message : `NOT A VIOLATION: ${String(e)}`;
    });
  return out;
}

const cmp = (a: unknown, b: unknown): number =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : (a as string) < (b as string) ? -1 : 1;

/** A plain port of the table contract (a host's own store), with one rule optionally broken. */
function portTable<Row, K extends ScalarColumns<Row>>(spec: TableSpec<Row, K>, options: Options = {}): Table<Row, K> {
  const data = new Map<string, R>();
  const id = (r: unknown): string => JSON.stringify(spec.key.map((k) => (r as R)[k]));
  const byKey = (a: R, b: R): number => {
    for (const k of spec.key) {
      const c = cmp(a[k], b[k]);
      if (c) return c;
    }
    return 0;
  };
  const eq = (v: unknown, w: unknown): boolean => {
    if (typeof v === 'string' && typeof w === 'string') {
      if (options.where === 'case-insensitive') return v.toLowerCase() === w.toLowerCase();
      if (options.where === 'prefix') return v.startsWith(w);
    }
    return v === w;
  };
  const match = (r: R, where: unknown): boolean => Object.entries((where ?? {}) as R).every(([c, v]) => eq(r[c], v));
  return {
    spec,
    async get(key) {
      return data.get(id(key)) as Row | undefined;
    },
    async getMany(keys) {
      return keys.map((k) => data.get(id(k))).filter((r) => r !== undefined) as Row[];
    },
    async upsert(rows) {
      const parsed = rows.map((r) => {
        if (options.lenient) {
          for (const k of spec.key) if (typeof (r as R)[k] === 'object') throw new TypeError('a key is not a scalar');
          return r as R;
        }
        const res = spec.schema.safeParse(r);
        if (!res.success) throw new TypeError('invalid row');
        return res.data as R;
      });
      for (const r of parsed) data.set(id(r), deepFreeze(structuredClone(r)));
    },
    async delete(keys) {
      let n = 0;
      for (const k of keys) if (data.delete(id(k))) n++;
      return n;
    },
    async deleteWhere(where) {
      let n = 0;
      for (const [k, r] of [...data])
        if (match(r, where)) {
          data.delete(k);
          n++;
        }
      return n;
    },
    async scan(q: ScanQuery<Row> = {}) {
      const { offset = 0, limit } = q;
      if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset');
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new RangeError('limit');
      let rows = [...data.values()].filter((r) => match(r, q.where));
      if (q.range) {
        const { column, gte, lte } = q.range;
        rows = rows.filter(
          (r) => (gte === undefined || cmp(r[column], gte) >= 0) && (lte === undefined || cmp(r[column], lte) <= 0),
        );
      }
      const col = q.orderBy?.column as string | undefined;
      const dir = q.orderBy?.direction === 'desc' ? -1 : 1;
      rows.sort((a, b) => (col ? dir * cmp(a[col], b[col]) : 0) || byKey(a, b));
      return rows.slice(offset, limit === undefined ? undefined : offset + limit) as Row[];
    },
    async count(where) {
      return [...data.values()].filter((r) => match(r, where)).length;
    },
  };
}

/** A store set of port tables (no `transaction`). */
function portStores(options: Options = {}): SceneRadarStores {
  const set = (specs: Record<string, unknown>): Record<string, AnyTable> =>
    Object.fromEntries(Object.entries(specs).map(([n, s]) => [n, portTable(s as TableSpec<unknown, never>, options)]));
  return {
    scenes: set(SCENES_TABLES) as unknown as ScenesStores,
    talent: set(TALENT_TABLES) as unknown as TalentStores,
  };
}

describe('hostile review 83: the store suites pass stores that break the table contract', () => {
  // Fault: `where` is never tried with a value equal to a stored one but for case, and every sample
  // value is lower case (table-suite.ts:299-320, sample-rows.ts), so a store matching
  // case-insensitively (MySQL's default *_ci collations) passes "scan filters with where".
  it('a store whose where (and count) match strings case-insensitively fails the suite', async () => {
    expect(await failures(storesContractSuite({ create: () => portStores() }))).toEqual({});
    const ci = portStores({ where: 'case-insensitive' });
    await ci.scenes.scene_trends.upsert(sampleRowsFor('scene_trends', 3));
    expect(await ci.scenes.scene_trends.count({ scene_slug: 'SCENE-0' })).toBe(1); // the rule is broken
    const failed = await failures(storesContractSuite({ create: () => portStores({ where: 'case-insensitive' }) }));
    expect(Object.keys(failed).join('\n')).toMatch(/scan filters with where/);
  });

  // Fault: the where cases only filter by a value no other stored value starts with
  // (table-suite.ts:299-320 with the sample values of sample-rows.ts), so a store matching by
  // prefix (`LIKE 'v%'`, a DynamoDB `begins_with` on a sort key) passes.
  it('a store whose where matches by prefix fails the suite', async () => {
    const prefix = portStores({ where: 'prefix' });
    await prefix.scenes.scenes.upsert(sampleRowsFor('scenes', 3));
    expect(await prefix.scenes.scenes.count({ slug: 'scene-' })).toBe(3); // the rule is broken
    const failed = await failures(storesContractSuite({ create: () => portStores({ where: 'prefix' }) }));
    expect(Object.keys(failed).join('\n')).toMatch(/scan filters with where/);
  });

  // Fault: "rejects a batch with an invalid row" tries one invalid variant only, an object in the
  // first key column (table-kit.ts:176-183, used at table-suite.ts:170), so a store that checks
  // that keys are scalars but never applies the row schema (a stage outside the enum, heat 500)
  // passes although specs say "rows are validated on write" (table.ts:19).
  // Expected failures (this test and the two below) until 2026-12-06: the suites tried one kind of
  // invalid row, built the upsert-conflict replacement from a row sharing some values, and compared
  // transactions through scan() only.
  it('a store that accepts rows failing the row schema fails the suite', async () => {
    const lax = portStores({ lenient: true });
    const [row] = sampleRowsFor('scene_trends', 1);
    await lax.scenes.scene_trends.upsert([{ ...row!, stage: 'bogus' as never, heat: 500 }]);
    expect(await lax.scenes.scene_trends.count()).toBe(1); // the rule is broken
    const failed = await failures(storesContractSuite({ create: () => portStores({ lenient: true }) }));
    expect(Object.keys(failed).join('\n')).toMatch(/rejects a batch with an invalid row/);
  });

  // Fault: "upsert replaces rows by primary key" builds its replacement from stored[1], which
  // shares non-key values with stored[0] (table-suite.ts:132 and 154; sample-rows.ts: `rank` of
  // rows 0-2, every `model_version`, often `reasons`), so an upsert that forgets a column on
  // conflict (an `ON DUPLICATE KEY UPDATE` missing `rank`) passes.
  it('a talent_radar_recommendations upsert that keeps the old rank on conflict fails the suite', async () => {
    const create = (): SceneRadarStores => {
      const talent = memoryTalentStores();
      const inner = talent.talent_radar_recommendations;
      const broken: typeof inner = {
        ...inner,
        async upsert(rows) {
          const old = await inner.getMany(rows);
          const rank = new Map(old.map((r) => [`${r.workspace_id}|${r.artist_slug}`, r.rank]));
          await inner.upsert(
            rows.map((r) => ({ ...r, rank: rank.get(`${r.workspace_id}|${r.artist_slug}`) ?? r.rank })),
          );
        },
      };
      return { scenes: memoryScenesStores(), talent: { ...talent, talent_radar_recommendations: broken } };
    };
    const s = create().talent.talent_radar_recommendations;
    const [row] = sampleRowsFor('talent_radar_recommendations', 1);
    await s.upsert([row!]);
    await s.upsert([{ ...row!, rank: 9 }]);
    expect((await s.get(row!))?.rank).toBe(1); // the rule is broken
    const failed = await failures(storesContractSuite({ create }));
    expect(Object.keys(failed).join('\n')).toMatch(/talent_radar_recommendations: upsert/);
  });

  // Fault: the transaction cases compare tables through scan() only (stores-suite.ts:338-342,
  // used at 401/419 and 434/452), so a store whose get() serves a transaction's writes before the
  // commit and after a rollback (a write-through cache never invalidated) passes "a reader outside
  // sees none of its writes before the commit" and "a rejected callback leaves every table as it was".
  it('a scenes store whose get sees uncommitted and rolled-back transaction writes fails the suite', async () => {
    const create = (): SceneRadarStores => {
      const inner = memoryScenesStores() as unknown as Record<string, AnyTable>;
      const names = Object.keys(SCENES_TABLES);
      const cache = new Map<string, unknown>();
      const id = (t: AnyTable, r: unknown): string =>
        `${t.spec.name}|${JSON.stringify(t.spec.key.map((k) => (r as R)[k]))}`;
      const outer: Record<string, AnyTable> = {};
      for (const n of names) {
        const t = inner[n]!;
        outer[n] = { ...t, get: async (k) => (cache.get(id(t, k)) as never) ?? t.get(k) };
      }
      const transaction = <T>(fn: (s: ScenesStores) => Promise<T>): Promise<T> =>
        (inner as unknown as ScenesStores).transaction!((tx) => {
          const txs = tx as unknown as Record<string, AnyTable>;
          const wrapped: Record<string, AnyTable> = {};
          for (const n of names) {
            const t = txs[n]!;
            wrapped[n] = {
              ...t,
              async upsert(rows) {
                await t.upsert(rows);
                for (const r of rows) cache.set(id(t, r), r);
              },
            };
          }
          return fn(wrapped as unknown as ScenesStores);
        });
      Object.defineProperty(outer, 'transaction', { value: transaction, enumerable: false });
      return { scenes: outer as unknown as ScenesStores, talent: memoryTalentStores() };
    };
    const s = create().scenes;
    const [row] = sampleRowsFor('scenes', 1);
    await s.transaction!(async (tx) => {
      await tx.scenes.upsert([row!]);
      throw new Error('roll back');
    }).catch(() => undefined);
    expect(await s.scenes.get({ slug: row!.slug })).toBeDefined(); // the rule is broken
    const failed = await failures(storesContractSuite({ create }));
    expect(Object.keys(failed).join('\n')).toMatch(/scenes\.transaction/);
  });
});
