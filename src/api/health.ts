/**
 * @module api/health
 * `GET /api/health`: what a load balancer or an operator asks before sending traffic. It lists the
 * sources (the last outcome the radar knows of each, from its last refresh), the stores (reachable
 * or not, by a one-row read) and the cache tiers (the in-process cache, plus any tier a host adds
 * with a `health()` method, such as a Redis tier), each as `{ name, state, reason? }`. The answer is
 * 200 whenever the radar can serve, degraded or not, and 503 only when it cannot answer at all (it
 * is closed, or its stores are down and it has nothing refreshed to serve). Reasons never carry
 * internals: one line, addresses and URLs masked, clipped.
 */
import { z } from 'zod';
import { isSceneRadarError, isStoreFailure } from '../core/errors.js';
import { maskInternals } from '../core/mask-internals.js';
import type { SourceName } from '../contracts/sources.js';
import type { CacheStoreHealth } from '../core/cache/cache-store.js';
import type { SceneRadar } from '../radar.js';
import { fail, type ApiResult, type Envelope } from './envelope.js';
import type { ApiBackend } from './routes.js';

/** How a component is doing: `ok`, `degraded` (serving, with less), or `down` (not serving). */
export type ComponentState = 'ok' | 'degraded' | 'down';

/** One component's health, as the route lists it and as a {@link HealthReporter} returns it. */
export interface ComponentHealth {
  /** The component's name (`mig`, `tables`, `memory`, `redis`). */
  readonly name: string;
  /** Its state. */
  readonly state: ComponentState;
  /** Why it is not `ok`, in words without internals (no address, credentials or stack). */
  readonly reason?: string;
}

/**
 * Anything that can say how it is: a cache tier, a store, a host's own dependency. The route asks
 * it on every health request, under a deadline; a reporter that throws or does not answer in time
 * is `down`.
 * @example
 * ```ts
 * const redisTier: HealthReporter = { name: 'redis', health: async () => ({ name: 'redis', state: (await ping()) ? 'ok' : 'down' }) };
 * createFetchHandler(radar, { health: { caches: [redisTier] } });
 * ```
 */
export interface HealthReporter {
  /** The name listed when `health()` fails or times out. @default 'unnamed' */
  readonly name?: string;
  /**
   * The component's health now; a cache tier may answer its own health (`CacheStoreHealth`):
   * `connecting` is listed as `degraded` (the radar serves from its in-process cache meanwhile),
   * `closed` as `down`.
   */
  health(): ComponentHealth | CacheStoreHealth | Promise<ComponentHealth | CacheStoreHealth>;
}

/** Options of the health route (`FetchHandlerOptions.health`) and of {@link checkHealth}. */
export interface HealthOptions {
  /**
   * The sources the host configured, each listed with the last outcome the radar knows of it.
   * @default the artist universe (`mig`) once a refresh has run, and every source whose reads
   * failed in the last refresh
   */
  readonly sources?: readonly SourceName[];
  /** Stores to ask besides the radar's own tables (checked by a one-row read). @default none */
  readonly stores?: readonly HealthReporter[];
  /** Cache tiers to ask besides the in-process cache (a Redis tier's `health()`). @default none */
  readonly caches?: readonly HealthReporter[];
  /** How long each check may take before it counts as `down`. @default 2000 */
  readonly timeoutMs?: number;
}

/** Schema of {@link ComponentHealth}. */
export const ComponentHealthSchema = z
  .object({
    /** The component's name. */
    name: z.string().describe('The component (`mig`, `tables`, `memory`, `redis`).'),
    /** Its state. */
    state: z.enum(['ok', 'degraded', 'down']).describe('`ok`; `degraded` (serving with less); `down` (not serving).'),
    /** Why it is not `ok`. */
    reason: z.string().optional().describe('Why it is not `ok`, without internals.'),
  })
  .meta({ id: 'ComponentHealth' });

/**
 * Schema of {@link HealthReport}: `data` of `GET /api/health` (a component of the OpenAPI document).
 * @example
 * ```ts
 * HealthReportSchema.parse(await (await fetch('http://127.0.0.1:8787/api/health')).json().then((b) => b.data));
 * ```
 */
export const HealthReportSchema = z
  .object({
    /** The overall state: `down` only when the radar cannot answer at all (then the status is 503). */
    status: z
      .enum(['ok', 'degraded', 'down'])
      .describe('`ok`; `degraded` when any component is not `ok`; `down` when the radar cannot answer at all (503).'),
    /** When the checks ran (ISO). */
    checkedAt: z.string().describe('When the checks ran (ISO 8601).'),
    /** As-of instant of the last completed Talent Radar refresh, or null before one. */
    refreshedAsOf: z.string().nullable().describe('As of when the last completed refresh ran, or null.'),
    /** One entry per source. */
    sources: z.array(ComponentHealthSchema).describe('Each source with the last outcome the radar knows.'),
    /** One entry per store. */
    stores: z.array(ComponentHealthSchema).describe('Each store: reachable or not.'),
    /** One entry per cache tier. */
    caches: z.array(ComponentHealthSchema).describe('Each cache tier.'),
  })
  .meta({ id: 'HealthReport' });

/** What `GET /api/health` answers in `data` (or in `error.details` with a 503). */
export type HealthReport = z.output<typeof HealthReportSchema>;

/** Default deadline of one check, ms. */
const DEFAULT_CHECK_MS = 2_000;
const MAX_REASON = 200;
/** Characters of a reason's first line that are masked; the rest is clipped away anyway. */
const MASKED_PREFIX = 1024;

/**
 * A reason safe to show anyone: its first line, secrets written as `key=value` (`password=`,
 * `PGPASSWORD=`, `client_secret=`, `"token":`...), `Authorization` and cookie headers and bearer
 * tokens, URLs, e-mail-like `user@host` parts, IP addresses and
 * `host:port` pairs masked, clipped to 200 characters.
 * @example
 * ```ts
 * safeReason('connect ECONNREFUSED 10.0.0.7:6379'); // 'connect ECONNREFUSED <address>'
 * ```
 */
export function safeReason(text: string): string {
  // Cut before masking (the masks take time that grows faster than the text): what survives the
  // final clip to 200 characters is masked as before.
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const first = line.slice(0, MASKED_PREFIX);
  const masked = maskInternals(first);
  return masked.length > MAX_REASON || line.length > MASKED_PREFIX ? `${masked.slice(0, MAX_REASON)}...` : masked;
}

const component = (name: string, state: ComponentState, reason?: string): ComponentHealth =>
  reason === undefined ? { name, state } : { name, state, reason: safeReason(reason) };

/** Runs `check` under `ms`; a throw or no answer is `down` under `name`. */
async function guarded(name: string, ms: number, check: () => Promise<ComponentHealth>): Promise<ComponentHealth> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<ComponentHealth>((resolve) => {
    timer = setTimeout(() => resolve(component(name, 'down', `no answer within ${ms} ms`)), ms);
    // A health check must never keep the process alive.
    (timer as { unref?: () => void }).unref?.();
  });
  try {
    return await Promise.race([check().catch((error: unknown) => component(name, 'down', reasonOf(error))), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The code of a `SceneRadarError` (never its message, which may name a table or a host), else a fixed phrase. */
function reasonOf(error: unknown): string {
  try {
    if (isStoreFailure(error))
      return error.code === 'STORE_SCHEMA_MISMATCH'
        ? `${error.code}: the database's schema is not this version's (migrate it)`
        : `${error.code}: the database cannot be reached`;
    if (isSceneRadarError(error) && typeof error.code === 'string') return error.code;
  } catch {
    // A rejection that cannot be inspected (a revoked proxy) is a failed check like any other.
  }
  return 'the check failed';
}

/**
 * A host reporter's answer, normalised: its state checked, its reason made safe. A cache tier's
 * own states are mapped: `connecting` (not reached yet: the radar serves from its in-process cache,
 * as while degraded) to `degraded` with reason `connecting`, `closed` to `down` with reason `closed`.
 */
async function ask(reporter: HealthReporter): Promise<ComponentHealth> {
  const fallback = reporter.name ?? 'unnamed';
  const got = (await reporter.health()) as Partial<Record<'name' | 'state' | 'reason', unknown>> | undefined;
  const name = typeof got?.name === 'string' && got.name !== '' ? got.name : fallback;
  const given = got?.state;
  const state: ComponentState =
    given === 'ok' || given === 'degraded' || given === 'down' ? given : given === 'connecting' ? 'degraded' : 'down';
  const reason =
    typeof got?.reason === 'string'
      ? got.reason
      : given === 'connecting' || given === 'closed'
        ? given
        : state === 'down' && given !== 'down'
          ? 'no state'
          : undefined;
  return component(name, state, reason);
}

/**
 * When the check ran: the radar's clock, as every instant it reports (the refresh beside it too);
 * the wall clock without a radar, or when its clock fails now (a health check never throws).
 */
function checkedAt(radar: SceneRadar | undefined): string {
  try {
    const now = radar?.clock?.now();
    if (typeof now === 'number' && Number.isFinite(now)) return new Date(now).toISOString();
  } catch {
    // The wall clock below.
  }
  return new Date().toISOString();
}

/** Whether `radar` has an adapter for `name` (true when it cannot tell: a health check never throws). */
function hasSource(radar: SceneRadar, name: string): boolean {
  try {
    return typeof radar.talent.hasSource !== 'function' || radar.talent.hasSource(name as SourceName);
  } catch {
    return true;
  }
}

const isRadar = (target: SceneRadar | ApiBackend): target is SceneRadar =>
  typeof (target as SceneRadar).refresh === 'function' && 'aggregator' in ((target as SceneRadar).talent ?? {});

/**
 * Each source's last outcome, from the last refresh: the committed one in the stores (another
 * instance's too: an API instance that never refreshes itself serves it), and this instance's own
 * attempt when it is the later one (a walk of the universe that failed wrote nothing).
 */
function sourcesOf(
  radar: SceneRadar | undefined,
  names: readonly SourceName[] | undefined,
  refreshedAsOf: string | null,
): ComponentHealth[] {
  const own = radar?.talent.lastRefreshAttempt ?? null;
  // Both engines' last refreshes: an artist's read may fail in one and not the other.
  const failed: Partial<Record<string, number>> = { ...(radar?.talent.lastRefreshFailedReads ?? {}) };
  for (const [name, n] of Object.entries(radar?.scenes.lastRefreshFailedReads ?? {}))
    failed[name] = Math.max(failed[name] ?? 0, n);
  // This instance's attempt counts when no committed refresh is later than it.
  const attempt =
    own !== null && (refreshedAsOf === null || Date.parse(own.asOf) >= Date.parse(refreshedAsOf)) ? own : null;
  const refreshed = attempt !== null || refreshedAsOf !== null;
  const listed = new Set<string>(names ?? []);
  if (names === undefined) {
    if (refreshed) listed.add('mig');
    for (const name of Object.keys(failed)) listed.add(name);
  }
  return [...listed].map((name) => {
    // A source the host lists that this radar has no adapter for is never read, so never fails:
    // not "ok", whichever instance refreshed last. (Not listed, `mig` stands for the last refresh's
    // universe: an API-only instance without adapters serves another instance's refresh.)
    if (names !== undefined && radar !== undefined && !hasSource(radar, name))
      return component(
        name,
        'down',
        name === 'mig' ? 'no artist universe source is configured' : 'no adapter for this source is configured',
      );
    if (!refreshed) return component(name, 'degraded', 'no refresh has run yet');
    if (name === 'mig' && attempt !== null && attempt.universe !== 'ok')
      return component(
        name,
        'down',
        attempt.universe === 'absent'
          ? 'no artist universe source is configured'
          : `the artist universe could not be read in the last refresh (${attempt.universe})`,
      );
    const n = failed[name] ?? 0;
    return n > 0
      ? component(name, 'degraded', `reads failed for ${n} artists in the last refresh`)
      : component(name, 'ok');
  });
}

/**
 * Checks the radar (or a backend) and answers as `GET /api/health` does: a 200 success envelope
 * with a {@link HealthReport} while the radar can serve (`status` `ok` or `degraded`), or a 503
 * failure envelope (`RADAR_CLOSED` or `STORE_UNAVAILABLE`) with the report in `error.details` when
 * it cannot answer at all. Never throws.
 * @example
 * ```ts
 * import { checkHealth } from 'scene-radar/api';
 * const { status, body } = await checkHealth(radar, { sources: ['mig', 'rcf'] });
 * ```
 */
export async function checkHealth(
  target: SceneRadar | ApiBackend,
  options: HealthOptions = {},
): Promise<ApiResult<HealthReport>> {
  const ms = options.timeoutMs ?? DEFAULT_CHECK_MS;
  const radar = isRadar(target) ? target : undefined;
  const scenes = radar ? radar.scenes : (target as ApiBackend).scenes;
  const talent = radar ? radar.talent.aggregator : (target as ApiBackend).talent;
  let closed = false;
  const tableCheck = (name: string, read: () => Promise<unknown>): Promise<ComponentHealth> =>
    guarded(name, ms, async () => {
      try {
        await read();
        return component(name, 'ok');
      } catch (error) {
        if (isSceneRadarError(error) && error.code === 'RADAR_CLOSED') closed = true;
        return component(name, 'down', reasonOf(error));
      }
    });
  const storeChecks: Promise<ComponentHealth>[] = [];
  if (scenes) storeChecks.push(tableCheck('scenes-tables', () => scenes.listScenes({ limit: 1, offset: 0 })));
  const scoreRead = (talent as { getArtistScores?: (slugs: readonly string[]) => Promise<unknown> } | undefined)
    ?.getArtistScores;
  if (talent && typeof scoreRead === 'function')
    storeChecks.push(
      tableCheck('talent-tables', async () => {
        await scoreRead.call(talent, ['health-check']);
        // The last refresh as the stores hold it: another instance over them may have refreshed
        // since this one last read its state (the report's `refreshedAsOf` is read from it).
        await radar?.talent.loadState({ force: true });
      }),
    );
  const own = storeChecks.length;
  for (const reporter of options.stores ?? [])
    storeChecks.push(guarded(reporter.name ?? 'unnamed', ms, () => ask(reporter)));
  const cacheChecks: Promise<ComponentHealth>[] = [];
  if (radar) cacheChecks.push(Promise.resolve(component('memory', 'ok')));
  for (const reporter of options.caches ?? [])
    cacheChecks.push(guarded(reporter.name ?? 'unnamed', ms, () => ask(reporter)));
  const [stores, caches] = await Promise.all([Promise.all(storeChecks), Promise.all(cacheChecks)]);
  const refreshedAsOf = radar?.talent.refreshedAsOf ?? null;
  const sources = sourcesOf(radar, options.sources, refreshedAsOf);
  const ownDown = own > 0 && stores.slice(0, own).every((s) => s.state === 'down');
  const down = closed || (ownDown && refreshedAsOf === null);
  const all = [...sources, ...stores, ...caches];
  const report: HealthReport = {
    status: down ? 'down' : all.every((c) => c.state === 'ok') ? 'ok' : 'degraded',
    checkedAt: checkedAt(radar),
    refreshedAsOf,
    sources,
    stores,
    caches,
  };
  const headers = { 'cache-control': 'no-store' };
  if (!down) return { status: 200, body: { ok: true, data: report, error: null }, headers };
  const body: Envelope<HealthReport> = closed
    ? fail('RADAR_CLOSED', 'The radar is closed', report)
    : fail('STORE_UNAVAILABLE', 'The stores cannot be reached and nothing has been refreshed to serve', report);
  return { status: 503, body, headers };
}
