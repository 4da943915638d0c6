/**
 * @module scenes/types
 * What the Scenes Engine returns. Pulse fields are snake_case like the stored rows they mirror
 * (`scene_trends`), with `asOf` as the seed's API names it.
 */
import type { SceneStage } from '../contracts/payloads.js';
import type { SourceName } from '../contracts/sources.js';
import type { OutcomeCounts } from '../core/gateway/outcome.js';

/** One signal's part in a score: where it came from, its raw and normalised value, its weight. */
export interface ExplanationItem {
  /** Signal name (`member_momentum`). */
  readonly signal: string;
  /** Source it was read from (`fusion`), or `scenes` for the engine's own tables. */
  readonly source: SourceName | 'scenes';
  /** Raw value, in the unit named by `unit`. */
  readonly raw: number;
  /** Unit of `raw`. */
  readonly unit: string;
  /** Normalised value, 0-1. */
  readonly normalized: number;
  /** Weight in the score (0-1; weights of available signals are renormalised to sum to 1). */
  readonly weight: number;
  /** Contribution to the score, in the score's own unit (heat points). */
  readonly contribution: number;
  /** False when the signal's source gave no evidence (it then contributes nothing). */
  readonly available: boolean;
}

/** An artist that drives a scene now. */
export interface ScenePulseArtist {
  /** Artist slug. */
  readonly artist_slug: string;
  /** Membership confidence, 0-1. */
  readonly confidence: number;
  /** Growth of daily organic engagement, last 30 days vs the 30 before (ratio minus one). */
  readonly growth: number;
  /** Mean daily organic engagement over the last 30 days. */
  readonly engagement: number;
  /** Why it is listed. */
  readonly reason: string;
}

/** One microgenre's share of a scene. */
export interface MicrogenreShare {
  /** Microgenre slug. */
  readonly microgenre: string;
  /** Confidence-weighted share among the scene's members, 0-1. */
  readonly share: number;
}

/** Tastemaker attention to a scene's members. */
export interface TastemakerActivity {
  /** Tastemaker links to members that appeared in the current window. */
  readonly new_links: number;
  /** The same in the previous window. */
  readonly previous_new_links: number;
  /** Distinct tastemakers backing members as of the pulse. */
  readonly active_tastemakers: number;
}

/** Paid activity among a scene's members, read from their paid engagement (it never counts towards heat). */
export interface CampaignActivity {
  /** Members with paid (campaign) engagement in the current window. */
  readonly campaigning_members: number;
  /** Paid share of members' engagement in the window, 0-1. */
  readonly paid_share: number;
}

/** How hot and how fast-moving a scene is, as of a time. */
export interface ScenePulseSnapshot {
  /** Scene slug. */
  readonly scene_slug: string;
  /** Scene name. */
  readonly name: string;
  /** Scene region. */
  readonly region: string;
  /** Heat, 0-100. */
  readonly heat: number;
  /** Heat of the previous window (30 days earlier), 0-100. */
  readonly previous_heat: number;
  /** Change of heat against the previous window, relative (0.2 = +20%). */
  readonly growth: number;
  /** Lifecycle stage. */
  readonly stage: SceneStage;
  /** Members (by stored membership) considered. */
  readonly total_members: number;
  /** Members with organic engagement in the last 30 days. */
  readonly active_members: number;
  /** Members whose membership began in the last 30 days. */
  readonly new_members: number;
  /** Members growing fast from a real base. */
  readonly rising_members: number;
  /** Members driving the scene, strongest first. */
  readonly top_artists: readonly ScenePulseArtist[];
  /** Share of each microgenre among members (confidence-weighted), largest first. */
  readonly microgenre_mix: readonly MicrogenreShare[];
  /** Tastemaker links to members that appeared in the last 30 days, and the 30 before. */
  readonly tastemaker_activity: TastemakerActivity;
  /** Members running paid campaigns and the paid share of engagement (last 30 days). */
  readonly campaign_activity: CampaignActivity;
  /** What drove the heat, signal by signal. */
  readonly explanation: readonly ExplanationItem[];
  /** How much of the evidence was available, 0-1. */
  readonly confidence: number;
  /** Outcomes of the source reads behind this pulse. */
  readonly sources: Partial<Record<SourceName, OutcomeCounts>>;
  /** `degraded` when a source was absent, failed or timed out, or when memberships were never computed (`memberships_as_of` null). */
  readonly status: 'ok' | 'degraded';
  /** Instant the pulse is computed as of (ISO). */
  readonly asOf: string;
  /**
   * As-of instant of the membership refresh the members come from (ISO), or null when memberships
   * were never computed (no `refresh()` yet, or none could read the artist universe): the pulse then
   * counts no member, has confidence 0 and is `degraded`.
   */
  readonly memberships_as_of: string | null;
  /** When it was computed (ISO). */
  readonly updated_at: string;
  /** Version of the pulse model. */
  readonly model_version: string;
}

/** How one scene of a batch ended. */
export type SceneItemStatus = 'ok' | 'stale' | 'timeout' | 'error' | 'unavailable' | 'not_found';

/** One scene of a batch: its status and, when there is one, its pulse. */
export interface SceneBatchItem {
  /** Scene slug. */
  readonly slug: string;
  /** `ok`, `stale` (an older pulse was served, with its own `asOf`), `timeout`, `error`, `unavailable` (heat unknown: Fusion failed for every member and no earlier pulse is kept) or `not_found`. */
  readonly status: SceneItemStatus;
  /** The pulse, for `ok` and `stale`. */
  readonly pulse?: ScenePulseSnapshot;
  /** What went wrong, for `timeout`, `error`, `unavailable` and `not_found` (and for `stale`, the failure that made it stale). */
  readonly message?: string;
}

/** A page of results. */
export interface Page<T> {
  /** Items of this page. */
  readonly items: readonly T[];
  /** Total matching items. */
  readonly total: number;
  /** Page size asked for. */
  readonly limit: number;
  /** Items skipped. */
  readonly offset: number;
}
