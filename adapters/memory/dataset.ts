/**
 * @module adapters/memory/dataset
 * What the in-memory sources serve: a dataset of full artist histories. The sources apply "as of"
 * (and the requested window) in one place, so any dataset, eager or generated on demand, gets the
 * same as-of behaviour.
 */
import type {
  Article,
  ArtistRecord,
  Campaign,
  CoherenceSeries,
  CollaboratorLink,
  EngagementSeries,
  RcfEvent,
  ReleaseFingerprint,
  SceneMembership,
  ScenePulseSummary,
  TastemakerLink,
  Workspace,
} from '../../src/contracts/payloads.js';

/** A scene membership with the day it began (memberships appear over time). */
export interface DatedMembership extends SceneMembership {
  /** First day the membership holds. */
  readonly since: string;
}

/** Everything recorded about one artist, over the dataset's whole time span. */
export interface ArtistHistory {
  /** The artist record (its `firstSeen` is when it enters the universe). */
  readonly record: ArtistRecord;
  /** Tastemaker links, any date (sources keep those with `since <= asOf`). */
  readonly tastemakers: readonly TastemakerLink[];
  /** Collaborations, any date. */
  readonly collaborators: readonly CollaboratorLink[];
  /** Releases, oldest first. */
  readonly releases: readonly ReleaseFingerprint[];
  /** Campaigns, oldest first. */
  readonly campaigns: readonly Campaign[];
  /** Daily engagement over the dataset's span. */
  readonly engagement: EngagementSeries;
  /** Press articles, oldest first. */
  readonly articles: readonly Article[];
  /** Real-time events, oldest first. */
  readonly events: readonly RcfEvent[];
  /** Daily identity coherence over the dataset's span. */
  readonly coherence: CoherenceSeries;
  /** Scene memberships, strongest first, each with the day it began. */
  readonly memberships: readonly DatedMembership[];
}

/** A source of artist histories, scenes and workspaces for {@link createMemorySources}. */
export interface MemoryDataset {
  /** Every artist slug, in a stable order (including artists that appear later in time). */
  artistSlugs(): readonly string[];
  /** The artist record alone (cheap: used to page the universe). */
  artistRecord(slug: string): ArtistRecord | undefined;
  /** An artist's full history. */
  artistHistory(slug: string): ArtistHistory | undefined;
  /** Every scene slug the dataset knows. */
  sceneSlugs(): readonly string[];
  /** A scene's pulse as of an instant, or undefined if the scene is unknown or not yet active. */
  scenePulse(sceneSlug: string, asOf: Date): ScenePulseSummary | undefined;
  /** A workspace by id. */
  workspace(id: string): Workspace | undefined;
}
