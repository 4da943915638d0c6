/**
 * @module stores/memory-table
 * The embedded default store: tables in memory with a primary-key map and secondary indexes.
 */
import type { RowKey, Scalar, ScalarColumns, ScanQuery, Table, TableSpec } from './table.js';
import { SCENES_TABLES, TALENT_TABLES, type SceneRadarStores, type ScenesStores, type TalentStores } from './specs.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as Scalar)! < (b as Scalar)! ? -1 : 1;
}

function checkPaging(query: { readonly offset?: number; readonly limit?: number }): void {
  if (query.offset !== undefined && (!Number.isInteger(query.offset) || query.offset < 0))
    throw new RangeError(`offset must be an integer >= 0, got ${String(query.offset)}`);
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1))
    throw new RangeError(`limit must be an integer >= 1, got ${String(query.limit)}`);
}

/**
 * Creates an in-memory {@link Table}. Rows are validated and deep-copied on write (through the
 * row schema) and frozen, so neither writers nor readers can corrupt stored rows.
 * @example
 * ```ts
 * const trends = memoryTable(SCENES_TABLES.scene_trends);
 * ```
 */
export function memoryTable<Row, K extends ScalarColumns<Row>>(spec: TableSpec<Row, K>): Table<Row, K> {
  const rows = new Map<string, Readonly<Row>>();
  const indexes = new Map<string, Map<unknown, Set<string>>>(spec.indexes.map((c) => [c, new Map()]));

  const keyOf = (row: RowKey<Row, K> | Row): string =>
    JSON.stringify(spec.key.map((k) => (row as Record<string, unknown>)[k]));
  const index = (id: string, row: Readonly<Row>, add: boolean): void => {
    for (const [column, map] of indexes) {
      const v = (row as Record<string, unknown>)[column];
      let ids = map.get(v);
      if (add) {
        if (!ids) {
          ids = new Set();
          map.set(v, ids);
        }
        ids.add(id);
      } else if (ids) {
        ids.delete(id);
        if (ids.size === 0) map.delete(v);
      }
    }
  };
  const remove = (id: string): boolean => {
    const old = rows.get(id);
    if (!old) return false;
    index(id, old, false);
    rows.delete(id);
    return true;
  };

  /** Rows matching the filters, with their primary-key ids (so sorting needs no re-encoding). */
  const matching = (where: ScanQuery<Row>['where'], range: ScanQuery<Row>['range']): Array<[string, Readonly<Row>]> => {
    const filters = Object.entries(where ?? {}).filter(([, v]) => v !== undefined);
    // Start from the smallest indexed candidate set, if any filter is on an indexed column.
    let best: Set<string> | undefined;
    for (const [column, value] of filters) {
      const map = indexes.get(column);
      if (!map) continue;
      const ids = map.get(value) ?? new Set<string>();
      if (!best || ids.size < best.size) best = ids;
    }
    const candidates: Iterable<[string, Readonly<Row>]> = best
      ? [...best].map((id) => [id, rows.get(id)!] as [string, Readonly<Row>])
      : rows.entries();
    const out: Array<[string, Readonly<Row>]> = [];
    for (const entry of candidates) {
      const r = entry[1] as Record<string, unknown>;
      if (!filters.every(([c, v]) => r[c] === v)) continue;
      if (range) {
        const v = r[range.column];
        if (range.gte !== undefined && compare(v, range.gte) < 0) continue;
        if (range.lte !== undefined && compare(v, range.lte) > 0) continue;
      }
      out.push(entry);
    }
    return out;
  };

  return {
    spec,
    async get(key) {
      return rows.get(keyOf(key));
    },
    async getMany(keys) {
      const out: Readonly<Row>[] = [];
      for (const k of keys) {
        const row = rows.get(keyOf(k));
        if (row) out.push(row);
      }
      return out;
    },
    async upsert(input) {
      // Validate everything first: a bad row rejects the whole batch and nothing changes.
      const parsed = input.map((row, i) => {
        const result = spec.schema.safeParse(row);
        if (!result.success) {
          const issue = result.error.issues[0];
          throw new TypeError(
            `${spec.name}: invalid row ${i}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
          );
        }
        return deepFreeze(result.data);
      });
      for (const row of parsed) {
        const id = keyOf(row);
        remove(id);
        rows.set(id, row);
        index(id, row, true);
      }
    },
    async delete(keys) {
      let n = 0;
      for (const k of keys) if (remove(keyOf(k))) n++;
      return n;
    },
    async deleteWhere(where) {
      const victims = matching(where, undefined);
      for (const [id] of victims) remove(id);
      return victims.length;
    },
    async scan(query = {}) {
      checkPaging(query);
      const out = matching(query.where, query.range);
      const order = query.orderBy;
      if (order) {
        const dir = order.direction === 'desc' ? -1 : 1;
        out.sort(
          (a, b) =>
            dir *
              compare(
                (a[1] as Record<string, unknown>)[order.column],
                (b[1] as Record<string, unknown>)[order.column],
              ) || compare(a[0], b[0]),
        );
      } else {
        out.sort((a, b) => compare(a[0], b[0]));
      }
      const start = query.offset ?? 0;
      return out.slice(start, query.limit === undefined ? undefined : start + query.limit).map((e) => e[1]);
    },
    async count(where) {
      return matching(where, undefined).length;
    },
  };
}

/** In-memory tables of the Scenes Engine. */
export function memoryScenesStores(): ScenesStores {
  return {
    scenes: memoryTable(SCENES_TABLES.scenes),
    microgenres: memoryTable(SCENES_TABLES.microgenres),
    scene_memberships: memoryTable(SCENES_TABLES.scene_memberships),
    scene_trends: memoryTable(SCENES_TABLES.scene_trends),
    scene_relationships: memoryTable(SCENES_TABLES.scene_relationships),
    scene_recommendations_cache: memoryTable(SCENES_TABLES.scene_recommendations_cache),
  };
}

/** In-memory tables of the Talent Radar. */
export function memoryTalentStores(): TalentStores {
  return {
    talent_radar_artists: memoryTable(TALENT_TABLES.talent_radar_artists),
    talent_radar_scenes: memoryTable(TALENT_TABLES.talent_radar_scenes),
    talent_radar_microgenres: memoryTable(TALENT_TABLES.talent_radar_microgenres),
    talent_radar_recommendations: memoryTable(TALENT_TABLES.talent_radar_recommendations),
  };
}

/**
 * Both engines' tables, in memory: the embedded default.
 * @example
 * ```ts
 * const stores = createMemoryStores();
 * await stores.scenes.scenes.count();
 * ```
 */
export function createMemoryStores(): SceneRadarStores {
  return { scenes: memoryScenesStores(), talent: memoryTalentStores() };
}
