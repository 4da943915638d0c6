/**
 * @module adapters/memory/sources
 * In-memory implementations of every source contract over a {@link MemoryDataset}. They honour
 * as-of (nothing dated after `asOf` is returned; daily series end at the last complete day), the
 * requested window, batching, and the abort signal. Real implementations, used by the demo world,
 * by tests and by hosts whose data fits in memory.
 */
import type { ArtistRecord, CollaboratorLink, ScenePulseSummary, Workspace } from '../../src/contracts/payloads.js';
import type {
  BatchResult,
  CMGAdapter,
  CoverageAdapter,
  FusionAdapter,
  IdentityKernelAdapter,
  MIGAdapter,
  RCFAdapter,
  SceneRadarSources,
  ScenesAdapter,
  SourceCallOptions,
  WorkspaceSource,
} from '../../src/contracts/sources.js';
import { SceneRadarError } from '../../src/core/errors.js';
import { distinctBy } from '../../src/core/gateway/bounds.js';
import { dayOf, dayStart, lastCompleteDay, observedAtMs } from '../../src/core/time.js';
import type { ArtistHistory, MemoryDataset } from './dataset.js';

/** Options for {@link createMemorySources}. */
export interface MemorySourcesOptions {
  /**
   * Simulated latency of every call, ms (stand-in for a remote system, for benchmarks and
   * resilience tests). Honours the abort signal. @default 0
   */
  readonly latencyMs?: number;
  /** Largest batch each source accepts; `1` makes every source per-item. @default 1000 */
  readonly maxBatchSize?: number;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** When an observation is known (a bare day: at its end, the contracts' as-of rule). */
const time = (stamp: string): number => observedAtMs(stamp);

/** Histories whose collaborator list names a partner more than once (checked once per list). */
const REPEATS = new WeakMap<readonly CollaboratorLink[], boolean>();

/**
 * An artist's collaborators known at `asOfMs`, one link per partner. A list may name a partner
 * more than once, a link per step of a growing collaboration (the tabular import's combined rows):
 * the partner's link is then the latest step known at `asOfMs` (its weight), dated by the earliest
 * (when the collaboration began).
 */
function collaboratorsAsOf(links: readonly CollaboratorLink[], asOfMs: number): CollaboratorLink[] {
  let repeats = REPEATS.get(links);
  if (repeats === undefined) {
    repeats = new Set(links.map((l) => l.artist)).size < links.length;
    REPEATS.set(links, repeats);
  }
  const known = links.filter((l) => time(l.since) <= asOfMs);
  if (!repeats) return known;
  const byPartner = new Map<
    string,
    { first: CollaboratorLink; firstMs: number; last: CollaboratorLink; lastMs: number }
  >();
  for (const l of known) {
    const t = time(l.since);
    const s = byPartner.get(l.artist);
    if (!s) byPartner.set(l.artist, { first: l, firstMs: t, last: l, lastMs: t });
    else {
      if (t < s.firstMs) {
        s.first = l;
        s.firstMs = t;
      }
      if (t >= s.lastMs) {
        s.last = l;
        s.lastMs = t;
      }
    }
  }
  return [...byPartner.values()].map(({ first, last }) => (first === last ? last : { ...last, since: first.since }));
}

/** Slices a dense daily series to `[fromDay, toDay]`. */
function sliceDaily<T>(
  start: string,
  values: readonly T[],
  fromDay: string,
  toDay: string,
): { start: string; values: T[] } {
  const base = dayStart(start);
  const i0 = Math.max(0, Math.round((dayStart(fromDay) - base) / 86_400_000));
  const i1 = Math.min(values.length - 1, Math.round((dayStart(toDay) - base) / 86_400_000));
  if (i1 < i0) return { start: fromDay < start ? start : fromDay, values: [] };
  return { start: dayOf(base + i0 * 86_400_000), values: values.slice(i0, i1 + 1) };
}

/**
 * Builds every source contract over one dataset.
 * @example
 * ```ts
 * const world = createDemoWorld();
 * const sources = createMemorySources(world.dataset, { latencyMs: 20, maxBatchSize: 1 });
 * ```
 */
export function createMemorySources(
  dataset: MemoryDataset,
  options: MemorySourcesOptions = {},
): Required<SceneRadarSources> {
  const bad = (path: string, message: string): SceneRadarError =>
    new SceneRadarError('CONFIG_INVALID', `createMemorySources: ${path} ${message}`, {
      details: [{ path, message }],
    });
  if (typeof dataset !== 'object' || dataset === null || typeof dataset.artistHistory !== 'function')
    throw bad('dataset', 'must be a MemoryDataset (from createEagerDataset or createDemoWorld)');
  if (typeof options !== 'object' || options === null) throw bad('options', 'must be an object');
  const latency = options.latencyMs ?? 0;
  const maxBatchSize = options.maxBatchSize ?? 1000;
  // NaN or Infinity would reach setTimeout, which turns both into 1 ms.
  if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0)
    throw bad('latencyMs', 'must be a finite number >= 0');
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) throw bad('maxBatchSize', 'must be an integer >= 1');

  /** Looks up histories of artists known at asOf, after the simulated latency. */
  async function batch<T>(
    keys: readonly string[],
    opts: SourceCallOptions,
    pick: (h: ArtistHistory, asOfMs: number) => T,
  ): Promise<BatchResult<T>> {
    await delay(latency, opts.signal);
    opts.signal.throwIfAborted();
    const asOfMs = opts.asOf.getTime();
    const out = new Map<string, T>();
    for (const key of new Set(keys)) {
      const record = dataset.artistRecord(key);
      if (!record || time(record.firstSeen) > asOfMs) continue;
      const history = dataset.artistHistory(key);
      if (history) out.set(key, pick(history, asOfMs));
    }
    return out;
  }
  // A record as known at `asOfMs`: a debut day not yet over is not known yet (the day rule).
  const recordAsOf = (record: ArtistRecord, asOfMs: number): ArtistRecord =>
    record.debut !== undefined && record.debut !== null && time(record.debut) > asOfMs
      ? { ...record, debut: null }
      : record;
  const window = (opts: { from: Date }, asOfMs: number) => ({ fromMs: opts.from.getTime(), asOfMs });
  const inWindow = (iso: string, w: { fromMs: number; asOfMs: number }): boolean => {
    const t = time(iso);
    return t >= w.fromMs && t <= w.asOfMs;
  };

  const mig: MIGAdapter = {
    maxBatchSize,
    async listArtists(query, opts) {
      if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 10_000)
        throw new RangeError('limit must be an integer in 1-10000');
      await delay(latency, opts.signal);
      const slugs = dataset.artistSlugs();
      const asOfMs = opts.asOf.getTime();
      // Only a cursor this source gave (a position in digits): '1e2' is not position 1.
      if (query.cursor && !/^(0|[1-9]\d{0,15})$/.test(query.cursor))
        throw new RangeError(`invalid cursor: ${String(query.cursor)}`);
      let i = query.cursor ? Number(query.cursor) : 0;
      const items = [];
      for (; i < slugs.length && items.length < query.limit; i++) {
        const record = dataset.artistRecord(slugs[i]!);
        if (record && time(record.firstSeen) <= asOfMs) items.push(recordAsOf(record, asOfMs));
      }
      return { items, nextCursor: i < slugs.length ? String(i) : null };
    },
    // Records alone: no need to build full histories (expensive for generated datasets).
    async getArtists(slugs, opts) {
      await delay(latency, opts.signal);
      opts.signal.throwIfAborted();
      const asOfMs = opts.asOf.getTime();
      const out = new Map<string, ArtistRecord>();
      for (const key of new Set(slugs)) {
        const record = dataset.artistRecord(key);
        if (record && time(record.firstSeen) <= asOfMs) out.set(key, recordAsOf(record, asOfMs));
      }
      return out;
    },
    getNetworks: (slugs, opts) =>
      batch(slugs, opts, (h, asOfMs) => ({
        tastemakers: h.tastemakers.filter((l) => time(l.since) <= asOfMs),
        collaborators: collaboratorsAsOf(h.collaborators, asOfMs),
        centrality: null,
      })),
  };

  const cmg: CMGAdapter = {
    maxBatchSize,
    getReleases: (slugs, opts) =>
      batch(slugs, opts, (h, asOfMs) =>
        distinctBy(
          h.releases.filter(
            (r) => dayStart(r.releasedAt) <= asOfMs && dayStart(r.releasedAt) >= dayStart(dayOf(opts.from.getTime())),
          ),
          (r) => r.releaseId,
        ),
      ),
  };

  const fusion: FusionAdapter = {
    maxBatchSize,
    getCampaigns: (slugs, opts) =>
      batch(slugs, opts, (h, asOfMs) => {
        const fromDay = dayOf(opts.from.getTime());
        return (
          distinctBy(
            h.campaigns.filter((c) => dayStart(c.start) <= asOfMs && (c.end === null || c.end >= fromDay)),
            (c) => c.id,
          )
            // A campaign still running at asOf has no known end yet.
            .map((c) => (c.end !== null && dayStart(c.end) + 86_400_000 > asOfMs ? { ...c, end: null } : c))
        );
      }),
    getEngagement: (slugs, opts) =>
      batch(slugs, opts, (h, asOfMs) => {
        const fromDay = dayOf(opts.from.getTime());
        const toDay = lastCompleteDay(asOfMs);
        const organic = sliceDaily(h.engagement.start, h.engagement.organic, fromDay, toDay);
        const paid = sliceDaily(h.engagement.start, h.engagement.paid, fromDay, toDay);
        return { start: organic.start, organic: organic.values, paid: paid.values };
      }),
  };

  const coverage: CoverageAdapter = {
    maxBatchSize,
    getArticles: (slugs, opts) =>
      batch(slugs, opts, (h, asOfMs) =>
        distinctBy(
          h.articles.filter((a) => inWindow(a.publishedAt, window(opts, asOfMs))),
          (a) => a.id,
        ),
      ),
  };

  const rcf: RCFAdapter = {
    maxBatchSize,
    getEvents: (slugs, opts) =>
      batch(slugs, opts, (h, asOfMs) =>
        distinctBy(
          h.events.filter((e) => inWindow(e.at, window(opts, asOfMs))),
          (e) => e.id,
        ),
      ),
  };

  const identityKernel: IdentityKernelAdapter = {
    maxBatchSize,
    getCoherence: (slugs, opts) =>
      batch(slugs, opts, (h, asOfMs) =>
        sliceDaily(h.coherence.start, h.coherence.values, dayOf(opts.from.getTime()), lastCompleteDay(asOfMs)),
      ),
  };

  const scenes: ScenesAdapter = {
    maxBatchSize,
    getMemberships: (slugs, opts) =>
      batch(slugs, opts, (h, asOfMs) =>
        h.memberships
          .filter((m) => dayStart(m.since) <= asOfMs)
          .map(({ sceneSlug, confidence, microgenres }) => ({ sceneSlug, confidence, microgenres })),
      ),
    async getScenePulses(sceneSlugs, opts) {
      await delay(latency, opts.signal);
      opts.signal.throwIfAborted();
      const out = new Map<string, ScenePulseSummary>();
      for (const slug of new Set(sceneSlugs)) {
        const pulse = dataset.scenePulse(slug, opts.asOf);
        if (pulse) out.set(slug, pulse);
      }
      return out;
    },
    async listHottestScenes(query, opts) {
      if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 100)
        throw new RangeError('limit must be an integer in 1-100');
      await delay(latency, opts.signal);
      opts.signal.throwIfAborted();
      return dataset
        .sceneSlugs()
        .map((s) => dataset.scenePulse(s, opts.asOf))
        .filter((p) => p !== undefined)
        .sort((a, b) => b.heat - a.heat || (a.sceneSlug < b.sceneSlug ? -1 : 1))
        .slice(0, query.limit);
    },
  };

  const workspaces: WorkspaceSource = {
    maxBatchSize,
    async getWorkspaces(ids, opts) {
      await delay(latency, opts.signal);
      opts.signal.throwIfAborted();
      const out = new Map<string, Workspace>();
      const asOfMs = opts.asOf.getTime();
      for (const id of new Set(ids)) {
        const ws = dataset.workspace(id);
        if (!ws) continue;
        // A roster as of T names the artists known at T: one who debuts later is not there yet.
        const roster = ws.roster.filter((slug) => {
          const record = dataset.artistRecord(slug);
          return record === undefined || time(record.firstSeen) <= asOfMs;
        });
        out.set(id, roster.length === ws.roster.length ? ws : { ...ws, roster });
      }
      return out;
    },
  };

  return { mig, cmg, fusion, coverage, rcf, identityKernel, scenes, workspaces };
}
