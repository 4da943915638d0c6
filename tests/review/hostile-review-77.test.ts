/**
 * Hostile review 77: how artists are placed in scenes (sound, place, people, confidence, core,
 * joined_at, hysteresis) and how scenes relate, under odd but contract-valid data.
 * Code under review: src/scenes/memberships.ts, src/scenes/membership-math.ts,
 * src/scenes/relationships.ts, src/scenes/catalog.ts, src/core/region.ts; held to docs/scenes.md.
 *
 * Every test here fails on the code as reviewed, because of the fault its name states. The worlds
 * are hand-made and tiny, served by the in-memory adapters (createEagerDataset, createMemorySources).
 */
import { describe, expect, it } from 'vitest';
import { createEagerDataset } from '../../adapters/memory/eager-dataset.js';
import { createMemorySources, type ArtistHistory } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { memoryScenesStores } from '../../src/stores.js';

const NOW = '2026-11-20T12:00:00.000Z';
const OLD = '2024-01-01T00:00:00.000Z';

interface Spec {
  readonly slug: string;
  readonly region: string;
  readonly city: string | null;
  /** One release per entry, all dated the same day unless given. */
  readonly releases?: readonly { readonly day?: string; readonly genres: readonly string[] }[];
}

function history(s: Spec): ArtistHistory {
  return {
    record: { slug: s.slug, name: s.slug, homeRegion: s.region, homeCity: s.city, firstSeen: OLD },
    tastemakers: [],
    collaborators: [],
    releases: (s.releases ?? []).map((r, k) => ({
      releaseId: `${s.slug}-${k}`,
      releasedAt: r.day ?? '2026-10-01',
      // Fingerprints are all zero: only the microgenres matter for memberships.
      vector: [0, 0],
      microgenres: [...r.genres],
    })),
    campaigns: [],
    engagement: { start: '2026-01-01', organic: [], paid: [] },
    articles: [],
    events: [],
    coherence: { start: '2026-01-01', values: [] },
    memberships: [],
  };
}

interface Catalog {
  readonly scenes: readonly {
    slug: string;
    name: string;
    region: string;
    city: string | null;
    microgenres: string[];
  }[];
  readonly microgenres: readonly { slug: string; name: string; x: number | null; y: number | null }[];
}

/** Imports `catalog`, refreshes once as of NOW over `specs`, returns every stored membership. */
async function membershipsOf(specs: readonly Spec[], catalog: Catalog) {
  const radar = createSceneRadar({
    sources: createMemorySources(createEagerDataset({ histories: specs.map(history) })),
    stores: { scenes: memoryScenesStores() },
    clock: fixedClock(NOW),
  });
  try {
    await radar.scenes.importCatalog(catalog);
    await radar.refresh(new Date(NOW));
    return (await radar.scenes.listMemberships({ limit: 10_000 })).items;
  } finally {
    await radar.close();
  }
}

describe('hostile review 77: placing artists in scenes', () => {
  // Fault: a release tagged with one microgenre twice weighs it twice in the artist's sound (src/scenes/membership-math.ts, artistSound: `w / r.microgenres.length` and the loop over r.microgenres, no de-duplication).
  it('a release that lists one microgenre twice does not weigh it twice: the sound is the same as with the tag once', async () => {
    // docs/scenes.md: "each release spreads weight 0.5^(age / 180 days) over its microgenres,
    // normalised to sum 1"; `overlap` = the artist's weight inside the scene's microgenres. A
    // release's microgenres are a set of tags (the contract does not forbid a repeat, and the
    // gateway passes it through); the catalog refuses a scene that repeats one, and "memberships
    // never counted one twice". A release tagged [g-in, g-in, g-out] is half in the scene, as one
    // tagged [g-in, g-out]: overlap 0.5, and with no sound-map positions sound = overlap = 0.5.
    // Today g-in gets 2/3 of the weight: sound 0.667, and for an artist outside the scene's place
    // the confidence (0.45 x 0.667 = 0.3) crosses the 0.3 threshold, so a half-fitting artist is
    // stored as a member.
    const catalog: Catalog = {
      scenes: [{ slug: 'indie-uk-brighton', name: 'Brighton', region: 'uk', city: 'brighton', microgenres: ['g-in'] }],
      microgenres: [
        { slug: 'g-in', name: 'In', x: null, y: null },
        { slug: 'g-out', name: 'Out', x: null, y: null },
      ],
    };
    const rows = await membershipsOf(
      [
        // Guards: the same sound with each tag once, in the scene's city (a row either way).
        { slug: 'once', region: 'uk', city: 'brighton', releases: [{ genres: ['g-in', 'g-out'] }] },
        { slug: 'twice', region: 'uk', city: 'brighton', releases: [{ genres: ['g-in', 'g-in', 'g-out'] }] },
        // Outside the scene's region: sound alone, 0.45 x 0.5 = 0.225 < 0.3, no row.
        { slug: 'abroad', region: 'us', city: 'austin', releases: [{ genres: ['g-in', 'g-in', 'g-out'] }] },
      ],
      catalog,
    );
    const by = new Map(rows.map((r) => [r.artist_slug, r]));
    expect(by.get('once')?.sound).toBe(0.5);
    expect(by.get('twice')?.sound).toBe(by.get('once')?.sound);
    expect(by.get('twice')?.confidence).toBe(by.get('once')?.confidence);
    expect(by.has('abroad')).toBe(false);
  });

  // Fault: an artist microgenre the scene itself lists, but that has no sound-map position, is dropped from the proximity mean instead of counting at distance 0 (src/scenes/membership-math.ts, SceneScorer.soundScore and soundScore: `if (p === undefined) continue` / `if (!pt) continue`).
  it("an artist 90% in the scene's own (unmapped) microgenre and 10% in a distant one keeps a sound near 0.9, not 0.55", async () => {
    // docs/scenes.md: proximity = "weighted mean of exp(-d / 0.5) where d is the distance from
    // each artist microgenre to the nearest scene microgenre". For a microgenre the scene lists,
    // the nearest scene microgenre is itself: d = 0, position or not. Scene {m, u}: m mapped at
    // (0, 0), u without a position; `far` mapped at (10, 0). Scaled to unit spread (sd 5 on x, 1 on
    // y): far is at distance 2 from m, exp(-2 / 0.5) = 0.0183.
    // Artist 90% u, 10% far: overlap 0.9; proximity 0.9 x 1 + 0.1 x 0.0183 = 0.9018;
    // sound = 0.6 x 0.9 + 0.4 x 0.9018 = 0.901.
    // Today u is left out of the mean, so proximity is far's alone (0.0183) and sound 0.547: while
    // wholly in u the sound is 1, and 90% in the mapped m with the same 10% far it is 0.901. Ten
    // per cent of an unrelated microgenre should not cost an artist almost half its fit just
    // because its main microgenre has no coordinates.
    const catalog: Catalog = {
      scenes: [{ slug: 'mixed-uk-leeds', name: 'Leeds', region: 'uk', city: 'leeds', microgenres: ['m', 'u'] }],
      microgenres: [
        { slug: 'm', name: 'Mapped', x: 0, y: 0 },
        { slug: 'far', name: 'Far', x: 10, y: 0 },
        { slug: 'u', name: 'Unmapped', x: null, y: null },
      ],
    };
    const nine = (g: string) => Array.from({ length: 9 }, () => ({ genres: [g] }));
    const rows = await membershipsOf(
      [
        // Guard: wholly in u, sound 1 (overlap alone).
        { slug: 'all-u', region: 'uk', city: 'leeds', releases: [{ genres: ['u'] }] },
        // Guard: 90% in the mapped m, 10% far: 0.901 by the formula.
        { slug: 'mostly-m', region: 'uk', city: 'leeds', releases: [...nine('m'), { genres: ['far'] }] },
        { slug: 'mostly-u', region: 'uk', city: 'leeds', releases: [...nine('u'), { genres: ['far'] }] },
      ],
      catalog,
    );
    const by = new Map(rows.map((r) => [r.artist_slug, r]));
    expect(by.get('all-u')?.sound).toBe(1);
    expect(by.get('mostly-m')?.sound).toBe(0.901);
    expect(by.get('mostly-u')?.sound).toBe(0.901);
  });
});
