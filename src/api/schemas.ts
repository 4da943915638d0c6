/**
 * @module api/schemas
 * Request schemas of the HTTP API, with the origin document's names and ranges (section 2). They
 * are not written here: each is the engines' own request schema (src/core/requests.ts), which the
 * engines' methods validate with too, so a bad slug, limit or region gets the same code, status
 * and issues over HTTP as from an engine call. This module adds only what a query string needs:
 *
 * - text is coerced the way people write it: `limit=20` is the integer 20 (numbers are plain
 *   digits: no sign, no fraction, no exponent), `skipCache=true` / `1` is `true`. Anything else (a
 *   float, a sign, `NaN`, a word) reaches the engine's schema as text and fails there, naming the
 *   parameter. Typed values (numbers, booleans) pass too, so a host calling an operation from code
 *   can hand over parsed values;
 * - objects are strict: an unknown parameter is an issue (a query string has no types to catch a
 *   typo), and a repeated one is refused by the operations;
 * - a description of each parameter, for the OpenAPI document.
 *
 * Path parameters are objects (`{ slug }`), as in the seed.
 */
import { z } from 'zod';
import {
  ArtistProfileRequestSchema,
  GlobalPulseRequestSchema,
  GlobalScenePulseRequestSchema,
  intRequestSchema,
  ListMicrogenresRequestSchema,
  ListScenesRequestSchema,
  RecommendationsRequestSchema,
  RegionalPulseRequestSchema,
  RegionParamsRequestSchema,
  RelatedScenesRequestSchema,
  SceneMembershipsRequestSchema,
  ScenePulseRequestSchema,
  SceneTrendsRequestSchema,
  SkipCacheRequestSchema,
  SlugParamsRequestSchema,
  TopArtistsRequestSchema,
  TopCategoryRequestSchema,
  WorkspaceIdRequestSchema,
  WorkspaceRecommendationsRequestSchema,
} from '../core/requests.js';

const INTEGER_TEXT = /^(?:\d+|-[1-9]\d*)$/;

/**
 * Turns integer text of any length, plain ASCII digits (`20`, `007`) or a minus and a nonzero integer (`-1`),
 * into a number; anything else passes through as text for the schema to reject: a fraction
 * (`1.5`, `20.0`, `1e3`, never rounded away), a plus sign and `-0`. A negative integer becomes a
 * number so that it fails the range the engine's schema states with the issue an engine call
 * gets (`limit=-1` is `too_small`, as `listScenes({ limit: -1 })` is). A plus sign is refused in
 * both spellings, so `limit=%2B5` (`+5`) and `limit=+5` (a space and `5`, since `+` is a space in a
 * query string) are the same 400, and `-0` is not 0.
 */
function toNumber(value: unknown): unknown {
  if (typeof value !== 'string' || !INTEGER_TEXT.test(value)) return value;
  const n = Number(value);
  // Digits beyond a double's range are still a number far out of every range: too_big (too_small).
  if (Number.isFinite(n)) return n;
  return n > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

/** Turns `true`/`1` and `false`/`0` into booleans; anything else passes through for the schema to reject. */
function toBoolean(value: unknown): unknown {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
}

/**
 * A field of a request schema as a query-string parameter: coerced from text, described. (The
 * request schemas are built with zod's classic API, so every inner schema is a `z.ZodType`.)
 */
function parameter(field: z.ZodType, description: string): z.ZodType {
  if (field instanceof z.ZodDefault)
    return parameter(field.unwrap() as z.ZodType, description).default(field.def.defaultValue);
  if (field instanceof z.ZodOptional) return parameter(field.unwrap() as z.ZodType, description).optional();
  if (field instanceof z.ZodNumber) return z.preprocess(toNumber, field).describe(description);
  if (field instanceof z.ZodBoolean) return z.preprocess(toBoolean, field).describe(description);
  return field.describe(description);
}

/**
 * The HTTP form of an engine's request schema: every field as a query-string {@link parameter}
 * with its description (every field needs one: the OpenAPI document lists them), in a strict
 * object. `defaults` gives a default to fields an engine call must name but a query string may
 * leave out. Typed as the engine's schema: the parsed values are the same.
 */
function httpSchema<S extends z.ZodRawShape>(
  request: z.ZodObject<S>,
  descriptions: { readonly [K in keyof S]: string },
  defaults: { readonly [K in keyof S]?: z.output<S[K]> } = {},
): z.ZodObject<S, z.core.$strict> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(request.shape)) {
    const described = parameter(field as z.ZodType, descriptions[key as keyof S]);
    const fallback = defaults[key as keyof S];
    shape[key] = fallback === undefined ? described : described.default(fallback);
  }
  return z.strictObject(shape) as unknown as z.ZodObject<S, z.core.$strict>;
}

const SKIP_CACHE =
  'Bypass the cache and recompute (the result is cached again). Honoured only for callers the server allows (`allowSkipCache`, off by default); for any other caller `true` is ignored and the answer is the one without it (from the cache when it holds it), not an error.';

/**
 * A query-string integer in `[min, max]`, coerced from its decimal digits (no sign: `+5` and `-1`
 * are refused as text, whatever the range), with the engines' messages. For a host's own routes;
 * the API's own parameters come from the engines' request schemas.
 * @param min - Smallest value accepted.
 * @param max - Largest value accepted.
 * @param description - What the parameter means (shown in the OpenAPI document).
 */
export function queryInt(min: number, max: number, description: string): z.ZodType<number, unknown> {
  return parameter(intRequestSchema(min, max), description) as z.ZodType<number, unknown>;
}

/**
 * A query-string boolean: `true`, `1`, `false` or `0`. For a host's own routes, like {@link queryInt}.
 * @param description - What the parameter means (shown in the OpenAPI document).
 */
export function queryBoolean(description: string): z.ZodType<boolean, unknown> {
  return parameter(SkipCacheRequestSchema, description) as z.ZodType<boolean, unknown>;
}

/** Path of a scene route: `{ slug }`, a scene slug (lowercase, hyphenated). */
export const SceneSlugSchema = httpSchema(SlugParamsRequestSchema, {
  slug: 'Scene slug, e.g. `indie-uk-brighton`.',
}).meta({ id: 'SceneSlugParams' });

/** Path of a microgenre route: `{ slug }`, a microgenre slug. */
export const MicrogenreSlugSchema = httpSchema(SlugParamsRequestSchema, {
  slug: 'Microgenre slug, e.g. `dream-pop`.',
}).meta({ id: 'MicrogenreSlugParams' });

/** Path of an artist route: `{ slug }`, an artist slug. */
export const ArtistSlugSchema = httpSchema(SlugParamsRequestSchema, {
  slug: 'Artist slug, e.g. `artist-a`.',
}).meta({ id: 'ArtistSlugParams' });

/** Path of a regional pulse route: `{ region }`, a lowercase region code (`uk`, `us-ca`). */
export const RegionSchema = httpSchema(RegionParamsRequestSchema, {
  region: 'Region code, e.g. `uk`.',
}).meta({ id: 'RegionParams' });

/** A route that takes no query parameters: any parameter is an error. */
export const EmptyQuerySchema = z.strictObject({});

/** `GET /scenes`: `{ region?, limit (1-100, default 20), offset (0+, default 0) }`. */
export const ListScenesQuerySchema = httpSchema(ListScenesRequestSchema, {
  region: 'Region code, e.g. `uk`.',
  limit: 'Page size.',
  offset: 'Scenes to skip.',
});

/** `GET /microgenres`: `{ limit (1-100, default 50), offset (0+, default 0) }`. */
export const ListMicrogenresQuerySchema = httpSchema(ListMicrogenresRequestSchema, {
  limit: 'Page size.',
  offset: 'Microgenres to skip.',
});

/** `GET /scenes/{slug}/pulse`: `{ skipCache (default false) }`. */
export const ScenePulseQuerySchema = httpSchema(ScenePulseRequestSchema, { skipCache: SKIP_CACHE });

/** `GET /scene-pulse/{region}`: `{ limit (1-100, default 20), skipCache (default false) }`. */
export const RegionalPulseQuerySchema = httpSchema(RegionalPulseRequestSchema, {
  limit: 'Scenes in the list.',
  skipCache: SKIP_CACHE,
});

/** `GET /scene-pulse`: `{ limit (1-100, default 10) per list, skipCache (default false) }`. */
export const GlobalScenePulseQuerySchema = httpSchema(GlobalScenePulseRequestSchema, {
  limit: 'Scenes per list.',
  skipCache: SKIP_CACHE,
});

/** `GET /scenes/{slug}/trends`: `{ days (1-365, default 30) }`. */
export const SceneTrendsQuerySchema = httpSchema(SceneTrendsRequestSchema, {
  days: 'Days of history, ending today.',
});

/** `GET /scenes/{slug}/related`: `{ limit (1-50, default 10) }`. */
export const RelatedScenesQuerySchema = httpSchema(RelatedScenesRequestSchema, {
  limit: 'Related scenes to return.',
});

/** `GET /scenes/{slug}/memberships`: `{ limit (1-10,000, default 100), offset (0+, default 0) }`. */
export const SceneMembershipsQuerySchema = httpSchema(SceneMembershipsRequestSchema, {
  limit: 'Page size.',
  offset: 'Memberships to skip.',
});

/** `GET /scene-recommendations`: `{ artistSlug?, limit (1-50, default 10) }`. Without an artist: the scenes most worth watching. */
export const RecommendationsQuerySchema = httpSchema(RecommendationsRequestSchema, {
  artistSlug: 'Artist to recommend scenes to; omit for the watch list.',
  limit: 'Scenes to return.',
});

/** `GET /talent/pulse`: `{ skipCache (default false), limit (1-100, default 20) }`. */
export const GlobalPulseQuerySchema = httpSchema(GlobalPulseRequestSchema, {
  skipCache: SKIP_CACHE,
  limit: 'Artists per list.',
});

/** `GET /talent/artists/{slug}`: `{ skipCache (default false) }`. */
export const ArtistProfileQuerySchema = httpSchema(ArtistProfileRequestSchema, { skipCache: SKIP_CACHE });

/** The categories of a top list: `rising` (by momentum), `breakout` (by breakout score), `risk` (by risk score). */
export const TopCategorySchema = TopCategoryRequestSchema;

/**
 * `GET /talent/top`: `{ limit (1-100, default 20), category (rising|breakout|risk, default rising),
 * skipCache (default false) }`. The engine call names its category; a query string may leave it out.
 */
export const TopArtistsQuerySchema = httpSchema(
  TopArtistsRequestSchema,
  {
    category: 'Which list: `rising` (momentum), `breakout` (breakout score) or `risk` (risk score).',
    limit: 'Artists in the list.',
    skipCache: SKIP_CACHE,
  },
  { category: 'rising' },
);

/** `GET /talent/recommendations`: `{ workspaceId (UUID), limit (1-100, default 20) }`. */
export const WorkspaceRecommendationsQuerySchema = httpSchema(
  WorkspaceIdRequestSchema.extend(WorkspaceRecommendationsRequestSchema.shape),
  {
    workspaceId: 'The workspace (label or team) to recommend artists to.',
    limit: 'Artists to return.',
  },
);

/** Parsed `GET /scenes` query. */
export type ListScenesQueryInput = z.output<typeof ListScenesQuerySchema>;
/** Parsed `GET /talent/top` query. */
export type TopArtistsQueryInput = z.output<typeof TopArtistsQuerySchema>;
/** Parsed `GET /talent/recommendations` query. */
export type WorkspaceRecommendationsQueryInput = z.output<typeof WorkspaceRecommendationsQuerySchema>;
