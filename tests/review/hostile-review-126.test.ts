/**
 * Hostile review 126: a newcomer host's first integration, from README.md, docs/getting-started.md,
 * docs/adapters.md, docs/scenes.md, docs/http-api.md and docs/cli.md only. Hand-written MIG, RCF
 * and Fusion adapters over four artists of a label's own data (no CMG, no Coverage), checked with
 * the conformance suites, then `createSceneRadar`, `importCatalog`, `refresh`, the scene pulses,
 * trends and backfill, the Talent pulse, an artist profile and the HTTP API kit
 * (`createFetchHandler`), and what a newcomer sees when a step is wrong.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: a source the host
 * does not have no longer holds trend rows back), for the reason their name states; the others
 * pin behaviour found correct.
 */
import { describe, expect, it } from 'vitest';
import {
  type ArtistRecord,
  createSceneRadar,
  type EngagementSeries,
  type FusionAdapter,
  fixedClock,
  isSceneRadarError,
  type MIGAdapter,
  type RCFAdapter,
  type RcfEvent,
  type SceneRadar,
  type SceneRadarConfigInput,
  type SceneRadarSources,
  type TastemakerLink,
} from '../../src/index.js';
import { createFetchHandler, createMemoryRateLimiter } from '../../src/api/index.js';
import {
  fusionContractSuite,
  migContractSuite,
  rcfContractSuite,
  registerContractSuite,
} from '../../src/testing/index.js';

// ------------------------------------------------------------------ the label's own data

const DAY_MS = 86_400_000;
const AS_OF = '2026-03-01T00:00:00.000Z';
const AS_OF_MS = Date.parse(AS_OF);
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const addDays = (day: string, n: number): string => dayOf(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);
/** The instant a value dated by a bare day becomes known: the end of that day (docs/adapters.md rule 3). */
const knownAt = (at: string): number =>
  /^\d{4}-\d{2}-\d{2}$/.test(at) ? Date.parse(`${at}T00:00:00Z`) + DAY_MS : Date.parse(at);

interface LabelData {
  readonly artists: readonly ArtistRecord[];
  readonly tastemakers: Readonly<Record<string, readonly TastemakerLink[]>>;
  readonly events: Readonly<Record<string, readonly RcfEvent[]>>;
  /** Organic engagement per day from `start`; paid is 0. */
  readonly engagement: Readonly<
    Record<string, { readonly start: string; readonly organic: readonly (number | null)[] }>
  >;
}

const ARTISTS: ArtistRecord[] = [
  {
    slug: 'nova-static',
    name: 'Nova Static',
    homeRegion: 'uk',
    homeCity: 'brighton',
    firstSeen: '2025-01-01T00:00:00Z',
    debut: '2024-06-01',
  },
  {
    slug: 'pale-harbour',
    name: 'Pale Harbour',
    homeRegion: 'uk',
    homeCity: 'brighton',
    firstSeen: '2025-01-01T00:00:00Z',
  },
  { slug: 'quiet-engine', name: 'Quiet Engine', homeRegion: 'uk', homeCity: null, firstSeen: '2025-01-01T00:00:00Z' },
  { slug: 'far-signal', name: 'Far Signal', homeRegion: 'us', homeCity: 'new-york', firstSeen: '2025-01-01T00:00:00Z' },
];

function labelData(options: { readonly silent?: readonly string[] } = {}): LabelData {
  const silent = new Set(options.silent ?? []);
  const events: Record<string, RcfEvent[]> = {};
  const engagement: Record<string, { start: string; organic: number[] }> = {};
  for (const a of ARTISTS) {
    if (silent.has(a.slug)) continue;
    const k = a.slug === 'nova-static' ? 3 : 1;
    // Playlist adds every third day of Jan-Feb 2026, stamped at noon.
    events[a.slug] = Array.from({ length: 20 }, (_, i) => ({
      id: `${a.slug}-e${i}`,
      type: 'playlist_add' as const,
      at: `${addDays('2026-01-01', 3 * i)}T12:00:00Z`,
      weight: a.slug === 'nova-static' ? 10 + 3 * i : 5,
      region: 'gb',
    }));
    // A year and a bit of daily organic engagement ending on the last complete day (2026-02-28).
    const start = '2025-01-01';
    const n = Math.round((Date.parse('2026-02-28') - Date.parse(start)) / DAY_MS) + 1;
    engagement[a.slug] = { start, organic: Array.from({ length: n }, (_, i) => 100 + k * i) };
  }
  return {
    artists: ARTISTS,
    tastemakers: { 'nova-static': [{ tastemaker: 'radio-one', kind: 'radio', weight: 0.5, since: '2026-02-15' }] },
    events,
    engagement,
  };
}

/** Adapters written by hand from docs/adapters.md ("Rules every source follows"). */
function adapters(
  data: LabelData,
  traits: { readonly maxBatchSize?: number; readonly calls?: string[][] } = {},
): { mig: MIGAdapter; rcf: RCFAdapter; fusion: FusionAdapter } {
  const knownArtist = (slug: string, asOf: Date): ArtistRecord | undefined =>
    data.artists.find((a) => a.slug === slug && Date.parse(a.firstSeen) <= asOf.getTime());
  const mig: MIGAdapter = {
    ...(traits.maxBatchSize === undefined ? {} : { maxBatchSize: traits.maxBatchSize }),
    async listArtists(query, { asOf, signal }) {
      signal.throwIfAborted();
      const all = data.artists.filter((a) => Date.parse(a.firstSeen) <= asOf.getTime());
      const start = Number(query.cursor ?? 0);
      const items = all.slice(start, start + query.limit);
      return { items, nextCursor: start + query.limit < all.length ? String(start + query.limit) : null };
    },
    async getArtists(slugs, { asOf, signal }) {
      signal.throwIfAborted();
      traits.calls?.push([...slugs]);
      const out = new Map<string, ArtistRecord>();
      for (const s of slugs) {
        const a = knownArtist(s, asOf);
        if (a) out.set(s, a);
      }
      return out;
    },
    async getNetworks(slugs, { asOf, signal }) {
      signal.throwIfAborted();
      const out = new Map<string, { tastemakers: TastemakerLink[]; collaborators: []; centrality: null }>();
      for (const s of slugs) {
        if (!knownArtist(s, asOf)) continue;
        const links = (data.tastemakers[s] ?? []).filter((l) => knownAt(l.since) <= asOf.getTime());
        out.set(s, { tastemakers: links, collaborators: [], centrality: null });
      }
      return out;
    },
  };
  const rcf: RCFAdapter = {
    async getEvents(slugs, { asOf, from, signal }) {
      signal.throwIfAborted();
      const out = new Map<string, RcfEvent[]>();
      for (const s of slugs) {
        if (!knownArtist(s, asOf)) continue;
        out.set(
          s,
          (data.events[s] ?? []).filter((e) => knownAt(e.at) <= asOf.getTime() && knownAt(e.at) >= from.getTime()),
        );
      }
      return out;
    },
  };
  const fusion: FusionAdapter = {
    async getCampaigns(slugs, { asOf, signal }) {
      signal.throwIfAborted();
      const out = new Map<string, []>();
      for (const s of slugs) if (knownArtist(s, asOf)) out.set(s, []);
      return out;
    },
    async getEngagement(slugs, { asOf, from, signal }) {
      signal.throwIfAborted();
      // The last complete day before asOf: the day whose end is at or before asOf.
      const lastDay = dayOf(Math.floor(asOf.getTime() / DAY_MS) * DAY_MS - DAY_MS);
      const out = new Map<string, EngagementSeries>();
      for (const s of slugs) {
        const e = data.engagement[s];
        if (!knownArtist(s, asOf) || !e) continue;
        const start = dayOf(Math.max(Date.parse(e.start), Math.floor(from.getTime() / DAY_MS) * DAY_MS));
        const i0 = Math.round((Date.parse(start) - Date.parse(e.start)) / DAY_MS);
        const i1 = Math.round((Date.parse(lastDay) - Date.parse(e.start)) / DAY_MS) + 1;
        const organic = e.organic.slice(Math.max(0, i0), Math.max(0, i1));
        out.set(s, { start, organic, paid: organic.map(() => 0) });
      }
      return out;
    },
  };
  return { mig, rcf, fusion };
}

const CATALOG = {
  scenes: [
    { slug: 'indie-uk-brighton', name: 'Brighton Indie', region: 'uk', city: 'brighton', microgenres: ['indie-pop'] },
    { slug: 'indie-uk', name: 'UK Indie', region: 'uk', city: null, microgenres: ['indie-pop'] },
  ],
  microgenres: [{ slug: 'indie-pop', name: 'Indie Pop', x: null, y: null }],
};

async function radarOver(sources: SceneRadarSources, config?: SceneRadarConfigInput): Promise<SceneRadar> {
  const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF), ...(config ? { config } : {}) });
  await radar.scenes.importCatalog(CATALOG);
  return radar;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return isSceneRadarError(e) ? e.code : `not a SceneRadarError: ${String(e)}`;
  }
}

const get = (handler: (r: Request) => Promise<Response>, path: string, init?: RequestInit): Promise<Response> =>
  handler(new Request(`http://label.test${path}`, init));

// ------------------------------------------------------------------ conformance (README "checking them with the conformance suites")

const suiteTimes = {
  asOf: new Date(AS_OF),
  earlierAsOf: new Date('2026-02-01T00:00:00Z'),
  from: new Date('2025-06-01T00:00:00Z'),
};
registerContractSuite(
  'review 126: hand-written MIG adapter',
  migContractSuite({
    create: () => adapters(labelData()).mig,
    knownKeys: ['nova-static', 'pale-harbour'],
    ...suiteTimes,
  }),
  { describe, it },
);
registerContractSuite(
  'review 126: hand-written RCF adapter',
  rcfContractSuite({
    create: () => adapters(labelData()).rcf,
    knownKeys: ['nova-static', 'pale-harbour'],
    ...suiteTimes,
  }),
  { describe, it },
);
registerContractSuite(
  'review 126: hand-written Fusion adapter',
  fusionContractSuite({
    create: () => adapters(labelData()).fusion,
    knownKeys: ['nova-static', 'pale-harbour'],
    ...suiteTimes,
  }),
  { describe, it },
);

// ------------------------------------------------------------------ the integration

describe('review 126: a newcomer plugs in MIG + RCF + Fusion of four artists', () => {
  it('refresh reads the whole universe, places the two Brighton artists by place alone, and scores all four', async () => {
    const radar = await radarOver(adapters(labelData()));
    try {
      const report = await radar.refresh();
      expect(report.scenes.memberships.universe).toBe('ok');
      expect(report.scenes.memberships.artists).toBe(4);
      expect(report.scenes.memberships.sources.cmg.absent).toBe(4);
      expect(report.talent.scored).toBe(4);
      expect(report.talent.unscored).toEqual([]);
      const members = await radar.scenes.listMemberships({ sceneSlug: 'indie-uk-brighton' });
      expect(members.items.map((m) => m.artist_slug).sort()).toEqual(['nova-static', 'pale-harbour']);
      for (const m of members.items) {
        // docs/scenes.md: confidence = 0.45 sound + 0.35 place + 0.2 people; place 1 for the scene's city.
        expect(m.place).toBe(1);
        expect(m.sound).toBe(0);
        expect(m.confidence).toBeCloseTo(0.35, 10);
        expect(m.reasons).toContain('place: based in brighton');
      }
    } finally {
      await radar.close();
    }
  });

  it('the scene pulse: heat 0-100, explanation contributions add up to the heat, stage by the documented rule', async () => {
    const radar = await radarOver(adapters(labelData()));
    try {
      await radar.refresh();
      const pulse = await radar.scenes.pulse.getScenePulse('indie-uk-brighton');
      expect(pulse.heat).toBeGreaterThan(0);
      expect(pulse.heat).toBeLessThanOrEqual(100);
      const sum = pulse.explanation.reduce((s, x) => s + x.contribution, 0);
      expect(sum).toBeCloseTo(pulse.heat, 2);
      expect(pulse.total_members).toBe(2);
      expect(pulse.status).toBe('ok');
      // stage: cooling if growth <= -5%; else emerging if heat < 40 ...
      if (pulse.growth > -0.05 && pulse.heat < 40) expect(pulse.stage).toBe('emerging');
      // confidence = evidence share x n / (n + 5) with n = 2 active members and full evidence weight on
      // the two Fusion signals and the MIG one (new_members is the engine's own).
      expect(pulse.confidence).toBeCloseTo(2 / 7, 3);
    } finally {
      await radar.close();
    }
  });

  it('the Talent pulse and a profile: rising list at momentum >= 70, career age from `debut`, null without it, absent sources named', async () => {
    const radar = await radarOver(adapters(labelData()));
    try {
      await radar.refresh();
      const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 20 });
      expect(pulse.summary.totalArtistsTracked).toBe(4);
      for (const a of pulse.topRisingArtists) expect(a.momentum).toBeGreaterThanOrEqual(70);
      for (const a of pulse.topBreakoutCandidates) expect(a.breakout_score).toBeGreaterThanOrEqual(0.4);
      expect(pulse.meta.model_version).toBe('talent-2026.12-1');

      const nova = await radar.talent.aggregator.buildArtistProfile('nova-static');
      const career = nova.explanation.breakout.signals.find((s) => s.signal === 'career_age');
      // docs/scoring.md: careerAgeDays = (asOf - end of the debut day) / 1 day; normalised ln(1 + d / 365.25).
      const days = (AS_OF_MS - Date.parse('2024-06-02T00:00:00Z')) / DAY_MS;
      expect(career?.raw).toBeCloseTo(days, 6);
      expect(career?.normalized).toBeCloseTo(Math.log(1 + days / 365.25), 6);
      expect(nova.explanation.sources.releases?.status).toBe('absent');
      expect(nova.explanation.sources.articles?.status).toBe('absent');
      expect(nova.explanation.sources.events?.status).toBe('ok');

      const pale = await radar.talent.aggregator.buildArtistProfile('pale-harbour');
      const paleCareer = pale.explanation.breakout.signals.find((s) => s.signal === 'career_age');
      expect(paleCareer?.raw).toBeNull();
      expect(paleCareer?.contribution).toBe(0);
    } finally {
      await radar.close();
    }
  });

  it('an artist with no engagement and no event is unscored with its reason, and its profile is 422 TALENT_INSUFFICIENT_DATA', async () => {
    const radar = await radarOver(adapters(labelData({ silent: ['quiet-engine'] })));
    try {
      const report = await radar.refresh();
      expect(report.talent.insufficient).toBe(1);
      expect(report.talent.unscored).toEqual([
        expect.objectContaining({ artistSlug: 'quiet-engine', status: 'insufficient' }),
      ]);
      expect(await codeOf(radar.talent.aggregator.buildArtistProfile('quiet-engine'))).toBe('TALENT_INSUFFICIENT_DATA');
      const handler = createFetchHandler(radar);
      const res = await get(handler, '/api/talent/artists/quiet-engine');
      expect(res.status).toBe(422);
      const body = (await res.json()) as { ok: boolean; error: { code: string; message: string } };
      expect(body.ok).toBe(false);
      expect(body.error.code).toBe('TALENT_INSUFFICIENT_DATA');
      expect(body.error.message).toContain('364 days');
    } finally {
      await radar.close();
    }
  });

  it('a value for the as-of day itself (not yet complete) is not read: scores and heat are those without it', async () => {
    const data = labelData();
    const spiked: LabelData = {
      ...data,
      engagement: Object.fromEntries(
        Object.entries(data.engagement).map(([k, e]) => [k, { start: e.start, organic: [...e.organic, 10_000_000] }]),
      ),
    };
    // Fusion that ignores "last complete day" and hands the as-of day's partial value too.
    const leaky = adapters(spiked);
    const leakyFusion: FusionAdapter = {
      getCampaigns: leaky.fusion.getCampaigns,
      async getEngagement(slugs, options) {
        const out = new Map<string, EngagementSeries>();
        for (const s of slugs) {
          const e = spiked.engagement[s];
          if (e) out.set(s, { start: e.start, organic: [...e.organic], paid: e.organic.map(() => 0) });
        }
        void options;
        return out;
      },
    };
    const honest = await radarOver(adapters(data));
    const overeager = await radarOver({ ...leaky, fusion: leakyFusion });
    try {
      await honest.refresh();
      await overeager.refresh();
      const a = await honest.talent.aggregator.buildArtistProfile('pale-harbour');
      const b = await overeager.talent.aggregator.buildArtistProfile('pale-harbour');
      expect(b.artist.momentum).toBe(a.artist.momentum);
      expect(b.artist.breakout_score).toBe(a.artist.breakout_score);
      expect((await overeager.scenes.pulse.getScenePulse('indie-uk-brighton')).heat).toBe(
        (await honest.scenes.pulse.getScenePulse('indie-uk-brighton')).heat,
      );
    } finally {
      await honest.close();
      await overeager.close();
    }
  });

  it('maxBatchSize: 1 makes the gateway split the requests one key per call (docs/adapters.md rule 2)', async () => {
    const calls: string[][] = [];
    const radar = await radarOver(adapters(labelData(), { maxBatchSize: 1, calls }));
    try {
      await radar.refresh();
      expect(calls.length).toBeGreaterThan(0);
      for (const c of calls) expect(c).toHaveLength(1);
    } finally {
      await radar.close();
    }
  });
});

describe('review 126: the HTTP API kit over the label radar', () => {
  it('documented statuses and codes: 200, 404 TALENT_ARTIST_NOT_FOUND, 400 SCENES_VALIDATION_ERROR, 404 region without scenes, 405 with Allow, HEAD without a body', async () => {
    const radar = await radarOver(adapters(labelData()));
    try {
      await radar.refresh();
      const handler = createFetchHandler(radar);
      const pulse = await get(handler, '/api/talent/pulse?limit=20');
      expect(pulse.status).toBe(200);
      const body = (await pulse.json()) as {
        ok: boolean;
        data: { summary: { totalArtistsTracked: number } };
        error: null;
      };
      expect(body.ok).toBe(true);
      expect(body.error).toBeNull();
      expect(body.data.summary.totalArtistsTracked).toBe(4);

      const unknown = await get(handler, '/api/talent/artists/unknown-artist');
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('TALENT_ARTIST_NOT_FOUND');

      const bad = await get(handler, '/api/scenes/invalid-slug-!!!');
      expect(bad.status).toBe(400);
      const badBody = (await bad.json()) as { error: { code: string; details: { code: string; path: string[] }[] } };
      expect(badBody.error.code).toBe('SCENES_VALIDATION_ERROR');
      expect(badBody.error.details[0]).toMatchObject({ code: 'invalid_format', path: ['slug'] });

      const region = await get(handler, '/api/scene-pulse/us');
      expect(region.status).toBe(404);
      expect(((await region.json()) as { error: { code: string } }).error.code).toBe('SCENES_NOT_FOUND');

      const post = await get(handler, '/api/talent/pulse', { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');

      const head = await get(handler, '/api/scenes/indie-uk-brighton/pulse', { method: 'HEAD' });
      const full = await get(handler, '/api/scenes/indie-uk-brighton/pulse');
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect(head.headers.get('content-length')).toBe(String(new TextEncoder().encode(await full.text()).length));

      const members = await get(handler, '/api/scenes/indie-uk-brighton/memberships');
      expect(((await members.json()) as { data: { limit: number; total: number } }).data).toMatchObject({
        limit: 100,
        total: 2,
      });
    } finally {
      await radar.close();
    }
  });

  it('no workspace source: /api/talent/recommendations is 400 TALENT_INVALID_PARAMS; a limit over a lowered cap is 400 *_INVALID_PARAMS naming the setting', async () => {
    const radar = await radarOver(adapters(labelData()), {
      talent: { maxArtistsPerQuery: 5 },
      scenes: { maxScenesPerQuery: 5 },
    });
    try {
      await radar.refresh();
      const handler = createFetchHandler(radar);
      const rec = await get(handler, '/api/talent/recommendations?workspaceId=7f1c2a52-5e0f-4d7e-9a52-1f1e2d3c4b5a');
      expect(rec.status).toBe(400);
      expect(((await rec.json()) as { error: { code: string } }).error.code).toBe('TALENT_INVALID_PARAMS');

      const over = await get(handler, '/api/talent/pulse?limit=10');
      expect(over.status).toBe(400);
      const overBody = (await over.json()) as { error: { code: string; message: string } };
      expect(overBody.error.code).toBe('TALENT_INVALID_PARAMS');
      expect(overBody.error.message).toContain('talent.maxArtistsPerQuery');
      // The default (20) over the cap is lowered to it, not refused.
      expect((await get(handler, '/api/talent/pulse')).status).toBe(200);

      const scenes = await get(handler, '/api/scenes?limit=10');
      expect(scenes.status).toBe(400);
      expect(((await scenes.json()) as { error: { code: string } }).error.code).toBe('SCENES_INVALID_PARAMS');
    } finally {
      await radar.close();
    }
  });
});

// ------------------------------------------------------------------ faults

describe('review 126: a host without Fusion (docs/adapters.md rule 6: every source is optional)', () => {
  it('FAULT: without Fusion, a scene with members never gets a trend row, neither from refresh() nor from backfillTrends() (an absent source makes every populated pulse `degraded`, and only `ok` pulses are written), while the warning blames "a source failed" and promises a backfill fills the day', async () => {
    const { mig, rcf } = adapters(labelData());
    const radar = await radarOver({ mig, rcf });
    try {
      const backfill = await radar.scenes.backfillTrends({ from: '2026-02-20' });
      expect(backfill.skippedDays).toBe(0);
      const report = await radar.refresh();
      // The refresh and the backfill ran over healthy sources: nothing failed.
      expect(report.scenes.memberships.sources.mig.error).toBe(0);
      const populated = await radar.scenes.getSceneTrends('indie-uk-brighton', { days: 10 });
      const empty = await radar.scenes.getSceneTrends('indie-uk', { days: 10 });
      // The empty scene (no members, so no Fusion read) gets every day...
      expect(empty.series.length).toBe(9);
      // ...the scene with members gets none: the assertion that fails.
      expect(populated.series.length).toBe(empty.series.length);
      expect(report.scenes.warnings).toEqual([]);
    } finally {
      await radar.close();
    }
  });

  it('with Fusion, the same backfill and refresh write a trend row for every scene and day, and no warning', async () => {
    const radar = await radarOver(adapters(labelData()));
    try {
      await radar.scenes.backfillTrends({ from: '2026-02-20' });
      const report = await radar.refresh();
      expect(report.scenes.warnings).toEqual([]);
      expect((await radar.scenes.getSceneTrends('indie-uk-brighton', { days: 10 })).series.length).toBe(9);
    } finally {
      await radar.close();
    }
  });

  // When reviewed, a pulse was `degraded` when a source was absent, while the ScenesAdapter's summary
  // of it said `ok`; since, `degraded` means one thing: a read failed or was late (or memberships
  // are unknown, or the pulse is stale). The absent source shows in `sources` and the explanation.
  it('without Fusion the scene pulse and the ScenesAdapter summary of it both say `ok`, and the pulse counts Fusion absent (one meaning of `degraded`)', async () => {
    const { mig, rcf } = adapters(labelData());
    const radar = await radarOver({ mig, rcf });
    try {
      await radar.refresh();
      const pulse = await radar.scenes.pulse.getScenePulse('indie-uk-brighton');
      expect(pulse.status).toBe('ok');
      expect(pulse.sources.fusion?.absent).toBe(2);
      expect(pulse.explanation.find((x) => x.signal === 'member_momentum')?.available).toBe(false);
      const summary = await radar.scenesAdapter.getScenePulses(['indie-uk-brighton'], {
        asOf: new Date(AS_OF),
        signal: new AbortController().signal,
      });
      expect(summary.get('indie-uk-brighton')?.status).toBe('ok');
    } finally {
      await radar.close();
    }
  });
});

// ------------------------------------------------------------------ newcomer traps that are not faults

describe('review 126: what would stop a newcomer (documented, but easy to miss)', () => {
  it('without CMG, a region-wide scene (city null) gets nobody: region-only place is 0.5 x 0.35 = 0.175 < minConfidence 0.3; its pulse is heat 0 with no hint', async () => {
    const radar = await radarOver(adapters(labelData()));
    try {
      const report = await radar.refresh();
      expect(report.scenes.warnings).toEqual([]);
      const members = await radar.scenes.listMemberships({ sceneSlug: 'indie-uk' });
      expect(members.total).toBe(0);
      const pulse = await radar.scenes.pulse.getScenePulse('indie-uk');
      expect(pulse.heat).toBe(0);
      expect(pulse.status).toBe('ok');
      // quiet-engine (uk, no city) is in no scene at all.
      expect((await radar.scenes.listMemberships({ artistSlug: 'quiet-engine' })).total).toBe(0);
    } finally {
      await radar.close();
    }
  });

  // The Scenes warning said only "(error)" when reviewed; it gives the reason since (the health
  // component keeps the status alone: it may be served to anyone).
  it('one MIG record with a bare-day `firstSeen` fails the whole universe walk: nobody is placed or scored; the Talent report and the Scenes warning name the field, /api/health does not', async () => {
    const data = labelData();
    const bad: LabelData = {
      ...data,
      artists: data.artists.map((a) => (a.slug === 'pale-harbour' ? { ...a, firstSeen: '2025-01-01' } : a)),
    };
    const radar = await radarOver(adapters(bad));
    try {
      const report = await radar.refresh();
      expect(report.talent.universe).toBe('error');
      expect(report.talent.scored).toBe(0);
      expect(report.talent.universeReason).toContain('firstSeen');
      expect(report.scenes.memberships.universe).toBe('error');
      expect(report.scenes.memberships.universeReason).toContain('firstSeen');
      expect(report.scenes.warnings.join(' ')).toContain('firstSeen');
      const health = await get(createFetchHandler(radar), '/api/health');
      const h = (await health.json()) as { data: { sources: { name: string; state: string; reason?: string }[] } };
      expect(h.data.sources).toEqual([
        { name: 'mig', state: 'down', reason: 'the artist universe could not be read in the last refresh (error)' },
      ]);
      expect(await codeOf(radar.scenes.pulse.getScenePulse('indie-uk-brighton'))).toBe('SOURCES_UNAVAILABLE');
    } finally {
      await radar.close();
    }
  });

  it('a rate limit on a handler mounted without the Node glue (Next, Hono) and without `key`: every client shares one allowance', async () => {
    const radar = await radarOver(adapters(labelData()));
    try {
      await radar.refresh();
      const handler = createFetchHandler(radar, {
        rateLimit: { limiter: createMemoryRateLimiter({ limit: 2, windowMs: 60_000 }) },
      });
      const from = (ip: string): Promise<Response> =>
        handler(new Request('http://label.test/api/scenes', { headers: { 'x-forwarded-for': ip } }));
      expect((await from('198.51.100.1')).status).toBe(200);
      expect((await from('198.51.100.2')).status).toBe(200);
      // A third, different client is refused: the key fell back to one shared key.
      const third = await from('198.51.100.3');
      expect(third.status).toBe(429);
      expect(((await third.json()) as { error: { code: string } }).error.code).toBe('SCENES_RATE_LIMITED');
    } finally {
      await radar.close();
    }
  });
});
