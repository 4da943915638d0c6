/**
 * @module api/schemas
 * Request schemas of the HTTP API, with the origin document's names and ranges (section 2). Path
 * parameters are objects (`{ slug }`), as in the seed. Query schemas take what a query string
 * holds (strings) and coerce the way people write them: `limit=20` is the integer 20 (numbers are
 * plain digits: no sign, no fraction, no exponent), `skipCache=true` / `1` is `true`. Anything
 * else (a float, a sign, `NaN`, a word, an unknown or repeated parameter) fails with an issue
 * naming the parameter. Typed values (numbers, booleans) pass too,
 * so a host calling an operation from code can hand over parsed values.
 */
import { z } from 'zod';
import { MAX_SLUG_LENGTH, SLUG_MESSAGE, SLUG_PATTERN } from 'scene-radar';

const INTEGER_TEXT = /^\d{1,20}$/;

/**
 * Turns integer text, plain ASCII digits (`20`, `007`), into a number; anything else passes through
 * as text for the schema to reject: a fraction (`1.5`, `20.0`, `1e3`, never rounded away) and a
 * sign. A sign is refused in both spellings, so `limit=%2B5` (`+5`) and `limit=+5` (a space and
 * `5`, since `+` is a space in a query string) are the same 400, and `-0` is not 0.
 */
function toNumber(value: unknown): unknown {
  return typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
}

/** Turns `true`/`1` and `false`/`0` into booleans; anything else passes through for the schema to reject. */
function toBoolean(value: unknown): unknown {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
}

/**
 * A query-string integer in `[min, max]`, coerced from its decimal digits (no sign: `+5` and `-1`
 * are refused as text, whatever the range).
 * @param min - Smallest value accepted.
 * @param max - Largest value accepted.
 * @param description - What the parameter means (shown in the OpenAPI document).
 */
export function queryInt(min: number, max: number, description: string) {
  const range = max >= Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
  const int = z.int({ error: `Expected ${range}` }).min(min, `Expected ${range}`);
  // z.int() already stops at Number.MAX_SAFE_INTEGER: a second bound there would repeat its issue.
  return z
    .preprocess(toNumber, max >= Number.MAX_SAFE_INTEGER ? int : int.max(max, `Expected ${range}`))
    .describe(description);
}

/**
 * A query-string boolean: `true`, `1`, `false` or `0`.
 * @param description - What the parameter means (shown in the OpenAPI document).
 */
export function queryBoolean(description: string) {
  return z.preprocess(toBoolean, z.boolean({ error: 'Expected true, false, 1 or 0' })).describe(description);
}

/** A slug: 1-128 characters, `^[a-z0-9]+(?:-[a-z0-9]+)*$` (the length is checked before the pattern). */
const slug = (description: string) =>
  z
    .string({ error: 'Expected a slug' })
    .min(1, 'Slug must not be empty')
    .max(MAX_SLUG_LENGTH, `Slug must be at most ${MAX_SLUG_LENGTH} characters`)
    .regex(SLUG_PATTERN, SLUG_MESSAGE)
    .describe(description);

const skipCache = queryBoolean(
  'Bypass the cache and recompute (the result is cached again). Honoured only for callers the server allows (`allowSkipCache`, off by default); for any other caller `true` is ignored and the answer is the one without it (from the cache when it holds it), not an error.',
).default(false);

/** Path of a scene route: `{ slug }`, a scene slug (lowercase, hyphenated). */
export const SceneSlugSchema = z
  .strictObject({
    /** The scene slug. */
    slug: slug('Scene slug, e.g. `indie-uk-brighton`.'),
  })
  .meta({ id: 'SceneSlugParams' });

/** Path of a microgenre route: `{ slug }`, a microgenre slug. */
export const MicrogenreSlugSchema = z
  .strictObject({
    /** The microgenre slug. */
    slug: slug('Microgenre slug, e.g. `dream-pop`.'),
  })
  .meta({ id: 'MicrogenreSlugParams' });

/** Path of an artist route: `{ slug }`, an artist slug. */
export const ArtistSlugSchema = z
  .strictObject({
    /** The artist slug. */
    slug: slug('Artist slug, e.g. `artist-a`.'),
  })
  .meta({ id: 'ArtistSlugParams' });

/** Path of a regional pulse route: `{ region }`, a lowercase region code (`uk`, `us-ca`). */
export const RegionSchema = z
  .strictObject({
    /** The region code. */
    region: z
      .string({ error: 'Expected a region code' })
      .regex(/^[a-z0-9-]{1,64}$/, 'Expected a lowercase region code (letters, digits, hyphens; at most 64)')
      .describe('Region code, e.g. `uk`.'),
  })
  .meta({ id: 'RegionParams' });

/** A route that takes no query parameters: any parameter is an error. */
export const EmptyQuerySchema = z.strictObject({});

/** `GET /scenes`: `{ region?, limit (1-100, default 20), offset (0+, default 0) }`. */
export const ListScenesQuerySchema = z.strictObject({
  /** Only scenes of this region. */
  region: RegionSchema.shape.region.optional(),
  /** Page size, 1-100. @default 20 */
  limit: queryInt(1, 100, 'Page size.').default(20),
  /** Scenes to skip. @default 0 */
  offset: queryInt(0, Number.MAX_SAFE_INTEGER, 'Scenes to skip.').default(0),
});

/** `GET /microgenres`: `{ limit (1-100, default 50), offset (0+, default 0) }`. */
export const ListMicrogenresQuerySchema = z.strictObject({
  /** Page size, 1-100. @default 50 */
  limit: queryInt(1, 100, 'Page size.').default(50),
  /** Microgenres to skip. @default 0 */
  offset: queryInt(0, Number.MAX_SAFE_INTEGER, 'Microgenres to skip.').default(0),
});

/** `GET /scenes/{slug}/pulse`: `{ skipCache (default false) }`. */
export const ScenePulseQuerySchema = z.strictObject({
  /** Bypass the cache, when the server allows the caller (`allowSkipCache`); else ignored. @default false */
  skipCache,
});

/** `GET /scene-pulse/{region}`: `{ limit (1-100, default 20), skipCache (default false) }`. */
export const RegionalPulseQuerySchema = z.strictObject({
  /** Scenes in the list, 1-100. @default 20 */
  limit: queryInt(1, 100, 'Scenes in the list.').default(20),
  /** Bypass the cache, when the server allows the caller (`allowSkipCache`); else ignored. @default false */
  skipCache,
});

/** `GET /scene-pulse`: `{ limit (1-100, default 10) per list, skipCache (default false) }`. */
export const GlobalScenePulseQuerySchema = z.strictObject({
  /** Scenes per list, 1-100. @default 10 */
  limit: queryInt(1, 100, 'Scenes per list.').default(10),
  /** Bypass the cache, when the server allows the caller (`allowSkipCache`); else ignored. @default false */
  skipCache,
});

/** `GET /scenes/{slug}/trends`: `{ days (1-365, default 30) }`. */
export const SceneTrendsQuerySchema = z.strictObject({
  /** Days of history ending today, 1-365. @default 30 */
  days: queryInt(1, 365, 'Days of history, ending today.').default(30),
});

/** `GET /scenes/{slug}/related`: `{ limit (1-50, default 10) }`. */
export const RelatedScenesQuerySchema = z.strictObject({
  /** Related scenes to return, 1-50. @default 10 */
  limit: queryInt(1, 50, 'Related scenes to return.').default(10),
});

/** `GET /scenes/{slug}/memberships`: `{ limit (1-10,000, default 100), offset (0+, default 0) }`. */
export const SceneMembershipsQuerySchema = z.strictObject({
  /** Page size, 1-10,000. @default 100 */
  limit: queryInt(1, 10_000, 'Page size.').default(100),
  /** Memberships to skip. @default 0 */
  offset: queryInt(0, Number.MAX_SAFE_INTEGER, 'Memberships to skip.').default(0),
});

/** `GET /scene-recommendations`: `{ artistSlug?, limit (1-50, default 10) }`. Without an artist: the scenes most worth watching. */
export const RecommendationsQuerySchema = z.strictObject({
  /** The artist to recommend scenes to; absent for the watch list. */
  artistSlug: slug('Artist to recommend scenes to; omit for the watch list.').optional(),
  /** Scenes to return, 1-50. @default 10 */
  limit: queryInt(1, 50, 'Scenes to return.').default(10),
});

/** `GET /talent/pulse`: `{ skipCache (default false), limit (1-100, default 20) }`. */
export const GlobalPulseQuerySchema = z.strictObject({
  /** Bypass the cache, when the server allows the caller (`allowSkipCache`); else ignored. @default false */
  skipCache,
  /** Artists per list, 1-100. @default 20 */
  limit: queryInt(1, 100, 'Artists per list.').default(20),
});

/** `GET /talent/artists/{slug}`: `{ skipCache (default false) }`. */
export const ArtistProfileQuerySchema = z.strictObject({
  /** Bypass the cache, when the server allows the caller (`allowSkipCache`); else ignored. @default false */
  skipCache,
});

/** The categories of a top list. */
export const TopCategorySchema = z.enum(
  {
    /** By momentum. */
    rising: 'rising',
    /** By breakout score. */
    breakout: 'breakout',
    /** By risk score. */
    risk: 'risk',
  },
  { error: 'Expected rising, breakout or risk' },
);

/** `GET /talent/top`: `{ limit (1-100, default 20), category (rising|breakout|risk, default rising) }`. */
export const TopArtistsQuerySchema = z.strictObject({
  /** Artists in the list, 1-100. @default 20 */
  limit: queryInt(1, 100, 'Artists in the list.').default(20),
  /** `rising`, `breakout` or `risk`. @default 'rising' */
  category: TopCategorySchema.describe(
    'Which list: `rising` (momentum), `breakout` (breakout score) or `risk` (risk score).',
  ).default('rising'),
  /** Bypass the cache, when the server allows the caller (`allowSkipCache`); else ignored. @default false */
  skipCache,
});

/** `GET /talent/recommendations`: `{ workspaceId (UUID), limit (1-100, default 20) }`. */
export const WorkspaceRecommendationsQuerySchema = z.strictObject({
  /** The workspace, a UUID. */
  workspaceId: z.uuid({ error: 'Expected a UUID' }).describe('The workspace (label or team) to recommend artists to.'),
  /** Artists to return, 1-100. @default 20 */
  limit: queryInt(1, 100, 'Artists to return.').default(20),
});

/** Parsed `GET /scenes` query. */
export type ListScenesQueryInput = z.output<typeof ListScenesQuerySchema>;
/** Parsed `GET /talent/top` query. */
export type TopArtistsQueryInput = z.output<typeof TopArtistsQuerySchema>;
/** Parsed `GET /talent/recommendations` query. */
export type WorkspaceRecommendationsQueryInput = z.output<typeof WorkspaceRecommendationsQuerySchema>;
