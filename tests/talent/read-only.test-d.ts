import { describe, expectTypeOf, it } from 'vitest';
import type {
  ArtistProfile,
  GlobalPulse,
  ReadOnlyTalentRadar,
  SceneRadar,
  TopArtists,
  TopCategory,
  WorkspaceRecommendations,
} from 'scene-radar';

declare const facade: ReadOnlyTalentRadar;

describe('ReadOnlyTalentRadar (what A&R Radar gets) can only read', () => {
  it('has exactly the five reads', () => {
    expectTypeOf<keyof ReadOnlyTalentRadar>().toEqualTypeOf<
      'getGlobalPulse' | 'getArtistProfile' | 'getTopArtists' | 'getArtistScores' | 'getWorkspaceRecommendations'
    >();
    expectTypeOf<SceneRadar['readOnly']>().toEqualTypeOf<ReadOnlyTalentRadar>();
  });

  it('has no refresh, cache control, calibration or model setter', () => {
    expectTypeOf<ReadOnlyTalentRadar>().not.toHaveProperty('refresh');
    expectTypeOf<ReadOnlyTalentRadar>().not.toHaveProperty('clearCache');
    expectTypeOf<ReadOnlyTalentRadar>().not.toHaveProperty('calibrate');
    expectTypeOf<ReadOnlyTalentRadar>().not.toHaveProperty('setBreakoutModel');
    expectTypeOf<ReadOnlyTalentRadar>().not.toHaveProperty('aggregator');
    expectTypeOf<ReadOnlyTalentRadar>().not.toHaveProperty('signals');
    // @ts-expect-error no refresh on the read-only view
    void facade.refresh;
    // @ts-expect-error no clearCache on the read-only view
    void facade.clearCache;
  });

  it('takes no skipCache, in any form', () => {
    expectTypeOf<NonNullable<Parameters<ReadOnlyTalentRadar['getGlobalPulse']>[0]>>().not.toHaveProperty('skipCache');
    expectTypeOf<Parameters<ReadOnlyTalentRadar['getTopArtists']>[0]>().not.toHaveProperty('skipCache');
    expectTypeOf<NonNullable<Parameters<ReadOnlyTalentRadar['getWorkspaceRecommendations']>[1]>>().not.toHaveProperty(
      'skipCache',
    );
    expectTypeOf<ReadOnlyTalentRadar['getArtistProfile']>().parameters.toEqualTypeOf<[artistSlug: string]>();
    // @ts-expect-error skipCache is not an option of the read-only pulse
    void facade.getGlobalPulse({ skipCache: true });
    // @ts-expect-error nor the seed's boolean form
    void facade.getGlobalPulse(true);
    // @ts-expect-error nor a second argument to the profile
    void facade.getArtistProfile('artist-a', true);
    // @ts-expect-error nor an options object
    void facade.getArtistProfile('artist-a', { skipCache: true });
    // @ts-expect-error nor on top lists
    void facade.getTopArtists({ category: 'rising', skipCache: true });
    // @ts-expect-error nor on workspace recommendations
    void facade.getWorkspaceRecommendations('3c562511-537c-4249-99f8-4c207b0f0a9b', { skipCache: true });
    // What is allowed still compiles.
    void facade.getGlobalPulse({ limit: 20 });
    void facade.getTopArtists({ category: 'breakout', limit: 5 });
  });

  it('returns the seed shapes', () => {
    expectTypeOf(facade.getGlobalPulse).returns.resolves.toEqualTypeOf<GlobalPulse>();
    expectTypeOf(facade.getArtistProfile).returns.resolves.toEqualTypeOf<ArtistProfile>();
    expectTypeOf(facade.getTopArtists).returns.resolves.toEqualTypeOf<TopArtists>();
    expectTypeOf(facade.getWorkspaceRecommendations).returns.resolves.toEqualTypeOf<WorkspaceRecommendations>();
    expectTypeOf<Parameters<ReadOnlyTalentRadar['getTopArtists']>[0]['category']>().toEqualTypeOf<TopCategory>();
  });

  it('its members cannot be reassigned', () => {
    // @ts-expect-error readonly member
    // biome-ignore lint/correctness/noSelfAssign: the assignment is the test (it must not compile)
    facade.getGlobalPulse = facade.getGlobalPulse;
  });
});
