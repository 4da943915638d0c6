/**
 * @module scenes/scenes-state
 * The Scenes Engine's rows of `scenes_state`: `last-refresh` (the last refresh's instant, the
 * instant the live memberships were computed as of, and how many artists that computation could
 * not place because their reads failed) and one `awaiting-<scene slug>` row per scene
 * imported that no refresh has placed artists in yet. The engine reads its refreshes from them
 * rather than from its other rows: a refresh that placed nobody leaves no membership row, a backfill
 * writes trend rows dated after the last refresh, and an artist a later refresh removed leaves no
 * row at all, so none of them can be told from those rows. An import writes only its scenes' rows
 * and a refresh only `last-refresh` and the deletion of the rows of scenes it placed, so neither
 * overwrites what the other wrote (two instances may do both at once). Stores written before the
 * table existed are read from their membership rows (until the next refresh writes `last-refresh`).
 */
import { z } from 'zod';
import { InstantSchema } from '../contracts/payloads.js';
import { isSceneRadarError, SceneRadarError } from '../core/errors.js';
import { parseInstant } from '../core/time.js';
import type { ScenesStores } from '../stores/specs.js';
import type { ScenesStateRow } from '../stores/tables.js';

/** The row of `scenes_state` holding the last refresh's instants. */
export const SCENES_REFRESH_STATE = 'last-refresh';
/** Prefix of the rows of `scenes_state` naming a scene that awaits a refresh (`awaiting-<scene slug>`). */
const AWAITING = 'awaiting-';

/**
 * The value of the `last-refresh` row. Strict: a key this version does not know (the `awaiting`
 * list of the table's first release, or a later release's) is refused, never dropped.
 */
const RefreshStateSchema = z.strictObject({
  /** The last refresh's instant (it wrote a trend snapshot per healthy scene). */
  asOf: InstantSchema,
  /** The instant the live memberships were computed as of; null when no refresh could read the universe. */
  membershipsAsOf: InstantSchema.nullable(),
  /**
   * Artists the computation of those memberships could not place (their MIG or CMG read failed and
   * they had no earlier memberships to keep); written only when there are any.
   */
  unplaced: z.number().int().min(1).optional(),
});

/** What the engine knows of its refreshes, read from `scenes_state` (or, before it was written, from the rows). */
export interface ScenesRefreshState {
  /** The last refresh's instant, epoch ms, or null before any. */
  readonly asOfMs: number | null;
  /** The instant the live memberships were computed as of, epoch ms, or null. */
  readonly membershipsMs: number | null;
  /**
   * Artists the computation of the live memberships could not place: their MIG or CMG read failed
   * and they had no earlier memberships to keep, so any scene may be missing them (0 for none).
   */
  readonly unplaced: number;
  /** Scenes imported that no refresh has placed artists in yet. */
  readonly awaiting: ReadonlySet<string>;
  /** False when the instants were read from the membership rows (no `last-refresh` row yet). */
  readonly stored: boolean;
}

/** The latest `as_of` of the memberships in `stores` (epoch ms), or null when there are none. */
async function latestMembershipAsOf(stores: ScenesStores): Promise<number | null> {
  const [row] = await stores.scene_memberships.scan({ orderBy: { column: 'as_of', direction: 'desc' }, limit: 1 });
  return row ? parseInstant(row.as_of) : null;
}

/**
 * The engine's refresh state in `stores` (the live tables, or a transaction's): its rows of
 * `scenes_state`. Without a `last-refresh` row (stores written before the table existed, or never
 * refreshed), the instants are the memberships' latest `as_of` (trend rows are not read: a backfill
 * writes them too), or `fromRows` when given (an earlier reading of them: only a refresh changes
 * them, and a refresh writes the row). A `last-refresh` this version cannot read is
 * `STORE_SCHEMA_MISMATCH` naming it, or with `unreadable: 'rows'` (a refresh, which replaces it)
 * read as absent.
 */
export async function readScenesState(
  stores: ScenesStores,
  unreadable: 'throw' | 'rows' = 'throw',
  fromRows?: ScenesRefreshState,
): Promise<ScenesRefreshState> {
  const rows = await readableRows(stores, unreadable);
  const awaiting = new Set<string>();
  let last: ScenesStateRow | undefined;
  for (const row of rows)
    if (row.name === SCENES_REFRESH_STATE) last = row;
    else if (row.name.startsWith(AWAITING)) awaiting.add(row.name.slice(AWAITING.length));
  const parsed = last === undefined ? undefined : RefreshStateSchema.safeParse(last.value);
  if (last !== undefined && parsed !== undefined && !parsed.success && unreadable === 'throw')
    throw new SceneRadarError(
      'STORE_SCHEMA_MISMATCH',
      `scenes_state holds a "${last.name}" this version of scene-radar cannot read (written ${last.updated_at}): the next refresh replaces it`,
      {
        cause: parsed.error,
        details: parsed.error.issues.map((i) => ({
          code: i.code,
          path: ['value', ...i.path.map(String)],
          message: i.message,
        })),
      },
    );
  if (parsed?.success) {
    const v = parsed.data;
    return {
      asOfMs: parseInstant(v.asOf),
      membershipsMs: v.membershipsAsOf === null ? null : parseInstant(v.membershipsAsOf),
      unplaced: v.unplaced ?? 0,
      awaiting,
      stored: true,
    };
  }
  if (fromRows !== undefined && !fromRows.stored) return { ...fromRows, awaiting };
  const membershipsMs = await latestMembershipAsOf(stores);
  return { asOfMs: membershipsMs, membershipsMs, unplaced: 0, awaiting, stored: false };
}

/**
 * The rows of `scenes_state`. A store refuses a whole scan for one row that fails the table's row
 * schema (a value that is no JSON object, edited outside scene-radar): when that row is
 * `last-refresh`, it is `STORE_SCHEMA_MISMATCH` naming it, or with `unreadable: 'rows'` (a refresh,
 * which replaces it) no rows at all (the scenes awaiting a refresh are then not known to it: the
 * next refresh reads them again). Another row is the store's error as it is (naming the table).
 */
async function readableRows(stores: ScenesStores, unreadable: 'throw' | 'rows'): Promise<readonly ScenesStateRow[]> {
  try {
    return await stores.scenes_state.scan();
  } catch (error) {
    if (!isSceneRadarError(error) || error.code !== 'STORE_SCHEMA_MISMATCH') throw error;
    const lastUnreadable = await stores.scenes_state.get({ name: SCENES_REFRESH_STATE }).then(
      () => false,
      (e: unknown) => isSceneRadarError(e) && e.code === 'STORE_SCHEMA_MISMATCH',
    );
    if (!lastUnreadable) throw error;
    if (unreadable === 'rows') return [];
    throw new SceneRadarError(
      'STORE_SCHEMA_MISMATCH',
      `scenes_state holds a "${SCENES_REFRESH_STATE}" this version of scene-radar cannot read: the next refresh replaces it`,
      { cause: error, details: (error as SceneRadarError).details },
    );
  }
}

/**
 * The `last-refresh` row for a refresh as of `asOfMs` whose live memberships are as of
 * `membershipsMs` and left `unplaced` artists out (see {@link ScenesRefreshState.unplaced}).
 */
export function refreshStateRow(
  asOfMs: number,
  membershipsMs: number | null,
  unplaced: number,
  nowIso: string,
): ScenesStateRow {
  return {
    name: SCENES_REFRESH_STATE,
    // Keys in the order PostgreSQL's jsonb keeps them (shorter first), so every store returns the
    // same text. `unplaced` only when there are any: the row of a refresh that placed everybody
    // stays readable by the versions before it.
    value: {
      asOf: new Date(asOfMs).toISOString(),
      ...(unplaced > 0 ? { unplaced } : {}),
      membershipsAsOf: membershipsMs === null ? null : new Date(membershipsMs).toISOString(),
    },
    updated_at: nowIso,
  };
}

/** The rows recording `scenes` (just imported) as awaiting a refresh. */
export function awaitingRows(scenes: readonly string[], nowIso: string): ScenesStateRow[] {
  return scenes.map((scene) => ({ name: `${AWAITING}${scene}`, value: { scene }, updated_at: nowIso }));
}

/** The keys of the awaiting rows of `scenes`, for a refresh that placed artists in them to delete. */
export function awaitingKeys(scenes: Iterable<string>): { name: string }[] {
  return [...scenes].map((scene) => ({ name: `${AWAITING}${scene}` }));
}
