/**
 * @module api/http-stats
 * What the API handler counts about itself (`handler.stats()`): answers by HTTP status and by
 * envelope error code, and a latency histogram, plus the labels the `scene-radar:http` channel
 * carries (a route template, a method from a fixed set). Counts are keyed by bounded sets, never
 * by a path or an id. Recording is a few additions and no allocation once a status or code has
 * been seen; a snapshot copies.
 */
import { Histogram, type LatencyHistogram } from '../core/observe/stats.js';

/**
 * What the API handler answered since it was created (`createFetchHandler(...).stats()`).
 * @example
 * ```ts
 * const api = createFetchHandler(radar);
 * const { requests, statuses, codes, latency } = api.stats();
 * const errors5xx = Object.entries(statuses).filter(([s]) => Number(s) >= 500).reduce((a, [, n]) => a + n, 0);
 * codes.TALENT_TIMEOUT;   // answers with that envelope code
 * latency.counts;         // per bucket of latency.boundsMs (ms)
 * ```
 */
export interface ApiStats {
  /** Requests answered (every status, preflights and health checks included). */
  readonly requests: number;
  /** Answers by HTTP status, as a string key (`'200'`, `'404'`, `'503'`), sorted. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Error answers by their envelope's code (`SCENES_NOT_FOUND`, `TALENT_TIMEOUT`, ...), sorted; successes have none. */
  readonly codes: Readonly<Record<string, number>>;
  /**
   * Time from the request reaching the handler to its answer being ready (the body written to
   * bytes, not yet sent to the client), ms; the buckets of `radar.stats()`.
   */
  readonly latency: LatencyHistogram;
}

/**
 * The counters behind {@link ApiStats}.
 * @internal
 */
export class ApiStatsRecorder {
  #requests = 0;
  readonly #statuses = new Map<number, number>();
  readonly #codes = new Map<string, number>();
  readonly #latency = new Histogram();

  /** Records one answer with `status`, its envelope's error `code` if it is an error, after `ms`. */
  record(status: number, code: string | undefined, ms: number): void {
    this.#requests++;
    this.#statuses.set(status, (this.#statuses.get(status) ?? 0) + 1);
    if (code !== undefined) this.#codes.set(code, (this.#codes.get(code) ?? 0) + 1);
    this.#latency.record(ms);
  }

  /** A copy of the counters. */
  snapshot(): ApiStats {
    const statuses: Record<string, number> = {};
    for (const status of [...this.#statuses.keys()].sort((a, b) => a - b))
      statuses[String(status)] = this.#statuses.get(status)!;
    const codes: Record<string, number> = {};
    for (const code of [...this.#codes.keys()].sort()) codes[code] = this.#codes.get(code)!;
    return { requests: this.#requests, statuses, codes, latency: this.#latency.snapshot() };
  }
}

/** The route of a request the handler did not match to one of its routes (or refused before matching). */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);

/**
 * `method` as a label: one of the standard HTTP methods, else `_OTHER` (as OpenTelemetry's HTTP
 * conventions do): a client chooses the method, and a label must stay a bounded set.
 * @internal
 */
export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : '_OTHER';
}

/**
 * The template of a route path under `base`, parameters as `:name`:
 * `routeTemplate('/api', '/scenes/{slug}')` is `/api/scenes/:slug`.
 * @internal
 */
export function routeTemplate(base: string, path: string): string {
  return base + path.replace(/\{([^}]+)\}/g, ':$1');
}
