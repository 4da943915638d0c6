/**
 * @module scenes/scenes-state
 * The Scenes Engine's row of `scenes_state`, `last-refresh`: the last refresh's instant, the
 * instant the live memberships were computed as of, and the scenes imported since that no refresh
 * has placed artists in. The engine reads its refreshes from it rather than from its rows: a
 * refresh that placed nobody leaves no membership row, a backfill writes trend rows dated after the
 * last refresh, and an artist a later refresh removed leaves no row at all, so none of them can be
 * told from the rows alone. Stores written before the row existed are read from their rows (once,
 * until the engine writes the row).
 */
import { z } from 'zod';
import { InstantSchema } from '../contracts/payloads.js';
import { SceneRadarError } from '../core/errors.js';
import { SlugSchema } from '../core/slug.js';
import { parseInstant } from '../core/time.js';
import type { ScenesStores } from '../stores/specs.js';
import type { ScenesStateRow } from '../stores/tables.js';

/** The row of `scenes_state` holding the last refresh's instants and the scenes awaiting one. */
export const SCENES_REFRESH_STATE = 'last-refresh';

/** The value of the `last-refresh` row. */
const RefreshStateSchema = z.object({
  /** The last refresh's instant (it wrote a trend snapshot per healthy scene). */
  asOf: InstantSchema,
  /** The instant the live memberships were computed as of; null when no refresh could read the universe. */
  membershipsAsOf: InstantSchema.nullable(),
  /** Scenes imported since the memberships were computed, which no refresh has placed artists in. */
  awaiting: z.array(SlugSchema),
});

/** What the engine knows of its refreshes, read from `scenes_state` (or, before it was written, from the rows). */
export interface ScenesRefreshState {
  /** The last refresh's instant, epoch ms, or null before any. */
  readonly asOfMs: number | null;
  /** The instant the live memberships were computed as of, epoch ms, or null. */
  readonly membershipsMs: number | null;
  /** Scenes imported since the memberships were computed, not yet placed by a refresh. */
  readonly awaiting: ReadonlySet<string>;
  /** False when read from the rows (no `last-refresh` row yet). */
  readonly stored: boolean;
}

/** The latest `as_of` of the memberships in `stores` (epoch ms), or null when there are none. */
async function latestMembershipAsOf(stores: ScenesStores): Promise<number | null> {
  const [row] = await stores.scene_memberships.scan({ orderBy: { column: 'as_of', direction: 'desc' }, limit: 1 });
  return row ? parseInstant(row.as_of) : null;
}

/**
 * The state of stores written before `scenes_state` held a row: the memberships' latest `as_of`,
 * and the last refresh as the later of it and the latest trend snapshot's (a refresh whose
 * membership reads all failed kept the earlier memberships and still wrote its snapshots).
 */
async function stateFromRows(stores: ScenesStores): Promise<ScenesRefreshState> {
  const membershipsMs = await latestMembershipAsOf(stores);
  const [trend] = await stores.scene_trends.scan({ orderBy: { column: 'as_of', direction: 'desc' }, limit: 1 });
  const snapshotMs = trend === undefined ? null : parseInstant(trend.as_of);
  const asOfMs =
    membershipsMs === null || snapshotMs === null ? (membershipsMs ?? snapshotMs) : Math.max(membershipsMs, snapshotMs);
  return { asOfMs, membershipsMs, awaiting: new Set(), stored: false };
}

/**
 * The engine's refresh state in `stores` (the live tables, or a transaction's): its
 * `last-refresh` row, or (stores written before the row existed) what the rows say. A row this
 * version cannot read is `STORE_SCHEMA_MISMATCH` naming it, or with `unreadable: 'rows'` (a
 * refresh or an import, which replace it) read from the rows as if it were absent.
 */
export async function readScenesState(
  stores: ScenesStores,
  unreadable: 'throw' | 'rows' = 'throw',
): Promise<ScenesRefreshState> {
  const row = await stores.scenes_state.get({ name: SCENES_REFRESH_STATE });
  if (row === undefined) return stateFromRows(stores);
  const parsed = RefreshStateSchema.safeParse(row.value);
  if (!parsed.success && unreadable === 'rows') return stateFromRows(stores);
  if (!parsed.success)
    throw new SceneRadarError(
      'STORE_SCHEMA_MISMATCH',
      `scenes_state holds a "${row.name}" this version of scene-radar cannot read (written ${row.updated_at}): the next refresh replaces it`,
      {
        cause: parsed.error,
        details: parsed.error.issues.map((i) => ({
          code: i.code,
          path: ['value', ...i.path.map(String)],
          message: i.message,
        })),
      },
    );
  const v = parsed.data;
  return {
    asOfMs: parseInstant(v.asOf),
    membershipsMs: v.membershipsAsOf === null ? null : parseInstant(v.membershipsAsOf),
    awaiting: new Set(v.awaiting),
    stored: true,
  };
}

/** The `last-refresh` row for `state` (whose `asOfMs` is set), written at `nowIso`. */
export function scenesStateRow(
  state: Pick<ScenesRefreshState, 'asOfMs' | 'membershipsMs' | 'awaiting'>,
  nowIso: string,
): ScenesStateRow {
  if (state.asOfMs === null) throw new Error('scenes_state: a refresh state needs its instant');
  return {
    name: SCENES_REFRESH_STATE,
    // Keys in the order PostgreSQL's jsonb keeps them (shorter first), so every store returns the same text.
    value: {
      asOf: new Date(state.asOfMs).toISOString(),
      awaiting: [...state.awaiting].sort(),
      membershipsAsOf: state.membershipsMs === null ? null : new Date(state.membershipsMs).toISOString(),
    },
    updated_at: nowIso,
  };
}
