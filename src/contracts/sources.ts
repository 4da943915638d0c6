/**
 * @module contracts/sources
 * The read-only source contracts. Every source is:
 * - read-only: the contracts contain reads (`get*`, `list*`) only;
 * - batch-first: methods take many keys and return a map; single-item helpers are derived;
 * - as-of and abortable: every call receives `{ asOf, signal }` and must return only what was
 *   known at `asOf`, and should reject promptly once `signal` aborts;
 * - raw observations, not scores: series, events, links, fingerprints;
 * - optional: a host may omit any source; the engines degrade and say so.
 *
 * A key the source does not know is simply absent from the returned map (a "missing" item).
 * Payloads are validated by the source gateway against the schemas in `contracts/payloads`.
 */
import type {
  Article,
  ArtistNetwork,
  ArtistRecord,
  Campaign,
  CoherenceSeries,
  EngagementSeries,
  RcfEvent,
  ReleaseFingerprint,
  SceneMembership,
  ScenePulseSummary,
  Workspace,
} from './payloads.js';

/** What every source call receives. */
export interface SourceCallOptions {
  /** Return only what was known at this instant. */
  readonly asOf: Date;
  /** Aborts when the caller's timeout or deadline passes; stop work and reject when it fires. */
  readonly signal: AbortSignal;
}

/** Options for calls that return observations over time. */
export interface WindowedCallOptions extends SourceCallOptions {
  /**
   * Earliest instant of interest; a source may return older data too (the SDK trims it, and puts
   * releases, events and articles in time order whatever order they come in).
   */
  readonly from: Date;
}

/** A batch answer: one entry per known key; unknown keys are left out. */
export type BatchResult<T> = ReadonlyMap<string, T>;

/** Properties every source may declare. */
export interface SourceTraits {
  /**
   * Largest number of keys the source accepts in one call. `1` marks a per-item source; the
   * gateway splits bigger requests. Defaults to the engine's batch size.
   */
  readonly maxBatchSize?: number;
}

/** A page of artists, for walking the whole universe. */
export interface ArtistPage {
  /** Artists on this page. */
  readonly items: readonly ArtistRecord[];
  /** Cursor of the next page, or null after the last page. */
  readonly nextCursor: string | null;
}

/** Query for {@link MIGAdapter.listArtists}. */
export interface ListArtistsQuery {
  /** Cursor from a previous page; absent for the first page. */
  readonly cursor?: string | null;
  /** Page size, 1-10,000. */
  readonly limit: number;
}

/**
 * MIG, the industry graph: the artist universe and metadata, tastemaker links and collaborators.
 * @example
 * ```ts
 * const networks = await mig.getNetworks(['artist-a'], { asOf: new Date(), signal });
 * networks.get('artist-a')?.tastemakers.length;
 * ```
 */
export interface MIGAdapter extends SourceTraits {
  /** Walks the artists known at `asOf`, in a stable order. */
  readonly listArtists: (query: ListArtistsQuery, options: SourceCallOptions) => Promise<ArtistPage>;
  /** Artist records by slug. */
  readonly getArtists: (slugs: readonly string[], options: SourceCallOptions) => Promise<BatchResult<ArtistRecord>>;
  /** Tastemaker links, collaborators and centrality, each link as of `asOf`. */
  readonly getNetworks: (slugs: readonly string[], options: SourceCallOptions) => Promise<BatchResult<ArtistNetwork>>;
}

/** CMG, the creative graph: fingerprints of releases. */
export interface CMGAdapter extends SourceTraits {
  /** Releases with their fingerprints, released in `[from, asOf]` or earlier, oldest first. */
  readonly getReleases: (
    slugs: readonly string[],
    options: WindowedCallOptions,
  ) => Promise<BatchResult<readonly ReleaseFingerprint[]>>;
}

/** Fusion, the campaign system: campaigns and daily engagement (organic vs paid). */
export interface FusionAdapter extends SourceTraits {
  /** Campaigns active at some point in `[from, asOf]`. */
  readonly getCampaigns: (
    slugs: readonly string[],
    options: WindowedCallOptions,
  ) => Promise<BatchResult<readonly Campaign[]>>;
  /** Daily engagement covering at least `[from, last complete day before asOf]`. */
  readonly getEngagement: (
    slugs: readonly string[],
    options: WindowedCallOptions,
  ) => Promise<BatchResult<EngagementSeries>>;
}

/** Coverage, the press system. */
export interface CoverageAdapter extends SourceTraits {
  /** Articles published in `[from, asOf]`, oldest first. */
  readonly getArticles: (
    slugs: readonly string[],
    options: WindowedCallOptions,
  ) => Promise<BatchResult<readonly Article[]>>;
}

/** RCF, the real-time feed. */
export interface RCFAdapter extends SourceTraits {
  /** Events in `[from, asOf]`, oldest first. */
  readonly getEvents: (
    slugs: readonly string[],
    options: WindowedCallOptions,
  ) => Promise<BatchResult<readonly RcfEvent[]>>;
}

/** IdentityKernel: how coherently an artist's identity resolves across platforms, over time. */
export interface IdentityKernelAdapter extends SourceTraits {
  /** Daily coherence covering `[from, last complete day before asOf]`. */
  readonly getCoherence: (
    slugs: readonly string[],
    options: WindowedCallOptions,
  ) => Promise<BatchResult<CoherenceSeries>>;
}

/** Query for {@link ScenesAdapter.listHottestScenes}. */
export interface HottestScenesQuery {
  /** How many scenes, 1-100. */
  readonly limit: number;
}

/**
 * What {@link ScenesAdapter.listHottestScenes} answers: the scenes, hottest first; or those and
 * how many scenes it could not rank because their heat is unknown (a source failed, or no refresh
 * has placed artists in them), which the Talent Radar's global pulse then reports in
 * `meta.degraded` rather than listing the rest as the hottest without a word.
 */
export type HottestScenes = readonly ScenePulseSummary[] | RankedHottestScenes;

/** The object form of {@link HottestScenes}: the ranked scenes and how many could not be ranked. */
export interface RankedHottestScenes {
  /** The scenes whose heat is known, hottest first, at most `limit`. */
  readonly scenes: readonly ScenePulseSummary[];
  /** How many scenes were left out because their heat is unknown (a whole number >= 0). */
  readonly unranked: number;
}

/**
 * The scenes of a {@link ScenesAdapter.listHottestScenes} answer, whichever form it has.
 * @example
 * ```ts
 * const top = hottestScenesOf(await radar.scenesAdapter.listHottestScenes({ limit: 5 }, { asOf, signal }));
 * ```
 */
export function hottestScenesOf(answer: HottestScenes): readonly ScenePulseSummary[] {
  return 'scenes' in answer ? answer.scenes : answer;
}

/**
 * How the Talent Radar reads the Scenes Engine, exactly as it would read a remote scenes service.
 */
export interface ScenesAdapter extends SourceTraits {
  /** Each artist's scene memberships, strongest first. */
  readonly getMemberships: (
    artistSlugs: readonly string[],
    options: SourceCallOptions,
  ) => Promise<BatchResult<readonly SceneMembership[]>>;
  /** Pulse summaries by scene slug. */
  readonly getScenePulses: (
    sceneSlugs: readonly string[],
    options: SourceCallOptions,
  ) => Promise<BatchResult<ScenePulseSummary>>;
  /** The hottest scenes, hottest first (and, optionally, how many scenes could not be ranked). */
  readonly listHottestScenes: (query: HottestScenesQuery, options: SourceCallOptions) => Promise<HottestScenes>;
}

/** The host's workspaces (labels, teams), for workspace recommendations. Never A&R Radar data. */
export interface WorkspaceSource extends SourceTraits {
  /**
   * Workspaces by id (UUID). The SDK asks in lowercase, the UUID's canonical form, whatever case a
   * request used; an answer's `id`, and the key it is filed under in the returned map, may be in
   * either case.
   */
  readonly getWorkspaces: (ids: readonly string[], options: SourceCallOptions) => Promise<BatchResult<Workspace>>;
}

/**
 * Every source the engines can read. All optional: a missing source lowers confidence and is
 * reported, it never fails a call.
 */
export interface SceneRadarSources {
  /** Industry graph. */
  readonly mig?: MIGAdapter;
  /** Creative graph. */
  readonly cmg?: CMGAdapter;
  /** Campaigns and engagement. */
  readonly fusion?: FusionAdapter;
  /** Press coverage. */
  readonly coverage?: CoverageAdapter;
  /** Real-time feed. */
  readonly rcf?: RCFAdapter;
  /** Identity coherence. */
  readonly identityKernel?: IdentityKernelAdapter;
  /** Scenes, as the Talent Radar reads them. */
  readonly scenes?: ScenesAdapter;
  /** Host workspaces. */
  readonly workspaces?: WorkspaceSource;
}

/** The name of a source slot. */
export type SourceName = keyof SceneRadarSources;

/** All source names, in a stable order. */
export const SOURCE_NAMES = [
  'mig',
  'cmg',
  'fusion',
  'coverage',
  'rcf',
  'identityKernel',
  'scenes',
  'workspaces',
] as const satisfies readonly SourceName[];
