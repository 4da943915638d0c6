/**
 * @module talent/signals-engine
 * `ArtistSignalsEngine` (the seed's class): gathers each artist's raw signals from the seven
 * read-only sources through the core gateway, in batches of `signalBatchSize` with
 * `batchConcurrency` batches in flight, each batch under the per-artist deadline and all of them
 * under the caller's. Per-item outcomes, validated payloads; a failing source empties one read,
 * never the batch.
 */
import { engagementReachDays } from './model-config.js';
import type { Clock } from '../core/clock.js';
import { Lifecycle } from '../core/lifecycle.js';
import { SceneRadarError } from '../core/errors.js';
import { createDeadline, type Deadline } from '../core/gateway/deadline.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import type { ItemOutcome } from '../core/gateway/outcome.js';
import { DAY_MS } from '../core/time.js';
import { isArrayValue, requireDate, requireOptions, requireSlug } from '../core/validation.js';
import { createLimit } from '../core/limit.js';
import { yieldSlice } from '../core/yield.js';
import type { SceneRadarConfig } from '../config.js';
import { readHostFeature, type HostFeature } from './host-features.js';
import type { ArtistSignals, HostFeatureOutcome, ReadOutcome, SignalRead } from './signals-types.js';

/** Options of a signals call. */
export interface SignalsOptions {
  /** As-of instant. @default the clock's now */
  readonly asOf?: Date;
  /** Aborts the whole call (e.g. the caller's request): reads still pending end as `error` (`aborted`). */
  readonly signal?: AbortSignal;
  /** Deadline of each batch, ms, when shorter than `talent.signalTimeoutMs`: reads still pending end as `timeout`. */
  readonly timeoutMs?: number;
}

/** Dependencies of {@link ArtistSignalsEngine}. */
export interface ArtistSignalsEngineDeps {
  /** Gateway over the Talent Radar's sources. */
  readonly gateway: SourceGateway;
  /** Resolved configuration. */
  readonly config: SceneRadarConfig;
  /** Clock. */
  readonly clock: Clock;
  /** The host's own features, read with each batch. @default [] */
  readonly hostFeatures?: readonly HostFeature[];
  /** Open/closed flag shared with the other parts of the radar (calls after `close()` reject with `RADAR_CLOSED`). @default a flag of its own */
  readonly lifecycle?: Lifecycle;
}

/**
 * How one item's read went, as explanations show it.
 * @internal
 */
export function readOutcome(o: ItemOutcome<unknown> | undefined): ReadOutcome {
  if (!o) return { status: 'missing' };
  if (o.status === 'timeout') return { status: 'timeout', reason: o.reason };
  if (o.status === 'error') return { status: 'error', reason: `${o.reason}: ${o.message}` };
  return { status: o.status };
}

/** The pulse outcome of an artist with no main scene, from its memberships read. */
function noScenePulse(o: ItemOutcome<unknown> | undefined): ReadOutcome {
  if (o?.status === 'absent') return { status: 'absent' };
  if (o?.status === 'timeout' || o?.status === 'error') {
    const failed = readOutcome(o);
    return { status: failed.status, reason: `memberships read failed (${failed.reason ?? failed.status})` };
  }
  return { status: 'missing' };
}

/**
 * Gathers artist signals.
 * @example
 * ```ts
 * const signals = await radar.talent.signals.aggregateArtistSignals('artist-a');
 * signals.reads.engagement.status; // 'ok' | 'missing' | 'timeout' | 'error' | 'absent'
 * ```
 */
export class ArtistSignalsEngine {
  readonly #deps: ArtistSignalsEngineDeps;
  readonly #life: Lifecycle;

  /**
   * Engines come from {@link createSceneRadar}, which builds their internal parts (the source
   * gateway, the caches, the shared lifecycle); constructing one by hand is not supported.
   * @internal
   */
  constructor(deps: ArtistSignalsEngineDeps) {
    this.#deps = deps;
    this.#life = deps.lifecycle ?? new Lifecycle();
  }

  /**
   * One artist's signals as of `asOf`. Throws `TALENT_VALIDATION_ERROR` for a malformed slug and
   * `TALENT_ARTIST_NOT_FOUND` when the industry graph answers and does not know the artist.
   */
  async aggregateArtistSignals(artistSlug: string, options: SignalsOptions = {}): Promise<ArtistSignals> {
    this.#life.assertOpen('aggregateArtistSignals');
    const slug = requireSlug(artistSlug, 'slug', 'TALENT_VALIDATION_ERROR');
    const signals = (await this.batchAggregateSignals([slug], options ?? {})).get(slug)!;
    if (signals.reads.record.status === 'missing')
      throw new SceneRadarError('TALENT_ARTIST_NOT_FOUND', `Artist not found: ${slug}`);
    return signals;
  }

  /**
   * Signals of many artists: batches of `talent.signalBatchSize`, `talent.batchConcurrency` at a
   * time, each under the per-artist deadline (`talent.signalTimeoutMs`). A source that accepts
   * batches is called once per batch. Never rejects for a source failure: each read carries its
   * outcome. Throws `TALENT_VALIDATION_ERROR` for a malformed slug, and `TALENT_INVALID_PARAMS`
   * for more than `talent.maxArtistsPerQuery` (100) artists.
   */
  async batchAggregateSignals(
    artistSlugs: readonly string[],
    options: SignalsOptions = {},
  ): Promise<Map<string, ArtistSignals>> {
    this.#life.assertOpen('batchAggregateSignals');
    // The seed's "max 100 artists per query" (`talent.maxArtistsPerQuery`): the Talent Radar's own
    // refresh walks the universe through `gatherSignals`, in chunks, not through this entry.
    const max = this.#deps.config.talent.maxArtistsPerQuery;
    if (isArrayValue(artistSlugs) && artistSlugs.length > max)
      throw new SceneRadarError(
        'TALENT_INVALID_PARAMS',
        `At most ${max} artists per query (talent.maxArtistsPerQuery), got ${artistSlugs.length}`,
        { details: [{ code: 'too_big', path: ['artistSlugs'], message: `Expected at most ${max} artists` }] },
      );
    const out = new Map<string, ArtistSignals>();
    const slugs = await gatherSignals(this.#deps, artistSlugs, options, (batch) => {
      for (const s of batch) out.set(s.artistSlug, s);
    });
    return new Map(slugs.map((s) => [s, out.get(s)!]));
  }
}

/**
 * What {@link ArtistSignalsEngine.batchAggregateSignals} does, batch by batch (internal; the
 * engine and the Talent Radar's refresh share it): validates the request (`TALENT_VALIDATION_ERROR`),
 * reads batches of `talent.signalBatchSize`, `talent.batchConcurrency` at a time, each under the
 * per-artist deadline, and hands each batch's signals to `onBatch` as soon as its reads are in (in
 * the order of its artists; batches end in any order). A refresh turns them into features there
 * and then, so that a batch's payloads die young instead of living until the last batch is read.
 * Returns the artists, validated and deduplicated, in the order asked.
 */
export async function gatherSignals(
  deps: ArtistSignalsEngineDeps,
  artistSlugs: readonly string[],
  options: SignalsOptions,
  onBatch: (batch: readonly ArtistSignals[]) => void,
): Promise<string[]> {
  if (!isArrayValue(artistSlugs)) throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'artistSlugs must be an array');
  const slugs = [
    // Array.from visits the holes of a sparse array (map skips them and keeps the hole).
    ...new Set(Array.from(artistSlugs, (s, i) => requireSlug(s, `artistSlugs.${i}`, 'TALENT_VALIDATION_ERROR'))),
  ];
  const o = requireOptions(options, 'options', 'TALENT_VALIDATION_ERROR') as SignalsOptions;
  const asOf = requireDate(o.asOf, 'asOf', new Date(deps.clock.now()), 'TALENT_VALIDATION_ERROR');
  if (o.timeoutMs !== undefined && !(typeof o.timeoutMs === 'number' && o.timeoutMs >= 0)) {
    throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'timeoutMs must be a number >= 0', {
      details: [{ code: 'invalid_value', path: ['timeoutMs'], message: 'Expected a number >= 0' }],
    });
  }
  const { signalBatchSize, batchConcurrency, signalTimeoutMs } = deps.config.talent;
  const limit = createLimit(batchConcurrency);
  const chunks: string[][] = [];
  for (let i = 0; i < slugs.length; i += signalBatchSize) chunks.push(slugs.slice(i, i + signalBatchSize));
  await Promise.all(
    chunks.map((chunk) =>
      limit(async () => {
        const pause = yieldSlice();
        if (pause) await pause;
        // Ended by the caller's signal, the timeout or the radar's close (a hung host feature read too).
        const deadline = createDeadline(Math.min(signalTimeoutMs, o.timeoutMs ?? Infinity), [
          o.signal,
          deps.lifecycle?.signal,
        ]);
        let batch: ArtistSignals[];
        try {
          batch = await gather(deps, chunk, asOf, deadline);
        } finally {
          deadline.dispose();
        }
        onBatch(batch);
      }),
    ),
  );
  return slugs;
}

/** One batch of artists: every read in parallel, then the pulses of their main scenes. */
async function gather(
  deps: ArtistSignalsEngineDeps,
  slugs: readonly string[],
  asOf: Date,
  deadline: Deadline,
): Promise<ArtistSignals[]> {
  const { gateway, config } = deps;
  const model = config.talent.model;
  const back = (days: number): Date => new Date(asOf.getTime() - days * DAY_MS);
  const batchSize = config.talent.signalBatchSize;
  const opts = (from?: Date) => ({ asOf, deadline, batchSize, ...(from ? { from } : {}) });
  // Windows: growth compares two windows (up to two quarters); spikes look a long window
  // further back; peak activity looks back over the history, and regions a window further.
  const activityDays = Math.max(model.historyDays, 2 * model.quarterDays, 2 * model.windowDays, 42);
  // The config refuses windows whose read would span more than a source's longest series.
  const seriesFrom = back(engagementReachDays(model) - 1);
  const eventsFrom = back(Math.max(activityDays, model.historyDays + model.windowDays) + 1);
  const hostFeatures = deps.hostFeatures ?? [];
  const hostReads = Promise.all(hostFeatures.map((f) => readHostFeature(f, slugs, asOf, deadline.signal)));
  const [record, network, releases, campaigns, engagement, articles, events, coherence, memberships] =
    await Promise.all([
      gateway.batch('mig', 'getArtists', slugs, opts()),
      gateway.batch('mig', 'getNetworks', slugs, opts()),
      gateway.batch('cmg', 'getReleases', slugs, opts(back(3 * 365))),
      gateway.batch('fusion', 'getCampaigns', slugs, opts(back(model.longWindowDays))),
      gateway.batch('fusion', 'getEngagement', slugs, opts(seriesFrom)),
      // Articles as far back as spikes can be corroborated (the long window plus a week).
      gateway.batch('coverage', 'getArticles', slugs, opts(back(model.longWindowDays + 8))),
      gateway.batch('rcf', 'getEvents', slugs, opts(eventsFrom)),
      gateway.batch('identityKernel', 'getCoherence', slugs, opts(back(model.windowDays + 1))),
      gateway.batch('scenes', 'getMemberships', slugs, opts()),
    ]);
  const mainScene = (slug: string): string | undefined => {
    const m = memberships.get(slug);
    return m?.status === 'ok' ? m.value[0]?.sceneSlug : undefined;
  };
  const sceneSlugs = [...new Set(slugs.map(mainScene).filter((s): s is string => s !== undefined))];
  const pulses = sceneSlugs.length
    ? await gateway.batch('scenes', 'getScenePulses', sceneSlugs, opts())
    : new Map<string, ItemOutcome<never>>();
  const host = await hostReads;
  const hostOf = (slug: string): Record<string, HostFeatureOutcome> =>
    Object.fromEntries(hostFeatures.map((f, k) => [f.name, host[k]!.get(slug) ?? { status: 'missing', value: null }]));
  const value = <T>(o: ItemOutcome<T> | undefined): T | null => (o?.status === 'ok' ? o.value : null);
  const asOfIso = asOf.toISOString();
  return slugs.map((slug) => {
    const scene = mainScene(slug);
    const pulse = scene === undefined ? undefined : pulses.get(scene);
    const reads: Record<SignalRead, ReadOutcome> = {
      record: readOutcome(record.get(slug)),
      network: readOutcome(network.get(slug)),
      releases: readOutcome(releases.get(slug)),
      campaigns: readOutcome(campaigns.get(slug)),
      engagement: readOutcome(engagement.get(slug)),
      articles: readOutcome(articles.get(slug)),
      events: readOutcome(events.get(slug)),
      coherence: readOutcome(coherence.get(slug)),
      memberships: readOutcome(memberships.get(slug)),
      // No main scene: nothing to read (the memberships read says why). A failed memberships read
      // is no answer "no scene": the pulse could not be read either, for the same reason.
      scenePulse: scene === undefined ? noScenePulse(memberships.get(slug)) : readOutcome(pulse),
    };
    return {
      artistSlug: slug,
      asOf: asOfIso,
      record: value(record.get(slug)),
      network: value(network.get(slug)),
      releases: value(releases.get(slug)),
      campaigns: value(campaigns.get(slug)),
      engagement: value(engagement.get(slug)),
      articles: value(articles.get(slug)),
      events: value(events.get(slug)),
      coherence: value(coherence.get(slug)),
      memberships: value(memberships.get(slug)),
      scenePulse: value(pulse),
      reads,
      host: hostOf(slug),
    };
  });
}
