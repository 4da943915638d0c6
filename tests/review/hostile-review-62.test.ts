/**
 * Hostile review 62: the Talent Radar's read side (profiles, similar artists, stored scores) on
 * the demo world, held to docs/scoring.md. Every test here fails on the code as reviewed, because
 * of the fault its name states.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import type { CMGAdapter } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';

const T1 = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 40, end: '2026-11-25' });
const slugs = world.dataset.artistSlugs();
// The first artist of the demo world: 9 releases, a collaborator in its own scene (pastel-arcade).
const target = slugs[0]!;

type Release = { vector: number[] } & Record<string, unknown>;
const zeroed = (rs: unknown): Release[] => (rs as Release[]).map((r) => ({ ...r, vector: r.vector.map(() => 0) }));

/**
 * A radar whose CMG answers the given artists' releases with all-zero fingerprints (every release
 * of theirs then has the very same fingerprint); `failOthers()` makes later CMG reads that do not
 * ask for `target` fail (the similar artists' candidate read).
 */
async function radarWith(zeroFor: readonly string[]) {
  const cmg0 = world.sources.cmg;
  let failOthers = false;
  const cmg: CMGAdapter = {
    ...cmg0,
    getReleases: async (keys, o) => {
      if (failOthers && !keys.includes(target)) throw new Error('cmg down');
      const out = new Map(await cmg0.getReleases(keys, o));
      for (const s of zeroFor) if (out.has(s)) out.set(s, zeroed(out.get(s)) as never);
      return out as never;
    },
  };
  const radar = createSceneRadar({ sources: { ...world.sources, cmg }, clock: fixedClock(T1) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  return { radar, failOthers: () => (failOthers = true) };
}

describe('hostile review 62: Talent read side', () => {
  it('an artist whose releases all carry the same (all-zero) fingerprint is shown a full creative shift and a "Creative fingerprint jumps from release to release" risk', async () => {
    // features.ts distance(): 1 - cosine, and cosine() answers 0 for a zero vector, so two
    // identical fingerprints are "as far apart as can be": creative_shift 1, drift 1, the drift
    // risk at full strength (risk_score 0.33 instead of 0.04). Identical fingerprints have not moved.
    const { radar } = await radarWith([target]);
    const profile = await radar.talent.aggregator.buildArtistProfile(target);
    const stored = (await radar.talent.aggregator.getArtistScores([target])).artists[0]!;
    expect({
      profileShift: profile.artist.creative_shift,
      storedShift: stored.creative_shift,
      driftRisk: profile.risks.find((r) => r.type === 'drift') ?? null,
    }).toEqual({ profileShift: 0, storedShift: 0, driftRisk: null });
  });

  it('similar artists: two artists with identical (all-zero) fingerprints are ranked as if their sound were opposite, below what an unknown sound gives', async () => {
    // similar.ts: sound = max(0, cosine(own, theirs)) = 0 for zero vectors, counted with its 0.4
    // weight: the similarity falls to (0.35 scene + 0.25 graph) / 1, whereas docs/scoring.md
    // leaves an unknown sound and its weight out ((0.35 scene + 0.25 graph) / 0.6). Identical
    // fingerprints can only be "same sound" or "sound unknown", never "nothing alike".
    const candidate = 'pastel-arcade';
    const a = await radarWith([target, candidate]);
    const withZeroSound = await a.radar.talent.aggregator.buildArtistProfile(target);
    const b = await radarWith([target, candidate]);
    b.failOthers(); // the candidates' fingerprint read fails: their sound is unknown
    const withUnknownSound = await b.radar.talent.aggregator.buildArtistProfile(target);
    const sim = (p: typeof withZeroSound) => p.similarArtists.find((s) => s.artist_slug === candidate)?.similarity;
    expect(sim(withUnknownSound)).toBeGreaterThan(0);
    expect(sim(withZeroSound)).toBeGreaterThanOrEqual(sim(withUnknownSound)!);
  });

  it('an artist for whom every source answered, with a long history, has confidence 1 (evidence weights sum to 1), not 0.9999999999999999', async () => {
    // feature-table.ts sums 0.3 + 0.15 + 0.15 + 0.1 + 0.1 + 0.1 + 0.1 in floating point:
    // 0.9999999999999999. docs/scoring.md: confidence = evidence x history, the weights of the
    // sources that answered; all seven answered and history is 1 (55+ days), so 1.
    const { radar } = await radarWith([]);
    const scored = await radar.talent.scoreArtists([target]);
    const stored = (await radar.talent.aggregator.getArtistScores([target])).artists[0]!;
    const profile = await radar.talent.aggregator.buildArtistProfile(target);
    expect(scored.artists[0]!.problems).toEqual([]);
    expect(Object.values(profile.explanation.sources).every((s) => s.status === 'ok')).toBe(true);
    expect({
      scored: scored.artists[0]!.confidence,
      stored: stored.confidence,
      profile: profile.explanation.confidence,
    }).toEqual({
      scored: 1,
      stored: 1,
      profile: 1,
    });
  });
});
