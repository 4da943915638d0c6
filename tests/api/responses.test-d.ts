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
  ExplanationItem,
  GlobalPulse,
  GlobalScenePulse,
  HotScene,
  MicrogenreRow,
  Page,
  ProfileItem,
  PulseArtist,
  RadarAggregator,
  RegionalScenePulse,
  RelatedScene,
  ResultMeta,
  SceneBatchItem,
  SceneMembershipRow,
  ScenePulse,
  SceneRecommendation,
  SceneRecommendations,
  SceneRow,
  ScenesEngine,
  SceneTrendRow,
  SceneTrends,
  ScoreExplanation,
  SignalContribution,
  TalentArtistRow,
  TopArtists,
  WorkspaceRecommendation,
  WorkspaceRecommendations,
} from 'scene-radar';
import type * as R from '../../src/api/responses.js';

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

  it('the normalisation still tells types apart', () => {
    // A guard on the helper: a field of a different type or a missing field is not equal.
    expectTypeOf<DeepReadonly<{ a: string[] }>>().not.toEqualTypeOf<DeepReadonly<{ a: number[] }>>();
    expectTypeOf<DeepReadonly<{ a: string; b?: string }>>().not.toEqualTypeOf<DeepReadonly<{ a: string }>>();
    expectTypeOf<DeepReadonly<{ a: string | null }>>().not.toEqualTypeOf<DeepReadonly<{ a: string }>>();
  });
});
