/**
 * @module ui/client
 * The dashboard's only way to the data: GET requests to the API kit's routes under a base path,
 * unwrapped from the `{ ok, data, error }` envelope. A failure keeps what the reader needs to
 * report it: the envelope's code and message, the HTTP status and the `x-request-id`.
 */

/** A failed API call: the envelope's error, or a network or format failure named in words. */
export class ApiFailure extends Error {
  /** The envelope's error code (`SCENES_NOT_FOUND`), or `NETWORK_ERROR` / `BAD_RESPONSE`. */
  readonly code: string;
  /** The HTTP status, 0 when no answer arrived. */
  readonly status: number;
  /** The `x-request-id` of the answer (or `details.requestId` of a 500), when there is one. */
  readonly requestId: string | null;
  /** Seconds the answer's `Retry-After` asked to wait (a 429 or a 503), when it gave a number. */
  readonly retryAfterS: number | null;

  /**
   * @param code - The error code.
   * @param message - What went wrong, in words.
   * @param status - The HTTP status (0 without an answer).
   * @param requestId - The request id, when known.
   * @param retryAfterS - The answer's `Retry-After` in seconds, when it gave one.
   */
  constructor(
    code: string,
    message: string,
    status: number,
    requestId: string | null,
    retryAfterS: number | null = null,
  ) {
    super(message);
    this.name = 'ApiFailure';
    this.code = code;
    this.status = status;
    this.requestId = requestId;
    this.retryAfterS = retryAfterS;
  }

  /** True for the `*_NOT_FOUND` codes (a 404 on a slug), false for a missing route. */
  get notFound(): boolean {
    return this.status === 404 && this.code !== 'ROUTE_NOT_FOUND' && this.code.endsWith('NOT_FOUND');
  }
}

/** The API's slug rule (lowercase letters and digits in hyphen-separated words, at most 128 characters). */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Whether a failure means the page's slug names nothing: a `*_NOT_FOUND`, or any failure for a slug
 * that breaks the API's slug rule (a malformed slug in the address: a Retry could never succeed;
 * `..` even resolves to another route, which answers 404 `ROUTE_NOT_FOUND`).
 */
export function slugNotFound(failure: ApiFailure, slug: string): boolean {
  return failure.notFound || !(slug.length <= 128 && SLUG.test(slug));
}

/** A query string's values; `undefined` leaves the parameter out. */
export type Query = Readonly<Record<string, string | number | undefined>>;

/**
 * How long a request may take, headers and body, before it fails with `TIMEOUT`: an API or proxy
 * that never answers ends in the error panel and its Retry, not in a skeleton for ever.
 * @default 30_000
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The path under `base` with its query string: `apiPath('/scenes', { limit: 20 })`. */
export function apiPath(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function requestIdOf(body: unknown): string | null {
  const details = (body as { error?: { details?: { requestId?: unknown } } } | null)?.error?.details;
  return typeof details?.requestId === 'string' ? details.requestId : null;
}

/**
 * GETs `path` (with `query`) under `base` and returns the envelope's `data`, or throws an
 * {@link ApiFailure}. An abort rethrows the `AbortError` unchanged, so a superseded load stays silent.
 */
export async function getData<T>(base: string, path: string, query: Query, signal: AbortSignal): Promise<T> {
  return getDataFor<T>(base, path, query, signal);
}

/**
 * The loads' signals whose request got an answer from the API (any status): an error thrown after
 * that, while reading the data, is the answer's shape, never the network.
 * @internal
 */
export const ANSWERED: WeakSet<AbortSignal> = new WeakSet();

async function getDataFor<T>(base: string, path: string, query: Query, signal: AbortSignal): Promise<T> {
  // A base may carry a query (`/api?tenant=a`): its parameters go before the route's own.
  const at = base.indexOf('?');
  const root = (at < 0 ? base : base.slice(0, at)).replace(/\/+$/, '');
  const baseQuery = at < 0 ? {} : Object.fromEntries(new URLSearchParams(base.slice(at + 1)));
  const url = `${root}${apiPath(path, { ...baseQuery, ...query })}`;
  const timeout = new AbortController();
  const follow = (): void => timeout.abort(signal.reason);
  if (signal.aborted) follow();
  signal.addEventListener('abort', follow, { once: true });
  const timer = setTimeout(() => timeout.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await request<T>(url, base, timeout.signal, signal);
  } catch (error) {
    if (signal.aborted || !timeout.signal.aborted) throw error;
    throw new ApiFailure(
      'TIMEOUT',
      `The API at ${base} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`,
      0,
      null,
    );
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', follow);
  }
}

async function request<T>(url: string, base: string, signal: AbortSignal, load: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ApiFailure('NETWORK_ERROR', `The API at ${base} could not be reached.`, 0, null);
  }
  ANSWERED.add(load);
  const header = response.headers.get('x-request-id');
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ApiFailure(
      'BAD_RESPONSE',
      `The API answered ${response.status} without a JSON envelope.`,
      response.status,
      header,
      retryAfterOf(response),
    );
  }
  const envelope = body as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
  if (envelope?.ok === true) return envelope.data as T;
  const code = typeof envelope?.error?.code === 'string' ? envelope.error.code : 'BAD_RESPONSE';
  const message =
    typeof envelope?.error?.message === 'string' ? envelope.error.message : `The API answered ${response.status}.`;
  throw new ApiFailure(code, message, response.status, header ?? requestIdOf(body), retryAfterOf(response));
}

/** `Retry-After` in whole seconds (delta-seconds, as the API sends it, or an HTTP date, as a proxy may), or null. */
function retryAfterOf(response: Response): number | null {
  const text = response.headers.get('retry-after')?.trim();
  if (!text) return null;
  if (/^\d{1,9}$/.test(text)) return Number(text);
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : null;
}
