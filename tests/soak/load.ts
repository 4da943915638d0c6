/**
 * The soak's load: a fixed set of API routes, fetched over loopback by a few concurrent loops for
 * a fixed time, with every answer tallied by status and error code.
 */
import { seededRandom } from './flapping-sources.js';

/** One request of the load, and whether it may ask for a cache bypass. */
export interface LoadTarget {
  /** Route label for the tallies (no ids). */
  readonly route: string;
  /** Path and query under the origin. */
  readonly path: string;
  /** The route takes `skipCache`. */
  readonly bypassable: boolean;
}

/** What the world offers the load: a few ids of each kind. */
export interface LoadIds {
  readonly scenes: readonly string[];
  readonly regions: readonly string[];
  readonly artists: readonly string[];
  readonly workspaces: readonly string[];
  readonly microgenres: readonly string[];
}

/** The fixed set of routes: pulses, profiles, top lists, memberships, trends, related, recommendations. */
export function loadTargets(ids: LoadIds): LoadTarget[] {
  const t = (route: string, path: string, bypassable = false): LoadTarget => ({ route, path, bypassable });
  return [
    t('talent/pulse', '/api/talent/pulse?limit=20', true),
    t('scene-pulse', '/api/scene-pulse?limit=10', true),
    ...ids.regions.map((r) => t('scene-pulse/{region}', `/api/scene-pulse/${r}?limit=20`, true)),
    ...ids.scenes.flatMap((s) => [
      t('scenes/{slug}/pulse', `/api/scenes/${s}/pulse`, true),
      t('scenes/{slug}/memberships', `/api/scenes/${s}/memberships?limit=100`),
      t('scenes/{slug}/trends', `/api/scenes/${s}/trends`),
      t('scenes/{slug}/related', `/api/scenes/${s}/related?limit=10`),
      t('scenes/{slug}', `/api/scenes/${s}`),
    ]),
    ...ids.artists.flatMap((a) => [
      t('talent/artists/{slug}', `/api/talent/artists/${a}`, true),
      t('scene-recommendations', `/api/scene-recommendations?artistSlug=${a}&limit=10`),
    ]),
    ...(['rising', 'breakout', 'risk'] as const).map((c) =>
      t('talent/top', `/api/talent/top?category=${c}&limit=20`, true),
    ),
    ...ids.workspaces.map((w) => t('talent/recommendations', `/api/talent/recommendations?workspaceId=${w}&limit=20`)),
    ...ids.microgenres.map((m) => t('microgenres/{slug}', `/api/microgenres/${m}`)),
    t('scenes', '/api/scenes?limit=50'),
    t('scene-recommendations', '/api/scene-recommendations?limit=10'),
  ];
}

/** Tallies of the load. */
export interface LoadTally {
  requests: number;
  /** `status` -> count. */
  readonly statuses: Record<string, number>;
  /** `status code route` -> count, for every answer that is not a 200 (`code` from the envelope). */
  readonly errors: Record<string, number>;
  /** `status route code` -> count, for every 5xx. */
  readonly serverErrors: Record<string, number>;
  /** Requests that got no HTTP answer in time (network errors, client timeouts), with a sample message. */
  readonly noAnswer: { count: number; samples: string[] };
  /** Answers whose body is not the API's envelope, or disagrees with the status. */
  readonly badEnvelopes: { count: number; samples: string[] };
  /** Requests that asked for a bypass, and those of them sent as the operator (allowed). */
  bypassAsked: number;
  bypassAllowed: number;
  /** Latency of each request, ms (the first `latencies.length` requests; allocated up front so the tally does not grow the heap). */
  readonly latencies: Float64Array;
  /** Latencies recorded. */
  answered: number;
}

/** An empty tally, with room for `capacity` latencies. */
export function newTally(capacity: number): LoadTally {
  return {
    requests: 0,
    statuses: {},
    errors: {},
    serverErrors: {},
    noAnswer: { count: 0, samples: [] },
    badEnvelopes: { count: 0, samples: [] },
    bypassAsked: 0,
    bypassAllowed: 0,
    latencies: new Float64Array(capacity),
    answered: 0,
  };
}

const bump = (record: Record<string, number>, key: string): void => {
  record[key] = (record[key] ?? 0) + 1;
};

/** Options of {@link runLoad}. */
export interface LoadOptions {
  readonly origin: string;
  readonly targets: readonly LoadTarget[];
  /** Concurrent loops. */
  readonly loops: number;
  /** Stop starting requests at this `performance.now()`. */
  readonly until: number;
  /** Share of bypassable requests that ask for `skipCache=true`. */
  readonly bypassShare: number;
  /** Header that makes the handler allow the bypass (sent with half of the asking requests). */
  readonly operatorHeader: readonly [string, string];
  /** A request with no answer after this long counts as hung, ms. */
  readonly clientTimeoutMs: number;
  readonly seed: number;
  readonly tally: LoadTally;
}

/** Runs `loops` loops of sequential requests until `until`; resolves when the last answer is in. */
export async function runLoad(o: LoadOptions): Promise<void> {
  const loop = async (index: number): Promise<void> => {
    const random = seededRandom(o.seed + index + 1);
    while (performance.now() < o.until) {
      const target = o.targets[Math.floor(random() * o.targets.length)]!;
      const headers: Record<string, string> = {};
      let path = target.path;
      if (target.bypassable && random() < o.bypassShare) {
        path += `${path.includes('?') ? '&' : '?'}skipCache=true`;
        o.tally.bypassAsked++;
        if (random() < 0.5) {
          headers[o.operatorHeader[0]] = o.operatorHeader[1];
          o.tally.bypassAllowed++;
        }
      }
      o.tally.requests++;
      const started = performance.now();
      try {
        const res = await fetch(o.origin + path, { headers, signal: AbortSignal.timeout(o.clientTimeoutMs) });
        const text = await res.text();
        if (o.tally.answered < o.tally.latencies.length)
          o.tally.latencies[o.tally.answered++] = performance.now() - started;
        bump(o.tally.statuses, String(res.status));
        let body: { ok?: unknown; error?: { code?: unknown } } | undefined;
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          body = undefined;
        }
        const code = typeof body?.error?.code === 'string' ? body.error.code : '-';
        if (body === undefined || body.ok !== res.ok) {
          o.tally.badEnvelopes.count++;
          if (o.tally.badEnvelopes.samples.length < 5)
            o.tally.badEnvelopes.samples.push(`${res.status} ${target.route}: ${text.slice(0, 200)}`);
        }
        if (res.status !== 200) bump(o.tally.errors, `${res.status} ${code} ${target.route}`);
        if (res.status >= 500) bump(o.tally.serverErrors, `${res.status} ${target.route} ${code}`);
      } catch (error) {
        o.tally.noAnswer.count++;
        if (o.tally.noAnswer.samples.length < 5)
          o.tally.noAnswer.samples.push(
            `${target.route}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
          );
      }
    }
  };
  await Promise.all(Array.from({ length: o.loops }, (_, i) => loop(i)));
}

/** The `q` quantile (0-1) of `values`, rounded to 0.1. */
export function quantile(values: Float64Array, q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
}
