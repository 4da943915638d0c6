/**
 * @module api/operations
 * One framework-neutral function per route: path parameters and query in, an envelope and its
 * HTTP status out. Hosts that wire their own routes (a Next.js route handler, an Express router)
 * call these; the fetch handler is built on them. An operation never throws: bad input is a 400
 * with the Zod issues, an engine's `SceneRadarError` keeps its code and status, and anything else
 * is a 500 that carries only a request id (the cause goes to `onError`).
 */
import { resolveConfig, type SceneRadarConfig } from '../config.js';
import type { ErrorCode } from '../core/errors.js';
import { callHook } from '../core/hooks.js';
import type { SceneRadar } from '../radar.js';
import type { ReadOnlyTalentRadar } from '../talent/read-only.js';
import { clip } from './text.js';
import { failure, failureFromError, success, type ApiResult, type ValidationIssue } from './envelope.js';
import { applySkipCachePolicy } from './skip-cache.js';
import { MAX_TIMER_MS, settleWithin } from '../core/timeout.js';
import {
  MissingEngineError,
  ROUTES,
  type ApiBackend,
  type RouteFamily,
  type RouteId,
  type RouteSpec,
  type ScenesApiBackend,
  type TalentApiBackend,
} from './routes.js';

/**
 * A query as a host has it: `URLSearchParams`, or a record of strings (repeated parameters as
 * arrays). Anything else (the query string as text, a Map, an array) is a 400, never read as "no
 * parameters".
 */
export type QueryInput = URLSearchParams | Readonly<Record<string, unknown>>;

/** Input of an {@link Operation}. */
export interface OperationInput {
  /** Path parameters by name (`{ slug: 'indie-uk-brighton' }`), as the host's router decoded them. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** The query. */
  readonly query?: QueryInput;
  /** The request id, reported with a 500 and to `onError`. @default a random UUID, made only when needed */
  readonly requestId?: string;
}

/** What `onError` learns about an unexpected failure (the response shows only the request id). */
export interface ApiErrorContext {
  /** The route (`null` when the failure came before one was matched). */
  readonly route: RouteId | null;
  /** The request id sent to the client. */
  readonly requestId: string;
}

/** Options of {@link createOperations}. */
export interface OperationsOptions {
  /** Called with the cause of every 500 (a throwing hook is ignored). */
  readonly onError?: (error: unknown, context: ApiErrorContext) => void;
  /**
   * Deadline of each route in ms: one number for all, or by route id. Past it the answer is a 504
   * `*_TIMEOUT`. Zero, a negative number or `NaN` sets no deadline; a deadline longer than a timer
   * can hold (2^31 - 1 ms, about 24.8 days) is that long. @default the engine's own timeout for
   * that kind of read plus 1 s, so an engine that runs out of time answers first with the part it has
   */
  readonly timeoutMs?: number | Partial<Readonly<Record<RouteId, number>>>;
  /**
   * Who may bypass the cache with `skipCache=true` (the pulse, profile and top-list routes): `true`
   * for every caller, or a function of the operation's input and the route that decides per call
   * (asked only when the query asks for a bypass; one that throws, rejects or does not answer within 5 s refuses it, and its
   * cause goes to `onError`). When the bypass is not allowed, `skipCache=true` is ignored: the
   * request is served as if it had not asked (from the cache when it holds the answer), with the
   * same 200, not refused. A bypass recomputes from the sources, so leave it off for anonymous
   * callers. A value that is not a boolean (`skipCache=yes`) is still a 400 either way.
   * @default false (nobody: `skipCache=true` is ignored)
   */
  readonly allowSkipCache?: boolean | ((input: OperationInput, route: RouteId) => boolean | Promise<boolean>);
}

/** One route as a function. */
export type Operation = (input?: OperationInput) => Promise<ApiResult>;

/** Every route as a function, by route id. */
export type Operations = Readonly<Record<RouteId, Operation>>;

/** The error codes of a route family. */
export interface FamilyCodes {
  /** For a request that fails the schemas (400). */
  readonly validation: ErrorCode;
  /** For a request over the rate limit (429). */
  readonly rateLimited: ErrorCode;
  /** For a request past its deadline with nothing to return (504). */
  readonly timeout: ErrorCode;
  /** For an unexpected failure (500). */
  readonly internal: ErrorCode;
}

/** The `SCENES_*` and `TALENT_*` codes each route family answers with. */
export const FAMILY_CODES: Readonly<Record<RouteFamily, FamilyCodes>> = {
  scenes: {
    validation: 'SCENES_VALIDATION_ERROR',
    rateLimited: 'SCENES_RATE_LIMITED',
    timeout: 'SCENES_TIMEOUT',
    internal: 'SCENES_INTERNAL_ERROR',
  },
  talent: {
    validation: 'TALENT_VALIDATION_ERROR',
    rateLimited: 'TALENT_RATE_LIMITED',
    timeout: 'TALENT_TIMEOUT',
    internal: 'TALENT_INTERNAL_ERROR',
  },
};

/** The seed's message for a request that fails its schemas. */
export const INVALID_REQUEST_MESSAGE = 'Invalid request parameters';

/** True for a wired radar (as opposed to an {@link ApiBackend}). */
function isSceneRadar(target: SceneRadar | ApiBackend): target is SceneRadar {
  const t = target as Partial<SceneRadar>;
  return (
    typeof t.refresh === 'function' && typeof t.talent === 'object' && t.talent !== null && 'aggregator' in t.talent
  );
}

/**
 * What the API serves for a radar: its Scenes Engine, its Talent Radar's aggregator and its config.
 * An {@link ApiBackend} is returned as it is.
 */
export function apiBackendOf(target: SceneRadar | ApiBackend): ApiBackend {
  if (isSceneRadar(target)) return { scenes: target.scenes, talent: target.talent.aggregator, config: target.config };
  return target;
}

/**
 * A read-only view of the Scenes Engine's reads: the same reads, with `skipCache` ignored (a
 * product that only reads cannot force recomputation), and nothing else of the engine reachable.
 */
export function readOnlyScenes(scenes: ScenesApiBackend): ScenesApiBackend {
  return Object.freeze({
    listScenes: (q) => scenes.listScenes(q),
    getScene: (slug) => scenes.getScene(slug),
    listMicrogenres: (q) => scenes.listMicrogenres(q),
    getMicrogenre: (slug) => scenes.getMicrogenre(slug),
    listMemberships: (q) => scenes.listMemberships(q),
    getSceneTrends: (slug, q) => scenes.getSceneTrends(slug, q),
    getRelatedScenes: (slug, q) => scenes.getRelatedScenes(slug, q),
    recommendScenes: (q) => scenes.recommendScenes(q),
    pulse: Object.freeze({
      getScenePulse: (slug: string) => scenes.pulse.getScenePulse(slug),
      getRegionalPulse: (region: string, q?: { readonly limit?: number }) =>
        scenes.pulse.getRegionalPulse(region, q?.limit === undefined ? {} : { limit: q.limit }),
      getGlobalPulse: (q?: { readonly limit?: number }) =>
        scenes.pulse.getGlobalPulse(q?.limit === undefined ? {} : { limit: q.limit }),
    }),
  } satisfies ScenesApiBackend);
}

/**
 * A backend over the read-only facade (what A&R Radar is given): the Talent routes with
 * `skipCache` ignored, and the Scenes routes only when `scenes` is given (through
 * {@link readOnlyScenes}: reads, `skipCache` ignored). Nothing else is reachable.
 * @example
 * ```ts
 * const handler = createFetchHandler(readOnlyApiBackend(radar.readOnly, radar.config));
 * ```
 */
export function readOnlyApiBackend(
  facade: ReadOnlyTalentRadar,
  config?: SceneRadarConfig,
  scenes?: ScenesApiBackend,
): ApiBackend {
  const talent: TalentApiBackend = {
    buildGlobalPulse: (options) =>
      facade.getGlobalPulse(typeof options === 'object' && options.limit !== undefined ? { limit: options.limit } : {}),
    buildArtistProfile: (slug) => facade.getArtistProfile(slug),
    getTopArtists: (query) =>
      facade.getTopArtists(
        query.limit === undefined ? { category: query.category } : { category: query.category, limit: query.limit },
      ),
    getWorkspaceRecommendations: (id, query) =>
      facade.getWorkspaceRecommendations(id, query?.limit === undefined ? {} : { limit: query.limit }),
  };
  return { talent, ...(config ? { config } : {}), ...(scenes ? { scenes: readOnlyScenes(scenes) } : {}) };
}

/** Marks a parameter given more than once (its issue is already recorded). */
const REPEATED: unique symbol = Symbol('repeated');

/**
 * The query as a record without a prototype (so `__proto__` is a plain key), with an issue for
 * every parameter given more than once.
 */
function queryRecord(query: QueryInput | undefined, issues: ValidationIssue[]): Record<string, unknown> {
  const record = Object.create(null) as Record<string, unknown>;
  if (query === undefined || query === null) return record;
  if (!(query instanceof URLSearchParams) && !isRecord(query)) {
    // A query string as text, a Map, an array: refused, never read as "no parameters" (which
    // would answer with every default instead of what was asked).
    issues.push({
      code: 'invalid_type',
      path: [],
      message: `Expected the query as URLSearchParams or an object of parameters, got ${kindOf(query)}`,
    });
    return record;
  }
  let repeats = 0;
  const repeated = (key: string): void => {
    // At most five named, like unknown parameters: a flood of repeats must not grow the answer.
    if (repeats++ < 5) issues.push({ code: 'custom', path: [clip(key)], message: 'Parameter given more than once' });
  };
  if (query instanceof URLSearchParams) {
    for (const [key, value] of query) {
      if (key in record) {
        if (record[key] !== REPEATED) repeated(key);
        record[key] = REPEATED;
      } else record[key] = value;
    }
  } else if (typeof query === 'object' && query !== null) {
    for (const key of Object.keys(query)) {
      const value = query[key];
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        if (value.length === 1) record[key] = value[0];
        else if (value.length > 1) {
          repeated(key);
          record[key] = REPEATED;
        }
      } else record[key] = value;
    }
  }
  return record;
}

/**
 * True for an object read as a record of parameters: not a primitive, an array, a Map or Set, or
 * any other iterable (whose entries `Object.keys` would not see). Query parsers' own record types
 * (prototype-less, or with an empty prototype of their own) are records.
 */
function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value) || value instanceof Map || value instanceof Set) return false;
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function';
}

/** What `value` is, in a few words, for an issue's message. */
function kindOf(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Map) return 'a Map';
  return typeof value === 'object' ? 'an object that is not a plain record' : `a ${typeof value}`;
}

/** The issue of an input that cannot be read at all (a getter that throws, a revoked proxy). */
const unreadable = (what: string): ValidationIssue => ({
  code: 'invalid_type',
  path: [],
  message: `The ${what} cannot be read`,
});

/** Validated parameters and query of a request, or the 400 to answer with. */
export type ParsedRequest = ParsedValid | ParsedInvalid;

/** A request that passed its route's schemas. */
export interface ParsedValid {
  /** `true`. */
  readonly ok: true;
  /** Parsed path parameters. */
  readonly params: Record<string, unknown>;
  /** Parsed query, defaults applied. */
  readonly query: Record<string, unknown>;
}

/** A request that failed its route's schemas. */
export interface ParsedInvalid {
  /** `false`. */
  readonly ok: false;
  /** The 400 to answer with. */
  readonly result: ApiResult<never>;
}

/**
 * Validates a request against a route's schemas: every issue of the path and the query together,
 * as `{ code, path, message }` in `details`, under the family's `*_VALIDATION_ERROR`.
 */
export function parseRequest(
  spec: RouteSpec,
  params: Readonly<Record<string, unknown>> | undefined,
  query: QueryInput | undefined,
): ParsedRequest {
  const issues: ValidationIssue[] = [];
  let parsedParams: Record<string, unknown> = {};
  if (spec.params) {
    const p = Object.create(null) as Record<string, unknown>;
    let read = true;
    try {
      for (const key of Object.keys(spec.params.shape)) p[key] = params?.[key];
    } catch {
      read = false;
      issues.push(unreadable('path parameters'));
    }
    if (read) {
      const r = spec.params.safeParse(p);
      if (r.success) parsedParams = r.data;
      else for (const issue of r.error.issues) issues.push(toIssue(issue));
    }
  }
  let record: Record<string, unknown> | undefined;
  try {
    record = queryRecord(query, issues);
  } catch {
    issues.push(unreadable('query'));
  }
  if (record !== undefined) {
    for (const key of Object.keys(record)) if (record[key] === REPEATED) delete record[key];
    const sentLimit = record.limit !== undefined;
    const q = spec.query.safeParse(record);
    if (q.success) {
      record = q.data;
      // A `limit` the client did not send is the engine's to choose, as for any caller: under a
      // host cap below the default, a page of the cap (a filled-in default was refused as over it).
      if (!sentLimit) delete record.limit;
    } else for (const issue of q.error.issues) issues.push(toIssue(issue));
  }
  if (issues.length)
    return { ok: false, result: failure(FAMILY_CODES[spec.family].validation, INVALID_REQUEST_MESSAGE, issues) };
  return { ok: true, params: parsedParams, query: record! };
}

function toIssue(issue: {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}): ValidationIssue {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const keys = issue.keys.slice(0, 5).map(clip);
    return {
      code: issue.code,
      path: issue.keys.length === 1 ? [keys[0]!] : [],
      message: `Unknown parameter${issue.keys.length === 1 ? '' : 's'}: ${keys.join(', ')}${issue.keys.length > 5 ? ', ...' : ''}`,
    };
  }
  return {
    code: issue.code,
    path: issue.path.map((p) => (typeof p === 'number' ? p : clip(String(p)))),
    message: clip(issue.message),
  };
}

/** A random request id. */
export function newRequestId(): string {
  return globalThis.crypto.randomUUID();
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The id of a request: the incoming `x-request-id` when it is 1-128 characters of
 * `[A-Za-z0-9._-]` (safe to echo in a header and a body), else a random UUID. The handler, the
 * Node glue and hosts' own routes all use this one rule.
 */
export function requestIdFrom(incoming: string | null | undefined): string {
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : newRequestId();
}

/**
 * `basePath` without a trailing slash, or a `TypeError` when it is not `''` or a path starting
 * with `/` of URL path characters and no empty, `.` or `..` segment. The handler, the framework glue
 * and `createOpenApiDocument` share this rule.
 */
export function normaliseBasePath(basePath: string): string {
  if (
    typeof basePath !== 'string' ||
    (basePath !== '' && !/^\/[A-Za-z0-9._~\-/]*$/.test(basePath)) ||
    basePath.includes('//') ||
    basePath.split('/').some((segment) => segment === '.' || segment === '..')
  ) {
    throw new TypeError(
      `basePath must be '' or start with '/' and hold only URL path characters, without an empty, . or .. segment, got ${JSON.stringify(basePath)}`,
    );
  }
  return basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
}

class RouteTimeout extends Error {}

/** Runs `work` under `ms` (at most {@link MAX_TIMER_MS}); rejects with {@link RouteTimeout} past it. */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return work;
  return settleWithin(work, Math.min(ms, MAX_TIMER_MS), () => new RouteTimeout());
}

/**
 * Runs a validated request: the backend call under the route's deadline, its result or error as
 * an envelope. Used by the operations and the fetch handler.
 */
export async function runRoute(
  backend: ApiBackend,
  spec: RouteSpec,
  parsed: { readonly params: Record<string, unknown>; readonly query: Record<string, unknown> },
  context: { readonly timeoutMs: number; readonly requestId?: string; readonly onError?: OperationsOptions['onError'] },
): Promise<ApiResult> {
  const codes = FAMILY_CODES[spec.family];
  try {
    const data = await withTimeout(
      Promise.resolve().then(() => spec.run(backend, parsed.params, parsed.query)),
      context.timeoutMs,
    );
    // No route's payload is empty: a backend that answers nothing (a host's lookup that returns
    // `undefined` or `null` for "not found") is a bug, not a 200 without `data`.
    if (data === undefined || data === null) throw new TypeError(`The backend of ${spec.id} returned ${data}`);
    return success(data);
  } catch (error) {
    let known: ApiResult | undefined;
    try {
      if (error instanceof RouteTimeout)
        known = failure(codes.timeout, `The request took longer than ${context.timeoutMs} ms`);
      else if (error instanceof MissingEngineError)
        known = failure('ROUTE_NOT_FOUND', `This API does not serve the ${error.family} routes`);
    } catch {
      // A rejection that cannot even be inspected (a revoked proxy): an internal error below.
    }
    if (known !== undefined) return known;
    const requestId = context.requestId ?? newRequestId();
    const result = failureFromError(error, codes.internal, requestId);
    // A failing hook (thrown or rejected) must not turn a 500 into a crash.
    if (result.status === 500) callHook(context.onError, error, { route: spec.id, requestId });
    return result;
  }
}

/** The deadline of `spec` under the options and the config. */
export function routeTimeoutMs(
  spec: RouteSpec,
  config: SceneRadarConfig,
  timeoutMs: OperationsOptions['timeoutMs'],
): number {
  if (typeof timeoutMs === 'number') return timeoutMs;
  return timeoutMs?.[spec.id] ?? spec.timeoutMs(config);
}

/** Reports `error` to `onError` (a throwing hook is ignored). */
function reportError(
  onError: OperationsOptions['onError'],
  error: unknown,
  route: RouteId | null,
  requestId: string | undefined,
): void {
  // A failing hook (thrown or rejected) must not break the answer.
  callHook(onError, error, { route, requestId: requestId ?? newRequestId() });
}

/**
 * One function per route, for hosts that wire their own routes. `skipCache=true` is ignored
 * unless `allowSkipCache` allows it.
 * @example
 * ```ts
 * // app/api/scenes/[slug]/route.ts (Next.js App Router)
 * const api = createOperations(radar);
 * export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
 *   const { status, body } = await api.getScene({ params: await params, query: new URL(request.url).searchParams });
 *   return Response.json(body, { status });
 * }
 * ```
 */
export function createOperations(target: SceneRadar | ApiBackend, options: OperationsOptions = {}): Operations {
  const backend = apiBackendOf(target);
  const config = backend.config ?? resolveConfig();
  const ops = {} as Record<RouteId, Operation>;
  for (const spec of ROUTES) {
    const timeoutMs = routeTimeoutMs(spec, config, options.timeoutMs);
    ops[spec.id] = async (given: OperationInput = {}) => {
      // The input is read once, here: a null input, or one whose fields throw when read, is a 400.
      let input: OperationInput;
      try {
        input =
          given === null || typeof given !== 'object'
            ? {}
            : {
                ...(given.params === undefined ? {} : { params: given.params }),
                ...(given.query === undefined ? {} : { query: given.query }),
                ...(typeof given.requestId === 'string' ? { requestId: given.requestId } : {}),
              };
      } catch {
        return failure(FAMILY_CODES[spec.family].validation, INVALID_REQUEST_MESSAGE, [unreadable('input')]);
      }
      const parsed = parseRequest(spec, input.params, input.query);
      if (!parsed.ok) return parsed.result;
      const allow = options.allowSkipCache;
      const query =
        parsed.query.skipCache !== true
          ? parsed.query
          : await applySkipCachePolicy(
              parsed.query,
              typeof allow === 'function' ? () => allow(input, spec.id) : allow,
              (error) => reportError(options.onError, error, spec.id, input.requestId),
            );
      return runRoute(
        backend,
        spec,
        { params: parsed.params, query },
        {
          timeoutMs,
          ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
          ...(options.onError ? { onError: options.onError } : {}),
        },
      );
    };
  }
  return Object.freeze(ops);
}
