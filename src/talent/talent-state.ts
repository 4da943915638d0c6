/**
 * @module talent/talent-state
 * The Talent Radar's rows of `talent_radar_state`: the breakout model a host applied (with its
 * validation report), and the last refresh's instant, peer statistics, failed reads and absences,
 * which a radar started on the same stores reads back. Their schemas, and a row this version
 * cannot read reported as `STORE_SCHEMA_MISMATCH` naming it.
 */
import { z } from 'zod';
import { InstantSchema } from '../contracts/payloads.js';
import { isSceneRadarError, SceneRadarError } from '../core/errors.js';
import type { TalentStateRow } from '../stores/tables.js';
import type { Json } from './peer-state.js';

/** The row of `talent_radar_state` holding the breakout model applied with {@link TalentRadar.setBreakoutModel}. */
export const MODEL_STATE = 'breakout-model';
/** The row of `talent_radar_state` holding the last refresh's instant, peer statistics and failed reads. */
export const REFRESH_STATE = 'last-refresh';

/**
 * The row of `talent_radar_state` recording the last refresh that could not walk the MIG universe
 * (such a refresh scores and writes nothing else), so that a radar started later on the same stores,
 * or another instance, still says that the records are kept from before it.
 */
export const FAILED_WALK_STATE = 'last-failed-walk';

/** The value of the `last-failed-walk` row. */
export const FailedWalkStateSchema = z.strictObject({
  asOf: InstantSchema,
  universe: z.enum(['timeout', 'error', 'absent']),
  reason: z.string().nullable(),
});

/** The value of the `breakout-model` row. */
export const ModelStateSchema = z.strictObject({
  model: z.unknown(),
  validation: z.record(z.string(), z.unknown()).nullable(),
  modelVersion: z.string(),
});
/** The value of the `last-refresh` row. */
export const RefreshStateSchema = z.strictObject({
  id: z.string(),
  // Instants (an edited row's "last tuesday" would be served as the results' asOf).
  asOf: InstantSchema,
  peersAsOf: InstantSchema.nullable(),
  peers: z.unknown(),
  failedReads: z.record(z.string(), z.number().int().min(0)),
  failedKept: z.number().int().min(0),
  /** Artists with a failed read, no previous record and no score: no record (absent in states written before 2026-12-06). */
  failedUnscored: z.number().int().min(0).optional(),
  /** Artists with a failed read scored with the failed signals unknown (absent in states written before 2026-12-06). */
  failedScored: z.number().int().min(0).optional(),
  /** Per host feature, the artists it failed for (absent in states written before 2026-12-04). */
  failedHostFeatures: z.record(z.string(), z.number().int().min(0)).optional(),
  absent: z.record(z.string(), z.number().int().min(1)),
});

/** The value of the `last-refresh` row, read. */
export type RefreshState = z.infer<typeof RefreshStateSchema>;

/**
 * The row of `talent_radar_state` recording a sharded refresh's plan (`refresh-plan-<refresh id>`):
 * written by `planRefresh` when the universe was walked, read and deleted by the finish.
 */
export const planStateName = (refreshId: string): string => `refresh-plan-${refreshId}`;

/** The value of a plan's row: its instant and the universe its shards must cover. */
export const PlanStateSchema = z.strictObject({
  asOf: InstantSchema,
  /** Artists in the universe (distinct). */
  artists: z.number().int().min(0),
  /** {@link universeDigest} of the universe. */
  digest: z.string(),
});

/**
 * A digest of a set of slugs that does not depend on their order: two 32-bit FNV-1a hashes of each
 * slug (different offsets), each summed modulo 2^32. Two sets of the same size with the same
 * digest are the same set but for a chance of about 2^-64; it is only ever compared with the
 * digest of the same universe, to catch shards that miss artists or add others.
 * @example
 * ```ts
 * universeDigest(['a', 'b']) === universeDigest(['b', 'a']); // true
 * ```
 */
export function universeDigest(slugs: Iterable<string>): string {
  let a = 0;
  let b = 0;
  for (const s of slugs) {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x050c5d1f);
    }
    a = (a + (h1 >>> 0)) >>> 0;
    b = (b + (h2 >>> 0)) >>> 0;
  }
  return `${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}

/** A value as JSON holds it (undefined members dropped), for a JSON column. */
export function toJson(value: object): { [key: string]: Json } {
  return JSON.parse(JSON.stringify(value)) as { [key: string]: Json };
}

/** `read()`, or `STORE_SCHEMA_MISMATCH` naming the row when it throws (state written by code this one cannot read). */
export function stateOrThrow<T>(row: Readonly<TalentStateRow>, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new SceneRadarError(
      'STORE_SCHEMA_MISMATCH',
      `talent_radar_state holds a "${row.name}" this version of scene-radar cannot read (written ${row.updated_at})${
        row.name === MODEL_STATE
          ? ': reset it or apply a new model'
          : row.name.startsWith(planStateName(''))
            ? ': discard that refresh (talent.discardRefresh) and plan it again'
            : ': the next refresh replaces it'
      }`,
      {
        cause: e,
        ...(e instanceof z.ZodError
          ? {
              details: e.issues.map((i) => ({
                code: i.code,
                path: ['value', ...i.path.map(String)],
                message: i.message,
              })),
            }
          : {}),
      },
    );
  }
}

/** Whether `e` is the error of a state row this code cannot read (`STORE_SCHEMA_MISMATCH`). */
export const isUnreadableState = (e: unknown): boolean => isSceneRadarError(e) && e.code === 'STORE_SCHEMA_MISMATCH';

/**
 * `read()`, or null when it throws `STORE_SCHEMA_MISMATCH` (a row this code cannot read, which a
 * refresh replaces); other errors go on.
 */
export function readableOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch (e) {
    if (isUnreadableState(e)) return null;
    throw e;
  }
}

/** A state row's value through its schema (see {@link stateOrThrow}). */
export function parseState<S extends z.ZodType>(row: Readonly<TalentStateRow>, schema: S): z.infer<S> {
  return stateOrThrow(row, () => schema.parse(row.value));
}
