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
  mig: { getArtists: ArtistRecordSchema, getNetworks: ArtistNetworkSchema },
  cmg: { getReleases: ReleaseListSchema },
  fusion: { getCampaigns: CampaignListSchema, getEngagement: EngagementSeriesSchema },
  coverage: { getArticles: ArticleListSchema },
  rcf: { getEvents: RcfEventListSchema },
  identityKernel: { getCoherence: CoherenceSeriesSchema },
  scenes: { getMemberships: SceneMembershipListSchema, getScenePulses: ScenePulseSummarySchema },
  workspaces: { getWorkspaces: WorkspaceSchema },
} as const satisfies { [S in SourceName]: Record<string, z.ZodType> };

/** Names of the batch methods of source `S`. */
export type BatchMethodName<S extends SourceName> = keyof (typeof BATCH_METHODS)[S] & string;

/** The item type a batch method returns (inferred from its schema). */
export type BatchItem<S extends SourceName, M extends BatchMethodName<S>> = z.infer<
  Extract<(typeof BATCH_METHODS)[S][M], z.ZodType>
>;

/** The options a batch method takes (windowed or not). */
export type BatchOptions<S extends SourceName, M extends BatchMethodName<S>> = NonNullable<SceneRadarSources[S]> extends infer A
  ? M extends keyof A
    ? A[M] extends (keys: readonly string[], options: infer O) => unknown
      ? O
      : never
    : never
  : never;
