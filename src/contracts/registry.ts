/**
 * @module contracts/registry
 * The batch methods of each source and the schema each returned item must satisfy. The source
 * gateway reads this table; a type test keeps it in step with the contracts.
 */
import type { z } from 'zod';
import {
  ArticleListSchema,
  ArtistNetworkSchema,
  ArtistRecordSchema,
  CampaignListSchema,
  CoherenceSeriesSchema,
  EngagementSeriesSchema,
  RcfEventListSchema,
  ReleaseListSchema,
  SceneMembershipListSchema,
  ScenePulseSummarySchema,
  WorkspaceSchema,
} from './payloads.js';
import type { SceneRadarSources, SourceName } from './sources.js';

/** Item schema of every batch method, by source and method name. */
export const BATCH_METHODS = {
  /** MIG, the industry graph ({@link MIGAdapter}). */
  mig: {
    /** One {@link ArtistRecordSchema | artist record} per known slug. */
    getArtists: ArtistRecordSchema,
    /** One {@link ArtistNetworkSchema | network} (tastemakers, collaborators, centrality) per artist. */
    getNetworks: ArtistNetworkSchema,
  },
  /** CMG, the creative graph ({@link CMGAdapter}). */
  cmg: {
    /** Each artist's {@link ReleaseListSchema | release fingerprints}, oldest first. */
    getReleases: ReleaseListSchema,
  },
  /** Fusion, campaigns and engagement ({@link FusionAdapter}). */
  fusion: {
    /** Each artist's {@link CampaignListSchema | campaigns}, oldest first. */
    getCampaigns: CampaignListSchema,
    /** Each artist's daily {@link EngagementSeriesSchema | organic and paid engagement}. */
    getEngagement: EngagementSeriesSchema,
  },
  /** Coverage, the press ({@link CoverageAdapter}). */
  coverage: {
    /** Each artist's {@link ArticleListSchema | press articles}, oldest first. */
    getArticles: ArticleListSchema,
  },
  /** RCF, the real-time feed ({@link RCFAdapter}). */
  rcf: {
    /** Each artist's {@link RcfEventListSchema | real-time events}, oldest first. */
    getEvents: RcfEventListSchema,
  },
  /** IdentityKernel ({@link IdentityKernelAdapter}). */
  identityKernel: {
    /** Each artist's daily {@link CoherenceSeriesSchema | identity coherence}. */
    getCoherence: CoherenceSeriesSchema,
  },
  /** The Scenes Engine as the Talent Radar reads it ({@link ScenesAdapter}). */
  scenes: {
    /** Each artist's {@link SceneMembershipListSchema | scene memberships}, strongest first. */
    getMemberships: SceneMembershipListSchema,
    /** One {@link ScenePulseSummarySchema | pulse summary} per scene. */
    getScenePulses: ScenePulseSummarySchema,
  },
  /** The host's workspaces ({@link WorkspaceSource}). */
  workspaces: {
    /** One {@link WorkspaceSchema | workspace} per known id. */
    getWorkspaces: WorkspaceSchema,
  },
} as const satisfies { [S in SourceName]: Record<string, z.ZodType> };

/** Names of the batch methods of source `S`. */
export type BatchMethodName<S extends SourceName> = keyof (typeof BATCH_METHODS)[S] & string;

/** The item type a batch method returns (inferred from its schema). */
export type BatchItem<S extends SourceName, M extends BatchMethodName<S>> = z.infer<
  Extract<(typeof BATCH_METHODS)[S][M], z.ZodType>
>;

/** The options a batch method takes (windowed or not). */
export type BatchOptions<S extends SourceName, M extends BatchMethodName<S>> =
  NonNullable<SceneRadarSources[S]> extends infer A
    ? M extends keyof A
      ? A[M] extends (keys: readonly string[], options: infer O) => unknown
        ? O
        : never
      : never
    : never;
