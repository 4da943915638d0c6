/**
 * @module core/errors
 * One error class and one table of error codes for the whole SDK. Codes and HTTP statuses are the
 * origin document's (section 2), plus codes of the SDK's own for invalid configuration and for
 * requests that match no route.
 */

/**
 * Every error code the SDK raises, with the HTTP status a host should answer with.
 * The `SCENES_*` and `TALENT_*` codes and their statuses are fixed by the seed.
 */
export const ERROR_CODES = {
  /** A requested scene slug is not in the scene catalog. */
  SCENES_NOT_FOUND: 404,
  /** A requested microgenre slug is not in the microgenre catalog. */
  MICROGENRE_NOT_FOUND: 404,
  /** A Scenes request passed its schema but cannot be served: a `limit` or more scenes than the host's configured cap, `from` after `to`, an unknown artist, a microgenre the catalog does not hold (core/requests states the rule). */
  SCENES_INVALID_PARAMS: 400,
  /** A Scenes request failed its schema (a slug that breaks the pattern, a wrong type, an invalid date or region code, a `limit` or `days` out of its range); `details` lists the issues (code, path, message). */
  SCENES_VALIDATION_ERROR: 400,
  /** A Scenes request was refused because its caller is over a rate limit. */
  SCENES_RATE_LIMITED: 429,
  /** A Scenes request ran out of time with nothing usable to return (when part of the result is ready, that part is returned instead, each item marked). */
  SCENES_TIMEOUT: 504,
  /** An unexpected failure in the Scenes Engine. The response carries no internals; the cause goes to the host's hook. */
  SCENES_INTERNAL_ERROR: 500,
  /** A requested artist slug is unknown to the Talent Radar (not in the artist universe). */
  TALENT_ARTIST_NOT_FOUND: 404,
  /** A scene slug given to the Talent Radar is unknown. */
  TALENT_SCENE_NOT_FOUND: 404,
  /** A Talent Radar request passed schema validation but its parameters cannot be served (a `limit` over `talent.maxArtistsPerQuery`, an unknown workspace, no workspace source). */
  TALENT_INVALID_PARAMS: 400,
  /** A Talent Radar request failed schema validation (a malformed slug or workspace id, an unknown `category`, a `limit` out of its range); `details` lists the issues (code, path, message). */
  TALENT_VALIDATION_ERROR: 400,
  /** A Talent Radar request was refused because its caller is over a rate limit. */
  TALENT_RATE_LIMITED: 429,
  /** A Talent Radar request ran out of time with nothing usable to return (when part of the result is ready, that part is returned instead, each item marked). */
  TALENT_TIMEOUT: 504,
  /** Too little evidence to score the artist: the SDK answers this rather than a made-up number. */
  TALENT_INSUFFICIENT_DATA: 422,
  /** An unexpected failure in the Talent Radar. The response carries no internals; the cause goes to the host's hook. */
  TALENT_INTERNAL_ERROR: 500,
  /** The SDK's own: a configuration object failed validation at construction (a host bug). */
  CONFIG_INVALID: 500,
  /** The SDK's own: the sources behind the answer failed (error or timeout) and no earlier good value is kept, so there is nothing honest to show (never a number read from nothing). */
  SOURCES_UNAVAILABLE: 503,
  /** The SDK's own: the radar (or engine) was closed; every call after `close()` is refused. */
  RADAR_CLOSED: 503,
  /** The SDK's own: a store's database cannot be reached (refused, timed out, connection dropped); the message names the reason, never the address or credentials, and the cause goes to the host's logs. */
  STORE_UNAVAILABLE: 503,
  /** The SDK's own: a store's database schema is not the version this code knows: newer (deploy the newer code; this one would misread it) or older / never migrated (run `migrate()`); `details` holds `found` and `expected`. */
  STORE_SCHEMA_MISMATCH: 503,
  /** The SDK's own, from the HTTP handler: no route has this path. */
  ROUTE_NOT_FOUND: 404,
  /** The SDK's own, from the HTTP handler: the path exists but not for this method (the `Allow` header lists the methods). */
  METHOD_NOT_ALLOWED: 405,
} as const satisfies Record<string, number>;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status for an error code. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** True if `value` is one of the SDK's error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

const BRAND = Symbol.for('scene-radar.error');

/** Options for {@link SceneRadarError}. */
export interface SceneRadarErrorOptions {
  /** Structured, client-safe details (for validation errors: the list of issues). */
  details?: unknown;
  /** The underlying cause; never sent to clients. */
  cause?: unknown;
}

/**
 * The single error class of the SDK. Carries a stable `code`, the matching `httpStatus`,
 * optional client-safe `details` and a `cause` for the host's logs.
 *
 * Use {@link isSceneRadarError} rather than `instanceof`: two copies of the package in one
 * process (a common bundling accident) would make `instanceof` lie.
 *
 * @example
 * ```ts
 * throw new SceneRadarError('SCENES_NOT_FOUND', 'Scene not found: indie-uk-brighton');
 * ```
 */
export class SceneRadarError extends Error {
  /** The stable error code. */
  readonly code: ErrorCode;
  /** The HTTP status that goes with `code`. */
  readonly httpStatus: number;
  /** Client-safe structured details, if any. */
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: SceneRadarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SceneRadarError';
    this.code = code;
    this.httpStatus = ERROR_CODES[code];
    this.details = options.details;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** The codes of {@link isStoreFailure}: the store's database cannot serve now. */
const STORE_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['STORE_UNAVAILABLE', 'STORE_SCHEMA_MISMATCH']);

/**
 * True for an error saying a store's database cannot serve now: `STORE_UNAVAILABLE` (it cannot be
 * reached) or `STORE_SCHEMA_MISMATCH` (its schema is not the version this code knows). A read
 * that has a last good value serves it, marked stale, on such an error; one without rejects with
 * it (503), never with an `*_INTERNAL_ERROR`.
 * @example
 * ```ts
 * try { await radar.scenes.listScenes(); } catch (e) { if (isStoreFailure(e)) retryLater(e.details); }
 * ```
 */
export function isStoreFailure(error: unknown): error is SceneRadarError {
  if (!isSceneRadarError(error)) return false;
  try {
    return STORE_FAILURES.has(error.code);
  } catch {
    return false;
  }
}

/**
 * Brand check for {@link SceneRadarError} that survives duplicated package copies.
 * @example
 * ```ts
 * try { await radar.scenes.getScene(slug); } catch (e) { if (isSceneRadarError(e)) console.log(e.code); }
 * ```
 */
export function isSceneRadarError(value: unknown): value is SceneRadarError {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as Record<symbol, unknown>)[BRAND] === true;
  } catch {
    // A value that cannot be read (a revoked Proxy, a throwing getter) is no error of ours.
    return false;
  }
}
