/**
 * Type-level tests of the response schemas: each schema's output is the engine's TypeScript type.
 * The engines' types use `readonly` arrays while Zod outputs mutable ones, so equality is checked
 * on both sides made deeply readonly; the direction that matters for a client (every parsed value
 * is a valid engine value) is checked as it stands, without normalising.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  ArtistProfile,
  GlobalPulse,
  GlobalScenePulse,
  Page,
  PulseArtist,
  RadarAggregator,
  RegionalScenePulse,
  RelatedScene,
  ResultMeta,
  SceneBatchItem,
  ScenePulse,
  SceneRecommendations,
  ScenesEngine,
  SceneTrends,
  ScoreExplanation,
  TopArtists,
  WorkspaceRecommendations,
} from 'scene-radar';
import type {
  ExplanationItem,
  HotScene,
  ProfileItem,
  SceneRecommendation,
  SignalContribution,
  WorkspaceRecommendation,
} from 'scene-radar/schemas';
import type { MicrogenreRow, SceneMembershipRow, SceneRow, SceneTrendRow, TalentArtistRow } from 'scene-radar/stores';
import type * as R from '../../src/api/responses.js';
import type { OutcomeCounts } from '../../src/core/gateway/outcome.js';
import type * as S from '../../src/scenes/schemas.js';
import type { SceneRecommendationRow } from '../../src/stores/tables.js';
import type * as T from '../../src/talent/schemas.js';
import type { SignalRead } from '../../src/talent/signals-types.js';

/** Readonly all the way down (arrays become `ReadonlyArray`), distributing over unions. */
type DeepReadonly<T> =
  T extends ReadonlyArray<infer U>
    ? ReadonlyArray<DeepReadonly<U>>
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

type Out<S extends z.ZodType> = z.output<S>;
type Returned<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

describe('response schemas infer the engines types', () => {
  it('Scenes Engine catalog', () => {
    expectTypeOf<DeepReadonly<Out<typeof R.SceneResponseSchema>>>().toEqualTypeOf<DeepReadonly<SceneRow>>();
    expectTypeOf<Out<typeof R.SceneResponseSchema>>().toExtend<Returned<ScenesEngine['getScene']>>();
    expectTypeOf<DeepReadonly<Out<typeof R.ScenePageResponseSchema>>>().toEqualTypeOf<DeepReadonly<Page<SceneRow>>>();
    expectTypeOf<Out<typeof R.ScenePageResponseSchema>>().toExtend<Returned<ScenesEngine['listScenes']>>();
    expectTypeOf<DeepReadonly<Out<typeof R.MicrogenreResponseSchema>>>().toEqualTypeOf<DeepReadonly<MicrogenreRow>>();
    expectTypeOf<Out<typeof R.MicrogenreResponseSchema>>().toExtend<Returned<ScenesEngine['getMicrogenre']>>();
    expectTypeOf<DeepReadonly<Out<typeof R.MicrogenrePageResponseSchema>>>().toEqualTypeOf<
      DeepReadonly<Page<MicrogenreRow>>
    >();
    expectTypeOf<Out<typeof R.MicrogenrePageResponseSchema>>().toExtend<Returned<ScenesEngine['listMicrogenres']>>();
    expectTypeOf<DeepReadonly<Out<typeof R.SceneMembershipItemSchema>>>().toEqualTypeOf<
      DeepReadonly<SceneMembershipRow>
    >();
    expectTypeOf<DeepReadonly<Out<typeof R.MembershipPageResponseSchema>>>().toEqualTypeOf<
      DeepReadonly<Page<SceneMembershipRow>>
    >();
    expectTypeOf<Out<typeof R.MembershipPageResponseSchema>>().toExtend<Returned<ScenesEngine['listMemberships']>>();
  });

  it('Scenes Engine pulses', () => {
    type Pulse = Returned<ScenePulse['getScenePulse']>;
    expectTypeOf<DeepReadonly<Out<typeof R.ScenePulseResponseSchema>>>().toEqualTypeOf<DeepReadonly<Pulse>>();
    expectTypeOf<Out<typeof R.ScenePulseResponseSchema>>().toExtend<Pulse>();
    expectTypeOf<DeepReadonly<Out<typeof R.ExplanationItemSchema>>>().toEqualTypeOf<DeepReadonly<ExplanationItem>>();
    expectTypeOf<DeepReadonly<Out<typeof R.SceneBatchItemSchema>>>().toEqualTypeOf<DeepReadonly<SceneBatchItem>>();
    expectTypeOf<DeepReadonly<Out<typeof R.SceneBatchResponseSchema>>>().toEqualTypeOf<
      DeepReadonly<Returned<ScenePulse['batchProcessScenes']>>
    >();
    expectTypeOf<Out<typeof R.SceneBatchResponseSchema>>().toExtend<Returned<ScenePulse['batchProcessScenes']>>();
    expectTypeOf<DeepReadonly<Out<typeof R.GlobalScenePulseResponseSchema>>>().toEqualTypeOf<
      DeepReadonly<GlobalScenePulse>
    >();
    expectTypeOf<Out<typeof R.GlobalScenePulseResponseSchema>>().toExtend<Returned<ScenePulse['getGlobalPulse']>>();
    expectTypeOf<DeepReadonly<Out<typeof R.RegionalScenePulseResponseSchema>>>().toEqualTypeOf<
      DeepReadonly<RegionalScenePulse>
    >();
    expectTypeOf<Out<typeof R.RegionalScenePulseResponseSchema>>().toExtend<Returned<ScenePulse['getRegionalPulse']>>();
  });

  it('Scenes Engine trends, relationships, recommendations', () => {
    expectTypeOf<DeepReadonly<Out<typeof R.SceneTrendSnapshotSchema>>>().toEqualTypeOf<DeepReadonly<SceneTrendRow>>();
    expectTypeOf<DeepReadonly<Out<typeof R.SceneTrendsResponseSchema>>>().toEqualTypeOf<DeepReadonly<SceneTrends>>();
    expectTypeOf<Out<typeof R.SceneTrendsResponseSchema>>().toExtend<Returned<ScenesEngine['getSceneTrends']>>();
    expectTypeOf<DeepReadonly<Out<typeof R.RelatedSceneSchema>>>().toEqualTypeOf<DeepReadonly<RelatedScene>>();
    expectTypeOf<DeepReadonly<Out<typeof R.RelatedScenesResponseSchema>>>().toEqualTypeOf<
      DeepReadonly<RelatedScene[]>
    >();
    expectTypeOf<Out<typeof R.RelatedScenesResponseSchema>>().toExtend<Returned<ScenesEngine['getRelatedScenes']>>();
    expectTypeOf<DeepReadonly<Out<typeof R.SceneRecommendationSchema>>>().toEqualTypeOf<
      DeepReadonly<SceneRecommendation>
    >();
    expectTypeOf<DeepReadonly<Out<typeof R.SceneRecommendationsResponseSchema>>>().toEqualTypeOf<
      DeepReadonly<SceneRecommendations>
    >();
    // SceneRecommendations has mutable fields: here the types are equal without normalising.
    expectTypeOf<Out<typeof R.SceneRecommendationsResponseSchema>>().toEqualTypeOf<
      Returned<ScenesEngine['recommendScenes']>
    >();
  });

  it('Talent Radar', () => {
    expectTypeOf<DeepReadonly<Out<typeof R.PulseArtistSchema>>>().toEqualTypeOf<DeepReadonly<PulseArtist>>();
    expectTypeOf<DeepReadonly<Out<typeof R.HotSceneSchema>>>().toEqualTypeOf<DeepReadonly<HotScene>>();
    expectTypeOf<DeepReadonly<Out<typeof R.ResultMetaSchema>>>().toEqualTypeOf<DeepReadonly<ResultMeta>>();
    expectTypeOf<DeepReadonly<Out<typeof R.GlobalPulseResponseSchema>>>().toEqualTypeOf<DeepReadonly<GlobalPulse>>();
    expectTypeOf<Out<typeof R.GlobalPulseResponseSchema>>().toExtend<Returned<RadarAggregator['buildGlobalPulse']>>();
    expectTypeOf<DeepReadonly<Out<typeof R.TalentArtistSchema>>>().toEqualTypeOf<DeepReadonly<TalentArtistRow>>();
    expectTypeOf<DeepReadonly<Out<typeof R.ArtistMetadataSchema>>>().toEqualTypeOf<
      DeepReadonly<TalentArtistRow['metadata']>
    >();
    expectTypeOf<DeepReadonly<Out<typeof R.ProfileItemSchema>>>().toEqualTypeOf<DeepReadonly<ProfileItem>>();
    expectTypeOf<DeepReadonly<Out<typeof R.SignalContributionSchema>>>().toEqualTypeOf<
      DeepReadonly<SignalContribution>
    >();
    expectTypeOf<DeepReadonly<Out<typeof R.ScoreExplanationSchema>>>().toEqualTypeOf<DeepReadonly<ScoreExplanation>>();
    expectTypeOf<DeepReadonly<Out<typeof R.ArtistProfileResponseSchema>>>().toEqualTypeOf<
      DeepReadonly<ArtistProfile>
    >();
    expectTypeOf<Out<typeof R.ArtistProfileResponseSchema>>().toExtend<
      Returned<RadarAggregator['buildArtistProfile']>
    >();
    expectTypeOf<DeepReadonly<Out<typeof R.TopArtistsResponseSchema>>>().toEqualTypeOf<DeepReadonly<TopArtists>>();
    expectTypeOf<Out<typeof R.TopArtistsResponseSchema>>().toExtend<Returned<RadarAggregator['getTopArtists']>>();
    expectTypeOf<DeepReadonly<Out<typeof R.WorkspaceRecommendationSchema>>>().toEqualTypeOf<
      DeepReadonly<WorkspaceRecommendation>
    >();
    expectTypeOf<DeepReadonly<Out<typeof R.WorkspaceRecommendationsResponseSchema>>>().toEqualTypeOf<
      DeepReadonly<WorkspaceRecommendations>
    >();
    expectTypeOf<Out<typeof R.WorkspaceRecommendationsResponseSchema>>().toExtend<
      Returned<RadarAggregator['getWorkspaceRecommendations']>
    >();
  });

  it('the engines return the inferred types, exactly', () => {
    // The result types are inferred from the schemas (issue 13); the engines must hand out exactly
    // those types, not a wider or narrower hand-written one.
    expectTypeOf<Returned<ScenePulse['getScenePulse']>>().toEqualTypeOf<S.ScenePulseSnapshot>();
    expectTypeOf<Returned<ScenePulse['batchProcessScenes']>>().toEqualTypeOf<S.SceneBatchItem[]>();
    expectTypeOf<Returned<ScenePulse['getGlobalPulse']>>().toEqualTypeOf<S.GlobalScenePulse>();
    expectTypeOf<Returned<ScenePulse['getRegionalPulse']>>().toEqualTypeOf<S.RegionalScenePulse>();
    expectTypeOf<Returned<ScenesEngine['getSceneTrends']>>().toEqualTypeOf<S.SceneTrends>();
    expectTypeOf<Returned<ScenesEngine['getRelatedScenes']>>().toEqualTypeOf<S.RelatedScene[]>();
    expectTypeOf<Returned<ScenesEngine['recommendScenes']>>().toEqualTypeOf<S.SceneRecommendations>();
    expectTypeOf<Returned<ScenesEngine['listScenes']>>().toEqualTypeOf<S.Page<SceneRow>>();
    expectTypeOf<Returned<RadarAggregator['buildGlobalPulse']>>().toEqualTypeOf<T.GlobalPulse>();
    expectTypeOf<Returned<RadarAggregator['buildArtistProfile']>>().toEqualTypeOf<T.ArtistProfile>();
    expectTypeOf<Returned<RadarAggregator['getTopArtists']>>().toEqualTypeOf<T.TopArtists>();
    expectTypeOf<
      Returned<RadarAggregator['getWorkspaceRecommendations']>
    >().toEqualTypeOf<T.WorkspaceRecommendations>();
  });

  it('the inferred types keep the shape the hand-written ones had', () => {
    // Read-only properties and arrays, as the engines' interfaces had them.
    expectTypeOf<S.ScenePulseSnapshot['top_artists']>().toEqualTypeOf<readonly S.ScenePulseArtist[]>();
    expectTypeOf<S.ScenePulseSnapshot['status']>().toEqualTypeOf<'ok' | 'degraded'>();
    expectTypeOf<S.ScenePulseSnapshot['memberships_as_of']>().toEqualTypeOf<string | null>();
    expectTypeOf<S.ScenePulseSnapshot['sources']>().toEqualTypeOf<{
      readonly [K in keyof S.ScenePulseSnapshot['sources']]?: Readonly<OutcomeCounts>;
    }>();
    expectTypeOf<S.ScenePulseSnapshot>().not.toExtend<{ top_artists: unknown[] }>();
    expectTypeOf<S.SceneBatchItem['status']>().toEqualTypeOf<
      'ok' | 'stale' | 'timeout' | 'error' | 'unavailable' | 'not_found'
    >();
    expectTypeOf<S.SceneBatchItem['pulse']>().toEqualTypeOf<S.ScenePulseSnapshot | undefined>();
    expectTypeOf<S.Page<SceneRow>['items']>().toEqualTypeOf<readonly SceneRow[]>();
    // Stored rows keep their own mutable types inside a payload (the deliberate exceptions).
    expectTypeOf<S.SceneTrends['series']>().toEqualTypeOf<readonly SceneTrendRow[]>();
    expectTypeOf<T.ArtistProfile['artist']>().toEqualTypeOf<TalentArtistRow>();
    expectTypeOf<S.SceneRecommendation>().toEqualTypeOf<Omit<SceneRecommendationRow, 'subject'>>();
    expectTypeOf<S.SceneRecommendations['items']>().toEqualTypeOf<S.SceneRecommendation[]>();
    // Keys kept in step with the types they mirror.
    expectTypeOf<keyof T.ScoreExplanation['sources']>().toEqualTypeOf<SignalRead>();
    expectTypeOf<T.ReadOutcome['status']>().toEqualTypeOf<keyof OutcomeCounts>();
    expectTypeOf<T.TopArtists['category']>().toEqualTypeOf<'rising' | 'breakout' | 'risk'>();
    expectTypeOf<T.WorkspaceRecommendation>().toExtend<T.PulseArtist>();
    expectTypeOf<T.SignalContribution['raw']>().toEqualTypeOf<number | null>();
    expectTypeOf<keyof T.ResultMeta>().toEqualTypeOf<'asOf' | 'model_version' | 'degraded' | 'stale' | 'failedReads'>();
    expectTypeOf<T.ResultMeta['failedReads']['mig']>().toEqualTypeOf<number | undefined>();
  });

  it('the normalisation still tells types apart', () => {
    // A guard on the helper: a field of a different type or a missing field is not equal.
    expectTypeOf<DeepReadonly<{ a: string[] }>>().not.toEqualTypeOf<DeepReadonly<{ a: number[] }>>();
    expectTypeOf<DeepReadonly<{ a: string; b?: string }>>().not.toEqualTypeOf<DeepReadonly<{ a: string }>>();
    expectTypeOf<DeepReadonly<{ a: string | null }>>().not.toEqualTypeOf<DeepReadonly<{ a: string }>>();
  });
});
