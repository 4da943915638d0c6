/**
 * @module core/requests
 * The request schemas of both engines, defined once. The engines' methods validate their
 * arguments with them ({@link validateRequest}); the HTTP kit (`scene-radar/api`, src/api/schemas.ts)
 * builds its path and query schemas from the same objects, adding only what a query string needs
 * (text to numbers and booleans, unknown and repeated parameters refused). So the same bad value
 * gets the same code, HTTP status and issues (`details`: `{ code, path, message }`, Zod's own issue
 * codes) from an engine call and over HTTP. tests/api/validation-parity.test.ts walks every route
 * to prove it.
 *
 * **The one rule for the two 400 codes** (docs/http-api.md, "Envelopes and codes"):
 *
 * - `*_VALIDATION_ERROR`: a value fails its request schema: a wrong type, a malformed slug, region
 *   code or UUID, an unknown `category`, a number outside the schema's range (`limit` 0 or 101,
 *   `days` 366), an options argument that is not an object. `details` lists every issue.
 * - `*_INVALID_PARAMS`: every value passes its schema, but the request cannot be served: a
 *   combination that makes no sense (`from` after `to`), a value over a limit the host configured
 *   (`scenes.maxScenesPerQuery`, `scenes.maxMembershipsPerQuery`, `talent.maxArtistsPerQuery`),
 *   or a well-formed reference to something the engine does not have (an unknown artist for scene
 *   recommendations, an unknown workspace, no workspace source, a microgenre a catalog names but
 *   does not hold).
 *
 * Why this line: the seed's error example answers a malformed slug with `SCENES_VALIDATION_ERROR`
 * and the schema's issues, and the seed writes the ranges into its schemas (`limit (1-100)`), so a
 * range is a schema check like a pattern. What no schema can know (the host's configuration, the
 * data behind the request, how two valid values relate) is `INVALID_PARAMS`.
 */
import { z } from 'zod';
import { SceneRadarError, type ErrorCode } from './errors.js';
import { MAX_SLUG_LENGTH, SLUG_MESSAGE, SLUG_PATTERN } from './slug.js';

/**
 * A region code: 1-64 lowercase letters, digits and hyphens (`uk`, `us-ca`). The one pattern for a
 * region in a request, whether it comes from a path, a query or an engine call.
 */
export const REGION_PATTERN = /^[a-z0-9-]{1,64}$/;

/** Message of a region code that does not match {@link REGION_PATTERN}. */
export const REGION_MESSAGE = 'Expected a lowercase region code (letters, digits, hyphens; at most 64)';

/** A slug in a request: 1-128 characters, lowercase letters and digits in hyphen-separated groups. */
export const SlugRequestSchema = z
  .string({ error: 'Expected a slug' })
  .min(1, 'Slug must not be empty')
  .max(MAX_SLUG_LENGTH, `Slug must be at most ${MAX_SLUG_LENGTH} characters`)
  .regex(SLUG_PATTERN, SLUG_MESSAGE);

/** A region code in a request ({@link REGION_PATTERN}). */
export const RegionRequestSchema = z.string({ error: 'Expected a region code' }).regex(REGION_PATTERN, REGION_MESSAGE);

/**
 * An integer in `[min, max]`; one message for every way to miss it (not a number, a fraction,
 * out of range), so a caller reads the range whatever they got wrong.
 * @param min - Smallest value accepted.
 * @param max - Largest value accepted (`Number.MAX_SAFE_INTEGER` for no upper bound).
 */
export function intRequestSchema(min: number, max: number): z.ZodNumber {
  const unbounded = max >= Number.MAX_SAFE_INTEGER;
  const range = unbounded ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
  // Past 2^53 an unbounded range says where the integers end (the value is "at least min").
  const beyond = unbounded
    ? `Expected an integer from ${min} to ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`
    : `Expected ${range}`;
  // z.int() stops at Number.MAX_SAFE_INTEGER; `abort` keeps the range's own bounds from repeating
  // its issue for a value past it (one issue per mistake).
  const int = z
    .int({ error: (issue) => (issue.code === 'too_big' ? beyond : `Expected ${range}`), abort: true })
    .min(min, `Expected ${range}`);
  return unbounded ? int : int.max(max, `Expected ${range}`);
}

/** `skipCache`: bypass the cache and recompute (the result is cached again). */
export const SkipCacheRequestSchema = z.boolean({ error: 'Expected true or false (in a query string also 1 or 0)' });

const offset = intRequestSchema(0, Number.MAX_SAFE_INTEGER);
const skipCache = SkipCacheRequestSchema.default(false);

/** An options object, or nothing (`{}`): anything else is a validation error at the root. */
const options = <S extends z.ZodRawShape>(shape: S) => z.object(shape, { error: 'Expected an options object' });

/** `{ slug }`: the slug of a scene, a microgenre or an artist (a path parameter over HTTP). */
export const SlugParamsRequestSchema = z.object({
  /** The slug. */
  slug: SlugRequestSchema,
});

/** `{ region }`: a region code (a path parameter over HTTP). */
export const RegionParamsRequestSchema = z.object({
  /** The region code. */
  region: RegionRequestSchema,
});

/** `listScenes`: `{ region?, limit (1-100, default 20), offset (0+, default 0) }`. */
export const ListScenesRequestSchema = options({
  /** Only scenes of this region. */
  region: RegionRequestSchema.optional(),
  /** Page size, 1-100. @default 20 */
  limit: intRequestSchema(1, 100).default(20),
  /** Scenes to skip. @default 0 */
  offset: offset.default(0),
});

/** `listMicrogenres`: `{ limit (1-100, default 50), offset (0+, default 0) }`. */
export const ListMicrogenresRequestSchema = options({
  /** Page size, 1-100. @default 50 */
  limit: intRequestSchema(1, 100).default(50),
  /** Microgenres to skip. @default 0 */
  offset: offset.default(0),
});

/** `getScenePulse`: `{ skipCache (default false) }`. */
export const ScenePulseRequestSchema = options({
  /** Bypass the cache and recompute. @default false */
  skipCache,
});

/** `getRegionalPulse`: `{ limit (1-100, default 20), skipCache (default false) }`. */
export const RegionalPulseRequestSchema = options({
  /** Scenes in the list, 1-100. @default 20 */
  limit: intRequestSchema(1, 100).default(20),
  /** Bypass the cache and recompute. @default false */
  skipCache,
});

/** `getGlobalPulse` of the Scenes Engine: `{ limit (1-100, default 10) per list, skipCache (default false) }`. */
export const GlobalScenePulseRequestSchema = options({
  /** Scenes per list, 1-100. @default 10 */
  limit: intRequestSchema(1, 100).default(10),
  /** Bypass the cache and recompute. @default false */
  skipCache,
});

/** `getSceneTrends`: `{ days (1-365, default 30) }`. */
export const SceneTrendsRequestSchema = options({
  /** Days of history ending at the last complete day, 1-365. @default 30 */
  days: intRequestSchema(1, 365).default(30),
});

/** `getRelatedScenes`: `{ limit (1-50, default 10) }`. */
export const RelatedScenesRequestSchema = options({
  /** Related scenes to return, 1-50. @default 10 */
  limit: intRequestSchema(1, 50).default(10),
});

/** Memberships of a scene: `{ limit (1-10,000, default 100), offset (0+, default 0) }`. */
export const SceneMembershipsRequestSchema = options({
  /** Page size, 1-10,000. @default 100 */
  limit: intRequestSchema(1, 10_000).default(100),
  /** Memberships to skip. @default 0 */
  offset: offset.default(0),
});

/** `listMemberships`: a scene's or an artist's memberships, `{ sceneSlug?, artistSlug?, limit, offset }`. */
export const ListMembershipsRequestSchema = SceneMembershipsRequestSchema.extend({
  /** Memberships of this scene. */
  sceneSlug: SlugRequestSchema.optional(),
  /** Memberships of this artist. */
  artistSlug: SlugRequestSchema.optional(),
});

/** `recommendScenes`: `{ artistSlug?, limit (1-50, default 10) }`; without an artist, the watch list. */
export const RecommendationsRequestSchema = options({
  /** The artist to recommend scenes to; absent for the watch list. */
  artistSlug: SlugRequestSchema.optional(),
  /** Scenes to return, 1-50. @default 10 */
  limit: intRequestSchema(1, 50).default(10),
});

/** `batchProcessScenes`: the slugs, each a slug (how many is the host's `scenes.maxScenesPerQuery`). */
export const SceneSlugsRequestSchema = z.object({
  /** The scenes, by slug. */
  slugs: z.array(SlugRequestSchema, { error: 'Expected an array of slugs' }),
});

/** `buildGlobalPulse`: `{ skipCache (default false), limit (1-100, default 20) }`. */
export const GlobalPulseRequestSchema = options({
  /** Bypass the cache and recompute. @default false */
  skipCache,
  /** Artists per list, 1-100. @default 20 */
  limit: intRequestSchema(1, 100).default(20),
});

/** `buildArtistProfile`: `{ skipCache (default false) }`. */
export const ArtistProfileRequestSchema = options({
  /** Bypass the cache and recompute. @default false */
  skipCache,
});

/** The categories of a top list: by momentum, breakout score or risk score. */
export const TopCategoryRequestSchema = z.enum(
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

/**
 * `getTopArtists`: `{ limit (1-100, default 20), category (rising|breakout|risk), skipCache (default
 * false) }`. An engine call names the category; over HTTP it may be left out (`rising`).
 */
export const TopArtistsRequestSchema = options({
  /** Artists in the list, 1-100. @default 20 */
  limit: intRequestSchema(1, 100).default(20),
  /** `rising`, `breakout` or `risk`. */
  category: TopCategoryRequestSchema,
  /** Bypass the cache and recompute. @default false */
  skipCache,
});

/** `{ workspaceId }`: a workspace (a label or team), a UUID. */
export const WorkspaceIdRequestSchema = z.object({
  /** The workspace, a UUID. */
  workspaceId: z.uuid({ error: 'Expected a UUID' }),
});

/** `getWorkspaceRecommendations`: `{ limit (1-100, default 20) }`, besides the workspace id. */
export const WorkspaceRecommendationsRequestSchema = options({
  /** Artists to return, 1-100. @default 20 */
  limit: intRequestSchema(1, 100).default(20),
});

/** Which engine a request is for: it picks the code family (`SCENES_*` or `TALENT_*`). */
export type RequestFamily = 'scenes' | 'talent';

/** One issue of a failed request, as in the seed's error example: Zod's issue code, where, what. */
export interface RequestIssue {
  /** The Zod issue code (`invalid_format`, `too_small`, `invalid_type`, ...). */
  readonly code: string;
  /** Where: `['slug']`, `['limit']`, `['slugs', 3]`. */
  readonly path: readonly (string | number)[];
  /** What is wrong, in words (never the value itself). */
  readonly message: string;
}

const VALIDATION: Readonly<Record<RequestFamily, ErrorCode>> = {
  scenes: 'SCENES_VALIDATION_ERROR',
  talent: 'TALENT_VALIDATION_ERROR',
};
const INVALID: Readonly<Record<RequestFamily, ErrorCode>> = {
  scenes: 'SCENES_INVALID_PARAMS',
  talent: 'TALENT_INVALID_PARAMS',
};

function issueOf(issue: z.core.$ZodIssue): RequestIssue {
  return {
    code: issue.code,
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: issue.message,
  };
}

/** The `*_VALIDATION_ERROR` for `issues`, its message naming each (the HTTP answer says only the seed's words). */
function validationError(family: RequestFamily, issues: readonly RequestIssue[]): SceneRadarError {
  const listed = issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return new SceneRadarError(VALIDATION[family], `Invalid request parameters: ${listed}`, { details: issues });
}

/** One part of a request: its schema and what the caller passed (`undefined` is an empty object). */
export type RequestPart<S extends z.ZodType = z.ZodType> = readonly [schema: S, input: unknown];

/**
 * Validates a request against its schemas, part by part (the positional arguments, then the
 * options), and returns the parsed values merged, defaults applied. Every issue of every part is
 * collected, as the HTTP kit does for a path and a query, and thrown as one `*_VALIDATION_ERROR`
 * of `family` with the issues in `details`. An input that throws when read (a getter, a proxy's
 * trap) is an issue of its own, `The options cannot be read`, never the host's exception.
 * @example
 * ```ts
 * const { slug, days } = validateRequest('scenes', [SlugParamsRequestSchema, { slug }], [SceneTrendsRequestSchema, query]);
 * ```
 */
export function validateRequest<A extends z.ZodType>(family: RequestFamily, a: RequestPart<A>): z.output<A>;
export function validateRequest<A extends z.ZodType, B extends z.ZodType>(
  family: RequestFamily,
  a: RequestPart<A>,
  b: RequestPart<B>,
): z.output<A> & z.output<B>;
export function validateRequest(family: RequestFamily, ...parts: RequestPart[]): unknown {
  const issues: RequestIssue[] = [];
  let out: Record<string, unknown> = {};
  for (const [schema, input] of parts) {
    let r: z.ZodSafeParseResult<unknown>;
    try {
      r = schema.safeParse(input === undefined ? {} : input);
    } catch {
      // A getter that throws, a proxy's trap, a revoked proxy: Zod lets the host's exception through.
      issues.push({ code: 'invalid_type', path: [], message: 'The options cannot be read' });
      continue;
    }
    if (r.success) out = { ...out, ...(r.data as Record<string, unknown>) };
    else for (const issue of r.error.issues) issues.push(issueOf(issue));
  }
  if (issues.length) throw validationError(family, issues);
  return out;
}

/**
 * Parses one value against a field schema, its issues under `field`: `requireSlug` and the like,
 * for arguments outside a request object.
 */
export function validateField<S extends z.ZodType>(
  family: RequestFamily,
  schema: S,
  value: unknown,
  field: string | readonly (string | number)[],
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const prefix = typeof field === 'string' ? [field] : field;
  throw validationError(
    family,
    r.error.issues.map((issue) => {
      const i = issueOf(issue);
      return { ...i, path: [...prefix, ...i.path] };
    }),
  );
}

/**
 * The options argument with the seed's shorthand read: a boolean is `{ skipCache }`
 * (`getGlobalPulse(true)` is `getGlobalPulse({ skipCache: true })`); anything else is returned as
 * given, for the request schema to check.
 */
export function optionsOf(input: unknown): unknown {
  return typeof input === 'boolean' ? { skipCache: input } : input;
}

/**
 * A page size within the host's configured cap. A `limit` the caller gave above `cap` (it passed
 * its schema) is `*_INVALID_PARAMS`, a default above it is lowered to it.
 * @param given - Whether the caller gave the limit (false: `limit` is the schema's default).
 * @param setting - The configuration key of the cap, named in the error.
 */
export function withinCap(family: RequestFamily, limit: number, given: boolean, cap: number, setting: string): number {
  if (limit <= cap) return limit;
  if (!given) return cap;
  throw new SceneRadarError(INVALID[family], `limit ${limit} is over this host's cap of ${cap} (${setting})`, {
    details: [{ code: 'too_big', path: ['limit'], message: `At most ${cap} here (${setting})` }],
  });
}

/** True when `input` is an object whose `key` is set (a limit the caller gave, not a default). */
export function hasOption(input: unknown, key: string): boolean {
  return typeof input === 'object' && input !== null && (input as Record<string, unknown>)[key] !== undefined;
}
