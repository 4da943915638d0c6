/**
 * @module scenes/catalog
 * Scenes and microgenres: import (one call, validated, all or nothing), list with a region filter
 * and paging, get by slug.
 */
import { z } from 'zod';
import { isSceneRadarError, SceneRadarError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { SceneRadarConfig } from '../config.js';
import type { ScenesStores } from '../stores/specs.js';
import { atomically } from '../stores/staged.js';
import { MicrogenreRowSchema, SceneRowSchema, type MicrogenreRow, type SceneRow } from '../stores/tables.js';
import { awaitingRows } from './scenes-state.js';
import type { Page } from './types.js';
import {
  hasOption,
  ListMicrogenresRequestSchema,
  ListScenesRequestSchema,
  REGION_MESSAGE,
  REGION_PATTERN,
  SlugParamsRequestSchema,
  validateRequest,
  withinCap,
} from '../core/requests.js';

/** What a reader is told when the scene catalog is empty (a refresh's warning, a pulse's or recommendations' note). */
export const EMPTY_CATALOG_NOTE =
  'The scene catalog is empty: call importCatalog() first. Scenes, memberships, pulses and scene heat stay empty until then.';

/** A scene as a host imports it: a scene row whose `updated_at` may be left out. */
export interface CatalogSceneInput extends Omit<SceneRow, 'updated_at'> {
  /** Last update (ISO); the import time when absent. */
  readonly updated_at?: string;
}

/** A microgenre as a host imports it: a microgenre row whose `updated_at` may be left out. */
export interface CatalogMicrogenreInput extends Omit<MicrogenreRow, 'updated_at'> {
  /** Last update (ISO); the import time when absent. */
  readonly updated_at?: string;
}

/** What a host imports: scenes and microgenres (`updated_at` is filled in when missing). */
export interface CatalogInput {
  /** Scenes. */
  readonly scenes: readonly CatalogSceneInput[];
  /** Microgenres. */
  readonly microgenres: readonly CatalogMicrogenreInput[];
}

/** What a catalog import wrote. */
export interface CatalogImportResult {
  /** Scenes upserted. */
  scenes: number;
  /** Microgenres upserted. */
  microgenres: number;
}

/** Query for {@link ScenesEngine.listScenes}. */
export interface ListScenesQuery {
  /** Only scenes of this region. */
  readonly region?: string;
  /** Page size, 1-100. @default 20 */
  readonly limit?: number;
  /** Items to skip, >= 0. @default 0 */
  readonly offset?: number;
}

/**
 * Most rows one `importCatalog` call takes per table (scenes, microgenres). Checked before a row is
 * read: an array with a huge `length` and no rows (`a.length = 2 ** 32 - 1`) would otherwise keep
 * the import walking its holes for minutes and then exhaust the heap.
 */
export const MAX_CATALOG_ROWS = 100_000;

/** The `SCENES_VALIDATION_ERROR` of a catalog, listing (at most 20 of) its issues. */
function invalidCatalog(
  issues: readonly { readonly code: string; readonly path: readonly string[]; readonly message: string }[],
): SceneRadarError {
  const details = issues.slice(0, 20);
  return new SceneRadarError(
    'SCENES_VALIDATION_ERROR',
    `Invalid catalog: ${details.map((d) => (d.path.length ? `${d.path.join('.')}: ${d.message}` : d.message)).join('; ')}`,
    { details },
  );
}

/** The rows of `table` whose slug an earlier row of the same table already has, as issues. */
function duplicateSlugs(
  table: 'scenes' | 'microgenres',
  rows: readonly { readonly slug: string }[],
): { code: string; path: string[]; message: string }[] {
  const first = new Map<string, number>();
  const issues: { code: string; path: string[]; message: string }[] = [];
  rows.forEach((row, i) => {
    const earlier = first.get(row.slug);
    if (earlier === undefined) first.set(row.slug, i);
    else
      issues.push({
        code: 'custom',
        path: [table, String(i), 'slug'],
        message: `Duplicate slug ${row.slug} (also ${table}.${earlier})`,
      });
  });
  return issues;
}

/**
 * A scene's microgenres named more than once, as issues (one per repeat, at its index): a repeat
 * would weigh that microgenre twice in the scene's shared sound with another scene.
 */
function duplicateMicrogenres(scenes: readonly SceneRow[]): { code: string; path: string[]; message: string }[] {
  const issues: { code: string; path: string[]; message: string }[] = [];
  scenes.forEach((scene, i) => {
    const first = new Map<string, number>();
    scene.microgenres.forEach((genre, j) => {
      const earlier = first.get(genre);
      if (earlier === undefined) first.set(genre, j);
      else
        issues.push({
          code: 'custom',
          path: ['scenes', String(i), 'microgenres', String(j)],
          message: `Duplicate microgenre ${genre} (also scenes.${i}.microgenres.${earlier})`,
        });
    });
  });
  return issues;
}

/**
 * A catalog's rows, checked as {@link importCatalog} checks them before it reads any store (the
 * shape of every row, duplicate slugs, repeated microgenres, region codes); `updated_at` defaults
 * to `now`. Throws the import's `SCENES_VALIDATION_ERROR` / `SCENES_INVALID_PARAMS`. Whether each
 * scene's microgenres exist is left to the import (they may be stored already).
 * @internal The CLI checks a catalog file with it before a long import of the table files.
 */
export function validateCatalog(
  input: CatalogInput,
  now: string,
): { readonly scenes: SceneRow[]; readonly microgenres: MicrogenreRow[] } {
  let parsed: z.ZodSafeParseResult<{ scenes: SceneRow[]; microgenres: MicrogenreRow[] }>;
  try {
    if (
      input === null ||
      typeof input !== 'object' ||
      !Array.isArray(input.scenes) ||
      !Array.isArray(input.microgenres)
    ) {
      throw new SceneRadarError('SCENES_VALIDATION_ERROR', 'A catalog is { scenes: [...], microgenres: [...] }', {
        details: [{ code: 'invalid_type', path: [], message: 'Expected { scenes: array, microgenres: array }' }],
      });
    }
    for (const table of ['scenes', 'microgenres'] as const) {
      const rows = input[table].length;
      if (rows > MAX_CATALOG_ROWS)
        throw new SceneRadarError(
          'SCENES_INVALID_PARAMS',
          `At most ${MAX_CATALOG_ROWS} ${table} per import, got ${rows}`,
          { details: [{ code: 'too_big', path: [table], message: `At most ${MAX_CATALOG_ROWS} rows` }] },
        );
    }
    parsed = z.object({ scenes: z.array(SceneRowSchema), microgenres: z.array(MicrogenreRowSchema) }).safeParse({
      // The import time where `updated_at` is absent or undefined (a spread of `updated_at: undefined` overwrote it).
      scenes: input.scenes.map((s) => ({
        ...s,
        updated_at: (s as { updated_at?: unknown } | null)?.updated_at ?? now,
      })),
      microgenres: input.microgenres.map((m) => ({
        ...m,
        updated_at: (m as { updated_at?: unknown } | null)?.updated_at ?? now,
      })),
    });
  } catch (error) {
    if (isSceneRadarError(error)) throw error;
    throw invalidCatalog([{ code: 'invalid_type', path: [], message: 'The catalog cannot be read' }]);
  }
  if (!parsed.success)
    throw invalidCatalog(
      parsed.error.issues.map((i) => ({ code: i.code, path: i.path.map(String), message: i.message })),
    );
  const issues = [
    ...duplicateSlugs('scenes', parsed.data.scenes),
    ...duplicateSlugs('microgenres', parsed.data.microgenres),
    ...duplicateMicrogenres(parsed.data.scenes),
    // A region the requests could not name (`UK`, ` us `) could never be filtered on, and would
    // never match an artist's home region.
    ...parsed.data.scenes.flatMap((s, i) =>
      REGION_PATTERN.test(s.region)
        ? []
        : [{ code: 'invalid_format', path: ['scenes', String(i), 'region'], message: REGION_MESSAGE }],
    ),
  ];
  if (issues.length) throw invalidCatalog(issues);
  return parsed.data;
}

/**
 * Imports a catalog: every row validated first; an invalid row rejects the whole import. Returns
 * the counts written and `newScenes`, the slugs of the scenes it added (none stored before). Two rows
 * of one table with the same slug are an invalid catalog (the second would silently replace the
 * first, and the count would say both were written), and so is a scene that names one microgenre
 * twice (`SCENES_VALIDATION_ERROR`, a `details` entry at `scenes.<i>.microgenres.<j>` for each
 * repeat: a catalog is not cleaned up silently); a table over {@link MAX_CATALOG_ROWS} rows is
 * `SCENES_INVALID_PARAMS`; a catalog that cannot be read (a getter that throws, a revoked proxy) is
 * `SCENES_VALIDATION_ERROR`, never the host's own exception.
 */
export async function importCatalog(
  stores: ScenesStores,
  input: CatalogInput,
  clock: Clock,
): Promise<CatalogImportResult & { readonly newScenes: readonly string[] }> {
  const now = new Date(clock.now()).toISOString();
  const parsed = { data: validateCatalog(input, now) };
  // A scene may name microgenres imported now or before.
  const named = [...new Set(parsed.data.scenes.flatMap((sc) => sc.microgenres))];
  const stored = await stores.microgenres.getMany(named.map((slug) => ({ slug })));
  const known = new Set([...parsed.data.microgenres.map((m) => m.slug), ...stored.map((m) => m.slug)]);
  const unknown = parsed.data.scenes.flatMap((s) =>
    s.microgenres.filter((g) => !known.has(g)).map((g) => `${s.slug}: ${g}`),
  );
  // Every row is valid; a name of a microgenre the catalog does not hold is a reference to nothing.
  if (unknown.length)
    throw new SceneRadarError(
      'SCENES_INVALID_PARAMS',
      `Scenes name unknown microgenres: ${unknown.slice(0, 10).join(', ')}`,
      { details: { unknown } },
    );
  // The scenes this import adds (not stored before it): no refresh has placed artists in them.
  const slugs = parsed.data.scenes.map((sc) => sc.slug);
  let newScenes: string[] = [];
  // Both tables or neither: a scene never names a microgenre a failed import left out.
  await atomically(stores, async (tx) => {
    // Read where it is written: another instance may have imported (and a refresh placed artists
    // in) one of these scenes since this import began.
    const existing = new Set((await tx.scenes.getMany(slugs.map((slug) => ({ slug })))).map((sc) => sc.slug));
    newScenes = slugs.filter((slug) => !existing.has(slug));
    // First: a refresh reading the catalog between these writes (stores without a transaction)
    // then never finds a new scene it is not told awaits it.
    if (newScenes.length > 0) await tx.scenes_state.upsert(awaitingRows(newScenes, now));
    await tx.microgenres.upsert(parsed.data.microgenres);
    await tx.scenes.upsert(parsed.data.scenes);
    // Stored recommendations weigh each scene's sound and place: a changed scene makes them wrong.
    await tx.scene_recommendations_cache.deleteWhere({});
  });
  return {
    scenes: parsed.data.scenes.length,
    microgenres: parsed.data.microgenres.length,
    newScenes,
  };
}

/**
 * Lists scenes, optionally of one region, by slug. The request schema's `limit` is 1-100; a host
 * whose `scenes.maxScenesPerQuery` is lower serves at most that (`SCENES_INVALID_PARAMS` above it).
 */
export async function listScenes(
  stores: ScenesStores,
  input: ListScenesQuery | undefined,
  config: SceneRadarConfig,
): Promise<Page<SceneRow>> {
  const query = validateRequest('scenes', [ListScenesRequestSchema, input]);
  const { offset } = query;
  const cap = config.scenes.maxScenesPerQuery;
  const limit = withinCap('scenes', query.limit, hasOption(input, 'limit'), cap, 'scenes.maxScenesPerQuery');
  const where = query.region ? { region: query.region } : undefined;
  const [items, total] = await Promise.all([stores.scenes.scan({ where, offset, limit }), stores.scenes.count(where)]);
  return { items, total, limit, offset };
}

/** One scene, or `SCENES_NOT_FOUND`. */
export async function getScene(stores: ScenesStores, slug: unknown): Promise<SceneRow> {
  const s = validateRequest('scenes', [SlugParamsRequestSchema, { slug }]).slug;
  const row = await stores.scenes.get({ slug: s });
  if (!row) throw new SceneRadarError('SCENES_NOT_FOUND', `Scene not found: ${s}`);
  return row;
}

/** Lists microgenres by slug. */
export async function listMicrogenres(
  stores: ScenesStores,
  input: { readonly limit?: number; readonly offset?: number } | undefined,
): Promise<Page<MicrogenreRow>> {
  const { limit, offset } = validateRequest('scenes', [ListMicrogenresRequestSchema, input]);
  const [items, total] = await Promise.all([stores.microgenres.scan({ offset, limit }), stores.microgenres.count()]);
  return { items, total, limit, offset };
}

/** One microgenre, or `MICROGENRE_NOT_FOUND`. */
export async function getMicrogenre(stores: ScenesStores, slug: unknown): Promise<MicrogenreRow> {
  const s = validateRequest('scenes', [SlugParamsRequestSchema, { slug }]).slug;
  const row = await stores.microgenres.get({ slug: s });
  if (!row) throw new SceneRadarError('MICROGENRE_NOT_FOUND', `Microgenre not found: ${s}`);
  return row;
}
